//! Runtime configuration read from `<meta>` tags, so one build serves every environment
//! and nothing costs a round trip before the first session call.

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
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            api_base: DEFAULT_API_BASE.to_owned(),
            log_level: log::Level::Info,
        }
    }
}

impl AppConfig {
    /// Reads the meta tags; a missing or empty tag keeps the default.
    pub fn from_document() -> Self {
        let defaults = Self::default();
        Self {
            api_base: dom::meta_content(API_BASE_META)
                .map(|base| base.trim_end_matches('/').to_owned())
                .filter(|base| !base.is_empty())
                .unwrap_or(defaults.api_base),
            log_level: dom::meta_content(LOG_LEVEL_META)
                .and_then(|level| level.parse().ok())
                .unwrap_or(defaults.log_level),
        }
    }
}
