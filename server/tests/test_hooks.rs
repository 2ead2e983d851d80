//! The test hooks: absent without the flag, counters, faults (API and static files), reset, wipe.

mod common;

use common::*;
use serde_json::{json, Value};
use trustyconvert_server::Config;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hooks_are_404_without_the_flag() {
    let ts = start_with(Config {
        test_hooks: false,
        ..test_config()
    })
    .await;
    let c = client();
    expect_error(
        c.get(ts.url("/api/__test/counters")).send().await.unwrap(),
        404,
        "ResourceNotFound",
    )
    .await;
    for hook in [
        "expire",
        "rotate",
        "fault",
        "when",
        "upload_rate",
        "reset",
        "wipe",
    ] {
        let r = c
            .post(ts.url(&format!("/api/__test/{hook}")))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        expect_error(r, 404, "ResourceNotFound").await;
    }
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_count_routes_without_query_and_not_themselves() {
    let ts = start_default().await;
    let s = session(&ts).await;
    let job = upload_png(&s, &ts).await;
    job_status(&s, &ts, &job).await;
    job_status(&s, &ts, "bad").await;
    let c = ts.counters().await;
    assert_eq!(
        c["requests"]["GET /api/job_status"],
        json!({ "200": 1, "400": 1 })
    );
    assert_eq!(c["requests"]["POST /api/upload"], json!({ "201": 1 }));
    assert!(c["requests"]
        .as_object()
        .unwrap()
        .keys()
        .all(|k| !k.contains("__test")));
    assert_eq!(
        (
            c["sessions"].as_u64(),
            c["jobs"].as_u64(),
            c["files"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    ts.hook("reset", json!({})).await;
    let c = ts.counters().await;
    assert_eq!(c["requests"], json!({}));
    assert_eq!(c["session_init_calls"], 0);
    assert_eq!(c["jobs"], 1, "reset keeps the data");
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_answer_the_next_matching_requests() {
    let ts = start_default().await;
    let s = session(&ts).await;
    ts.hook(
        "fault",
        json!({ "path": "/api/job_status", "count": 2, "status": 502, "body": "<html>Bad gateway</html>",
                "content_type": "text/html", "headers": { "Retry-After": "3" } }),
    )
    .await;
    for _ in 0..2 {
        let r = job_status(&s, &ts, &new_job_id()).await;
        assert_eq!(r.status(), 502);
        assert_eq!(r.headers()["content-type"], "text/html");
        assert_eq!(r.headers()["retry-after"], "3");
        assert_eq!(r.text().await.unwrap(), "<html>Bad gateway</html>");
    }
    assert_eq!(job_status(&s, &ts, &new_job_id()).await.status(), 404);
    // Malformed JSON, method filter, prefix match on static files.
    ts.hook("fault", json!({ "path": "/api/convert", "method": "POST", "status": 500, "body": "{\"success\": fa" }))
        .await;
    let r = post_json(&s, &ts, "/api/convert", json!({})).await;
    assert_eq!(r.status(), 500);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.text().await.unwrap(), "{\"success\": fa");
    ts.hook(
        "fault",
        json!({ "path": "/trustyconvert-web-*", "status": 404, "body": "" }),
    )
    .await;
    let r = client()
        .get(ts.url("/trustyconvert-web-abc_bg.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let c = ts.counters().await;
    assert_eq!(
        c["requests"]["GET /api/job_status"],
        json!({ "502": 2, "404": 1 })
    );
    assert_eq!(
        c["requests"]["GET /trustyconvert-web-abc_bg.wasm"],
        json!({ "404": 1 })
    );
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_fault_is_answered_after_the_body() {
    let ts = start_default().await;
    let s = session(&ts).await;
    ts.hook(
        "fault",
        json!({ "path": "/api/upload", "status": 503, "body": "" }),
    )
    .await;
    let mut file = png(4, 4);
    file.resize(8 * 1024 * 1024, 0);
    let r = upload(&s, &ts, &new_job_id(), "a.png", file).await;
    assert_eq!(r.status(), 503);
    assert_eq!(files_on_disk(&ts), 0);
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wipe_forgets_everything_and_expire_all_works() {
    let ts = start_default().await;
    let s = session(&ts).await;
    let job = upload_png(&s, &ts).await;
    let other = session(&ts).await;
    let body: Value = ts.hook("expire", json!({})).await;
    assert_eq!(body["data"]["expired"], 2);
    expect_error(
        job_status(&other, &ts, &job).await,
        401,
        "SessionValidationError",
    )
    .await;
    ts.hook("wipe", json!({})).await;
    let c = ts.counters().await;
    assert_eq!(
        (
            c["sessions"].as_u64(),
            c["jobs"].as_u64(),
            c["files"].as_u64()
        ),
        (Some(0), Some(0), Some(0))
    );
    expect_error(
        job_status(&s, &ts, &job).await,
        401,
        "SessionValidationError",
    )
    .await;
    let r = client()
        .post(ts.url("/api/__test/expire"))
        .json(&json!({ "session_id": "s-unknown" }))
        .send()
        .await
        .unwrap();
    expect_error(r, 404, "ResourceNotFound").await;
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trigger_expires_sessions_just_before_its_request_once() {
    let ts = start_default().await;
    let s = session(&ts).await;
    let job = upload_png(&s, &ts).await;
    ts.hook(
        "when",
        json!({"path": "/api/convert", "method": "POST", "action": "expire"}),
    )
    .await;
    // Other requests do not fire it.
    assert_eq!(job_status(&s, &ts, &job).await.status(), 200);
    let convert = post_json(
        &s,
        &ts,
        "/api/convert",
        json!({"job_id": job, "target_format": "jpg"}),
    )
    .await;
    expect_error(convert, 401, "SessionValidationError").await;
    // One shot: a new session converts undisturbed.
    let fresh = session(&ts).await;
    let job = upload_png(&fresh, &ts).await;
    let convert = post_json(
        &fresh,
        &ts,
        "/api/convert",
        json!({"job_id": job, "target_format": "jpg"}),
    )
    .await;
    assert_eq!(convert.status(), 202);
    ts.stop().await;
}
