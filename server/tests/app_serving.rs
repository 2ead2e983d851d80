//! Serving the built app (files, SPA fallback, the not-built page), the API's JSON 404,
//! health, CORS, and start-up errors.

mod common;

use common::*;
use serde_json::Value;
use trustyconvert_server::{start, Config};

fn temp_dist() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("trustyconvert-dist-test-{}", new_job_id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    std::fs::write(
        dir.join("trustyconvert-web-abc_bg.wasm"),
        b"\0asm\x01\0\0\0",
    )
    .unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_files_and_falls_back_to_index() {
    let dist = temp_dist();
    let ts = start_with(Config {
        dist_dir: dist.clone(),
        ..test_config()
    })
    .await;
    let c = client();
    for path in ["/", "/convert/some/route", "/index.html"] {
        let r = c.get(ts.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(r.text().await.unwrap().contains("<title>app</title>"));
    }
    let r = c
        .get(ts.url("/trustyconvert-web-abc_bg.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/wasm");
    ts.stop().await;
    std::fs::remove_dir_all(dist).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_build_the_root_says_how_to_build() {
    let ts = start_default().await;
    let r = client().get(ts.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("cargo xtask dev"));
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_api_paths_are_json_404() {
    let dist = temp_dist();
    let ts = start_with(Config {
        dist_dir: dist.clone(),
        ..test_config()
    })
    .await;
    for path in ["/api/nope", "/api", "/api/session/init/extra"] {
        let r = client().get(ts.url(path)).send().await.unwrap();
        expect_error(r, 404, "ResourceNotFound").await;
    }
    let r = client().get(ts.url("/api/upload")).send().await.unwrap();
    expect_error(r, 405, "ValidationError").await;
    ts.stop().await;
    std::fs::remove_dir_all(dist).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reports_storage() {
    let ts = start_default().await;
    for path in ["/api/health", "/health"] {
        let r = client().get(ts.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        let d = &body["data"];
        assert_eq!(d["status"], "ok");
        assert_eq!(d["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(d["services"]["storage"]["writable"], true);
        assert!(d["services"]["storage"]["bytes_used"].is_u64());
    }
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_allows_listed_origins_with_credentials() {
    let ts = start_with(Config {
        cors_origins: vec!["https://app.example".into()],
        ..test_config()
    })
    .await;
    let c = client();
    let r = c
        .request(reqwest::Method::OPTIONS, ts.url("/api/upload"))
        .header("Origin", "https://app.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "x-csrf-token")
        .send()
        .await
        .unwrap();
    let h = r.headers();
    assert_eq!(h["access-control-allow-origin"], "https://app.example");
    assert_eq!(h["access-control-allow-credentials"], "true");
    assert!(h["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("x-csrf-token"));
    let r = c
        .get(ts.url("/api/health"))
        .header("Origin", "https://app.example")
        .send()
        .await
        .unwrap();
    let h = r.headers();
    assert_eq!(h["access-control-allow-origin"], "https://app.example");
    let exposed = h["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(exposed.contains("x-correlation-id") && exposed.contains("retry-after"));
    assert!(h.get_all("vary").iter().any(|v| v
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("origin")));
    let r = c
        .get(ts.url("/api/health"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(!r.headers().contains_key("access-control-allow-origin"));
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_in_use_is_one_clear_line() {
    let ts = start_default().await;
    let err = start(Config {
        bind: ts.server.addr(),
        ..test_config()
    })
    .await
    .err()
    .expect("the port is taken");
    let message = err.to_string();
    assert!(
        message.contains(&ts.server.addr().to_string()) && message.contains("already in use"),
        "{message}"
    );
    assert!(!message.contains('\n'));
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_removes_the_data_folder_it_created_and_startup_sweeps_leftovers() {
    let ts = start_default().await;
    let dir = ts.data_dir();
    let s = session(&ts).await;
    upload_png(&s, &ts).await;
    ts.stop().await;
    assert!(!dir.exists());

    let dir = std::env::temp_dir().join(format!("trustyconvert-sweep-test-{}", new_job_id()));
    std::fs::create_dir_all(dir.join("sess-old")).unwrap();
    std::fs::write(dir.join("sess-old/x-input.png"), b"left over").unwrap();
    std::fs::write(dir.join("keep.txt"), b"not ours").unwrap();
    let ts = start_with(Config {
        data_dir: dir.clone(),
        ..test_config()
    })
    .await;
    assert!(!dir.join("sess-old").exists());
    assert!(dir.join("keep.txt").exists());
    ts.stop().await;
    assert!(dir.exists(), "a folder the server did not create is kept");
    std::fs::remove_dir_all(dir).unwrap();
}
