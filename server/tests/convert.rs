//! Formats and conversions: the registry, the whole flow to a JPEG, unsupported pairs, one
//! active conversion per session, isolation between sessions, and a decompression bomb.

mod common;

use common::*;
use serde_json::{json, Value};
use trustyconvert_server::Config;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formats_list_the_converters_in_camel_case() {
    let ts = start_default().await;
    let r = client()
        .get(ts.url("/api/convert/formats"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let converters = body["data"].as_array().unwrap();
    assert!(!converters.is_empty());
    for c in converters {
        for key in [
            "id",
            "name",
            "description",
            "inputFormats",
            "outputFormats",
            "maxSize",
            "features",
        ] {
            assert!(c.get(key).is_some(), "{key} missing in {c}");
        }
        assert!(c["maxSize"].as_u64().unwrap() <= 100 * 1024 * 1024);
    }
    let image = converters
        .iter()
        .find(|c| {
            c["inputFormats"]
                .as_array()
                .unwrap()
                .contains(&json!("png"))
        })
        .unwrap();
    assert!(image["outputFormats"]
        .as_array()
        .unwrap()
        .contains(&json!("jpg")));
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn png_to_jpg_end_to_end() {
    let ts = start_default().await;
    let s = session(&ts).await;
    let job = new_job_id();
    assert_eq!(
        upload(&s, &ts, &job, "Été photo.png", png(64, 48))
            .await
            .status(),
        201
    );
    let r = post_json(
        &s,
        &ts,
        "/api/convert",
        json!({ "job_id": job, "target_format": "jpg", "source_format": "png" }),
    )
    .await;
    assert_eq!(r.status(), 202);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["data"]["job_id"], job.as_str());
    assert_eq!(body["data"]["status"], "queued");
    let task_id = body["data"]["task_id"].as_str().unwrap().to_owned();
    let done = wait_for_job(&s, &ts, &job).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["progress"], 100);
    assert_eq!(done["target_format"], "jpg");
    assert!(done["output_size"].as_u64().unwrap() > 0);
    // Converting a completed job again reports it instead of starting over.
    let again = post_json(
        &s,
        &ts,
        "/api/convert",
        json!({ "job_id": job, "target_format": "jpg" }),
    )
    .await;
    assert_eq!(again.status(), 202);
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        (
            again["data"]["status"].as_str(),
            again["data"]["task_id"].as_str()
        ),
        (Some("completed"), Some(task_id.as_str()))
    );
    assert_eq!(ts.counters().await["conversions_started"], 1);

    let r = post_json(&s, &ts, "/api/download_token", json!({ "job_id": job })).await;
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    let token = body["data"]["download_token"].as_str().unwrap().to_owned();
    assert!(body["data"]["expires_at"].as_str().unwrap().ends_with('Z'));
    // The token is the only credential: a client without cookies downloads.
    let r = client()
        .get(ts.url(&format!("/api/download?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "image/jpeg");
    assert_eq!(
        h["content-disposition"],
        "attachment; filename=\"_t_ photo.jpg\"; filename*=UTF-8''%C3%89t%C3%A9%20photo.jpg"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["content-security-policy"], "sandbox");
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..3], &[0xff, 0xd8, 0xff], "a JPEG");
    assert_eq!(bytes.len() as u64, done["output_size"].as_u64().unwrap());
    // Single use.
    let r = client()
        .get(ts.url(&format!("/api/download?token={token}")))
        .send()
        .await
        .unwrap();
    expect_error(r, 403, "TokenError").await;
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_completed_job_asked_for_another_format_is_converted_again() {
    let ts = start_default().await;
    let s = session(&ts).await;
    let job = new_job_id();
    assert_eq!(
        upload(&s, &ts, &job, "photo.png", png(32, 16))
            .await
            .status(),
        201
    );
    let convert = |target: &'static str| {
        post_json(
            &s,
            &ts,
            "/api/convert",
            json!({ "job_id": job, "target_format": target }),
        )
    };
    assert_eq!(convert("jpg").await.status(), 202);
    assert_eq!(wait_for_job(&s, &ts, &job).await["status"], "completed");
    // The alias names the same conversion: reported, not started again.
    let alias: Value = convert("JPEG").await.json().await.unwrap();
    assert_eq!(alias["data"]["status"], "completed");
    assert_eq!(ts.counters().await["conversions_started"], 1);

    // Another format is another conversion, and the download is of that format.
    let webp: Value = convert("webp").await.json().await.unwrap();
    assert_eq!(webp["data"]["status"], "queued");
    let done = wait_for_job(&s, &ts, &job).await;
    assert_eq!(
        (done["status"].as_str(), done["target_format"].as_str()),
        (Some("completed"), Some("webp"))
    );
    assert_eq!(ts.counters().await["conversions_started"], 2);
    let r = post_json(&s, &ts, "/api/download_token", json!({ "job_id": job })).await;
    let token: Value = r.json().await.unwrap();
    let token = token["data"]["download_token"].as_str().unwrap().to_owned();
    let r = client()
        .get(ts.url(&format!("/api/download?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "image/webp");
    // The replaced JPEG is gone from disk: the input and the WebP remain.
    assert_eq!(files_on_disk(&ts), 2);
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_pairs_and_bad_requests_are_400() {
    let ts = start_default().await;
    let s = session(&ts).await;
    let job = upload_png(&s, &ts).await;
    let r = post_json(
        &s,
        &ts,
        "/api/convert",
        json!({ "job_id": job, "target_format": "xlsx" }),
    )
    .await;
    expect_error(r, 400, "UnsupportedFormatError").await;
    let r = post_json(
        &s,
        &ts,
        "/api/convert",
        json!({ "job_id": job, "target_format": "png" }),
    )
    .await;
    expect_error(r, 400, "UnsupportedFormatError").await;
    let r = post_json(
        &s,
        &ts,
        "/api/convert",
        json!({ "job_id": "x", "target_format": "jpg" }),
    )
    .await;
    expect_error(r, 400, "ValidationError").await;
    let r = post_json(&s, &ts, "/api/convert", json!({ "job_id": job })).await;
    expect_error(r, 400, "ValidationError").await;
    let r = s
        .client
        .post(ts.url("/api/convert"))
        .header("X-CSRF-Token", &s.token)
        .header("Content-Type", "application/json")
        .body("{\"job_id\": ")
        .send()
        .await
        .unwrap();
    expect_error(r, 400, "ValidationError").await;
    let r = s
        .client
        .post(ts.url("/api/convert"))
        .header("X-CSRF-Token", &s.token)
        .body("job_id=1")
        .send()
        .await
        .unwrap();
    expect_error(r, 400, "ValidationError").await;
    let r = post_json(
        &s,
        &ts,
        "/api/convert",
        json!({ "job_id": new_job_id(), "target_format": "jpg" }),
    )
    .await;
    expect_error(r, 404, "ResourceNotFound").await;
    expect_error(job_status(&s, &ts, "nope").await, 400, "ValidationError").await;
    let r = s
        .client
        .get(ts.url("/api/job_status"))
        .send()
        .await
        .unwrap();
    expect_error(r, 400, "ValidationError").await;
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_sessions_job_is_404() {
    let ts = start_default().await;
    let alice = session(&ts).await;
    let mallory = session(&ts).await;
    let job = upload_png(&alice, &ts).await;
    expect_error(
        job_status(&mallory, &ts, &job).await,
        404,
        "ResourceNotFound",
    )
    .await;
    let r = post_json(
        &mallory,
        &ts,
        "/api/convert",
        json!({ "job_id": job, "target_format": "jpg" }),
    )
    .await;
    expect_error(r, 404, "ResourceNotFound").await;
    let r = post_json(
        &mallory,
        &ts,
        "/api/download_token",
        json!({ "job_id": job }),
    )
    .await;
    expect_error(r, 404, "ResourceNotFound").await;
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_active_conversion_per_session() {
    let ts = start_with(Config {
        workers: 1,
        ..test_config()
    })
    .await;
    let s = session(&ts).await;
    // Large enough to keep the worker busy for a moment.
    let big = new_job_id();
    assert_eq!(
        upload(&s, &ts, &big, "big.png", png(5000, 5000))
            .await
            .status(),
        201
    );
    let small = upload_png(&s, &ts).await;
    let r = post_json(
        &s,
        &ts,
        "/api/convert",
        json!({ "job_id": big, "target_format": "jpg" }),
    )
    .await;
    assert_eq!(r.status(), 202);
    let first: Value = r.json().await.unwrap();
    let r = post_json(
        &s,
        &ts,
        "/api/convert",
        json!({ "job_id": small, "target_format": "jpg" }),
    )
    .await;
    assert!(r.headers().contains_key("retry-after"));
    expect_error(r, 429, "TaskLimitExceeded").await;
    // Asking again for the running job reports it; no second conversion starts.
    let r = post_json(
        &s,
        &ts,
        "/api/convert",
        json!({ "job_id": big, "target_format": "jpg" }),
    )
    .await;
    assert_eq!(r.status(), 202);
    let again: Value = r.json().await.unwrap();
    assert_eq!(again["data"]["task_id"], first["data"]["task_id"]);
    assert!(["queued", "processing"].contains(&again["data"]["status"].as_str().unwrap()));
    assert_eq!(wait_for_job(&s, &ts, &big).await["status"], "completed");
    let r = post_json(
        &s,
        &ts,
        "/api/convert",
        json!({ "job_id": small, "target_format": "jpg" }),
    )
    .await;
    assert_eq!(r.status(), 202);
    assert_eq!(ts.counters().await["conversions_started"], 2);
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decompression_bomb_fails_cleanly() {
    let ts = start_default().await;
    let s = session(&ts).await;
    let (done, job) = convert_file(&s, &ts, "bomb.png", png_bomb(), "jpg").await;
    assert_eq!(done["status"], "failed");
    assert!(!done["error"].as_str().unwrap().is_empty());
    // Not completed: no download token.
    let r = post_json(&s, &ts, "/api/download_token", json!({ "job_id": job })).await;
    expect_error(r, 400, "ValidationError").await;
    // The server is still fine.
    assert_eq!(
        client()
            .get(ts.url("/api/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversions_are_rate_limited() {
    let ts = start_with(Config {
        rate_limits_enabled: true,
        convert_rate_per_minute: 1,
        ..test_config()
    })
    .await;
    let s = session(&ts).await;
    let job = upload_png(&s, &ts).await;
    assert_eq!(
        post_json(
            &s,
            &ts,
            "/api/convert",
            json!({ "job_id": job, "target_format": "jpg" })
        )
        .await
        .status(),
        202
    );
    let r = post_json(
        &s,
        &ts,
        "/api/convert",
        json!({ "job_id": job, "target_format": "jpg" }),
    )
    .await;
    assert!(r.headers().contains_key("retry-after"));
    expect_error(r, 429, "RateLimitExceeded").await;
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversion_past_its_time_limit_fails_cleanly() {
    let ts = start_with(Config {
        convert_timeout: std::time::Duration::from_millis(1),
        ..test_config()
    })
    .await;
    let s = session(&ts).await;
    let (done, _) = convert_file(&s, &ts, "big.png", png(2000, 2000), "pdf").await;
    assert_eq!(done["status"], "failed");
    assert!(done["error"].as_str().unwrap().contains("limit"), "{done}");
    ts.stop().await;
}

/// Debian's fonts-wqy-microhei (installed by `cargo xtask` for the e2e tests).
const CJK_FONT_DIR: &str = "/usr/share/fonts/truetype/wqy";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_pdfs_keep_their_characters_or_fail_naming_the_one_they_cannot_draw() {
    let text = "Zażółć gęślą jaźń, Ωμέγα, Жук: 你好\n".as_bytes().to_vec();
    // Without a CJK font the job fails and says which character is the problem.
    let ts = start_default().await;
    let s = session(&ts).await;
    let (done, _) = convert_file(&s, &ts, "notes.txt", text.clone(), "pdf").await;
    assert_eq!(done["status"], "failed", "{done}");
    assert!(done["error"].as_str().unwrap().contains("U+4F60"), "{done}");
    ts.stop().await;

    if !std::path::Path::new(CJK_FONT_DIR)
        .join("wqy-microhei.ttc")
        .is_file()
    {
        println!("skipped the --font-dir half: no CJK font at {CJK_FONT_DIR}");
        return;
    }
    let ts = start_with(Config {
        font_dir: Some(CJK_FONT_DIR.into()),
        ..test_config()
    })
    .await;
    let s = session(&ts).await;
    let (done, _) = convert_file(&s, &ts, "notes.txt", text, "pdf").await;
    assert_eq!(done["status"], "completed", "{done}");
    ts.stop().await;
}
