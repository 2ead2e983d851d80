//! The browser console as chromedriver records it (`goog:loggingPrefs`).

use fantoccini::Client;
use serde_json::{json, Value};

use crate::{browser, Result};

/// One console entry.
#[derive(Debug, Clone)]
pub struct ConsoleEntry {
    pub level: String,
    /// Where it came from: `console-api` for the app's own logging, `network` for failed
    /// responses, `javascript` for uncaught errors.
    pub source: String,
    pub message: String,
}

impl ConsoleEntry {
    /// Chromium logs every 4xx/5xx response as a network error; those are the server's
    /// answers, not faults of the app.
    pub fn is_app_error(&self) -> bool {
        self.level == "SEVERE" && self.source != "network"
    }
}

/// Drains the entries logged since the last read.
pub async fn read(client: &Client) -> Result<Vec<ConsoleEntry>> {
    let entries = browser::session_post(client, "se/log", json!({"type": "browser"})).await?;
    let list = entries.as_array().cloned().unwrap_or_default();
    Ok(list
        .iter()
        .map(|entry| ConsoleEntry {
            level: text(entry, "level"),
            source: text(entry, "source"),
            message: text(entry, "message"),
        })
        .collect())
}

/// The string `key` of a JSON object (empty when missing).
pub(crate) fn text(entry: &Value, key: &str) -> String {
    entry
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
