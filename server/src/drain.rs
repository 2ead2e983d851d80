//! Reading and discarding the rest of a request body before an early rejection, so a client
//! that is still sending sees the status instead of a connection reset.

use std::time::Duration;

use axum::body::Body;
use futures_util::StreamExt;

/// The most a drain will read beyond the upload limit.
pub const DRAIN_EXTRA_BYTES: u64 = 128 * 1024 * 1024;
/// The longest a drain will wait for a slow sender.
pub const DRAIN_TIME: Duration = Duration::from_secs(30);

/// Reads and drops up to `max_bytes` of `body`, for at most `DRAIN_TIME`.
pub async fn drain_body(body: Body, max_bytes: u64) {
    let mut stream = body.into_data_stream();
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        let mut seen = 0u64;
        while let Some(Ok(chunk)) = stream.next().await {
            seen += chunk.len() as u64;
            if seen > max_bytes {
                break;
            }
        }
    })
    .await;
}

/// Reads and drops what is left of a multipart body (bounded by the route's body limit).
pub async fn drain_multipart(multipart: &mut axum::extract::Multipart) {
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        while let Ok(Some(mut field)) = multipart.next_field().await {
            while let Ok(Some(_)) = field.chunk().await {}
        }
    })
    .await;
}
