//! Server-first session management in a real browser against the reference server: the
//! server's counters prove how many inits, sessions and requests each situation costs.

use trustyconvert_e2e::{Result, Stack, StackOptions};

const STATE: &str = "[data-testid=session-state]";
const OUTCOME: &str = "[data-testid=probe-outcome]";

async fn ready_stack(options: StackOptions, path: &str) -> Result<Stack> {
    let stack = Stack::start(options).await?;
    stack.open_app(path).await?;
    stack.wait_for_text(STATE, "Session active").await?;
    Ok(stack)
}

/// Runs one probe upload from the diagnostics panel and waits for its outcome.
async fn probe(stack: &Stack, button: &str, expect: &str) -> Result<()> {
    stack.click(button).await?;
    stack.wait_for_text(OUTCOME, expect).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn first_visit_creates_one_session_and_a_reload_adopts_it() -> Result<()> {
    let stack = ready_stack(StackOptions::default(), "/?diagnostics").await?;
    stack.quiet_period().await;
    let first = stack.hooks.counters().await?;
    println!("first visit: {first}");
    assert_eq!(first.requests("GET /api/session/init"), 1);
    assert_eq!(first.number("sessions_created"), 1);

    stack.hooks.reset().await?;
    stack.browser.refresh().await?;
    // The cookie's session is taken without a request, so nothing has proven it yet.
    stack.wait_for_text(STATE, "Session found").await?;
    stack.quiet_period().await;
    let reload = stack.hooks.counters().await?;
    println!("reload: {reload}");
    assert_eq!(
        reload.requests("GET /api/session/init"),
        0,
        "the token comes from the cookie"
    );
    // The format catalogue is the only call a reload makes (the file picker needs it).
    assert_eq!(
        reload.api_requests() - reload.requests("GET /api/convert/formats"),
        0
    );
    // The first answer from an endpoint that needs the session proves it.
    probe(
        &stack,
        "[data-testid=probe-one]",
        "1 of 1 probe upload succeeded",
    )
    .await?;
    stack.wait_for_text(STATE, "Session active").await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_rotated_server_side_costs_at_most_one_extra_request() -> Result<()> {
    let stack = ready_stack(StackOptions::default(), "/?diagnostics").await?;
    stack.quiet_period().await;
    stack.hooks.reset().await?;
    stack.hooks.rotate_all().await?;
    probe(
        &stack,
        "[data-testid=probe-one]",
        "1 of 1 probe upload succeeded",
    )
    .await?;
    let counters = stack.hooks.counters().await?;
    println!("rotated token: {counters}");
    assert_eq!(counters.number("sessions_created"), 0);
    assert_eq!(counters.requests("GET /api/session/init"), 0);
    assert!(
        counters.api_requests() <= 2,
        "the upload and at most one retry"
    );
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_session_is_replaced_once_for_one_or_five_requests() -> Result<()> {
    let stack = ready_stack(StackOptions::default(), "/?diagnostics").await?;
    stack.quiet_period().await;

    stack.hooks.reset().await?;
    stack.hooks.expire_all().await?;
    probe(
        &stack,
        "[data-testid=probe-one]",
        "1 of 1 probe upload succeeded",
    )
    .await?;
    let one = stack.hooks.counters().await?;
    println!("expired, one request: {one}");
    assert_eq!(one.number("sessions_created"), 1);
    assert_eq!(one.requests("GET /api/session/init"), 1);

    stack.hooks.reset().await?;
    stack.hooks.expire_all().await?;
    probe(
        &stack,
        "[data-testid=probe-five]",
        "5 of 5 probe uploads succeeded",
    )
    .await?;
    let five = stack.hooks.counters().await?;
    println!("expired, five requests at once: {five}");
    assert_eq!(five.number("sessions_created"), 1);
    assert_eq!(five.requests("GET /api/session/init"), 1);
    assert!(
        five.requests("POST /api/upload") <= 10,
        "each upload at most twice"
    );
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn hide_and_show_cycles_with_a_valid_session_send_nothing() -> Result<()> {
    let stack = ready_stack(StackOptions::default(), "/?diagnostics").await?;
    stack.quiet_period().await;
    stack.hooks.reset().await?;
    for _ in 0..10 {
        stack.set_visibility(false).await?;
        stack.set_visibility(true).await?;
    }
    // "Nothing is sent" proves something only if the app heard the page being shown: another
    // tab's token in the cookie before the last show is adopted, still without a request.
    stack
        .browser
        .execute(
            "document.cookie = 'csrftoken=rotated-by-another-tab; path=/'",
            vec![],
        )
        .await?;
    stack.set_visibility(false).await?;
    stack.set_visibility(true).await?;
    stack.wait_for_text("[data-testid=diag-syncs]", "1").await?;
    stack.quiet_period().await;
    let counters = stack.hooks.counters().await?;
    println!("11 hide/show cycles: {counters}");
    assert_eq!(counters.api_requests(), 0);
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_session_stays_closed_until_the_user_acts() -> Result<()> {
    let stack = ready_stack(StackOptions::default(), "/?diagnostics").await?;
    stack.click("[data-testid=close-session]").await?;
    // The confirmation says what closing does before anything is deleted.
    let confirm = stack.text("[role=alertdialog]").await?;
    assert!(
        confirm.contains("deletes your uploaded and converted files"),
        "confirmation: {confirm}"
    );
    stack.click("[data-testid=confirm-close]").await?;
    stack.wait_for_text(STATE, "Session closed").await?;

    let cookies = stack.browser.get_all_cookies().await?;
    let names: Vec<String> = cookies
        .iter()
        .map(|cookie| cookie.name().to_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|name| name == "csrftoken" || name == "trustyconvert_session"),
        "cookies left: {names:?}"
    );

    stack.hooks.reset().await?;
    for _ in 0..3 {
        stack.set_visibility(false).await?;
        stack.set_visibility(true).await?;
    }
    stack.quiet_period().await;
    let idle = stack.hooks.counters().await?;
    println!("closed, hide/show: {idle}");
    assert_eq!(idle.api_requests(), 0, "nothing starts a session by itself");
    assert!(stack.text(STATE).await?.contains("Session closed"));

    probe(
        &stack,
        "[data-testid=probe-one]",
        "1 of 1 probe upload succeeded",
    )
    .await?;
    let after = stack.hooks.counters().await?;
    println!("closed, then a user action: {after}");
    assert_eq!(after.number("sessions_created"), 1);
    stack.wait_for_text(STATE, "Session active").await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_csrf_cookie_works_from_response_tokens() -> Result<()> {
    let options = StackOptions {
        configure: |config| config.test_httponly_csrf = true,
        ..StackOptions::default()
    };
    let stack = ready_stack(options, "/?diagnostics").await?;
    let visible_cookie: serde_json::Value = stack
        .browser
        .execute("return document.cookie", vec![])
        .await?;
    assert!(!visible_cookie
        .as_str()
        .unwrap_or_default()
        .contains("csrftoken"));
    probe(
        &stack,
        "[data-testid=probe-one]",
        "1 of 1 probe upload succeeded",
    )
    .await?;
    let counters = stack.hooks.counters().await?;
    println!("HttpOnly csrftoken: {counters}");
    assert_eq!(counters.number("sessions_created"), 1);

    // A reload cannot read the token: init resumes the same session instead of creating one.
    stack.hooks.reset().await?;
    stack.browser.refresh().await?;
    stack.wait_for_text(STATE, "Session active").await?;
    probe(
        &stack,
        "[data-testid=probe-one]",
        "1 of 1 probe upload succeeded",
    )
    .await?;
    let reload = stack.hooks.counters().await?;
    println!("HttpOnly csrftoken, reload: {reload}");
    assert_eq!(reload.requests("GET /api/session/init"), 1);
    assert_eq!(reload.number("sessions_created"), 0);
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_logs_show_the_lifecycle_and_never_a_token() -> Result<()> {
    let stack = ready_stack(StackOptions::default(), "/?diagnostics&log=debug").await?;
    // The first session's secrets, which must not appear either once it has expired.
    let mut secrets = stack.session_secrets().await?;
    assert_eq!(secrets.len(), 2, "both cookies are set");
    stack.hooks.expire_all().await?;
    probe(
        &stack,
        "[data-testid=probe-one]",
        "1 of 1 probe upload succeeded",
    )
    .await?;

    let console = stack.console().await?;
    let messages: Vec<&str> = console.iter().map(|entry| entry.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("session: init")),
        "console: {messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("session: ready")),
        "console: {messages:#?}"
    );

    let replacement = stack.session_secrets().await?;
    assert_eq!(replacement.len(), 2, "both cookies are set");
    assert!(
        replacement.iter().all(|secret| !secrets.contains(secret)),
        "the expired session was replaced"
    );
    secrets.extend(replacement);
    let storage: serde_json::Value = stack
        .browser
        .execute(
            "return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)",
            vec![],
        )
        .await?;
    let url = stack.browser.current_url().await?.to_string();
    for secret in &secrets {
        assert!(
            !messages.iter().any(|m| m.contains(secret.as_str())),
            "a token reached the console"
        );
        assert!(
            !storage
                .as_str()
                .unwrap_or_default()
                .contains(secret.as_str()),
            "a token reached web storage"
        );
        assert!(!url.contains(secret.as_str()), "a token reached the URL");
    }
    stack.stop().await
}
