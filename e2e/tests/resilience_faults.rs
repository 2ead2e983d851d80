//! Resilience of the conversion flow against a misbehaving server: 503s while polling, a 500 or
//! a garbled answer to `/convert`, a proxy's HTML error page, a 429 with `Retry-After`, double
//! clicks, an app that cannot load, and going offline. In each the conversion completes or ends
//! with a clear message and a one-click way on; the chosen file is never lost; the server's
//! counters (printed by every test) show that nothing loops.

use std::path::Path;

use fantoccini::Locator;
use serde_json::{json, Value};
use trustyconvert_e2e::flow::*;
use trustyconvert_e2e::{screens, Result, Stack, StackOptions};

/// A JSON error envelope as the API sends it.
fn api_error(kind: &str, message: &str) -> String {
    json!({"success": false, "error": {"type": kind, "message": message}, "details": {}})
        .to_string()
}

/// A PNG made in `dir` (which must outlive the upload) chosen, its default target (JPEG) kept,
/// Convert clicked.
async fn start_png(stack: &Stack, dir: &Path, name: &str) -> Result<()> {
    choose_png(stack, dir, name, (48, 32)).await?;
    record_states(stack).await?;
    stack.click("[data-testid=convert]").await
}

/// Waits until the job is completed or has failed; returns which.
async fn settled(stack: &Stack) -> Result<String> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let now = state(stack).await;
        if now == "completed" || now == "failed" {
            return Ok(now);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("never settled; state {now:?}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The failure shows `needle` (on the page and in a toast), still names the chosen file, and
/// its one "Try again" click completes the conversion. `screenshot`: captured at the failure,
/// at both sizes.
async fn message_then_retry_completes(
    stack: &Stack,
    needle: &str,
    screenshot: Option<&str>,
) -> Result<String> {
    wait_for_state(stack, "failed").await?;
    let message = stack.text("[data-testid=failure-message]").await?;
    assert!(message.contains(needle), "{needle:?} in {message:?}");
    stack.wait_for_text("[data-testid=toasts]", needle).await?;
    let failure = stack.text(PANEL).await?;
    assert!(failure.contains("Try again"), "a way on: {failure}");
    stack
        .wait_for_text("[data-testid=file-summary]", ".png")
        .await?;
    if let Some(name) = screenshot {
        screens::capture(stack, name).await?;
    }
    stack.click("[data-testid=retry]").await?;
    wait_for_state(stack, "completed").await?;
    Ok(message)
}

/// Records every `data-state` the panel takes, from inside the page.
async fn record_states(stack: &Stack) -> Result<()> {
    let script = "window.__states = [];
        new MutationObserver(() => {
            const panel = document.querySelector('[data-testid=conversion-panel]');
            const now = panel && panel.getAttribute('data-state');
            if (now && window.__states[window.__states.length - 1] !== now) window.__states.push(now);
        }).observe(document.body, {subtree: true, childList: true, attributes: true});";
    stack.browser.execute(script, vec![]).await?;
    Ok(())
}

async fn states_seen(stack: &Stack) -> Result<Vec<String>> {
    let seen = stack
        .browser
        .execute("return window.__states || []", vec![])
        .await?;
    Ok(seen
        .as_array()
        .map(|states| {
            states
                .iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}

/// No uncaught error or panic in the page (failed responses are the server's, not the app's).
#[tokio::test(flavor = "multi_thread")]
async fn scenario_4_job_status_503_three_times_polling_backs_off_and_completes() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    stack.hooks.reset().await?;
    stack
        .hooks
        .fault(
            "/api/job_status",
            3,
            json!({"status": 503, "body": api_error("ServerError", "busy")}),
        )
        .await?;
    let inputs = tempfile::tempdir()?;
    let png = write_png(inputs.path(), "poll.png", 48, 32)?;
    choose_file(&stack, &png).await?;
    wait_for_state(&stack, "chosen").await?;
    record_states(&stack).await?;
    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "completed").await?;
    let states = states_seen(&stack).await?;
    assert!(
        !states.iter().any(|s| s == "failed"),
        "no failure shown: {states:?}"
    );
    download_and_check(&stack, 0, (48, 32)).await?;
    stack.quiet_period().await;
    let counters = stack.hooks.counters().await?;
    println!("scenario 4 (job_status 503 ×3): states {states:?}; {counters}");
    assert_eq!(counters.number("conversions_started"), 1, "{counters}");
    assert_eq!(counters.requests("POST /api/upload"), 1, "{counters}");
    let polls = counters.requests("GET /api/job_status");
    assert!((4..=15).contains(&polls), "bounded polling: {counters}");
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn scenario_5_convert_500_once_still_converts_exactly_once() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    stack.hooks.reset().await?;
    stack
        .hooks
        .fault(
            "/api/convert",
            1,
            json!({"method": "POST", "status": 500, "body": api_error("ServerError", "boom")}),
        )
        .await?;
    let inputs = tempfile::tempdir()?;
    start_png(&stack, inputs.path(), "once.png").await?;
    // The app checks the job's status and re-sends once: no failure for the person to handle.
    assert_eq!(settled(&stack).await?, "completed");
    download_and_check(&stack, 0, (48, 32)).await?;
    stack.quiet_period().await;
    let counters = stack.hooks.counters().await?;
    println!(
        "scenario 5 (convert 500 once): states {:?}; {counters}",
        states_seen(&stack).await?
    );
    assert_eq!(counters.number("conversions_started"), 1, "{counters}");
    assert_eq!(counters.requests("POST /api/upload"), 1, "not re-uploaded");
    assert!(counters.requests("POST /api/convert") <= 2, "{counters}");
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn scenario_6_a_proxy_page_or_garbled_json_gets_a_message_and_a_retry() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;
    let proxy_page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
        <body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>";

    // A proxy's HTML page instead of the upload's answer.
    stack.hooks.reset().await?;
    stack
        .hooks
        .fault(
            "/api/upload",
            1,
            json!({"status": 502, "body": proxy_page, "content_type": "text/html"}),
        )
        .await?;
    start_png(&stack, inputs.path(), "proxy.png").await?;
    let message = message_then_retry_completes(&stack, "502", Some("8-proxy-error")).await?;
    let counters = stack.hooks.counters().await?;
    println!("scenario 6 (HTML 502 on upload): {message:?}; {counters}");
    assert_eq!(counters.number("conversions_started"), 1, "{counters}");
    assert_eq!(counters.requests("POST /api/upload"), 2, "{counters}");
    download_and_check(&stack, 0, (48, 32)).await?;

    // Garbled JSON with a 500, twice in a row (the flow's own check-and-resend absorbs one).
    stack.click("[data-testid=convert-another]").await?;
    stack.hooks.reset().await?;
    stack
        .hooks
        .fault(
            "/api/convert",
            2,
            json!({"method": "POST", "status": 500, "body": "{\"success\": tru"}),
        )
        .await?;
    start_png(&stack, inputs.path(), "garbled.png").await?;
    let message = message_then_retry_completes(&stack, "500", None).await?;
    let counters = stack.hooks.counters().await?;
    println!("scenario 6 (malformed JSON 500 on convert ×2): {message:?}; {counters}");
    assert_eq!(counters.number("conversions_started"), 1, "{counters}");
    assert_eq!(counters.requests("POST /api/upload"), 1, "not re-uploaded");
    assert!(counters.requests("POST /api/convert") <= 3, "{counters}");

    // Garbled JSON with a 200: the server may have accepted it; the flow finds out.
    stack.click("[data-testid=convert-another]").await?;
    stack.hooks.reset().await?;
    stack
        .hooks
        .fault(
            "/api/convert",
            2,
            json!({"method": "POST", "status": 200, "body": "{\"success\": tru"}),
        )
        .await?;
    start_png(&stack, inputs.path(), "garbled200.png").await?;
    let message =
        message_then_retry_completes(&stack, "could not be read (HTTP 200)", None).await?;
    let counters = stack.hooks.counters().await?;
    println!("scenario 6 (malformed JSON 200 on convert ×2): {message:?}; {counters}");
    assert_eq!(counters.number("conversions_started"), 1, "{counters}");
    assert_eq!(counters.requests("POST /api/upload"), 1, "not re-uploaded");
    download_and_check(&stack, 1, (48, 32)).await?;
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn scenario_7_rate_limited_convert_counts_down_then_retries() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    stack.hooks.reset().await?;
    stack
        .hooks
        .fault(
            "/api/convert",
            1,
            json!({
                "method": "POST",
                "status": 429,
                "body": json!({"success": false, "error": {"type": "RateLimitExceeded",
                    "message": "Too many conversions"}, "details": {"retry_after": 3}}).to_string(),
                "headers": {"Retry-After": "3"},
            }),
        )
        .await?;
    let inputs = tempfile::tempdir()?;
    start_png(&stack, inputs.path(), "wait.png").await?;
    wait_for_state(&stack, "failed").await?;
    let message = stack.text("[data-testid=failure-message]").await?;
    assert!(message.contains("wait 3 seconds"), "{message}");
    let retry = stack
        .browser
        .find(Locator::Css("[data-testid=retry]"))
        .await?;
    let label = retry.text().await?;
    let disabled = retry.attr("disabled").await?.is_some();
    println!("scenario 7: while waiting the button says {label:?}, disabled: {disabled}");
    assert!(disabled, "no retry before the wait is over");
    assert!(label.contains(" s"), "a countdown: {label}");
    screens::capture(&stack, "9-rate-limited").await?;
    // The button comes back by itself once the wait is over.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while retry.attr("disabled").await?.is_some() {
        if tokio::time::Instant::now() > deadline {
            return Err("the retry button never came back".into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(retry.text().await?, "Try again");
    retry.click().await?;
    wait_for_state(&stack, "completed").await?;
    download_and_check(&stack, 0, (48, 32)).await?;
    let counters = stack.hooks.counters().await?;
    println!("scenario 7 (429 Retry-After 3 on convert): {message:?}; {counters}");
    assert_eq!(counters.number("conversions_started"), 1, "{counters}");
    assert_eq!(counters.requests("POST /api/upload"), 1, "not re-uploaded");
    assert_eq!(counters.requests("POST /api/convert"), 2, "{counters}");
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

/// How the person double-clicks.
#[derive(Clone, Copy)]
enum DoubleClick {
    /// Two clicks in one script, before the page can re-render in between.
    InOneScript,
    /// Two WebDriver clicks on the same element, each a full round trip through the driver;
    /// the second may find it gone or disabled, which is the point (not an error of the test).
    ThroughTheDriver,
}

impl DoubleClick {
    async fn on(self, stack: &Stack, css: &str) -> Result<()> {
        match self {
            DoubleClick::InOneScript => {
                let script =
                    "const el = document.querySelector(arguments[0]); el.click(); el.click();";
                stack
                    .browser
                    .execute(script, vec![Value::String(css.to_owned())])
                    .await?;
            }
            DoubleClick::ThroughTheDriver => {
                let element = stack.browser.find(Locator::Css(css)).await?;
                element.clone().click().await?;
                if let Err(error) = element.click().await {
                    println!("second click on {css}: {error}");
                }
            }
        }
        Ok(())
    }
}

/// Chooses a fresh PNG, double-clicks Convert and then Download, and checks that exactly one
/// conversion ran and every download is the right image. Returns the counters and how many
/// downloads the double click on Download added.
async fn double_click_round(
    stack: &Stack,
    dir: &std::path::Path,
    name: &str,
    clicks: DoubleClick,
) -> Result<(trustyconvert_e2e::hooks::Counters, usize)> {
    let png = write_png(dir, name, 48, 32)?;
    let before = wait_for_downloads(stack, 0).await?.len();
    choose_file(stack, &png).await?;
    wait_for_state(stack, "chosen").await?;
    stack.hooks.reset().await?;
    clicks.on(stack, "[data-testid=convert]").await?;
    wait_for_state(stack, "completed").await?;
    clicks.on(stack, "[data-testid=download]").await?;
    wait_for_downloads(stack, before + 1).await?;
    stack.quiet_period().await;
    let all = wait_for_downloads(stack, before + 1).await?;
    let counters = stack.hooks.counters().await?;
    assert_eq!(counters.number("conversions_started"), 1, "{counters}");
    assert_eq!(counters.requests("POST /api/upload"), 1, "{counters}");
    assert_eq!(counters.requests("POST /api/convert"), 1, "{counters}");
    for file in &all {
        let decoded = image::open(file)?;
        assert_eq!((decoded.width(), decoded.height()), (48, 32), "{file:?}");
    }
    Ok((counters, all.len() - before))
}

#[tokio::test(flavor = "multi_thread")]
async fn scenario_10_double_clicks_convert_once_and_download_fine() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;

    let (counters, downloads) = double_click_round(
        &stack,
        inputs.path(),
        "double.png",
        DoubleClick::InOneScript,
    )
    .await?;
    println!("scenario 10 (script double clicks): {downloads} download(s); {counters}");
    // A token request in flight takes no second click: one download.
    assert_eq!(downloads, 1);
    assert_eq!(counters.requests("POST /api/download_token"), 1);

    stack.click("[data-testid=convert-another]").await?;
    let (counters, downloads) = double_click_round(
        &stack,
        inputs.path(),
        "twice.png",
        DoubleClick::ThroughTheDriver,
    )
    .await?;
    println!("scenario 10 (WebDriver double clicks): {downloads} download(s); {counters}");
    // Each click that reaches an enabled button is a fresh token and a download of its own.
    let served = counters.requests("GET /api/download");
    assert!((1..=2).contains(&served), "{counters}");
    assert_eq!(downloads as u64, served, "one file per download served");
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn scenario_12_the_page_says_so_when_the_app_cannot_start() -> Result<()> {
    let stack = Stack::start(StackOptions::default()).await?;
    stack.hooks.reset().await?;
    stack
        .hooks
        .fault(
            "/assets/trustyconvert-web-*",
            20,
            json!({"status": 503, "body": "unavailable", "content_type": "text/plain"}),
        )
        .await?;
    stack.browser.goto(&stack.url("/")).await?;
    let text = stack
        .wait_for_text("#boot-failed", "could not start")
        .await?;
    assert!(text.contains("reload the page"), "{text}");
    assert!(
        stack
            .browser
            .find(Locator::Css("#boot-reload"))
            .await?
            .is_displayed()
            .await?
    );
    screens::capture(&stack, "7-cannot-start").await?;
    let counters = stack.hooks.counters().await?;
    println!("scenario 12 (app cannot load): {counters}");
    assert_eq!(counters.api_requests(), 0, "no app, no API calls");

    // Once the files load again, the reload the page offers brings the app up. The failed
    // loads logged so far are the point of the scenario, not errors of the app.
    stack.console().await?;
    stack.hooks.reset().await?;
    stack.click("#boot-reload").await?;
    stack
        .wait_for_text("[data-testid=session-state]", "Session active")
        .await?;
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn scenario_6b_offline_banner_and_actions_follow_the_connection() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;
    let png = write_png(inputs.path(), "offline.png", 48, 32)?;
    choose_file(&stack, &png).await?;
    wait_for_state(&stack, "chosen").await?;
    stack.hooks.reset().await?;

    let set_online = "const online = arguments[0];
        Object.defineProperty(navigator, 'onLine', {configurable: true, get: () => online});
        window.dispatchEvent(new Event(online ? 'online' : 'offline'));";
    stack
        .browser
        .execute(set_online, vec![Value::Bool(false)])
        .await?;
    stack
        .wait_for_text("[data-testid=offline-banner]", "offline")
        .await?;
    let convert = stack
        .browser
        .find(Locator::Css("[data-testid=convert]"))
        .await?;
    let label = convert.text().await?;
    assert!(label.contains("Offline"), "{label}");
    assert!(
        convert.attr("disabled").await?.is_some(),
        "no convert offline"
    );
    screens::capture(&stack, "10-offline").await?;

    stack
        .browser
        .execute(set_online, vec![Value::Bool(true)])
        .await?;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while stack
        .browser
        .find(Locator::Css("[data-testid=offline-banner]"))
        .await
        .is_ok()
    {
        if tokio::time::Instant::now() > deadline {
            return Err("the offline banner stayed".into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "completed").await?;
    let counters = stack.hooks.counters().await?;
    println!("scenario 6b (offline, then online): {counters}");
    assert_eq!(counters.number("conversions_started"), 1, "{counters}");
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}
