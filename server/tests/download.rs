//! Download tokens: issuing, single use, expiry, unknown tokens and rate limits.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use trustyconvert_server::Config;

async fn completed_job(s: &Session, ts: &TestServer) -> String {
    let job = upload_png(s, ts).await;
    let r = post_json(
        s,
        ts,
        "/api/convert",
        json!({ "job_id": job, "target_format": "gif" }),
    )
    .await;
    assert_eq!(r.status(), 202);
    assert_eq!(wait_for_job(s, ts, &job).await["status"], "completed");
    job
}

async fn token(s: &Session, ts: &TestServer, job: &str) -> String {
    let r = post_json(s, ts, "/api/download_token", json!({ "job_id": job })).await;
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    body["data"]["download_token"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_single_use_and_expire() {
    let ts = start_with(Config {
        download_token_ttl: Duration::from_secs(1),
        ..test_config()
    })
    .await;
    let s = session(&ts).await;
    let job = completed_job(&s, &ts).await;
    let t = token(&s, &ts, &job).await;
    let r = s
        .client
        .get(ts.url(&format!("/api/download?token={t}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/gif");
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"photo.gif\"; filename*=UTF-8''photo.gif"
    );
    expect_error(
        s.client
            .get(ts.url(&format!("/api/download?token={t}")))
            .send()
            .await
            .unwrap(),
        403,
        "TokenError",
    )
    .await;
    let t2 = token(&s, &ts, &job).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    expect_error(
        s.client
            .get(ts.url(&format!("/api/download?token={t2}")))
            .send()
            .await
            .unwrap(),
        403,
        "TokenError",
    )
    .await;
    expect_error(
        s.client
            .get(ts.url("/api/download?token=made-up"))
            .send()
            .await
            .unwrap(),
        403,
        "TokenError",
    )
    .await;
    expect_error(
        s.client.get(ts.url("/api/download")).send().await.unwrap(),
        400,
        "ValidationError",
    )
    .await;
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_needs_a_completed_job_and_csrf() {
    let ts = start_default().await;
    let s = session(&ts).await;
    let job = upload_png(&s, &ts).await;
    expect_error(
        post_json(&s, &ts, "/api/download_token", json!({ "job_id": job })).await,
        400,
        "ValidationError",
    )
    .await;
    expect_error(
        post_json(&s, &ts, "/api/download_token", json!({})).await,
        400,
        "ValidationError",
    )
    .await;
    let r = s
        .client
        .post(ts.url("/api/download_token"))
        .json(&json!({ "job_id": job }))
        .send()
        .await
        .unwrap();
    expect_error(r, 403, "CSRFValidationError").await;
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_sessions_token_no_longer_downloads() {
    let ts = start_default().await;
    let s = session(&ts).await;
    let job = completed_job(&s, &ts).await;
    let t = token(&s, &ts, &job).await;
    assert_eq!(
        post_json(&s, &ts, "/api/session/close", json!({}))
            .await
            .status(),
        200
    );
    expect_error(
        client()
            .get(ts.url(&format!("/api/download?token={t}")))
            .send()
            .await
            .unwrap(),
        403,
        "TokenError",
    )
    .await;
    assert_eq!(files_on_disk(&ts), 0);
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloads_are_rate_limited() {
    let ts = start_with(Config {
        rate_limits_enabled: true,
        download_rate_per_minute: 2,
        ..test_config()
    })
    .await;
    let c = client();
    for _ in 0..2 {
        expect_error(
            c.get(ts.url("/api/download?token=x")).send().await.unwrap(),
            403,
            "TokenError",
        )
        .await;
    }
    let r = c.get(ts.url("/api/download?token=x")).send().await.unwrap();
    assert!(r.headers().contains_key("retry-after"));
    expect_error(r, 429, "RateLimitExceeded").await;
    ts.stop().await;
}
