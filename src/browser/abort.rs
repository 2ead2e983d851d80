//! Aborting a request the app started (`AbortController`): the upload's Cancel.

/// One request's abort switch: its signal goes with the request, `abort()` stops it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbortHandle(web_sys::AbortController);

impl AbortHandle {
    /// A fresh switch; None where the browser has no `AbortController`.
    pub fn new() -> Option<Self> {
        web_sys::AbortController::new().ok().map(Self)
    }

    /// The signal to hand to the request.
    pub fn signal(&self) -> web_sys::AbortSignal {
        self.0.signal()
    }

    /// Aborts the request (nothing happens if it already ended).
    pub fn abort(&self) {
        self.0.abort();
    }
}
