//! First load: the page the server sends already holds the drop zone, and with the app's wasm
//! held back by the server a person can still choose or drop a file; the app, once released,
//! takes it over on the very same input and converts it.

use std::path::Path;

use fantoccini::Locator;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use trustyconvert_e2e::flow::{
    assert_no_app_errors, choose_file, convert_chosen, download_and_check, write_png,
};
use trustyconvert_e2e::{Result, Stack, StackOptions};

/// The app's own script and wasm (not boot.js, which must run before them).
const APP_CODE: &str = "/assets/trustyconvert-web*";
const PNG_SIZE: (u32, u32) = (48, 32);

/// Before the release: the prerendered input gets a click listener that stops the
/// system dialog, and an observer noting the panel's state if the input ever leaves the page
/// (hydration replacing it would do that while the panel is still idle).
const WATCH_THE_INPUT: &str = "
    const input = document.getElementById('file-input');
    window.__inputClicks = 0;
    input.addEventListener('click', (event) => { window.__inputClicks += 1; event.preventDefault(); });
    window.__inputRemovedWhile = null;
    new MutationObserver(() => {
        if (!document.contains(input) && window.__inputRemovedWhile === null) {
            const panel = document.querySelector('[data-testid=conversion-panel]');
            window.__inputRemovedWhile = panel ? panel.dataset.state : 'no panel';
        }
    }).observe(document.body, {childList: true, subtree: true});";

/// Drops a PNG (its bytes as numbers) on the drop zone; says whether the page stopped the
/// browser from opening the file, for `dragover` and `drop`.
const DROP_A_PNG: &str = "
    const [bytes, name] = arguments;
    const file = new File([new Uint8Array(bytes)], name, {type: 'image/png'});
    const transfer = new DataTransfer();
    transfer.items.add(file);
    const zone = document.querySelector('[data-testid=dropzone]');
    const over = new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: transfer});
    zone.dispatchEvent(over);
    const drop = new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: transfer});
    zone.dispatchEvent(drop);
    return [over.defaultPrevented, drop.defaultPrevented];";

#[tokio::test(flavor = "multi_thread")]
async fn the_page_itself_holds_the_drop_zone_label_and_input() -> Result<()> {
    let stack = Stack::start(StackOptions::default()).await?;
    // Quotes dropped: the build's HTML minifier leaves attribute values unquoted where it can
    // (and orders attributes its own way).
    let page = get_text(&stack.url("/")).await?.replace(['"', '\''], "");
    for needed in [
        "<label for=file-input",
        "<input type=file id=file-input",
        "Drop a file here",
        "id=boot-failed",
    ] {
        assert!(page.contains(needed), "GET / lacks {needed}: {page}");
    }
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_chosen_before_the_wasm_arrives_is_taken_and_converts() -> Result<()> {
    let inputs = tempfile::tempdir()?;
    let png = write_png(inputs.path(), "early.png", PNG_SIZE.0, PNG_SIZE.1)?;
    let stack = open_without_the_app().await?;

    // The label reaches the input with no app running.
    stack.click("label[for=file-input]").await?;
    let clicks = stack
        .browser
        .execute("return window.__inputClicks", vec![])
        .await?;
    assert_eq!(
        clicks.as_u64(),
        Some(1),
        "the label's click reached the input"
    );
    choose_file(&stack, &png).await?;

    release_and_convert(stack, "early.png").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_dropped_before_the_wasm_arrives_is_taken_and_converts() -> Result<()> {
    let inputs = tempfile::tempdir()?;
    let png = write_png(inputs.path(), "dropped.png", PNG_SIZE.0, PNG_SIZE.1)?;
    let stack = open_without_the_app().await?;

    let prevented = stack
        .browser
        .execute(DROP_A_PNG, vec![png_bytes(&png)?, json!("dropped.png")])
        .await?;
    assert_eq!(
        prevented,
        json!([true, true]),
        "the boot script keeps the browser from opening the dropped file"
    );

    release_and_convert(stack, "dropped.png").await
}

/// A stack whose browser opens `/` with the app's code held back: the prerendered page, usable,
/// with nothing of the app running.
async fn open_without_the_app() -> Result<Stack> {
    let stack = Stack::start(StackOptions {
        // Navigation must not wait for a load that the hold keeps from finishing.
        page_load_strategy: "none",
        ..StackOptions::default()
    })
    .await?;
    stack.hooks.reset().await?;
    stack.hooks.hold(APP_CODE).await?;
    stack.browser.goto(&stack.url("/")).await?;
    stack
        .browser
        .wait()
        .for_element(Locator::Css("label[for=file-input]"))
        .await?;
    stack
        .wait_for_text("[data-testid=dropzone]", "Drop a file")
        .await?;
    let counters = stack.hooks.counters().await?;
    assert!(
        counters.number("held") >= 1,
        "the app's code is held: {counters}"
    );
    assert!(!hydrated(&stack).await?, "nothing of the app runs yet");
    stack.browser.execute(WATCH_THE_INPUT, vec![]).await?;
    Ok(stack)
}

/// Lets the app's code through, waits until it has hydrated the page (keeping the prerendered
/// input) and shows `name` as the chosen file, then converts it and checks the download.
async fn release_and_convert(stack: Stack, name: &str) -> Result<()> {
    stack.hooks.release().await?;
    trustyconvert_e2e::flow::wait_for_state(&stack, "chosen").await?;
    assert!(hydrated(&stack).await?, "the app marks the page hydrated");
    let removed_while = stack
        .browser
        .execute("return window.__inputRemovedWhile", vec![])
        .await?;
    assert_ne!(
        removed_while.as_str(),
        Some("idle"),
        "hydration kept the prerendered input (the chosen step may replace it later)"
    );
    let panel = stack.text("[data-testid=conversion-panel]").await?;
    assert!(panel.contains(name), "{name} is shown as chosen: {panel}");
    convert_chosen(&stack, "jpg").await?;
    download_and_check(&stack, 0, PNG_SIZE).await?;
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

async fn hydrated(stack: &Stack) -> Result<bool> {
    let marks = stack
        .browser
        .execute(
            "return performance.getEntriesByName('hydrated').length",
            vec![],
        )
        .await?;
    Ok(marks.as_u64().unwrap_or(0) > 0)
}

fn png_bytes(path: &Path) -> Result<Value> {
    Ok(Value::Array(
        std::fs::read(path)?.into_iter().map(Value::from).collect(),
    ))
}

/// A plain GET, as a crawler or `curl` sees the page: no browser, no script.
async fn get_text(url: &str) -> Result<String> {
    let client: Client<HttpConnector, Empty<bytes::Bytes>> =
        Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    let response = client.get(url.parse()?).await?;
    if !response.status().is_success() {
        return Err(format!("GET {url}: {}", response.status()).into());
    }
    let body = response.into_body().collect().await?.to_bytes();
    Ok(String::from_utf8_lossy(&body).into_owned())
}
