//! Viewports and screenshots: Chromium's device emulation gives a true phone viewport
//! (a headless window cannot be narrower than 500 px), and every step is captured at both
//! the desktop and the phone size.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::Client;
use serde_json::{json, Value};

use crate::{Result, Stack};

/// The desktop size the stack opens with, and the phone it emulates.
pub const DESKTOP: (u32, u32) = (1280, 800);
pub const PHONE: (u32, u32) = (390, 844);

/// A Chrome DevTools command sent through chromedriver.
#[derive(Debug)]
struct Cdp {
    command: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.command, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Emulates a phone viewport of `size` (touch, mobile layout), or returns to the window's own.
pub async fn emulate(client: &Client, size: Option<(u32, u32)>) -> Result<()> {
    let command = match size {
        Some((width, height)) => Cdp {
            command: "Emulation.setDeviceMetricsOverride",
            params: json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": true}),
        },
        None => Cdp {
            command: "Emulation.clearDeviceMetricsOverride",
            params: json!({}),
        },
    };
    client.issue_cmd(command).await?;
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
