//! The success envelope and the request's correlation id, which both envelopes carry.
//!
//! The id lives in a task-local set by the request middleware, so handlers and `ApiError`
//! never have to thread it through by hand.

use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

tokio::task_local! {
    static CORRELATION_ID: String;
}

/// A new id: `c-` and 16 hex digits.
pub fn new_correlation_id() -> String {
    format!("c-{}", crate::ids::random_hex(8))
}

/// Runs `fut` with `id` as the current correlation id.
pub async fn with_correlation_id<F: std::future::Future>(id: String, fut: F) -> F::Output {
    CORRELATION_ID.scope(id, fut).await
}

/// The current request's id (a fresh one outside any request, which only tests see).
pub fn current_correlation_id() -> String {
    CORRELATION_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| new_correlation_id())
}

/// `{"success": true, "data": …, "correlation_id": …}`, 200 (pair it with a status for others).
pub struct ApiOk<T> {
    data: T,
}

impl<T> ApiOk<T> {
    pub fn ok(data: T) -> Self {
        ApiOk { data }
    }
}

impl<T: Serialize> IntoResponse for ApiOk<T> {
    fn into_response(self) -> Response {
        let body = json!({
            "success": true,
            "data": self.data,
            "correlation_id": current_correlation_id(),
        });
        axum::Json(body).into_response()
    }
}
