//! The XHR transport: the upload's way to the server, because only XHR reports upload progress.
//! It implements the same `Transport` seam as `fetch`, so an upload takes the one request path
//! (token at send time, session recovery) like every other call.

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::LocalBoxFuture;
use futures::FutureExt;
use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{ProgressEvent, XmlHttpRequest, XmlHttpRequestResponseType};

use super::abort::AbortOnDrop;
use crate::transport::{Body, Transport, WireFailure, WireRequest, WireResponse};

/// Sends with credentials, reports upload progress, aborts on the request's `AbortSignal`.
#[derive(Debug, Default, Clone, Copy)]
pub struct XhrTransport;

/// How an XHR ended, as its events tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Loaded,
    Failed,
    Aborted,
}

impl Transport for XhrTransport {
    fn send(
        &self,
        request: WireRequest,
    ) -> LocalBoxFuture<'static, Result<WireResponse, WireFailure>> {
        async move { send(request).await }.boxed_local()
    }
}

async fn send(request: WireRequest) -> Result<WireResponse, WireFailure> {
    if request
        .abort
        .as_ref()
        .is_some_and(|signal| signal.aborted())
    {
        return Err(WireFailure::Aborted);
    }
    let xhr = XmlHttpRequest::new().map_err(|_| WireFailure::Network)?;
    xhr.open_with_async(request.method.as_str(), &request.url, true)
        .map_err(|_| WireFailure::Network)?;
    xhr.set_with_credentials(true);
    xhr.set_response_type(XmlHttpRequestResponseType::Arraybuffer);
    for (name, value) in &request.headers {
        xhr.set_request_header(name, value)
            .map_err(|_| WireFailure::Network)?;
    }

    let (sender, receiver) = oneshot::channel::<Ending>();
    let sender = Rc::new(RefCell::new(Some(sender)));
    let finish = move |ending: Ending| {
        let sender = Rc::clone(&sender);
        move |_: &web_sys::Event| {
            if let Some(sender) = sender.borrow_mut().take() {
                // The receiver lives until the end of `send`; a closed channel means nobody waits.
                let _ = sender.send(ending);
            }
        }
    };
    let _listeners = [
        EventListener::new(&xhr, "load", finish(Ending::Loaded)),
        EventListener::new(&xhr, "error", finish(Ending::Failed)),
        EventListener::new(&xhr, "timeout", finish(Ending::Failed)),
        EventListener::new(&xhr, "abort", finish(Ending::Aborted)),
    ];
    let _progress = match (&request.on_progress, xhr.upload()) {
        (Some(on_progress), Ok(upload)) => {
            let on_progress = Rc::clone(on_progress);
            Some(EventListener::new(&upload, "progress", move |event| {
                if let Some(progress) = event.dyn_ref::<ProgressEvent>() {
                    let total = if progress.length_computable() {
                        progress.total()
                    } else {
                        0.0
                    };
                    on_progress(progress.loaded(), total);
                }
            }))
        }
        _ => None,
    };
    let _abort = request.abort.as_ref().map(|signal| {
        let xhr = xhr.clone();
        EventListener::once(signal, "abort", move |_| {
            // An XHR that already ended ignores abort().
            let _ = xhr.abort();
        })
    });
    let mut guard = {
        let xhr = xhr.clone();
        // Nothing to report: the caller that wanted the answer is gone.
        AbortOnDrop::new(move || {
            let _ = xhr.abort();
        })
    };

    let sent = match &request.body {
        Body::Empty => xhr.send(),
        Body::Json(json) => xhr
            .set_request_header("Content-Type", "application/json")
            .and_then(|()| xhr.send_with_opt_str(Some(json))),
        Body::Form(form) => xhr.send_with_opt_form_data(Some(form)),
    };
    if sent.is_err() {
        guard.finished();
        return Err(WireFailure::Network);
    }
    let ending = receiver.await.unwrap_or(Ending::Failed);
    guard.finished();
    match ending {
        Ending::Aborted => Err(WireFailure::Aborted),
        Ending::Failed => Err(failure_kind(request.abort.as_ref())),
        Ending::Loaded => read_response(&xhr, &request.url),
    }
}

fn failure_kind(signal: Option<&web_sys::AbortSignal>) -> WireFailure {
    if signal.is_some_and(web_sys::AbortSignal::aborted) {
        WireFailure::Aborted
    } else {
        WireFailure::Network
    }
}

fn read_response(xhr: &XmlHttpRequest, url: &str) -> Result<WireResponse, WireFailure> {
    // XHR cannot refuse to follow a redirect: by now the request, its X-CSRF-Token and its
    // body have gone where the redirect pointed. What is left is to not take that answer as
    // the API's and to say so, as `fetch` does.
    if trustyconvert_core::answered_from_elsewhere(
        url,
        &xhr.response_url(),
        &crate::browser::dom::page_url(),
    ) {
        return Err(WireFailure::Redirected);
    }
    let status = xhr.status().map_err(|_| WireFailure::Network)?;
    // Status 0 after `load` does not happen in browsers, but it would mean "no answer".
    if status == 0 {
        return Err(WireFailure::Network);
    }
    let header = |name: &str| xhr.get_response_header(name).ok().flatten();
    let body = xhr
        .response()
        .ok()
        .filter(|value| !value.is_null() && !value.is_undefined())
        .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())
        .unwrap_or_default();
    Ok(WireResponse {
        status,
        content_type: header("Content-Type"),
        correlation_id: header("X-Correlation-ID"),
        retry_after: header("Retry-After"),
        date: header("Date"),
        body,
    })
}
