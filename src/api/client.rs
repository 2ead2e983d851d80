//! The one request path: every API call resolves the token at send time, sets `X-CSRF-Token`
//! only where it belongs, parses the envelope, stores any new token, and on a CSRF or session
//! error lets the session policy recover once and retries once. Only idempotent requests are
//! retried after network and 5xx failures, with capped backoff and jitter.
//!
//! The path never names the session manager: it asks the session layer through `SessionSide`,
//! which the manager implements (and uses to send its own init and close), so requests flow
//! one way.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use futures::future::{select, Either};

use trustyconvert_core::{
    parse_response_with, resolve_api_url, should_send_csrf, ApiError, ApiErrorKind, ApiSuccess,
    CsrfToken, IdempotentRetry, RequestContext, SessionEpoch, SessionPhase,
};
pub use trustyconvert_core::{SessionRule, StartedBy};

use crate::browser;
use crate::transport::{Body, Method, ProgressCallback, Transport, WireFailure, WireRequest};

/// An answer that has not come in this long is abandoned (and its request aborted).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);
/// An upload is abandoned only when it makes no progress for this long: a large file on a slow
/// line may rightly take many minutes.
const UPLOAD_STALL_TIMEOUT: Duration = Duration::from_secs(60);
const STALL_CHECK: Duration = Duration::from_secs(5);

/// A call to one endpoint, relative to the API base (`/upload`, `/job_status?job_id=…`).
#[derive(Clone)]
pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    pub body: Body,
    /// After a user close, only a request the person started may start the next session.
    pub started_by: StartedBy,
    pub rule: SessionRule,
    pub on_progress: Option<ProgressCallback>,
    pub abort: Option<web_sys::AbortSignal>,
    /// Sends through another transport (the XHR upload) with the same recovery.
    pub transport: Option<Rc<dyn Transport>>,
    /// How long an answer may take (an upload instead may take as long as it makes progress).
    pub answer_timeout: Duration,
}

impl ApiRequest {
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::Get, path, Body::Empty)
    }

    pub fn post(path: impl Into<String>, body: Body) -> Self {
        Self::new(Method::Post, path, body)
    }

    fn new(method: Method, path: impl Into<String>, body: Body) -> Self {
        Self {
            method,
            path: path.into(),
            body,
            started_by: StartedBy::App,
            rule: SessionRule::Normal,
            on_progress: None,
            abort: None,
            transport: None,
            answer_timeout: ANSWER_TIMEOUT,
        }
    }

    pub fn by_user(mut self) -> Self {
        self.started_by = StartedBy::Person;
        self
    }
}

/// What the request path asks of the session layer.
// The app is single-threaded wasm: these futures are never sent across threads.
#[allow(async_fn_in_trait)]
pub trait SessionSide {
    fn api_base(&self) -> &str;
    /// The transport for requests that name none (`fetch` in the app).
    fn transport(&self) -> Rc<dyn Transport>;
    /// The token to send now, and the phase and epoch it belongs to.
    fn for_sending(&self) -> (Option<CsrfToken>, SessionPhase, SessionEpoch);
    /// Before a mutating request: a session exists (or `SessionClosed`).
    async fn before_mutating_request(&self, started_by: StartedBy) -> Result<(), ApiError>;
    /// Before the close: the newest token, without starting a session to close it.
    fn before_close(&self);
    /// A success under `rule`: its token is stored, or it proves the session.
    fn answered(&self, success: &ApiSuccess, rule: SessionRule);
    /// After a CSRF or session error: `Ok` means "send once more".
    async fn recover(
        &self,
        error: &ApiError,
        sent: Option<CsrfToken>,
        request: RequestContext,
    ) -> Result<(), ApiError>;
    /// After a reset of a mutating request: true means "send once more".
    async fn after_transport_error(&self, sent: Option<&CsrfToken>, phase: &SessionPhase) -> bool;
}

/// Sends `request` and returns the envelope's data, recovering the session at most once.
pub async fn send(session: &impl SessionSide, request: ApiRequest) -> Result<ApiSuccess, ApiError> {
    let mutating = request.method != Method::Get;
    match request.rule {
        SessionRule::Normal if mutating => {
            session.before_mutating_request(request.started_by).await?
        }
        SessionRule::Close => session.before_close(),
        _ => {}
    }
    let url = resolve_api_url(session.api_base(), &request.path);
    let page_url = browser::dom::page_url();
    let send_token = should_send_csrf(request.method.as_str(), &url, &page_url, session.api_base());
    let transport = request
        .transport
        .clone()
        .unwrap_or_else(|| session.transport());
    let retry = IdempotentRetry::default();
    let mut already_retried = false;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let (token, phase_when_sent, epoch) = session.for_sending();
        let token = token.filter(|_| send_token);
        let mut headers = Vec::new();
        if let Some(token) = &token {
            headers.push(("X-CSRF-Token", token.expose().to_owned()));
        }
        let wire = WireRequest {
            method: request.method,
            url: url.clone(),
            headers,
            body: request.body.clone(),
            on_progress: None,
            abort: request.abort.clone(),
        };
        let outcome = match send_with_timeout(transport.as_ref(), wire, &request).await {
            Ok(response) => parse_response_with(
                browser::json::parse,
                response.status,
                response.content_type.as_deref(),
                response.correlation_id.as_deref(),
                response.retry_after.as_deref(),
                &response.body,
            )
            .map(|success| ApiSuccess {
                server_date: response.date,
                ..success
            }),
            Err(WireFailure::Redirected) => Err(ApiError::new(ApiErrorKind::Redirected)),
            Err(WireFailure::Network) if !browser::dom::is_online() => Err(ApiError::offline()),
            Err(WireFailure::Network) => Err(ApiError::network()),
            Err(WireFailure::Aborted) => Err(ApiError::cancelled()),
            Err(WireFailure::Timeout) => Err(ApiError::timeout()),
        };
        let error = match outcome {
            Ok(success) => {
                session.answered(&success, request.rule);
                return Ok(success);
            }
            Err(error) => error,
        };
        if error.is_csrf() || error.is_session() {
            let context = RequestContext {
                rule: request.rule,
                already_retried,
                epoch,
            };
            // Err: the policy gave up (the original error), the recovery failed (its
            // error), or the session is closed; nothing loops.
            session.recover(&error, token, context).await?;
            already_retried = true;
            continue;
        }
        // A 401 or 403 to a request whose body was still streaming can arrive as a reset:
        // on a session never confirmed, one check comes before "could not reach the server".
        let unconfirmed_reset = mutating
            && request.rule == SessionRule::Normal
            && error.kind == ApiErrorKind::Network
            && !already_retried;
        if unconfirmed_reset
            && session
                .after_transport_error(token.as_ref(), &phase_when_sent)
                .await
        {
            already_retried = true;
            continue;
        }
        if request.method.is_idempotent() {
            if let Some(delay) =
                retry.delay_after_failure(attempts, &error, browser::random::jitter())
            {
                log::debug!(
                    "api: {} failed ({error}); retrying in {delay} ms",
                    request.path_for_log()
                );
                gloo::timers::future::sleep(Duration::from_millis(delay)).await;
                continue;
            }
        }
        return Err(error);
    }
}

impl ApiRequest {
    /// The path without its query string (a download token travels there).
    fn path_for_log(&self) -> &str {
        self.path.split('?').next().unwrap_or_default()
    }
}

/// Sends `wire` and waits for the answer, but not forever: an ordinary call gets
/// `ANSWER_TIMEOUT`; an upload (a request with progress) may take as long as it keeps moving.
/// Giving up drops the transport's future, which aborts the request.
async fn send_with_timeout(
    transport: &dyn Transport,
    mut wire: WireRequest,
    request: &ApiRequest,
) -> Result<crate::transport::WireResponse, WireFailure> {
    let progress_events = Rc::new(Cell::new(0u64));
    if let Some(on_progress) = request.on_progress.clone() {
        let events = Rc::clone(&progress_events);
        wire.on_progress = Some(Rc::new(move |sent, total| {
            events.set(events.get().wrapping_add(1));
            on_progress(sent, total);
        }));
    }
    let watchdog = Box::pin(async move {
        if request.on_progress.is_none() {
            gloo::timers::future::sleep(request.answer_timeout).await;
            return;
        }
        let (mut seen, mut quiet) = (progress_events.get(), Duration::ZERO);
        while quiet < UPLOAD_STALL_TIMEOUT {
            gloo::timers::future::sleep(STALL_CHECK).await;
            let now = progress_events.get();
            quiet = if now == seen {
                quiet + STALL_CHECK
            } else {
                Duration::ZERO
            };
            seen = now;
        }
    });
    match select(transport.send(wire), watchdog).await {
        Either::Left((outcome, _)) => outcome,
        Either::Right(((), _)) => {
            log::debug!(
                "api: {} abandoned: no answer in time",
                request.path_for_log()
            );
            Err(WireFailure::Timeout)
        }
    }
}
