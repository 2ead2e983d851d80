//! A redirect from the API is never followed with `X-CSRF-Token` (issue 11): `fetch` refuses it
//! and the flow finds out by itself whether the conversion started; an upload (XHR, which
//! cannot refuse) is not taken as the API's answer and the person is told what happened.

use serde_json::json;
use trustyconvert_e2e::flow::*;
use trustyconvert_e2e::{Result, StackOptions};

/// Where the injected redirects point: a path of the same server, so that a followed redirect
/// would show in its counters.
const TARGET: &str = "/api/redirect-target";

fn redirect(method: &str) -> serde_json::Value {
    json!({"method": method, "status": 307, "body": "", "headers": {"Location": TARGET}})
}

#[tokio::test(flavor = "multi_thread")]
async fn redirects_from_the_api_are_not_followed_with_the_token() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;

    // `POST /convert` answered with a 307 (which keeps method, body and headers).
    stack.hooks.reset().await?;
    stack
        .hooks
        .fault("/api/convert", 1, redirect("POST"))
        .await?;
    choose_png(&stack, inputs.path(), "convert.png", (48, 32)).await?;
    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "completed").await?;
    let counters = stack.hooks.counters().await?;
    println!("convert redirected: {counters}");
    assert_eq!(
        counters.requests(&format!("POST {TARGET}")),
        0,
        "{counters}"
    );
    assert_eq!(counters.requests("POST /api/convert"), 2, "{counters}");
    assert_eq!(counters.number("conversions_started"), 1, "{counters}");
    download_and_check(&stack, 0, (48, 32)).await?;

    // The upload: XHR follows by itself, so the app must not take the answer as the API's.
    stack.click("[data-testid=convert-another]").await?;
    stack.hooks.reset().await?;
    stack
        .hooks
        .fault("/api/upload", 1, redirect("POST"))
        .await?;
    choose_png(&stack, inputs.path(), "upload.png", (48, 32)).await?;
    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "failed").await?;
    let message = stack.text("[data-testid=failure-message]").await?;
    assert!(message.contains("another address"), "{message:?}");
    stack.click("[data-testid=retry]").await?;
    wait_for_state(&stack, "completed").await?;
    let counters = stack.hooks.counters().await?;
    println!("upload redirected: {counters}");
    assert_eq!(counters.number("conversions_started"), 1, "{counters}");
    download_and_check(&stack, 1, (48, 32)).await?;
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}
