//! Many files at once in a real browser against the reference server: a mixed queue with a
//! file that fails in conversion, "Download all" checked byte for byte, the server's upload
//! pacing, a session that expires mid-queue, cancel/remove sending nothing more, and every state
//! a file can show at once passing axe.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use trustyconvert_e2e::flow::*;
use trustyconvert_e2e::{axe, screens, Result, Stack, StackOptions};

/// Each file's name and state, in the queue's order.
async fn states(stack: &Stack) -> Result<BTreeMap<String, String>> {
    let value = stack
        .browser
        .execute(
            "return Array.from(document.querySelectorAll('[data-testid=queue-item]'))
                .map(item => [item.dataset.name, item.dataset.state]);",
            vec![],
        )
        .await?;
    let pairs: Vec<(String, String)> = serde_json::from_value(value)?;
    Ok(pairs.into_iter().collect())
}

/// Waits until no file is waiting, uploading or converting; returns the states.
async fn wait_until_settled(stack: &Stack, within: Duration) -> Result<BTreeMap<String, String>> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let now = states(stack).await?;
        let busy = now
            .values()
            .any(|state| matches!(state.as_str(), "waiting" | "uploading" | "converting"));
        if !busy && !now.is_empty() {
            return Ok(now);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("the queue never settled: {now:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_for_item(stack: &Stack, name: &str, wanted: &str) -> Result<()> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let now = states(stack).await?;
        if now.get(name).map(String::as_str) == Some(wanted) {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("{name} never became {wanted}: {now:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn item(name: &str, inner: &str) -> String {
    format!("[data-testid=queue-item][data-name='{name}'] {inner}")
}

/// A PNG whose signature and header are right but whose image data stops half-way: the
/// server takes it (typed by its content) and its conversion fails.
fn truncated_png(dir: &Path) -> Result<PathBuf> {
    let whole = write_png(dir, "whole.png", 200, 150)?;
    let bytes = std::fs::read(&whole)?;
    std::fs::remove_file(&whole)?;
    write_file(dir, "truncated.png", &bytes[..bytes.len() / 2])
}

fn csv(dir: &Path, name: &str, rows: u32) -> Result<PathBuf> {
    let mut text = String::from("id,name\n");
    for row in 0..rows {
        text.push_str(&format!("{row},row {row}\n"));
    }
    write_file(dir, name, text.as_bytes())
}

/// Chromium names a second download of `photo.jpg` `photo (1).jpg`: the name it had.
fn first_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.replace(" (1)", "")
}

#[tokio::test(flavor = "multi_thread")]
async fn six_files_five_done_one_failed_each_downloads_and_download_all_downloads_the_five(
) -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;
    let files = vec![
        write_png(inputs.path(), "red.png", 120, 80)?,
        write_png(inputs.path(), "green.png", 64, 64)?,
        write_png(inputs.path(), "blue.png", 30, 200)?,
        csv(inputs.path(), "people.csv", 20)?,
        csv(inputs.path(), "orders.csv", 40)?,
        truncated_png(inputs.path())?,
    ];
    stack.hooks.reset().await?;
    choose_files(&stack, &files).await?;
    wait_for_state(&stack, "queue").await?;
    assert_eq!(states(&stack).await?.len(), 6);
    stack.click("[data-testid=queue-start]").await?;

    let settled = wait_until_settled(&stack, Duration::from_secs(90)).await?;
    let failed: Vec<&String> = settled
        .iter()
        .filter(|(_, state)| *state == "failed")
        .map(|(name, _)| name)
        .collect();
    assert_eq!(failed, ["truncated.png"], "{settled:?}");
    assert_eq!(
        settled.values().filter(|state| *state == "done").count(),
        5,
        "{settled:?}"
    );
    let reason = stack
        .text(&item("truncated.png", "[data-testid=queue-item-status]"))
        .await?;
    assert!(!reason.trim().is_empty(), "the server's reason is shown");

    let counters = stack.hooks.counters().await?;
    assert_eq!(counters.number("uploads_completed"), 6);
    assert_eq!(counters.number("conversions_started"), 6);
    screens::capture(&stack, "queue-mixed").await?;
    screens::emulate(&stack.browser, Some(screens::PHONE)).await?;
    screens::capture(&stack, "queue-mixed-phone").await?;
    screens::emulate(&stack.browser, None).await?;

    // Each finished file downloads on its own.
    let done = [
        "red.png",
        "green.png",
        "blue.png",
        "people.csv",
        "orders.csv",
    ];
    for (count, name) in done.iter().enumerate() {
        stack
            .click(&item(name, "[data-testid=queue-download]"))
            .await?;
        wait_for_downloads(&stack, count + 1).await?;
    }
    let singles: BTreeMap<String, Vec<u8>> = wait_for_downloads(&stack, done.len())
        .await?
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned());
            (
                name.unwrap_or_default(),
                std::fs::read(&path).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(singles.len(), 5, "{:?}", singles.keys());

    // "Download all": the five outputs again, one after another, byte for byte (the e2e
    // browser allows a site several downloads, as a person does when Chromium asks).
    stack.click("[data-testid=download-all]").await?;
    let all = wait_for_downloads(&stack, done.len() * 2).await?;
    let again: BTreeMap<String, Vec<u8>> = all
        .iter()
        .filter(|path| path.to_string_lossy().contains(" (1)"))
        .map(|path| (first_name(path), std::fs::read(path).unwrap_or_default()))
        .collect();
    assert_eq!(
        again, singles,
        "Download all saves the five outputs as downloaded one by one"
    );
    let hint = stack.text("[data-testid=download-all-hint]").await?;
    assert!(
        hint.contains("Allow"),
        "the permission is explained: {hint}"
    );

    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_default_upload_rate_paces_seven_files_without_failing_any() -> Result<()> {
    let stack = ready(StackOptions {
        configure: |config| config.rate_limits_enabled = true,
        ..StackOptions::default()
    })
    .await?;
    let inputs = tempfile::tempdir()?;
    let files: Vec<PathBuf> = (0..7)
        .map(|n| write_png(inputs.path(), &format!("small-{n}.png"), 16 + n, 16))
        .collect::<Result<_>>()?;
    stack.hooks.reset().await?;
    choose_files(&stack, &files).await?;
    wait_for_state(&stack, "queue").await?;
    stack.click("[data-testid=queue-start]").await?;
    let wait = stack
        .wait_for_text("[data-testid=queue-paused]", "server limit")
        .await?;
    assert!(wait.contains("Waiting"), "{wait}");
    let settled = wait_until_settled(&stack, Duration::from_secs(120)).await?;
    assert!(settled.values().all(|state| state == "done"), "{settled:?}");
    let counters = stack.hooks.counters().await?;
    let limited = counters.0["requests"]["POST /api/upload"]["429"]
        .as_u64()
        .unwrap_or(0);
    assert!(
        limited <= 2,
        "the queue waits for the server instead of asking again: {limited} 429s"
    );
    assert_eq!(counters.number("uploads_completed"), 7);
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_expiring_mid_queue_is_renewed_once_and_every_file_completes() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;
    // Six files: while the first converts and the second uploads (slowed), four wait.
    let mut files = vec![write_png(inputs.path(), "first.png", 400, 300)?];
    files.push(write_file(inputs.path(), "second.csv", &big_csv(600_000))?);
    for n in 0..4 {
        files.push(write_png(inputs.path(), &format!("later-{n}.png"), 40, 40)?);
    }
    choose_files(&stack, &files).await?;
    wait_for_state(&stack, "queue").await?;
    stack.hooks.reset().await?;
    stack.hooks.upload_rate(Some(200_000)).await?;
    stack.click("[data-testid=queue-start]").await?;
    wait_for_item(&stack, "second.csv", "uploading").await?;
    stack.hooks.expire_all().await?;
    stack.hooks.upload_rate(None).await?;

    let settled = wait_until_settled(&stack, Duration::from_secs(120)).await?;
    assert!(settled.values().all(|state| state == "done"), "{settled:?}");
    let counters = stack.hooks.counters().await?;
    assert_eq!(
        counters.requests("GET /api/session/init"),
        1,
        "one new session for the whole queue"
    );
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_upload_and_a_removed_file_are_never_converted() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;
    let files = vec![
        write_file(inputs.path(), "slow.csv", &big_csv(2_000_000))?,
        write_png(inputs.path(), "quick.png", 50, 50)?,
        write_png(inputs.path(), "removed.png", 60, 60)?,
    ];
    choose_files(&stack, &files).await?;
    wait_for_state(&stack, "queue").await?;
    stack
        .click(&item("removed.png", "[data-testid=queue-remove]"))
        .await?;
    stack.hooks.reset().await?;
    stack.hooks.upload_rate(Some(100_000)).await?;
    stack.click("[data-testid=queue-start]").await?;
    wait_for_item(&stack, "slow.csv", "uploading").await?;
    stack
        .click(&item("slow.csv", "[data-testid=queue-cancel]"))
        .await?;
    wait_for_item(&stack, "slow.csv", "cancelled").await?;
    stack.hooks.upload_rate(None).await?;
    wait_for_item(&stack, "quick.png", "done").await?;
    stack.quiet_period().await;

    let now = states(&stack).await?;
    assert!(!now.contains_key("removed.png"), "{now:?}");
    let counters = stack.hooks.counters().await?;
    assert_eq!(counters.number("conversions_started"), 1, "only quick.png");
    assert_eq!(
        counters.number("uploads_completed"),
        1,
        "slow.csv never finished"
    );

    // Every state a file can show at once, checked for accessibility.
    axe::assert_no_violations(&stack.browser, "a queue with done and cancelled files").await?;
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_queue_with_every_state_at_once_passes_axe() -> Result<()> {
    let stack = ready(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;
    let dir = inputs.path();
    stack.hooks.reset().await?;

    // Done, failed in conversion, and refused before any request.
    let first = vec![
        write_png(dir, "done.png", 40, 40)?,
        truncated_png(dir)?,
        write_file(dir, "empty.png", &[])?,
    ];
    choose_files(&stack, &first).await?;
    wait_for_state(&stack, "queue").await?;
    stack.click("[data-testid=queue-start]").await?;
    wait_for_item(&stack, "done.png", "done").await?;
    wait_for_item(&stack, "truncated.png", "failed").await?;

    // Converting: its status checks are held, so it stays there.
    stack.hooks.hold("/api/job_status*").await?;
    choose_files(&stack, &[write_png(dir, "converting.png", 50, 50)?]).await?;
    wait_for_item(&stack, "converting.png", "converting").await?;

    // Cancelled mid-upload, then two uploads under way and one file waiting for a slot.
    stack.hooks.upload_rate(Some(50_000)).await?;
    choose_files(
        &stack,
        &[write_file(dir, "cancelled.csv", &big_csv(1_000_000))?],
    )
    .await?;
    wait_for_item(&stack, "cancelled.csv", "uploading").await?;
    stack
        .click(&item("cancelled.csv", "[data-testid=queue-cancel]"))
        .await?;
    wait_for_item(&stack, "cancelled.csv", "cancelled").await?;
    let busy = vec![
        write_file(dir, "first.csv", &big_csv(1_000_000))?,
        write_file(dir, "second.csv", &big_csv(1_000_000))?,
        write_png(dir, "waiting.png", 30, 30)?,
    ];
    choose_files(&stack, &busy).await?;
    wait_for_item(&stack, "first.csv", "uploading").await?;
    wait_for_item(&stack, "second.csv", "uploading").await?;

    let now = states(&stack).await?;
    let mut shown: Vec<&str> = now.values().map(String::as_str).collect();
    shown.sort_unstable();
    shown.dedup();
    assert_eq!(
        shown,
        [
            "cancelled",
            "converting",
            "done",
            "failed",
            "rejected",
            "uploading",
            "waiting"
        ],
        "{now:?}"
    );
    axe::assert_no_violations(&stack.browser, "a queue with every state at once").await?;

    stack.hooks.upload_rate(None).await?;
    stack.hooks.release().await?;
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}
