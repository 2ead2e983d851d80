//! The `trustyconvert-server` binary: command-line flags → `Config`, then `start` until Ctrl-C.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use trustyconvert_server::{config::defaults, start, Config, SameSite};

/// TrustyConvert's API server; it also serves the built app.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = defaults::PORT)]
    port: u16,
    /// Folder of the built app (hashed files under assets/), served as a CDN would, with an SPA
    /// fallback.
    #[arg(long, default_value = defaults::DIST)]
    dist: PathBuf,
    /// Folder for uploads and outputs [default: a fresh temporary folder, removed at exit].
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Session lifetime, in seconds.
    #[arg(long, default_value_t = defaults::SESSION_TTL_SECS)]
    session_ttl_secs: u64,
    /// Largest upload, in bytes.
    #[arg(long, default_value_t = defaults::MAX_UPLOAD_BYTES)]
    max_upload_bytes: u64,
    /// Disk space per session (inputs and outputs), in bytes.
    #[arg(long, default_value_t = defaults::SESSION_QUOTA_BYTES)]
    session_quota_bytes: u64,
    /// Conversions running at once.
    #[arg(long, default_value_t = defaults::WORKERS)]
    workers: usize,
    /// Time limit of one conversion, in seconds.
    #[arg(long, default_value_t = defaults::CONVERT_TIMEOUT_SECS)]
    convert_timeout_secs: u64,
    /// Largest decoded image, in pixels.
    #[arg(long, default_value_t = defaults::MAX_PIXELS)]
    max_pixels: u64,
    /// Largest allocation of an image decoder, in bytes.
    #[arg(long, default_value_t = defaults::MAX_ALLOC_BYTES)]
    max_alloc_bytes: u64,
    /// Largest uncompressed size of an XLSX input, in bytes.
    #[arg(long, default_value_t = defaults::MAX_UNCOMPRESSED_BYTES)]
    max_uncompressed_bytes: u64,
    /// Largest in-memory table read from a CSV or JSON input (estimated), in bytes.
    #[arg(long, default_value_t = defaults::MAX_TABLE_BYTES)]
    max_table_bytes: u64,
    /// Folder of extra TrueType fonts (.ttf/.ttc/.otf) for text PDFs: used for characters the
    /// shipped Latin/Greek/Cyrillic fonts lack, e.g. CJK.
    #[arg(long)]
    font_dir: Option<PathBuf>,
    /// Uploads per minute per client IP (0 = unlimited).
    #[arg(long, default_value_t = defaults::UPLOAD_RATE_PER_MINUTE)]
    upload_rate: u32,
    /// Conversions per minute per client IP (0 = unlimited).
    #[arg(long, default_value_t = defaults::CONVERT_RATE_PER_MINUTE)]
    convert_rate: u32,
    /// Downloads per minute per client IP (0 = unlimited).
    #[arg(long, default_value_t = defaults::DOWNLOAD_RATE_PER_MINUTE)]
    download_rate: u32,
    /// Session inits that create a session, per minute per client IP (0 = unlimited); resuming
    /// a valid session is not counted.
    #[arg(long, default_value_t = defaults::INIT_RATE_PER_MINUTE)]
    init_rate: u32,
    /// Lift every rate limit.
    #[arg(long)]
    no_rate_limits: bool,
    /// Live sessions at once; past it a new session gets 503 (existing ones keep working).
    #[arg(long, default_value_t = defaults::MAX_SESSIONS)]
    max_sessions: usize,
    /// An origin allowed to call the API with credentials (repeatable; exact match).
    #[arg(long = "cors-origin")]
    cors_origins: Vec<String>,
    /// Mark both cookies Secure (serve over HTTPS).
    #[arg(long)]
    cookie_secure: bool,
    /// SameSite of both cookies: lax, strict or none (none forces Secure).
    #[arg(long, default_value = "lax")]
    cookie_samesite: SameSite,
    /// Domain of the csrftoken cookie (e.g. .example.com); the session cookie stays host-only.
    #[arg(long)]
    cookie_domain: Option<String>,
    /// Name the session cookie __Host-trustyconvert_session (needs --cookie-secure, no
    /// --cookie-domain); csrftoken keeps its name.
    #[arg(long)]
    session_cookie_host_prefix: bool,
    /// Seconds between sweeps of expired sessions.
    #[arg(long, default_value_t = defaults::CLEANUP_INTERVAL_SECS)]
    cleanup_interval_secs: u64,
    /// Enable /api/__test/* (tests only; never in production).
    #[arg(long)]
    test_hooks: bool,
    /// Tests only: make the csrftoken cookie HttpOnly.
    #[arg(long)]
    test_httponly_csrf: bool,
}

impl Cli {
    fn into_config(self) -> Config {
        let defaults = Config::default();
        Config {
            bind: SocketAddr::new(self.host, self.port),
            dist_dir: self.dist,
            data_dir: self.data_dir.unwrap_or(defaults.data_dir),
            session_ttl: Duration::from_secs(self.session_ttl_secs),
            max_upload_bytes: self.max_upload_bytes,
            session_quota_bytes: self.session_quota_bytes,
            workers: self.workers,
            convert_timeout: Duration::from_secs(self.convert_timeout_secs),
            max_pixels: self.max_pixels,
            max_alloc_bytes: self.max_alloc_bytes,
            max_uncompressed_bytes: self.max_uncompressed_bytes,
            max_table_bytes: self.max_table_bytes,
            font_dir: self.font_dir,
            download_token_ttl: defaults.download_token_ttl,
            upload_rate_per_minute: self.upload_rate,
            convert_rate_per_minute: self.convert_rate,
            download_rate_per_minute: self.download_rate,
            init_rate_per_minute: self.init_rate,
            rate_limits_enabled: !self.no_rate_limits,
            max_sessions: self.max_sessions,
            cors_origins: self.cors_origins,
            cookie_secure: self.cookie_secure,
            cookie_samesite: self.cookie_samesite,
            cookie_domain: self.cookie_domain,
            session_cookie_host_prefix: self.session_cookie_host_prefix,
            cleanup_interval: Duration::from_secs(self.cleanup_interval_secs),
            test_hooks: self.test_hooks,
            test_httponly_csrf: self.test_httponly_csrf,
        }
    }
}

async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let config = Cli::parse().into_config();
    let server = match start(config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    // Printed whatever RUST_LOG says: it is the one line a person starting the app needs.
    println!(
        "TrustyConvert is running at http://{}/ (Ctrl-C to stop)",
        server.addr()
    );
    stop_signal().await;
    tracing::info!("shutting down");
    server.shutdown().await;
    ExitCode::SUCCESS
}
