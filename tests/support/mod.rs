//! Shared helpers for the browser component tests: a scripted server behind the transport
//! seam, cookie control, mounting, and letting Yew render.
#![allow(dead_code)]

pub mod dom;
pub mod harness;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use futures::future::LocalBoxFuture;
use futures::FutureExt;
use trustyconvert_web::transport::SharedTransport;
use trustyconvert_web::transport::{Transport, WireFailure, WireRequest, WireResponse};
use wasm_bindgen::JsCast;

/// One request as the scripted server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: &'static str,
    pub url: String,
    pub csrf_header: Option<String>,
}

type Responder = dyn Fn(&WireRequest) -> Result<WireResponse, WireFailure>;

/// Holds requests to one path until the test opens it (a slow close, an init in flight).
#[derive(Clone, Default)]
pub struct Gate(Rc<std::cell::Cell<bool>>);

impl Gate {
    pub fn open(&self) {
        self.0.set(true);
    }

    async fn passed(&self) {
        while !self.0.get() {
            gloo::timers::future::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// Answers every request with `respond` and records what was sent.
pub struct ScriptedServer {
    pub seen: RefCell<Vec<Seen>>,
    respond: Box<Responder>,
    gates: RefCell<Vec<(String, Gate)>>,
    /// How long each answer takes: with some latency, requests started together are in
    /// flight together, as over a real network.
    latency: Duration,
}

impl ScriptedServer {
    pub fn new(respond: impl Fn(&WireRequest) -> WireResponse + 'static) -> Rc<Self> {
        Self::with_latency(Duration::ZERO, respond)
    }

    pub fn with_latency(
        latency: Duration,
        respond: impl Fn(&WireRequest) -> WireResponse + 'static,
    ) -> Rc<Self> {
        Self::answering(latency, move |request| Ok(respond(request)))
    }

    /// A server whose answers may also be transport failures (a connection reset).
    pub fn with_failures(
        respond: impl Fn(&WireRequest) -> Result<WireResponse, WireFailure> + 'static,
    ) -> Rc<Self> {
        Self::answering(Duration::ZERO, respond)
    }

    fn answering(
        latency: Duration,
        respond: impl Fn(&WireRequest) -> Result<WireResponse, WireFailure> + 'static,
    ) -> Rc<Self> {
        Rc::new(Self {
            seen: RefCell::new(Vec::new()),
            respond: Box::new(respond),
            gates: RefCell::new(Vec::new()),
            latency,
        })
    }

    /// From now on, requests whose URL ends with `path_suffix` are answered only once the
    /// returned gate is opened.
    pub fn hold(&self, path_suffix: &str) -> Gate {
        let gate = Gate::default();
        self.gates
            .borrow_mut()
            .push((path_suffix.to_owned(), gate.clone()));
        gate
    }

    pub fn count(&self, path_suffix: &str) -> usize {
        self.seen
            .borrow()
            .iter()
            .filter(|seen| seen.url.ends_with(path_suffix))
            .count()
    }

    pub fn total(&self) -> usize {
        self.seen.borrow().len()
    }

    pub fn as_override(self: &Rc<Self>) -> SharedTransport {
        SharedTransport(Rc::clone(self) as Rc<dyn Transport>)
    }
}

impl Transport for ScriptedServer {
    fn send(
        &self,
        request: WireRequest,
    ) -> LocalBoxFuture<'static, Result<WireResponse, WireFailure>> {
        self.seen.borrow_mut().push(Seen {
            method: request.method.as_str(),
            url: request.url.clone(),
            csrf_header: request
                .headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("x-csrf-token"))
                .map(|(_, value)| value.clone()),
        });
        let response = (self.respond)(&request);
        let latency = self.latency;
        let gates: Vec<Gate> = self
            .gates
            .borrow()
            .iter()
            .filter(|(suffix, _)| request.url.ends_with(suffix.as_str()))
            .map(|(_, gate)| gate.clone())
            .collect();
        async move {
            if !latency.is_zero() {
                gloo::timers::future::sleep(latency).await;
            }
            for gate in gates {
                gate.passed().await;
            }
            response
        }
        .boxed_local()
    }
}

/// A JSON answer in the API's envelope.
pub fn json(status: u16, body: serde_json::Value) -> WireResponse {
    WireResponse {
        status,
        content_type: Some("application/json".to_owned()),
        correlation_id: Some("c-test".to_owned()),
        retry_after: None,
        date: None,
        body: body.to_string().into_bytes(),
    }
}

/// `/session/init`'s success.
pub fn init_ok(id: &str, token: &str) -> WireResponse {
    json(
        200,
        serde_json::json!({"success": true, "data": {"id": id, "csrf_token": token, "expires_at": "2099-01-01T00:00:00Z"}, "correlation_id": "c-1"}),
    )
}

fn html_document() -> web_sys::HtmlDocument {
    gloo::utils::document().unchecked_into()
}

pub fn set_csrf_cookie(value: &str) {
    let _ = html_document().set_cookie(&format!("csrftoken={value}; path=/"));
}

pub fn clear_csrf_cookie() {
    let _ = html_document().set_cookie("csrftoken=; path=/; max-age=0");
}

/// A fresh element in the body to mount into.
pub fn mount_point() -> web_sys::Element {
    let root = gloo::utils::document()
        .create_element("div")
        .expect("a div");
    gloo::utils::body().append_child(&root).expect("appended");
    root
}

/// Lets Yew render and spawned futures run.
pub async fn settle() {
    gloo::timers::future::sleep(Duration::from_millis(30)).await;
}

/// Puts back what tests change on the page they share (the `csrftoken` cookie, the visibility
/// override) when dropped, also when the test fails.
pub struct PageRestored;

impl Drop for PageRestored {
    fn drop(&mut self) {
        clear_csrf_cookie();
        let _ = js_sys::eval("delete document.visibilityState; delete document.hidden;");
    }
}

/// Waits (up to ~9 s) until `condition` holds.
pub async fn wait_until(condition: impl Fn() -> bool) {
    for _ in 0..300 {
        if condition() {
            return;
        }
        settle().await;
    }
    panic!("the condition never held");
}

/// Makes the page report `visible` or `hidden`, then dispatches `visibilitychange`
/// (headless Chromium never hides a page by itself).
pub fn set_visibility(visible: bool) {
    let script = format!(
        "Object.defineProperty(document, 'visibilityState', {{configurable: true, get: () => '{state}'}});
         Object.defineProperty(document, 'hidden', {{configurable: true, get: () => {hidden}}});
         document.dispatchEvent(new Event('visibilitychange'));",
        state = if visible { "visible" } else { "hidden" },
        hidden = !visible,
    );
    let _ = js_sys::eval(&script);
}

/// `/session/init` and a catalog of PNG and JPEG (to PNG, JPEG, PDF) up to `max_size` bytes,
/// each answered after `latency`; anything else is a 500.
pub fn server_with_formats(latency: Duration, max_size: u64) -> Rc<ScriptedServer> {
    ScriptedServer::with_latency(latency, move |request| {
        if request.url.ends_with("/session/init") {
            init_ok("s-1", "token-1")
        } else if request.url.ends_with("/convert/formats") {
            json(
                200,
                serde_json::json!({"success": true, "data": [
                    {"id": "image", "inputFormats": ["png", "jpg"], "outputFormats": ["png", "jpg", "pdf"], "maxSize": max_size}
                ]}),
            )
        } else {
            json(
                500,
                serde_json::json!({"success": false, "error": {"message": "unexpected", "type": "ServerError"}}),
            )
        }
    })
}

/// The default language, as the app's props take it.
pub fn english() -> trustyconvert_web::language::Language {
    trustyconvert_web::language::Language(trustyconvert_core::i18n::default_language())
}
