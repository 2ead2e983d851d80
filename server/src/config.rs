//! The server's configuration: every command-line flag as a field, with the documented defaults.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The `SameSite` attribute of both cookies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    Lax,
    Strict,
    /// Cross-site deployments; browsers require `Secure` with it, so it forces `Secure`.
    None,
}

impl SameSite {
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Lax => "Lax",
            SameSite::Strict => "Strict",
            SameSite::None => "None",
        }
    }
}

impl std::str::FromStr for SameSite {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "lax" => Ok(SameSite::Lax),
            "strict" => Ok(SameSite::Strict),
            "none" => Ok(SameSite::None),
            other => Err(format!(
                "unknown SameSite value {other:?} (use lax, strict or none)"
            )),
        }
    }
}

/// Everything `start` needs. `Config::default()` is what the binary runs with no flags.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (see `RunningServer::addr`).
    pub bind: SocketAddr,
    /// The built app (Trunk's output), served with an SPA fallback.
    pub dist_dir: PathBuf,
    /// Where uploads and outputs live, one folder per session. The server owns its `sess-*`
    /// entries: they are swept at startup. A folder the server created is removed at shutdown.
    pub data_dir: PathBuf,
    pub session_ttl: Duration,
    /// Largest upload, enforced while streaming.
    pub max_upload_bytes: u64,
    /// Disk space one session may use (inputs and outputs).
    pub session_quota_bytes: u64,
    /// Conversions running at once.
    pub workers: usize,
    pub convert_timeout: Duration,
    pub max_pixels: u64,
    pub max_alloc_bytes: u64,
    pub max_uncompressed_bytes: u64,
    /// Largest estimated in-memory table read from a CSV or JSON input.
    pub max_table_bytes: u64,
    /// Extra TrueType fonts for text PDFs, used for characters the shipped Latin, Greek and
    /// Cyrillic fonts lack (e.g. CJK). Read by the conversions that need them.
    pub font_dir: Option<PathBuf>,
    pub download_token_ttl: Duration,
    /// Per-IP requests per minute.
    pub upload_rate_per_minute: u32,
    pub convert_rate_per_minute: u32,
    pub download_rate_per_minute: u32,
    /// Per-IP `/session/init` calls per minute that create a session (resuming one is free).
    pub init_rate_per_minute: u32,
    pub rate_limits_enabled: bool,
    /// Live sessions at once; past it a new session is refused (503), existing ones go on.
    pub max_sessions: usize,
    /// Exact origins allowed to call the API with credentials; empty = no CORS headers at all.
    pub cors_origins: Vec<String>,
    pub cookie_secure: bool,
    pub cookie_samesite: SameSite,
    /// `Domain` of the `csrftoken` cookie only (the session cookie is always host-only).
    pub cookie_domain: Option<String>,
    /// Names the session cookie `__Host-trustyconvert_session` (needs `cookie_secure` and no
    /// `cookie_domain`); `csrftoken` keeps its name, since clients read it.
    pub session_cookie_host_prefix: bool,
    pub cleanup_interval: Duration,
    /// Enables `/api/__test/*` (see `test_hooks`). Never in production.
    pub test_hooks: bool,
    /// Test only: makes `csrftoken` HttpOnly, to exercise a frontend that cannot read it.
    pub test_httponly_csrf: bool,
}

pub const MIB: u64 = 1024 * 1024;

impl Config {
    /// `Secure` is forced by SameSite=None: browsers drop such cookies otherwise.
    pub fn cookies_secure(&self) -> bool {
        self.cookie_secure || self.cookie_samesite == SameSite::None
    }

    /// Flags that would otherwise be dropped silently (an origin CORS cannot use, a cookie
    /// domain a header cannot carry, a font folder that is not there) are refused at start-up,
    /// with the flag named.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(dir) = self.font_dir.as_ref().filter(|d| !d.is_dir()) {
            return Err(format!("--font-dir {dir:?} is not a folder"));
        }
        for origin in &self.cors_origins {
            let well_formed = (origin.starts_with("http://") || origin.starts_with("https://"))
                && !origin.trim_end_matches('/').contains(['?', '#', ' '])
                && axum::http::HeaderValue::from_str(origin).is_ok();
            if !well_formed {
                return Err(format!(
                    "--cors-origin {origin:?} is not an origin like https://app.example.com"
                ));
            }
        }
        if let Some(domain) = &self.cookie_domain {
            let safe = !domain.is_empty()
                && domain
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'));
            if !safe {
                return Err(format!(
                    "--cookie-domain {domain:?} is not a domain like .example.com"
                ));
            }
        }
        if self.session_cookie_host_prefix {
            // Browsers drop a `__Host-` cookie that is not Secure: every session would fail.
            if !self.cookie_secure {
                return Err("--session-cookie-host-prefix needs --cookie-secure \
                            (a __Host- cookie must be Secure)"
                    .into());
            }
            // The prefix says no sibling host takes part; a shared `Domain` on `csrftoken`
            // says one does (and can set that cookie): a contradiction, better refused.
            if self.cookie_domain.is_some() {
                return Err("--session-cookie-host-prefix cannot be combined with \
                            --cookie-domain (a __Host- deployment keeps its cookies host-only)"
                    .into());
            }
        }
        Ok(())
    }
}

/// A path under the system temp folder that no other run uses.
pub fn fresh_temp_data_dir() -> PathBuf {
    let suffix = crate::ids::random_hex(8);
    std::env::temp_dir().join(format!(
        "trustyconvert-data-{}-{suffix}",
        std::process::id()
    ))
}

/// The documented defaults, shared by `Config::default()` and the binary's flags so the two
/// cannot drift apart.
pub mod defaults {
    use super::MIB;

    pub const PORT: u16 = 8000;
    pub const DIST: &str = "dist";
    pub const SESSION_TTL_SECS: u64 = 24 * 60 * 60;
    pub const MAX_UPLOAD_BYTES: u64 = 100 * MIB;
    pub const SESSION_QUOTA_BYTES: u64 = 500 * MIB;
    pub const WORKERS: usize = 2;
    pub const CONVERT_TIMEOUT_SECS: u64 = 120;
    pub const MAX_PIXELS: u64 = 100_000_000;
    pub const MAX_ALLOC_BYTES: u64 = 512 * MIB;
    pub const MAX_UNCOMPRESSED_BYTES: u64 = 256 * MIB;
    pub const MAX_TABLE_BYTES: u64 = 512 * MIB;
    pub const DOWNLOAD_TOKEN_TTL_SECS: u64 = 10 * 60;
    pub const UPLOAD_RATE_PER_MINUTE: u32 = 5;
    pub const CONVERT_RATE_PER_MINUTE: u32 = 10;
    pub const DOWNLOAD_RATE_PER_MINUTE: u32 = 30;
    /// A household or an office behind one address opens a few sessions a minute; a script
    /// that opens one per request is stopped before it fills the session table.
    pub const INIT_RATE_PER_MINUTE: u32 = 30;
    /// Sessions weigh little in memory (their files count against their own quota); the cap
    /// bounds the table and the data folder's entries, not normal traffic.
    pub const MAX_SESSIONS: usize = 10_000;
    pub const CLEANUP_INTERVAL_SECS: u64 = 60;
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], defaults::PORT)),
            dist_dir: PathBuf::from(defaults::DIST),
            data_dir: fresh_temp_data_dir(),
            session_ttl: Duration::from_secs(defaults::SESSION_TTL_SECS),
            max_upload_bytes: defaults::MAX_UPLOAD_BYTES,
            session_quota_bytes: defaults::SESSION_QUOTA_BYTES,
            workers: defaults::WORKERS,
            convert_timeout: Duration::from_secs(defaults::CONVERT_TIMEOUT_SECS),
            max_pixels: defaults::MAX_PIXELS,
            max_alloc_bytes: defaults::MAX_ALLOC_BYTES,
            max_uncompressed_bytes: defaults::MAX_UNCOMPRESSED_BYTES,
            max_table_bytes: defaults::MAX_TABLE_BYTES,
            font_dir: None,
            download_token_ttl: Duration::from_secs(defaults::DOWNLOAD_TOKEN_TTL_SECS),
            upload_rate_per_minute: defaults::UPLOAD_RATE_PER_MINUTE,
            convert_rate_per_minute: defaults::CONVERT_RATE_PER_MINUTE,
            download_rate_per_minute: defaults::DOWNLOAD_RATE_PER_MINUTE,
            init_rate_per_minute: defaults::INIT_RATE_PER_MINUTE,
            rate_limits_enabled: true,
            max_sessions: defaults::MAX_SESSIONS,
            cors_origins: Vec::new(),
            cookie_secure: false,
            cookie_samesite: SameSite::Lax,
            cookie_domain: None,
            session_cookie_host_prefix: false,
            cleanup_interval: Duration::from_secs(defaults::CLEANUP_INTERVAL_SECS),
            test_hooks: false,
            test_httponly_csrf: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusable_origins_and_cookie_domains_are_refused() {
        let with = |origins: &[&str], domain: Option<&str>| Config {
            cors_origins: origins.iter().map(|o| o.to_string()).collect(),
            cookie_domain: domain.map(str::to_owned),
            ..Config::default()
        };
        assert!(with(
            &["https://app.example.com", "http://127.0.0.1:8080"],
            Some(".example.com")
        )
        .validate()
        .is_ok());
        assert!(with(&["app.example.com"], None).validate().is_err());
        assert!(with(&["https://a.example\r\nX: 1"], None)
            .validate()
            .is_err());
        assert!(with(&[], Some("example.com; Secure")).validate().is_err());
        assert!(with(&[], Some("")).validate().is_err());
    }

    #[test]
    fn the_host_prefix_needs_secure_and_no_domain() {
        let with = |secure: bool, domain: Option<&str>| Config {
            session_cookie_host_prefix: true,
            cookie_secure: secure,
            cookie_domain: domain.map(str::to_owned),
            ..Config::default()
        };
        assert!(with(true, None).validate().is_ok());
        let insecure = with(false, None).validate().unwrap_err();
        assert!(insecure.contains("--cookie-secure"), "{insecure}");
        let shared = with(true, Some(".example.com")).validate().unwrap_err();
        assert!(shared.contains("--cookie-domain"), "{shared}");
    }

    #[test]
    fn a_missing_font_folder_is_refused() {
        let with = |dir: &str| Config {
            font_dir: Some(PathBuf::from(dir)),
            ..Config::default()
        };
        assert!(with(env!("CARGO_MANIFEST_DIR")).validate().is_ok());
        let err = with("/no/such/fonts").validate().unwrap_err();
        assert!(err.contains("--font-dir"), "{err}");
    }
}
