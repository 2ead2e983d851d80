//! Resilience of the session under a person's conversion, in Chromium against the reference
//! server: the session expires or the server restarts mid-flow, the token rotates, the server
//! goes down and comes back, two tabs share a session, and no secret leaks. Each scenario
//! prints the server's counters.

use fantoccini::Locator;
use trustyconvert_e2e::flow::*;
use trustyconvert_e2e::{Result, Stack, StackOptions};

const STATE: &str = "[data-testid=session-state]";

#[tokio::test(flavor = "multi_thread")]
async fn scenario_1_session_expired_between_upload_and_convert() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;
    choose_png(&stack, inputs.path(), "photo.png", (64, 48)).await?;
    stack.hooks.reset().await?;
    stack.hooks.when("POST", "/api/convert", "expire").await?;

    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "completed").await?;
    let counters = stack.hooks.counters().await?;
    println!("scenario 1, session expired between upload and convert: {counters}");
    assert_eq!(counters.number("sessions_created"), 1);
    // The first upload, and the redo from the same File after the session changed.
    assert_eq!(counters.requests("POST /api/upload"), 2);
    assert!(counters.requests("POST /api/convert") <= 3);
    download_and_check(&stack, 0, (64, 48)).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn scenario_2_server_restarted_between_conversion_and_download() -> Result<()> {
    let mut stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;
    choose_png(&stack, inputs.path(), "photo.png", (64, 48)).await?;
    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "completed").await?;

    // A real restart: every session and job is gone; the page stays.
    stack.start_server().await?;
    download_and_check(&stack, 0, (64, 48)).await?;
    let counters = stack.hooks.counters().await?;
    println!("scenario 2, server restarted mid-flow: {counters}");
    assert_eq!(counters.number("sessions_created"), 1);
    assert_eq!(counters.requests("POST /api/upload"), 1, "redone once");
    assert_eq!(counters.number("conversions_started"), 1);
    assert_eq!(state(&stack).await, "completed");
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn scenario_3_token_rotated_between_two_steps() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;
    choose_png(&stack, inputs.path(), "photo.png", (64, 48)).await?;
    stack.hooks.reset().await?;
    stack.hooks.when("POST", "/api/convert", "rotate").await?;

    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "completed").await?;
    let counters = stack.hooks.counters().await?;
    println!("scenario 3, token rotated between upload and convert: {counters}");
    assert_eq!(counters.number("sessions_created"), 0);
    assert_eq!(counters.requests("GET /api/session/init"), 0);
    // Refused once with the old token (its answer carries the new cookie), then accepted.
    assert_eq!(counters.requests("POST /api/convert"), 2);
    assert_eq!(counters.requests("POST /api/upload"), 1);
    download_and_check(&stack, 0, (64, 48)).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn scenario_8_server_down_then_up_again() -> Result<()> {
    let mut stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;
    choose_png(&stack, inputs.path(), "photo.png", (64, 48)).await?;
    stack.stop_server().await;

    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "failed").await?;
    let message = stack.text("[data-testid=failure]").await?;
    assert!(message.contains("Could not reach the server"), "{message}");

    stack.start_server().await?;
    stack.click("[data-testid=retry]").await?;
    wait_for_state(&stack, "completed").await?;
    let counters = stack.hooks.counters().await?;
    println!("scenario 8, server down then up: {counters}");
    // The restarted server forgot the session: one new one, no storm of inits.
    assert_eq!(counters.number("sessions_created"), 1);
    assert!(counters.requests("GET /api/session/init") <= 2);
    download_and_check(&stack, 0, (64, 48)).await?;
    stack.stop().await
}

/// Opens a second tab on the app and returns to the first; returns both window handles.
async fn second_tab(
    stack: &Stack,
) -> Result<(fantoccini::wd::WindowHandle, fantoccini::wd::WindowHandle)> {
    let first = stack.browser.window().await?;
    let second = stack.browser.new_window(true).await?.handle;
    stack.browser.switch_to_window(second.clone()).await?;
    stack.open_app("/").await?;
    // The first tab's session, from the cookie: not yet proven by an answer.
    stack.wait_for_text(STATE, "Session found").await?;
    stack.browser.switch_to_window(first.clone()).await?;
    Ok((first, second))
}

#[tokio::test(flavor = "multi_thread")]
async fn scenario_9_a_close_in_one_tab_stops_the_other() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let (_tab_a, tab_b) = second_tab(&stack).await?;
    stack.hooks.reset().await?;

    // Tab A closes the session; tab B hears it and stops.
    stack.click("[data-testid=close-session]").await?;
    stack.click("[data-testid=confirm-close]").await?;
    stack.wait_for_text(STATE, "Session closed").await?;
    stack.browser.switch_to_window(tab_b.clone()).await?;
    stack.wait_for_text(STATE, "Session closed").await?;
    stack.set_visibility(false).await?;
    stack.set_visibility(true).await?;
    stack.quiet_period().await;
    let closed = stack.hooks.counters().await?;
    println!("scenario 9, tab A closed the session: {closed}");
    assert_eq!(
        closed.number("sessions_created"),
        0,
        "nothing starts by itself"
    );
    assert_eq!(closed.requests("GET /api/session/init"), 0);

    // The person acts in tab B: exactly one new session, and the conversion completes.
    let inputs = tempfile::tempdir()?;
    choose_png(&stack, inputs.path(), "photo.png", (64, 48)).await?;
    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "completed").await?;
    let restarted = stack.hooks.counters().await?;
    println!("scenario 9, the user converts in tab B: {restarted}");
    assert_eq!(restarted.number("sessions_created"), 1);

    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn scenario_9_a_rotated_shared_token_is_adopted_when_a_tab_is_shown() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let (tab_a, tab_b) = second_tab(&stack).await?;
    let inputs = tempfile::tempdir()?;
    // Tab B is hidden while tab A works.
    stack.browser.switch_to_window(tab_b.clone()).await?;
    stack.set_visibility(false).await?;
    stack.browser.switch_to_window(tab_a).await?;

    // The server rotates the shared token; tab A's next request learns the new cookie.
    stack.hooks.reset().await?;
    stack.hooks.rotate_all().await?;
    choose_png(&stack, inputs.path(), "photo.png", (64, 48)).await?;
    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "completed").await?;

    // Tab B adopts the new token from the cookie when shown: its upload is accepted at once.
    stack.browser.switch_to_window(tab_b).await?;
    stack.set_visibility(true).await?;
    let before = stack.hooks.counters().await?;
    choose_png(&stack, inputs.path(), "photo.png", (64, 48)).await?;
    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "completed").await?;
    let after = stack.hooks.counters().await?;
    println!("scenario 9, token rotated, tab B shown again: {after}");
    assert_eq!(after.number("sessions_created"), 0);
    assert_eq!(after.requests("GET /api/session/init"), 0);
    let uploads = |c: &trustyconvert_e2e::hooks::Counters| c.requests("POST /api/upload");
    assert_eq!(
        uploads(&after) - uploads(&before),
        1,
        "no refused upload in tab B"
    );
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn scenario_11_no_secret_leaks_and_a_hostile_name_stays_text() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;
    let hostile = write_png(inputs.path(), "<img src=x onerror=alert(1)>.png", 16, 16)?;
    choose_file(&stack, &hostile).await?;
    wait_for_state(&stack, "chosen").await?;
    let summary = stack.text("[data-testid=file-summary]").await?;
    assert!(
        summary.contains("<img src=x onerror=alert(1)>.png"),
        "shown as text: {summary}"
    );
    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "completed").await?;
    stack.click("[data-testid=download]").await?;
    wait_for_downloads(&stack, 1).await?;

    assert!(
        stack.browser.get_alert_text().await.is_err(),
        "no dialog opened"
    );
    let injected = stack.browser.find_all(Locator::Css("img[src='x']")).await?;
    assert!(injected.is_empty(), "the name never became markup");

    let secrets = stack.session_secrets().await?;
    assert_eq!(secrets.len(), 2);
    let storage = stack
        .browser
        .execute(
            "return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)",
            vec![],
        )
        .await?;
    let urls = stack
        .browser
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href])",
            vec![],
        )
        .await?;
    let urls: Vec<String> = urls
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|url| url.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let console = stack.console().await?;
    for secret in &secrets {
        assert!(
            !storage.to_string().contains(secret.as_str()),
            "a token in web storage"
        );
        assert!(
            !urls.iter().any(|url| url.contains(secret.as_str())),
            "a token in a URL"
        );
        assert!(
            !console
                .iter()
                .any(|entry| entry.message.contains(secret.as_str())),
            "a token in the console"
        );
    }
    // No request of the page carries a token in its URL. (The download's own navigation, in
    // a hidden frame, is not a resource entry; the server counts it, exactly once, below.)
    let with_token: Vec<&String> = urls.iter().filter(|url| url.contains("token=")).collect();
    assert!(with_token.is_empty(), "token in URLs: {with_token:?}");
    let counters = stack.hooks.counters().await?;
    println!("scenario 11, secrets and a hostile filename: {counters}");
    // The download token's single request.
    assert_eq!(counters.requests("GET /api/download"), 1);
    stack.stop().await
}
