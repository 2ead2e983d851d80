//! TrustyConvert's server: the reference implementation of the HTTP API (`API.md`) with real
//! conversions, which also serves the built app. `start` runs it in-process (tests, e2e); the
//! binary wraps it with command-line flags.

mod auth;
mod cleanup;
pub mod config;
mod cookies;
mod drain;
mod envelope;
mod error;
mod extract;
mod files;
mod hook_state;
pub mod ids;
mod jobs;
mod rate_limit;
mod request_log;
mod routes;
mod server;
mod sessions;
mod spa;
mod state;
pub mod test_hooks;
mod workers;

pub use config::{Config, SameSite};
pub use error::ApiError;
pub use server::{start, RunningServer, StartError};
