//! The browser console as chromedriver records it (`goog:loggingPrefs`).

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::Client;
use serde_json::Value;

use crate::Result;

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

#[derive(Debug)]
struct ReadBrowserLog;

impl WebDriverCompatibleCommand for ReadBrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

/// Drains the entries logged since the last read.
pub async fn read(client: &Client) -> Result<Vec<ConsoleEntry>> {
    let entries = client.issue_cmd(ReadBrowserLog).await?;
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

fn text(entry: &Value, key: &str) -> String {
    entry
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
