//! The API's routes, one module per area, merged here under `/api`.

pub mod convert;
pub mod download;
pub mod health;
pub mod session;
pub mod upload;

use axum::extract::OriginalUri;
use axum::http::Method;
use axum::Router;

use crate::config::Config;
use crate::error::ApiError;
use crate::state::SharedState;

/// Every contract endpoint, relative to `/api`.
pub fn api_router(config: &Config) -> Router<SharedState> {
    Router::new()
        .merge(session::router())
        .merge(upload::router(config))
        .merge(convert::router())
        .merge(download::router())
        .merge(health::router())
        .method_not_allowed_fallback(method_not_allowed)
}

/// Keeps even a wrong method inside the envelope.
async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{} does not accept {method}.", uri.path()))
}
