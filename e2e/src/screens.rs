//! Viewports and screenshots: Chromium's device emulation gives a true phone viewport
//! (a headless window cannot be narrower than 500 px), and every step is captured at both
//! the desktop and the phone size.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::Client;
use serde_json::json;

use crate::{browser, Result, Stack};

/// The desktop size the stack opens with, and the phone it emulates.
pub const DESKTOP: (u32, u32) = (1280, 800);
pub const PHONE: (u32, u32) = (390, 844);

/// Emulates a phone viewport of `size` (touch, mobile layout), or returns to the window's own.
pub async fn emulate(client: &Client, size: Option<(u32, u32)>) -> Result<()> {
    match size {
        Some((width, height)) => {
            let metrics =
                json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": true});
            browser::cdp(client, "Emulation.setDeviceMetricsOverride", metrics).await?
        }
        None => browser::cdp(client, "Emulation.clearDeviceMetricsOverride", json!({})).await?,
    };
    // Let the page lay itself out again before anything looks at it.
    tokio::time::sleep(Duration::from_millis(150)).await;
    Ok(())
}

/// Where screenshots go: `$CARGO_TARGET_DIR/screenshots`, else the workspace's `target/`.
pub fn screenshots_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("screenshots")
}

/// Saves `{name}-desktop.png` (1280×800) and `{name}-phone.png` (390×844) of the page as it is,
/// then returns to the window's own size.
pub async fn capture(stack: &Stack, name: &str) -> Result<()> {
    let dir = screenshots_dir();
    std::fs::create_dir_all(&dir)?;
    for (suffix, viewport) in [("desktop", None), ("phone", Some(PHONE))] {
        emulate(&stack.browser, viewport).await?;
        let path = dir.join(format!("{name}-{suffix}.png"));
        std::fs::write(&path, stack.browser.screenshot().await?)?;
        println!("screenshot: {}", path.display());
    }
    // The test goes on at the size it chose.
    emulate(&stack.browser, None).await
}
