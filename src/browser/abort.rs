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

/// Aborts a request when the future that waits for it is dropped before it ended (a timeout,
/// a caller that went away); `finished()` stands it down once the answer is read.
pub struct AbortOnDrop(Option<Box<dyn FnOnce()>>);

impl AbortOnDrop {
    pub fn new(abort: impl FnOnce() + 'static) -> Self {
        Self(Some(Box::new(abort)))
    }

    /// The request ended: nothing to abort any more.
    pub fn finished(&mut self) {
        self.0 = None;
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(abort) = self.0.take() {
            abort();
        }
    }
}
