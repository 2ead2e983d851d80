//! Uploads: success, every 400, the size limit and quota (413), content sniffing, file-name
//! sanitising, rate limits and the upload slow-down hook.

mod common;

use std::time::Duration;

use common::*;
use reqwest::multipart::Form;
use serde_json::{json, Value};
use trustyconvert_server::Config;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_stores_the_file_and_reports_the_job() {
    let ts = start_default().await;
    let s = session(&ts).await;
    let job = new_job_id();
    let bytes = png(32, 32);
    let size = bytes.len() as u64;
    let r = upload(&s, &ts, &job, "holiday.png", bytes).await;
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["data"], json!({ "job_id": job, "status": "uploaded" }));
    let status: Value = job_status(&s, &ts, &job).await.json().await.unwrap();
    let d = &status["data"];
    assert_eq!(d["job_id"], job.as_str());
    assert_eq!(d["status"], "uploaded");
    assert_eq!(d["original_filename"], "holiday.png");
    assert_eq!(d["source_format"], "png");
    assert_eq!(d["target_format"], Value::Null);
    assert_eq!(d["file_size"], size);
    assert!(d["created_at"].is_string() && d["updated_at"].is_string());
    assert_eq!(files_on_disk(&ts), 1);
    let counters = ts.counters().await;
    assert_eq!(
        (
            counters["uploads_started"].as_u64(),
            counters["uploads_completed"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(counters["files"], 1);
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_part_may_come_before_the_job_id() {
    let ts = start_default().await;
    let s = session(&ts).await;
    let job = new_job_id();
    let form = Form::new()
        .part("file", file_part(png(8, 8), "a.png"))
        .text("job_id", job.clone());
    let r = post_form(&s, &ts, form).await;
    assert_eq!(r.status(), 201);
    // A non-UUID job id after the file: 400, and the streamed file is gone.
    let form = Form::new()
        .part("file", file_part(png(8, 8), "a.png"))
        .text("job_id", "not-a-uuid");
    let r = post_form(&s, &ts, form).await;
    expect_error(r, 400, "ValidationError").await;
    assert_eq!(files_on_disk(&ts), 1);
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_uploads_are_400() {
    let ts = start_default().await;
    let s = session(&ts).await;
    expect_error(
        upload(&s, &ts, &new_job_id(), "empty.png", Vec::new()).await,
        400,
        "FileValidationError",
    )
    .await;
    expect_error(
        upload(&s, &ts, "12345", "a.png", png(4, 4)).await,
        400,
        "ValidationError",
    )
    .await;
    // A PNG renamed to .pdf is caught by its content.
    let body = expect_error(
        upload(&s, &ts, &new_job_id(), "report.pdf", png(4, 4)).await,
        400,
        "FileValidationError",
    )
    .await;
    assert!(body["error"]["message"].as_str().unwrap().contains("pdf"));
    expect_error(
        upload(&s, &ts, &new_job_id(), "program.exe", b"MZ....".to_vec()).await,
        400,
        "FileValidationError",
    )
    .await;
    let only_file = Form::new().part("file", file_part(png(4, 4), "a.png"));
    let r = post_form(&s, &ts, only_file).await;
    expect_error(r, 400, "ValidationError").await;
    let only_id = Form::new().text("job_id", new_job_id());
    let r = post_form(&s, &ts, only_id).await;
    expect_error(r, 400, "ValidationError").await;
    let not_multipart = s
        .client
        .post(ts.url("/api/upload"))
        .header("X-CSRF-Token", &s.token)
        .body("hello")
        .send()
        .await
        .unwrap();
    expect_error(not_multipart, 400, "ValidationError").await;
    // The same job id twice in one session.
    let job = upload_png(&s, &ts).await;
    expect_error(
        upload(&s, &ts, &job, "again.png", png(4, 4)).await,
        400,
        "ValidationError",
    )
    .await;
    assert_eq!(files_on_disk(&ts), 1);
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_file_names_are_sanitised() {
    let ts = start_default().await;
    let s = session(&ts).await;
    let job = new_job_id();
    assert_eq!(
        upload(&s, &ts, &job, "../../x<script>.png", png(4, 4))
            .await
            .status(),
        201
    );
    let status: Value = job_status(&s, &ts, &job).await.json().await.unwrap();
    let name = status["data"]["original_filename"].as_str().unwrap();
    assert_eq!(name, "x_script_.png");
    let job2 = new_job_id();
    assert_eq!(
        upload(&s, &ts, &job2, "C:\\temp\\..\\evil.png", png(4, 4))
            .await
            .status(),
        201
    );
    let status: Value = job_status(&s, &ts, &job2).await.json().await.unwrap();
    assert_eq!(status["data"]["original_filename"], "evil.png");
    // Nothing escaped the session's folder.
    assert_eq!(files_on_disk(&ts), 2);
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_limit_is_413_and_leaves_no_file() {
    let ts = start_with(Config {
        max_upload_bytes: 1024 * 1024,
        ..test_config()
    })
    .await;
    let s = session(&ts).await;
    let mut big = png(4, 4);
    big.resize(1024 * 1024 + 1, 0);
    expect_error(
        upload(&s, &ts, &new_job_id(), "big.png", big).await,
        413,
        "MaxFileSizeExceededError",
    )
    .await;
    assert_eq!(files_on_disk(&ts), 0);
    let mut exact = png(4, 4);
    exact.resize(1024 * 1024, 0);
    assert_eq!(
        upload(&s, &ts, &new_job_id(), "exact.png", exact)
            .await
            .status(),
        201
    );
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_quota_is_413() {
    let ts = start_with(Config {
        session_quota_bytes: 3000,
        ..test_config()
    })
    .await;
    let s = session(&ts).await;
    let mut file = png(4, 4);
    file.resize(2000, 0);
    assert_eq!(
        upload(&s, &ts, &new_job_id(), "one.png", file.clone())
            .await
            .status(),
        201
    );
    let body = expect_error(
        upload(&s, &ts, &new_job_id(), "two.png", file).await,
        413,
        "StorageQuotaExceededError",
    )
    .await;
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("storage"));
    assert_eq!(files_on_disk(&ts), 1);
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_rate_limited_with_retry_after() {
    let ts = start_with(Config {
        rate_limits_enabled: true,
        upload_rate_per_minute: 2,
        ..test_config()
    })
    .await;
    let s = session(&ts).await;
    upload_png(&s, &ts).await;
    upload_png(&s, &ts).await;
    let r = upload(&s, &ts, &new_job_id(), "c.png", png(4, 4)).await;
    let retry_after: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    let body = expect_error(r, 429, "RateLimitExceeded").await;
    assert_eq!(body["error"]["details"]["retry_after"], retry_after);
    // The hooks' reset refills the buckets.
    ts.hook("reset", json!({})).await;
    upload_png(&s, &ts).await;
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upload_rate_hook_slows_reading() {
    let ts = start_default().await;
    let s = session(&ts).await;
    ts.hook("upload_rate", json!({ "bytes_per_second": 100_000 }))
        .await;
    let mut file = png(4, 4);
    file.resize(100_000, 0);
    let started = std::time::Instant::now();
    assert_eq!(
        upload(&s, &ts, &new_job_id(), "slow.png", file.clone())
            .await
            .status(),
        201
    );
    // 100 kB at 100 kB/s: the throttle alone takes about a second, however fast the machine.
    let slowed = started.elapsed();
    assert!(slowed >= Duration::from_millis(900), "{slowed:?}");
    ts.hook("upload_rate", json!({ "bytes_per_second": null }))
        .await;
    let started = std::time::Instant::now();
    assert_eq!(
        upload(&s, &ts, &new_job_id(), "fast.png", file)
            .await
            .status(),
        201
    );
    // Lifted: compared with the slowed upload of the same file in the same run, not with a
    // fixed bound a loaded machine could miss.
    let lifted = started.elapsed();
    assert!(lifted < slowed / 2, "lifted {lifted:?}, slowed {slowed:?}");
    ts.stop().await;
}
