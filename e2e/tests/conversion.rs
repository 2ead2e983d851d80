//! Whole conversions in a real browser against the reference server: files go in through the
//! file input, downloads are checked byte for byte, refused files send nothing, and a slowed
//! upload shows its progress and can be cancelled without leaving anything on the server.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::Value;
use trustyconvert_e2e::flow::*;
use trustyconvert_e2e::{screens, Result, Stack, StackOptions};

async fn screenshot(stack: &Stack, name: &str) -> Result<()> {
    screens::capture(stack, name).await
}

/// The whole flow; on a phone the run itself uses the emulated 390×844 viewport, on the
/// desktop each step is also captured at both sizes.
async fn png_to_jpeg(on_phone: bool) -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    if on_phone {
        screens::emulate(&stack.browser, Some(screens::PHONE)).await?;
    }

    let inputs = tempfile::tempdir()?;
    let png = write_png(inputs.path(), "photo.png", 320, 200)?;
    if !on_phone {
        screenshot(&stack, "1-empty").await?;
    }

    choose_file(&stack, &png).await?;
    wait_for_state(&stack, "chosen").await?;
    let summary = stack.text("[data-testid=file-summary]").await?;
    assert!(
        summary.contains("photo.png") && summary.contains("PNG"),
        "{summary}"
    );
    let selected = stack
        .browser
        .execute(
            "return document.querySelector('[data-testid=target-select]').value",
            vec![],
        )
        .await?;
    assert_eq!(
        selected.as_str(),
        Some("jpg"),
        "JPEG is the default for a PNG"
    );
    if !on_phone {
        screenshot(&stack, "2-file-chosen").await?;
    }

    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "completed").await?;
    if !on_phone {
        screenshot(&stack, "5-done").await?;
    }
    stack.click("[data-testid=download]").await?;
    let files = wait_for_downloads(&stack, 1).await?;
    let jpeg = image::open(&files[0])?;
    assert_eq!(
        image::ImageFormat::from_path(&files[0])?,
        image::ImageFormat::Jpeg
    );
    assert_eq!((jpeg.width(), jpeg.height()), (320, 200));
    let bytes = std::fs::read(&files[0])?;
    assert_eq!(&bytes[..3], &[0xff, 0xd8, 0xff], "a JPEG starts with SOI");
    // The app is still there, with its result.
    assert_eq!(state(&stack).await, "completed");

    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn png_to_jpeg_downloads_a_jpeg_of_the_same_size() -> Result<()> {
    png_to_jpeg(false).await
}

#[tokio::test(flavor = "multi_thread")]
async fn png_to_jpeg_on_a_phone() -> Result<()> {
    png_to_jpeg(true).await
}

#[tokio::test(flavor = "multi_thread")]
async fn pdf_html_and_json_in_one_session() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;

    let png = write_png(inputs.path(), "chart.png", 64, 48)?;
    convert(&stack, &png, "pdf").await?;
    stack.click("[data-testid=download]").await?;
    let pdf = wait_for_downloads(&stack, 1).await?;
    assert!(std::fs::read(&pdf[0])?.starts_with(b"%PDF-"), "{pdf:?}");

    stack.click("[data-testid=convert-another]").await?;
    wait_for_state(&stack, "idle").await?;
    let md = write_file(inputs.path(), "notes.md", b"# Title\n\nSome *text*.\n")?;
    convert(&stack, &md, "html").await?;
    stack.click("[data-testid=download]").await?;
    let html = wait_for_downloads(&stack, 2).await?;
    let html_file = html
        .iter()
        .find(|path| path.extension().is_some_and(|ext| ext == "html"))
        .ok_or("no .html download")?;
    let text = std::fs::read_to_string(html_file)?;
    assert!(text.contains("<h1") && text.contains("Title"), "{text}");

    stack.click("[data-testid=convert-another]").await?;
    let csv = write_file(
        inputs.path(),
        "table.csv",
        b"name,count\napples,3\npears,5\n",
    )?;
    convert(&stack, &csv, "json").await?;
    stack.click("[data-testid=download]").await?;
    let all = wait_for_downloads(&stack, 3).await?;
    let json_file = all
        .iter()
        .find(|path| path.extension().is_some_and(|ext| ext == "json"))
        .ok_or("no .json download")?;
    let parsed: Value = serde_json::from_slice(&std::fs::read(json_file)?)?;
    println!("csv → json: {parsed}");
    assert!(parsed.to_string().contains("apples"));

    let counters = stack.hooks.counters().await?;
    assert_eq!(
        counters.number("sessions_created"),
        1,
        "one session: {counters}"
    );
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_files_send_nothing_and_say_why() -> Result<()> {
    let stack = ready(StackOptions {
        configure: |config| config.max_upload_bytes = 1024 * 1024,
        ..StackOptions::default()
    })
    .await?;
    let inputs = tempfile::tempdir()?;
    stack.hooks.reset().await?;

    let big = write_file(inputs.path(), "huge.png", &vec![0u8; 2 * 1024 * 1024])?;
    choose_file(&stack, &big).await?;
    let message = stack
        .wait_for_text("[data-testid=file-rejection]", "limit")
        .await?;
    assert!(
        message.contains("1 MB") && message.contains("2 MB"),
        "{message}"
    );
    screenshot(&stack, "6-error-too-large").await?;

    let exe = write_file(inputs.path(), "setup.exe", b"MZ not a document")?;
    choose_file(&stack, &exe).await?;
    let message = stack
        .wait_for_text("[data-testid=file-rejection]", "Accepted types")
        .await?;
    assert!(
        message.contains("EXE") && message.contains("PNG"),
        "{message}"
    );
    assert_eq!(state(&stack).await, "idle");

    stack.quiet_period().await;
    let counters = stack.hooks.counters().await?;
    assert_eq!(counters.number("uploads_started"), 0, "{counters}");
    assert_eq!(counters.requests("POST /api/upload"), 0, "{counters}");
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_servers_validation_message_is_shown() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;
    let png = write_png(inputs.path(), "pixels.png", 8, 8)?;
    let disguised = inputs.path().join("data.csv");
    std::fs::copy(&png, &disguised)?;
    choose_file(&stack, &disguised).await?;
    wait_for_state(&stack, "chosen").await?;
    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "failed").await?;
    let message = stack.text("[data-testid=failure-message]").await?;
    println!("server said: {message}");
    assert!(
        message.contains(".csv"),
        "the server's own message: {message}"
    );
    let toast = stack.wait_for_text("[data-testid=toast]", ".csv").await?;
    assert!(
        toast.contains("Reference"),
        "errors carry the reference: {toast}"
    );
    assert!(stack
        .browser
        .find(Locator::Css("[data-testid=copy-reference]"))
        .await
        .is_ok());
    // Sending the same refused file again cannot help: no "Try again", only another file.
    assert!(stack
        .browser
        .find(Locator::Css("[data-testid=retry]"))
        .await
        .is_err());
    assert!(stack
        .text("[data-testid=failure]")
        .await?
        .contains("cannot be converted"));
    screenshot(&stack, "6-error-server").await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn two_clicks_on_download_give_two_downloads() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;
    let png = write_png(inputs.path(), "twice.png", 40, 30)?;
    convert(&stack, &png, "jpg").await?;
    stack.click("[data-testid=download]").await?;
    wait_for_downloads(&stack, 1).await?;
    stack
        .wait_for_text("[data-testid=download]", "Download again")
        .await?;
    stack.click("[data-testid=download]").await?;
    let files = wait_for_downloads(&stack, 2).await?;
    for file in &files {
        let decoded = image::open(file)?;
        assert_eq!((decoded.width(), decoded.height()), (40, 30), "{file:?}");
    }
    let counters = stack.hooks.counters().await?;
    assert_eq!(counters.requests("GET /api/download"), 2, "{counters}");
    stack.stop().await
}

/// Records every value the upload bar shows, from inside the page.
const RECORD_PROGRESS: &str = "window.__uploadProgress = [];
    new MutationObserver(() => {
        const bar = document.querySelector('[data-testid=upload-progress]');
        if (bar) window.__uploadProgress.push(Number(bar.getAttribute('value')));
    }).observe(document.body, {subtree: true, childList: true, attributes: true});";

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_upload_shows_progress_and_a_cancelled_one_leaves_nothing() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;
    let csv = write_file(inputs.path(), "large.csv", &big_csv(20 * 1024 * 1024))?;
    stack.hooks.upload_rate(Some(6 * 1024 * 1024)).await?;
    stack.browser.execute(RECORD_PROGRESS, vec![]).await?;

    choose_file(&stack, &csv).await?;
    wait_for_state(&stack, "chosen").await?;
    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "uploading").await?;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    screenshot(&stack, "3-uploading").await?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while state(&stack).await == "uploading" && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    screenshot(&stack, "4-converting").await?;
    let seen = stack
        .browser
        .execute("return window.__uploadProgress", vec![])
        .await?;
    let seen: Vec<u64> = seen
        .as_array()
        .map(|values| values.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default();
    println!("upload progress seen: {seen:?}");
    assert!(
        seen.windows(2).all(|pair| pair[0] <= pair[1]),
        "rising: {seen:?}"
    );
    assert!(
        seen.iter().any(|p| (1..100).contains(p)),
        "midway values: {seen:?}"
    );
    assert_eq!(seen.last(), Some(&100), "ends at 100%: {seen:?}");
    wait_for_state(&stack, "completed").await?;

    // A second upload, cancelled midway: nothing stays on the server.
    stack.click("[data-testid=convert-another]").await?;
    let before = stack.hooks.counters().await?;
    let csv2 = write_file(inputs.path(), "second.csv", &big_csv(20 * 1024 * 1024))?;
    stack.hooks.upload_rate(Some(2 * 1024 * 1024)).await?;
    choose_file(&stack, &csv2).await?;
    wait_for_state(&stack, "chosen").await?;
    stack.click("[data-testid=convert]").await?;
    wait_for_state(&stack, "uploading").await?;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    stack.click("[data-testid=cancel]").await?;
    wait_for_state(&stack, "chosen").await?;
    stack
        .wait_for_text("[data-testid=toasts]", "Cancelled")
        .await?;
    stack.hooks.upload_rate(None).await?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let after = loop {
        let now = stack.hooks.counters().await?;
        let settled = now.number("files") == before.number("files")
            && now.number("jobs") == before.number("jobs");
        if settled || tokio::time::Instant::now() > deadline {
            break now;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    println!("before cancel: {before}\nafter cancel: {after}");
    assert_eq!(
        after.number("files"),
        before.number("files"),
        "no partial file"
    );
    assert_eq!(after.number("jobs"), before.number("jobs"), "no job");
    assert_eq!(
        after.number("uploads_completed"),
        before.number("uploads_completed")
    );
    stack.stop().await
}

// The app that cannot start (its files fail to load) is scenario 12 in `resilience_faults.rs`.
