//! The `fetch` transport (gloo's `net` module): every ordinary API call.

use futures::future::LocalBoxFuture;
use futures::FutureExt;
use gloo::events::EventListener;
use gloo::net::http::{Method as GlooMethod, RequestBuilder};
use web_sys::{AbortController, RequestCredentials, RequestRedirect, ResponseType};

use super::abort::AbortOnDrop;
use crate::transport::{Body, Method, Transport, WireFailure, WireRequest, WireResponse};

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
            // Our own controller: dropping this future (a timeout) aborts the fetch, and the
            // caller's signal, when there is one, aborts it too.
            let controller = AbortController::new().map_err(|_| WireFailure::Network)?;
            let _on_caller_abort = request.abort.as_ref().map(|signal| {
                let controller = controller.clone();
                EventListener::once(signal, "abort", move |_| controller.abort())
            });
            let mut guard = {
                let controller = controller.clone();
                AbortOnDrop::new(move || controller.abort())
            };
            let mut builder = RequestBuilder::new(&request.url)
                .method(method)
                .credentials(RequestCredentials::Include)
                // A redirect would carry X-CSRF-Token to wherever it points: it is not
                // followed, and comes back as an opaque answer ("error" would look like a
                // network failure).
                .redirect(RequestRedirect::Manual)
                .abort_signal(Some(&controller.signal()));
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
            if response.type_() == ResponseType::Opaqueredirect {
                return Err(WireFailure::Redirected);
            }
            let headers = response.headers();
            let body = response
                .binary()
                .await
                .map_err(|_| aborted_or_network(request.abort.as_ref()))?;
            guard.finished();
            Ok(WireResponse {
                status: response.status(),
                content_type: headers.get("content-type"),
                correlation_id: headers.get("x-correlation-id"),
                retry_after: headers.get("retry-after"),
                date: headers.get("date"),
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
