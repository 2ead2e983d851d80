//! The outermost middleware: gives every request a correlation id (body and `X-Correlation-ID`)
//! and logs one line per request, with the path but never the query (it may hold a token).

use std::time::Instant;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::envelope::{new_correlation_id, with_correlation_id};

pub const CORRELATION_HEADER: HeaderName = HeaderName::from_static("x-correlation-id");

pub async fn correlate_and_log(req: Request, next: Next) -> Response {
    let id = new_correlation_id();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = Instant::now();
    let mut response = with_correlation_id(id.clone(), next.run(req)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(CORRELATION_HEADER, value);
    }
    let status = response.status().as_u16();
    let ms = started.elapsed().as_millis();
    tracing::info!(target: "trustyconvert::request", "{method} {path} {status} {ms}ms {id}");
    response
}
