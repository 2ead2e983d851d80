//! The app as a CDN would serve it: `cargo xtask deploy`'s site behind Debian's nginx with the
//! generated nginx.conf (and its strict Content-Security-Policy), the reference server as the
//! API on a sibling host, Chromium resolving the `.test` names to 127.0.0.1.

use serde_json::Value;
use trustyconvert_e2e::flow::*;
use trustyconvert_e2e::static_host::get;
use trustyconvert_e2e::{Result, Stack, StackOptions, StaticSite};

const STATE: &str = "[data-testid=session-state]";

fn behind_nginx(site: StaticSite) -> StackOptions {
    StackOptions {
        static_site: Some(site),
        ..StackOptions::default()
    }
}

/// Converts a PNG to the default target (JPEG), downloads it and checks the bytes are a JPEG.
async fn convert_png_to_jpeg(stack: &Stack, dir: &std::path::Path, index: usize) -> Result<()> {
    choose_png(stack, dir, &format!("photo-{index}.png"), (48, 32)).await?;
    stack.click("[data-testid=convert]").await?;
    wait_for_state(stack, "completed").await?;
    download_and_check(stack, index, (48, 32)).await?;
    let files = wait_for_downloads(stack, index + 1).await?;
    for file in files {
        let bytes = std::fs::read(&file)?;
        assert_eq!(
            image::guess_format(&bytes)?,
            image::ImageFormat::Jpeg,
            "{file:?}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn behind_nginx_on_a_shared_cookie_domain_the_app_converts_under_the_strict_policy(
) -> Result<()> {
    let stack = Stack::start(behind_nginx(StaticSite {
        api_host: "api.trustyconvert.test",
        cookie_domain: Some("trustyconvert.test"),
    }))
    .await?;
    stack.open_app("/").await?;
    stack.wait_for_text(STATE, "Session active").await?;
    stack.wait_for_text("#dropzone-hint", "PNG").await?;
    // The prerendered page was taken over, not replaced, under the policy.
    let hydrated = stack
        .browser
        .execute(
            "return performance.getEntriesByName('hydrated').length",
            vec![],
        )
        .await?;
    assert_eq!(hydrated, serde_json::json!(1));
    stack.quiet_period().await;
    let first = stack.hooks.counters().await?;
    println!("nginx, first visit: {first}");
    assert_eq!(first.requests("GET /api/session/init"), 1);
    assert_eq!(first.number("sessions_created"), 1);

    stack.hooks.reset().await?;
    stack.browser.refresh().await?;
    // The cookie is the whole site's: the reload reads the token without a request.
    stack.wait_for_text(STATE, "Session found").await?;
    stack.quiet_period().await;
    let reload = stack.hooks.counters().await?;
    println!("nginx, reload: {reload}");
    assert_eq!(reload.requests("GET /api/session/init"), 0);

    let inputs = tempfile::tempdir()?;
    convert_png_to_jpeg(&stack, inputs.path(), 0).await?;
    stack.click("[data-testid=convert-another]").await?;
    convert_png_to_jpeg(&stack, inputs.path(), 1).await?;
    let counters = stack.hooks.counters().await?;
    println!("nginx, two conversions: {counters}");
    assert_eq!(counters.number("sessions_created"), 0);
    // Preflights are cached (Access-Control-Max-Age): at most one per endpoint.
    if let Some(Value::Object(routes)) = counters.0.get("requests") {
        for (route, statuses) in routes
            .iter()
            .filter(|(route, _)| route.starts_with("OPTIONS "))
        {
            let count: u64 = statuses
                .as_object()
                .map(|by_status| by_status.values().filter_map(Value::as_u64).sum())
                .unwrap_or(0);
            assert!(count <= 1, "{route}: {count} preflights");
        }
    }
    // Also: no CSP violation anywhere in the visit.
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn nginx_and_the_reference_server_send_the_same_cache_and_security_headers() -> Result<()> {
    let stack = Stack::start(behind_nginx(StaticSite {
        api_host: "api.trustyconvert.test",
        cookie_domain: None,
    }))
    .await?;
    let nginx_port = stack
        .static_host
        .as_ref()
        .map(|host| host.port)
        .unwrap_or(0);
    let assets =
        std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist/assets"))?;
    let wasm = assets
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .find(|name| name.ends_with("_bg.wasm"))
        .ok_or("no wasm in dist/assets")?;
    let api_origin = format!(
        " http://api.trustyconvert.test:{}",
        stack.server_url("").rsplit(':').next().unwrap_or_default()
    );
    for path in ["/", "/index.html", &format!("/assets/{wasm}")] {
        let (_, from_nginx) = get(&format!("http://127.0.0.1:{nginx_port}{path}")).await?;
        let (_, from_server) = get(&stack.server_url(path)).await?;
        for name in [
            "cache-control",
            "x-content-type-options",
            "referrer-policy",
            "permissions-policy",
        ] {
            assert_eq!(
                from_nginx.get(name),
                from_server.get(name),
                "{name} of {path}"
            );
            assert!(from_nginx.get(name).is_some(), "{name} of {path}");
        }
        // The policy differs only by the API's origin, which the reference server (serving
        // its own API) does not need to name.
        let policy = |headers: &http::HeaderMap| {
            headers
                .get("content-security-policy")
                .and_then(|value| value.to_str().ok())
                .map(|value| value.replace(&api_origin, ""))
        };
        assert_eq!(
            policy(&from_nginx),
            policy(&from_server),
            "the CSP of {path}"
        );
    }
    // A hashed asset of another build is a 404 on both, never the app's HTML.
    for url in [
        format!("http://127.0.0.1:{nginx_port}/assets/missing-1234.js"),
        stack.server_url("/assets/missing-1234.js"),
    ] {
        let (status, headers) = get(&url).await?;
        assert_eq!(status, http::StatusCode::NOT_FOUND, "{url}");
        // Not kept by any cache: a deploy that adds the file is seen at once.
        assert_eq!(
            headers.get("cache-control").map(|v| v.as_bytes()),
            Some(&b"no-cache"[..]),
            "{url}"
        );
    }
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn behind_nginx_with_host_only_cookies_each_load_resumes_the_same_session() -> Result<()> {
    let stack = Stack::start(behind_nginx(StaticSite {
        api_host: "api.trustyconvert.test",
        cookie_domain: None,
    }))
    .await?;
    stack.open_app("/").await?;
    stack.wait_for_text(STATE, "Session active").await?;
    stack.hooks.reset().await?;
    // The CSRF cookie is the API host's alone: the page cannot read it, so a reload asks the
    // API, which resumes the session the (same-site) session cookie names.
    stack.browser.refresh().await?;
    stack.wait_for_text(STATE, "Session active").await?;
    stack.wait_for_text("#dropzone-hint", "PNG").await?;
    let inputs = tempfile::tempdir()?;
    convert_png_to_jpeg(&stack, inputs.path(), 0).await?;
    let counters = stack.hooks.counters().await?;
    println!("nginx, host-only cookies, reload and convert: {counters}");
    assert_eq!(counters.requests("GET /api/session/init"), 1);
    assert_eq!(counters.number("sessions_created"), 0);
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn behind_nginx_a_wasm_that_does_not_load_says_the_app_could_not_start() -> Result<()> {
    let stack = Stack::start(behind_nginx(StaticSite {
        api_host: "api.trustyconvert.test",
        cookie_domain: Some("trustyconvert.test"),
    }))
    .await?;
    let site = stack
        .static_host
        .as_ref()
        .map(|host| host.site())
        .ok_or("no static host")?;
    for entry in std::fs::read_dir(site.join("assets"))?.filter_map(|entry| entry.ok()) {
        if entry.file_name().to_string_lossy().contains("_bg.wasm") {
            std::fs::remove_file(entry.path())?;
        }
    }
    stack.browser.goto(&stack.url("/")).await?;
    // The fallback is in the external boot script, which the strict policy allows.
    stack
        .wait_for_text("#boot-failed", "could not start")
        .await?;
    let counters = stack.hooks.counters().await?;
    assert_eq!(counters.api_requests(), 0, "no app, no API calls");
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_api_on_another_site_the_person_is_told_why_and_nothing_loops() -> Result<()> {
    let stack = Stack::start(behind_nginx(StaticSite {
        api_host: "api.othersite.test",
        cookie_domain: None,
    }))
    .await?;
    stack.open_app("/").await?;
    stack.wait_for_text("#dropzone-hint", "PNG").await?;
    let inputs = tempfile::tempdir()?;
    choose_png(&stack, inputs.path(), "photo.png", (48, 32)).await?;
    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "failed").await?;
    let message = stack.text("[data-testid=failure-message]").await?;
    assert!(message.contains("same site"), "{message}");
    stack.wait_for_text(STATE, "No session").await?;
    let after_action = stack.hooks.counters().await?;
    println!("another site, load and one conversion: {after_action}");
    // The load's init is the only session; the refused upload started none.
    assert_eq!(after_action.number("sessions_created"), 1, "{after_action}");
    assert_eq!(
        after_action.requests("POST /api/upload"),
        1,
        "{after_action}"
    );

    // Left alone, the app sends nothing more.
    tokio::time::sleep(std::time::Duration::from_secs(20)).await;
    let later = stack.hooks.counters().await?;
    assert_eq!(later.api_requests(), after_action.api_requests(), "{later}");

    // The person's next try: at most one session and four requests more, the same answer.
    stack.click("[data-testid=retry]").await?;
    wait_for_state(&stack, "failed").await?;
    let retried = stack.hooks.counters().await?;
    println!("another site, one retry: {retried}");
    assert_eq!(
        retried.number("sessions_created"),
        2,
        "one session for the try"
    );
    assert!(
        retried.api_requests() <= later.api_requests() + 4,
        "{retried}"
    );
    stack.stop().await
}
