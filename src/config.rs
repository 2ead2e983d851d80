//! Runtime configuration read from `<meta>` tags, so one build serves every environment
//! and nothing costs a round trip before the first session call. A developer may override the
//! log level and open the diagnostics panel from the page's URL (`?log=debug&diagnostics`).

use crate::browser::dom;

/// The meta tag naming the API base URL; a host may rewrite it at deploy time.
pub const API_BASE_META: &str = "trustyconvert:api-base";
/// The meta tag naming the log level (`error`, `warn`, `info`, `debug`, `trace`).
pub const LOG_LEVEL_META: &str = "trustyconvert:log-level";

const DEFAULT_API_BASE: &str = "/api";

#[derive(Debug, Clone, PartialEq)]
pub struct AppConfig {
    /// Base URL of the API, possibly relative to the page (`/api` by default).
    pub api_base: String,
    pub log_level: log::Level,
    /// Shows the session diagnostics panel (counters and probe requests).
    pub diagnostics: bool,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            api_base: DEFAULT_API_BASE.to_owned(),
            log_level: log::Level::Info,
            diagnostics: false,
        }
    }
}

impl AppConfig {
    /// Reads the meta tags and the URL's overrides; anything missing or unreadable keeps the
    /// default.
    pub fn from_document() -> Self {
        let defaults = Self::default();
        let query = dom::query_string();
        let query_level = query_value(&query, "log");
        Self {
            api_base: dom::meta_content(API_BASE_META)
                .map(|base| base.trim_end_matches('/').to_owned())
                .filter(|base| !base.is_empty())
                .unwrap_or(defaults.api_base),
            log_level: query_level
                .or_else(|| dom::meta_content(LOG_LEVEL_META))
                .and_then(|level| level.parse().ok())
                .unwrap_or(defaults.log_level),
            diagnostics: query_value(&query, "diagnostics").is_some(),
        }
    }
}

/// The value of `name` in a `?a=1&b` query string (`Some("")` for a bare flag).
fn query_value(query: &str, name: &str) -> Option<String> {
    query
        .trim_start_matches('?')
        .split('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}
