//! Driving the conversion flow as a person would: choose a file through the file input, pick a
//! target, convert, wait for states and downloads; and making the test files.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::Locator;

use crate::{Result, Stack, StackOptions};

pub const PANEL: &str = "[data-testid=conversion-panel]";

pub async fn ready(options: StackOptions) -> Result<Stack> {
    let stack = Stack::start(options).await?;
    stack.open_app("/").await?;
    stack
        .wait_for_text("[data-testid=session-state]", "Session active")
        .await?;
    // The formats are loaded once the hint lists them.
    stack.wait_for_text("#dropzone-hint", "PNG").await?;
    Ok(stack)
}

pub fn write_png(dir: &Path, name: &str, width: u32, height: u32) -> Result<PathBuf> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 7) as u8, (y * 5) as u8, ((x + y) * 3) as u8])
    });
    let path = dir.join(name);
    image.save_with_format(&path, image::ImageFormat::Png)?;
    Ok(path)
}

pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, bytes)?;
    Ok(path)
}

/// A CSV of about `bytes` bytes (for the slowed uploads: large, valid, quick to convert).
pub fn big_csv(approx_bytes: usize) -> Vec<u8> {
    let mut csv = b"id,name,amount\n".to_vec();
    let mut i = 0u64;
    while csv.len() < approx_bytes {
        csv.extend_from_slice(
            format!("{i},item number {i},{}.{:02}\n", i % 977, i % 100).as_bytes(),
        );
        i += 1;
    }
    csv
}

pub async fn choose_file(stack: &Stack, path: &Path) -> Result<()> {
    choose_files(stack, &[path]).await
}

/// Chooses every file of `paths` at once through the file input (`multiple`).
pub async fn choose_files(stack: &Stack, paths: &[impl AsRef<Path>]) -> Result<()> {
    let list: Vec<String> = paths
        .iter()
        .map(|path| path.as_ref().display().to_string())
        .collect();
    stack
        .browser
        .find(Locator::Css("[data-testid=file-input]"))
        .await?
        .send_keys(&list.join("\n"))
        .await?;
    Ok(())
}

pub async fn state(stack: &Stack) -> String {
    match stack.browser.find(Locator::Css(PANEL)).await {
        Ok(panel) => panel
            .attr("data-state")
            .await
            .ok()
            .flatten()
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

pub async fn wait_for_state(stack: &Stack, wanted: &str) -> Result<()> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let now = state(stack).await;
        if now == wanted {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            let toasts = stack.text("[data-testid=toasts]").await.unwrap_or_default();
            return Err(
                format!("state stayed {now:?}, wanted {wanted:?}; toasts: {toasts}").into(),
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `count` complete downloads are there (no `.crdownload` left).
pub async fn wait_for_downloads(stack: &Stack, count: usize) -> Result<Vec<PathBuf>> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mut files: Vec<PathBuf> = std::fs::read_dir(stack.downloads.path())?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .collect();
        files.sort();
        // Chromium writes `*.crdownload`, and briefly a hidden `.com.google.Chrome.*` file,
        // before renaming a download to its name.
        let in_progress = |path: &PathBuf| {
            path.extension().is_some_and(|ext| ext == "crdownload")
                || path
                    .file_name()
                    .is_some_and(|name| name.to_string_lossy().starts_with('.'))
        };
        let partial = files.iter().any(in_progress);
        if files.len() >= count && !partial {
            return Ok(files);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("downloads: {files:?}, wanted {count}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Chooses `path`, picks `target` (its `send_as`), converts and waits for the result.
pub async fn convert(stack: &Stack, path: &Path, target: &str) -> Result<()> {
    choose_file(stack, path).await?;
    convert_chosen(stack, target).await
}

/// Waits for the chosen file, picks `target` (its `send_as`), converts and waits for the result.
pub async fn convert_chosen(stack: &Stack, target: &str) -> Result<()> {
    wait_for_state(stack, "chosen").await?;
    stack
        .browser
        .find(Locator::Css(&format!(
            "[data-testid=target-select] option[value='{target}']"
        )))
        .await?
        .click()
        .await?;
    stack.click("[data-testid=convert]").await?;
    wait_for_state(stack, "completed").await
}

/// Writes a `width`×`height` PNG named `name`, chooses it and waits for "chosen".
pub async fn choose_png(stack: &Stack, dir: &Path, name: &str, size: (u32, u32)) -> Result<()> {
    let png = write_png(dir, name, size.0, size.1)?;
    choose_file(stack, &png).await?;
    wait_for_state(stack, "chosen").await
}

/// Clicks Download, waits for download number `downloads_before + 1` and checks that every
/// downloaded file decodes as an image of `size`.
pub async fn download_and_check(
    stack: &Stack,
    downloads_before: usize,
    size: (u32, u32),
) -> Result<()> {
    stack.click("[data-testid=download]").await?;
    let files = wait_for_downloads(stack, downloads_before + 1).await?;
    for file in &files {
        let decoded = image::open(file)?;
        assert_eq!((decoded.width(), decoded.height()), size, "{file:?}");
    }
    Ok(())
}

/// Fails the test if the app itself logged an error (4xx/5xx answers, which Chromium logs as
/// network errors, do not count).
pub async fn assert_no_app_errors(stack: &Stack) -> Result<()> {
    let entries = stack.console().await?;
    // The server sends the strict policy a static host would: any violation is a bug.
    let violations: Vec<_> = entries
        .iter()
        .filter(|entry| entry.message.contains("Content Security Policy"))
        .collect();
    assert!(violations.is_empty(), "CSP violations: {violations:#?}");
    let errors: Vec<_> = entries
        .into_iter()
        .filter(|entry| entry.is_app_error())
        .collect();
    assert!(errors.is_empty(), "the app logged errors: {errors:#?}");
    Ok(())
}
