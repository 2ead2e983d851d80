//! Serving the built app (precompressed immutable assets, no-cache pages compressed on the fly,
//! SPA fallback, the not-built page, the hold hook), the API's JSON 404, health, CORS, and
//! start-up errors.

mod common;

use common::*;
use serde_json::Value;
use trustyconvert_server::{start, Config};

const INDEX: &str = "<!doctype html><html lang=\"en\"><head><title>app</title></head><body><main>the app, prerendered</main></body></html>";
const WASM: &[u8] = b"\0asm\x01\0\0\0 raw";
const WASM_BR: &[u8] = b"pretend brotli";
const WASM_GZ: &[u8] = b"pretend gzip";

/// A build as `cargo xtask dist` writes it: pages at the root, hashed assets under `assets/`
/// with their precompressed copies (contents differ, to tell which one was served).
fn temp_dist() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("trustyconvert-dist-test-{}", new_job_id()));
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::create_dir_all(dir.join("es")).unwrap();
    std::fs::write(dir.join("index.html"), INDEX).unwrap();
    std::fs::write(
        dir.join("es/index.html"),
        "<!doctype html><title>la app</title>",
    )
    .unwrap();
    std::fs::write(dir.join("assets/app-abc_bg.wasm"), WASM).unwrap();
    std::fs::write(dir.join("assets/app-abc_bg.wasm.br"), WASM_BR).unwrap();
    std::fs::write(dir.join("assets/app-abc_bg.wasm.gz"), WASM_GZ).unwrap();
    std::fs::write(dir.join("assets/other-abc.js"), "export {};").unwrap();
    dir
}

async fn start_with_dist() -> (TestServer, std::path::PathBuf) {
    let dist = temp_dist();
    let ts = start_with(Config {
        dist_dir: dist.clone(),
        ..test_config()
    })
    .await;
    (ts, dist)
}

/// A GET with this `Accept-Encoding` (none if empty). reqwest here has no decompression, so
/// headers and bytes are exactly what the server sent.
async fn get(ts: &TestServer, path: &str, accept_encoding: &str) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(ts.url(path));
    if !accept_encoding.is_empty() {
        request = request.header("accept-encoding", accept_encoding);
    }
    request.send().await.unwrap()
}

fn header<'a>(r: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    r.headers().get(name).map(|v| v.to_str().unwrap())
}

fn varies_on_accept_encoding(r: &reqwest::Response) -> bool {
    r.headers().get_all("vary").iter().any(|v| {
        v.to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("accept-encoding")
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_pages_and_falls_back_to_index() {
    let (ts, dist) = start_with_dist().await;
    for path in ["/", "/convert/some/route", "/index.html"] {
        let r = get(&ts, path, "").await;
        assert_eq!(r.status(), 200, "{path}");
        assert!(header(&r, "content-type").unwrap().starts_with("text/html"));
        assert_eq!(header(&r, "cache-control"), Some("no-cache"), "{path}");
        assert!(r.text().await.unwrap().contains("<title>app</title>"));
    }
    // A directory's own index.html, like a static host; a deep link into a language is that
    // language's page (and a language without a page, the default one).
    for path in ["/es/", "/es/convert/some/route"] {
        let r = get(&ts, path, "").await;
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            r.text().await.unwrap().contains("<title>la app</title>"),
            "{path}"
        );
    }
    let r = get(&ts, "/fr/convert", "").await;
    assert!(r.text().await.unwrap().contains("<title>app</title>"));
    let r = get(&ts, "/assets/app-abc_bg.wasm", "").await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), Some("application/wasm"));
    ts.stop().await;
    std::fs::remove_dir_all(dist).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assets_are_the_build_s_precompressed_files_cached_for_good() {
    let (ts, dist) = start_with_dist().await;
    for (accept, encoding, bytes) in [
        ("br", Some("br"), WASM_BR),
        ("gzip", Some("gzip"), WASM_GZ),
        ("", None, WASM),
        ("identity", None, WASM),
    ] {
        let r = get(&ts, "/assets/app-abc_bg.wasm", accept).await;
        assert_eq!(r.status(), 200, "{accept}");
        assert_eq!(header(&r, "content-encoding"), encoding, "{accept}");
        assert_eq!(
            header(&r, "content-type"),
            Some("application/wasm"),
            "{accept}"
        );
        assert!(varies_on_accept_encoding(&r), "{accept}");
        assert_eq!(
            header(&r, "cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{accept}"
        );
        assert_eq!(r.bytes().await.unwrap(), bytes, "{accept}");
    }
    // Revalidation: a 304 keeps the cache rule and the Vary of the 200 (RFC 9110 §15.4.5).
    let r = get(&ts, "/assets/app-abc_bg.wasm", "br").await;
    let etag = header(&r, "etag").unwrap().to_owned();
    let r = reqwest::Client::new()
        .get(ts.url("/assets/app-abc_bg.wasm"))
        .header("accept-encoding", "br")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    assert_eq!(
        header(&r, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert!(varies_on_accept_encoding(&r));
    // An asset without precompressed copies goes out raw, whatever the client accepts.
    let r = get(&ts, "/assets/other-abc.js", "br, gzip").await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-encoding"), None);
    assert_eq!(r.text().await.unwrap(), "export {};");
    ts.stop().await;
    std::fs::remove_dir_all(dist).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_asset_is_a_plain_uncached_404() {
    let (ts, dist) = start_with_dist().await;
    for path in ["/assets/nope-123.js", "/assets/", "/assets"] {
        let r = get(&ts, path, "gzip").await;
        assert_eq!(r.status(), 404, "{path}");
        assert_ne!(
            header(&r, "cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{path}"
        );
        assert!(!header(&r, "content-type").is_some_and(|t| t.starts_with("text/html")));
        assert!(!r.text().await.unwrap().contains("<title>"), "{path}");
    }
    ts.stop().await;
    std::fs::remove_dir_all(dist).unwrap();
    // Without a build too: a 404, not the "not built" page.
    let ts = start_default().await;
    let r = get(&ts, "/assets/nope-123.js", "").await;
    assert_eq!(r.status(), 404);
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_compressed_on_the_fly_and_never_cached() {
    let (ts, dist) = start_with_dist().await;
    for path in ["/", "/convert/some/route"] {
        let r = get(&ts, path, "gzip").await;
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(header(&r, "content-encoding"), Some("gzip"), "{path}");
        assert_eq!(header(&r, "cache-control"), Some("no-cache"), "{path}");
        assert!(varies_on_accept_encoding(&r), "{path}");
        let body = r.bytes().await.unwrap();
        assert_eq!(&body[..2], b"\x1f\x8b", "{path}: a gzip stream");

        let r = get(&ts, path, "br").await;
        assert_eq!(header(&r, "content-encoding"), Some("br"), "{path}");
        assert_ne!(r.bytes().await.unwrap(), INDEX.as_bytes(), "{path}");

        let r = get(&ts, path, "").await;
        assert_eq!(header(&r, "content-encoding"), None, "{path}");
        assert!(varies_on_accept_encoding(&r), "{path}");
        assert_eq!(r.text().await.unwrap(), INDEX, "{path}");
    }
    // The ETag is weak (the bytes depend on the encoding) and still revalidates.
    let r = get(&ts, "/", "gzip").await;
    let etag = header(&r, "etag").unwrap().to_owned();
    assert!(etag.starts_with("W/"), "{etag}");
    let r = reqwest::Client::new()
        .get(ts.url("/"))
        .header("accept-encoding", "gzip")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    assert_eq!(header(&r, "cache-control"), Some("no-cache"));
    assert_eq!(header(&r, "etag"), Some(etag.as_str()));
    assert!(varies_on_accept_encoding(&r));
    ts.stop().await;
    std::fs::remove_dir_all(dist).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_asset_waits_until_released() {
    use std::time::Duration;
    let (ts, dist) = start_with_dist().await;
    let fetch = |path: &'static str| {
        let url = ts.url(path);
        tokio::spawn(async move { reqwest::Client::new().get(url).send().await.unwrap() })
    };

    ts.hook("hold", serde_json::json!({"path": "/assets/app-*"}))
        .await;
    let mut held = fetch("/assets/app-abc_bg.wasm");
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut held)
            .await
            .is_err(),
        "a held asset does not answer"
    );
    // Other files answer meanwhile.
    assert_eq!(get(&ts, "/assets/other-abc.js", "").await.status(), 200);
    assert_eq!(get(&ts, "/", "").await.status(), 200);
    assert_eq!(ts.counters().await["held"], 1);
    let released = ts.hook("release", serde_json::json!({})).await;
    assert_eq!(released["data"]["released"], 1);
    let r = held.await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap(), WASM);
    // Released means no longer holding.
    assert_eq!(get(&ts, "/assets/app-abc_bg.wasm", "").await.status(), 200);

    // `reset` releases too.
    ts.hook(
        "hold",
        serde_json::json!({"path": "/assets/app-abc_bg.wasm"}),
    )
    .await;
    let mut held = fetch("/assets/app-abc_bg.wasm");
    assert!(tokio::time::timeout(Duration::from_millis(300), &mut held)
        .await
        .is_err());
    ts.hook("reset", serde_json::json!({})).await;
    assert_eq!(held.await.unwrap().status(), 200);
    assert_eq!(ts.counters().await["held"], 0);
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
    let (ts, dist) = start_with_dist().await;
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
    // Browsers may reuse the answer instead of preflighting every POST again.
    assert_eq!(h["access-control-max-age"], "600");
    // The preflight is a round trip the client pays for: the test counters see it.
    let counted = ts.counters().await;
    assert_eq!(
        counted["requests"]["OPTIONS /api/upload"],
        serde_json::json!({ "200": 1 })
    );
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
    assert!(
        exposed.contains("date"),
        "the client reads expires_at on the server's clock"
    );
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
