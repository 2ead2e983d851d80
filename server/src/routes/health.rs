//! `GET /health`: the server's version and the state of its storage.

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use serde::Serialize;

use crate::envelope::ApiOk;
use crate::files::usage;
use crate::state::SharedState;

pub fn router() -> Router<SharedState> {
    Router::new().route("/health", get(health))
}

#[derive(Serialize)]
struct HealthBody {
    status: &'static str,
    version: &'static str,
    services: Services,
}

#[derive(Serialize)]
struct Services {
    storage: Storage,
}

#[derive(Serialize)]
struct Storage {
    status: &'static str,
    writable: bool,
    bytes_used: u64,
    files: u64,
}

/// Whether a file can be created in the data folder right now.
async fn data_dir_writable(dir: &std::path::Path) -> bool {
    let probe = dir.join(format!(".health-{}", crate::ids::random_hex(6)));
    let ok = tokio::fs::write(&probe, b"ok").await.is_ok();
    let _ = tokio::fs::remove_file(&probe).await;
    ok
}

async fn health(State(state): State<SharedState>) -> ApiOk<HealthBody> {
    let dir = state.config.data_dir.clone();
    let writable = data_dir_writable(&dir).await;
    let (files, bytes_used) = tokio::task::spawn_blocking(move || usage(&dir))
        .await
        .unwrap_or((0, 0));
    let storage_status = if writable { "ok" } else { "error" };
    ApiOk::ok(HealthBody {
        status: if writable { "ok" } else { "degraded" },
        version: env!("CARGO_PKG_VERSION"),
        services: Services {
            storage: Storage {
                status: storage_status,
                writable,
                bytes_used,
                files,
            },
        },
    })
}
