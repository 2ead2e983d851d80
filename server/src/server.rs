//! Assembling the app (routes and middleware in one place) and running it: `start`, the
//! `RunningServer` handle and `StartError`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderName, Method};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use axum::Router;
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::cleanup::spawn_cleanup;
use crate::config::Config;
use crate::cookies::deliver_rotated_csrf;
use crate::error::ApiError;
use crate::request_log::correlate_and_log;
use crate::state::{AppState, SharedState};
use crate::{files, routes, spa, test_hooks};

/// How long `shutdown` waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Why the server could not start.
#[derive(Debug)]
pub enum StartError {
    AddressInUse(SocketAddr),
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A flag's value cannot be used (the message names the flag).
    InvalidFlag(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::AddressInUse(addr) => {
                write!(f, "cannot listen on {addr}: the port is already in use (pick another with --port)")
            }
            StartError::Bind { addr, source } => write!(f, "cannot listen on {addr}: {source}"),
            StartError::InvalidFlag(message) => write!(f, "cannot start: {message}"),
            StartError::DataDir { path, source } => {
                write!(
                    f,
                    "cannot use the data directory {}: {source} (pick another with --data-dir)",
                    path.display()
                )
            }
        }
    }
}

impl std::error::Error for StartError {}

/// The whole app for `state`: `/api/*`, the test hooks if enabled, the SPA, and middleware.
pub(crate) fn app(state: SharedState) -> Router {
    let config = &state.config;
    let mut api = routes::api_router(config);
    if config.test_hooks {
        api = api.merge(test_hooks::router());
    }
    let mut app = Router::new()
        .nest("/api", api)
        // Also at the root, for load balancers and uptime checks.
        .merge(routes::health::router())
        .fallback(spa::fallback)
        // Inner to outer: a panic becomes a 500 envelope, then hooks count and inject, then a
        // rotated token is delivered on whatever answer was produced.
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| -> Response {
                ApiError::Server("The server hit an internal error.".into()).into_response()
            },
        ));
    if config.test_hooks {
        app = app.layer(from_fn_with_state(
            state.clone(),
            test_hooks::count_and_inject,
        ));
    }
    app = app.layer(from_fn_with_state(state.clone(), deliver_rotated_csrf));
    if let Some(cors) = cors_layer(config) {
        app = app.layer(cors);
    }
    if config.test_hooks {
        // Outside CORS, which answers preflights itself: they are requests the client pays for.
        app = app.layer(from_fn_with_state(
            state.clone(),
            test_hooks::count_preflights,
        ));
    }
    app.layer(from_fn(correlate_and_log)).with_state(state)
}

/// How long a browser may reuse a preflight's answer (Chromium caps it at 2 hours).
pub const PREFLIGHT_MAX_AGE_SECS: u64 = 600;

/// An exact allow-list with credentials; `None` when no origin is configured (same-site).
fn cors_layer(config: &Config) -> Option<CorsLayer> {
    let origins: Vec<_> = config
        .cors_origins
        .iter()
        .filter_map(|o| o.parse().ok())
        .collect();
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_credentials(true)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([
                header::CONTENT_TYPE,
                HeaderName::from_static(crate::auth::CSRF_HEADER),
            ])
            // Date: the client reads `expires_at` against the server's clock, not its own.
            .expose_headers([
                crate::request_log::CORRELATION_HEADER,
                header::RETRY_AFTER,
                header::DATE,
            ])
            // Without it browsers preflight every POST again: a round trip per request.
            .max_age(std::time::Duration::from_secs(PREFLIGHT_MAX_AGE_SECS)),
    )
}

/// A server running on its own tasks.
pub struct RunningServer {
    addr: SocketAddr,
    state: SharedState,
    stop: tokio::sync::watch::Sender<bool>,
    serve: JoinHandle<std::io::Result<()>>,
    cleanup: JoinHandle<()>,
    /// The data folder did not exist before: it is removed at shutdown.
    created_data_dir: bool,
}

impl RunningServer {
    /// The address actually bound (the free port when the config said port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn data_dir(&self) -> &std::path::Path {
        &self.state.config.data_dir
    }

    /// Stops accepting, waits for requests in flight (up to a grace period), stops the workers
    /// and deletes every session's files.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        // A request held by the test hook would otherwise use up the whole grace period.
        self.state.hooks.release();
        if tokio::time::timeout(SHUTDOWN_GRACE, &mut self.serve)
            .await
            .is_err()
        {
            self.serve.abort();
        }
        self.cleanup.abort();
        self.state.workers.close();
        self.state.wipe().await;
        if self.created_data_dir {
            let _ = tokio::fs::remove_dir_all(&self.state.config.data_dir).await;
        }
    }
}

impl Drop for RunningServer {
    /// Dropped without `shutdown` (e.g. a test that panicked): at least stop serving.
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        self.cleanup.abort();
    }
}

/// Binds (port 0 = a free port), prepares the data folder, and serves in the background.
pub async fn start(config: Config) -> Result<RunningServer, StartError> {
    config.validate().map_err(StartError::InvalidFlag)?;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|source| {
            if source.kind() == std::io::ErrorKind::AddrInUse {
                StartError::AddressInUse(config.bind)
            } else {
                StartError::Bind {
                    addr: config.bind,
                    source,
                }
            }
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: config.bind,
        source,
    })?;
    let data_dir = config.data_dir.clone();
    let data_dir_error = |source| StartError::DataDir {
        path: data_dir.clone(),
        source,
    };
    let created_data_dir = !data_dir.exists();
    std::fs::create_dir_all(&data_dir).map_err(data_dir_error)?;
    let swept = files::sweep_data_dir(&data_dir).map_err(data_dir_error)?;
    if swept > 0 {
        tracing::info!(
            swept,
            "removed leftovers of a previous run from the data folder"
        );
    }

    let state = Arc::new(AppState::new(config));
    if state.config.test_hooks {
        state.hooks.counters.enable();
        tracing::warn!("test hooks are enabled: never run like this in production");
    }
    let router = app(state.clone());
    // Without TCP_NODELAY, a response written in pieces (headers, then a streamed file) waits
    // for the client's delayed ACK: about 40 ms on every download (seen by `bench/load`).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY on a connection");
        }
    });
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let serve = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stopped.wait_for(|s| *s).await;
        })
        .await
    });
    let cleanup = spawn_cleanup(state.clone());
    Ok(RunningServer {
        addr,
        state,
        stop,
        serve,
        cleanup,
        created_data_dir,
    })
}
