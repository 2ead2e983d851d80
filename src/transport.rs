//! The transport seam, below both the API layer and the browser: what a request and an answer
//! are on the wire, and the trait that sends them. `fetch` implements it for ordinary calls;
//! the XHR upload implements it too, so uploads go through the same recovery path; tests can put
//! a scripted transport behind it.

use std::rc::Rc;

use futures::future::LocalBoxFuture;

/// An HTTP method the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }

    /// Safe to send twice: only these are retried after network and 5xx failures.
    pub fn is_idempotent(self) -> bool {
        self == Method::Get
    }
}

/// A request body. `FormData` keeps a `File` as the browser's own object: it is never copied
/// into wasm memory.
#[derive(Debug, Clone)]
pub enum Body {
    Empty,
    Json(String),
    Form(web_sys::FormData),
}

/// Upload progress: bytes sent so far and the total.
pub type ProgressCallback = Rc<dyn Fn(f64, f64)>;

/// One request, fully resolved: absolute URL, the headers to send.
#[derive(Clone)]
pub struct WireRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
    pub on_progress: Option<ProgressCallback>,
    /// Aborts the request when signalled (cancel an upload).
    pub abort: Option<web_sys::AbortSignal>,
}

/// What came back, before the envelope parser sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub correlation_id: Option<String>,
    pub retry_after: Option<String>,
    /// The server's clock (`Date`), which its `expires_at` instants are on.
    pub date: Option<String>,
    pub body: Vec<u8>,
}

/// Why no answer arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireFailure {
    /// Connection failed, reset, or blocked (CORS); no HTTP status.
    Network,
    /// The API answered with a redirect, which is not followed (see `ApiErrorKind::Redirected`).
    Redirected,
    /// The caller aborted it.
    Aborted,
    /// No answer in time (the request was abandoned and aborted).
    Timeout,
}

/// Sends a request and reads the whole answer.
pub trait Transport {
    fn send(
        &self,
        request: WireRequest,
    ) -> LocalBoxFuture<'static, Result<WireResponse, WireFailure>>;
}

/// A transport shared by reference, compared by identity (a component property: the tests'
/// scripted server, the upload's XHR).
#[derive(Clone)]
pub struct SharedTransport(pub Rc<dyn Transport>);

impl PartialEq for SharedTransport {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
