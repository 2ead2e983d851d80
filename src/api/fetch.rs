//! The `fetch` transport (gloo's `net` module): every ordinary API call.

use futures::future::LocalBoxFuture;
use futures::FutureExt;
use gloo::net::http::{Method as GlooMethod, RequestBuilder};
use web_sys::RequestCredentials;

use super::transport::{Body, Method, Transport, WireFailure, WireRequest, WireResponse};

/// Sends with credentials (the session cookie) and reads the whole body.
#[derive(Debug, Default, Clone, Copy)]
pub struct FetchTransport;

impl Transport for FetchTransport {
    fn send(
        &self,
        request: WireRequest,
    ) -> LocalBoxFuture<'static, Result<WireResponse, WireFailure>> {
        async move {
            let method = match request.method {
                Method::Get => GlooMethod::GET,
                Method::Post => GlooMethod::POST,
            };
            let mut builder = RequestBuilder::new(&request.url)
                .method(method)
                .credentials(RequestCredentials::Include)
                .abort_signal(request.abort.as_ref());
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            let built = match request.body {
                Body::Empty => builder.build(),
                Body::Json(json) => builder
                    .header("Content-Type", "application/json")
                    .body(json),
                Body::Form(form) => builder.body(form),
            };
            let response = built
                .map_err(|_| WireFailure::Network)?
                .send()
                .await
                .map_err(|_| aborted_or_network(request.abort.as_ref()))?;
            let headers = response.headers();
            let body = response
                .binary()
                .await
                .map_err(|_| aborted_or_network(request.abort.as_ref()))?;
            Ok(WireResponse {
                status: response.status(),
                content_type: headers.get("content-type"),
                correlation_id: headers.get("x-correlation-id"),
                retry_after: headers.get("retry-after"),
                body,
            })
        }
        .boxed_local()
    }
}

fn aborted_or_network(signal: Option<&web_sys::AbortSignal>) -> WireFailure {
    if signal.is_some_and(web_sys::AbortSignal::aborted) {
        WireFailure::Aborted
    } else {
        WireFailure::Network
    }
}
