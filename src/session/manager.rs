//! `SessionManager`: keeps the store in step with the server (cookie sync, tokens from
//! responses), starts or resumes the session when the policy says so, and runs every recovery
//! as one shared flight. The rules themselves are the pure policy's (`trustyconvert_core`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use futures::future::{LocalBoxFuture, Shared};
use futures::FutureExt;
use serde_json::Value;
use trustyconvert_core::session::cookie::read_csrf_cookie;
use trustyconvert_core::{
    decide, epoch_after_init, init_wait_ms, Action, ApiError, ApiErrorKind, ApiSuccess, CookieRead,
    CsrfToken, InitReason, RequestContext, SessionEvent, SessionId, SessionSnapshot, TokenSource,
};
use yewdux::Dispatch;

use super::store::{SessionPhase, SessionStore};
use crate::api::transport::Transport;
use crate::api::{endpoints, ApiClient};
use crate::browser;
use crate::browser::broadcast::TabChannel;

type InitFlight = Shared<LocalBoxFuture<'static, Result<(), ApiError>>>;

/// Cheap to clone: every clone shares the store, the transport and the flight in progress.
#[derive(Clone)]
pub struct SessionManager {
    pub(super) inner: Rc<Inner>,
}

pub(super) struct Inner {
    pub(super) dispatch: Dispatch<SessionStore>,
    pub(super) transport: Rc<dyn Transport>,
    pub(super) api_base: String,
    pub(super) init_flight: RefCell<Option<InitFlight>>,
    pub(super) consecutive_init_failures: Cell<u32>,
    /// The server's `Retry-After` on a refused init, as an instant (ms since the epoch).
    pub(super) init_not_before_ms: Cell<Option<f64>>,
    /// Some caller of the init in flight knows its session is gone: the init's answer is then a
    /// new session whatever reason started the flight.
    pub(super) flight_replaces_session: Cell<bool>,
    /// `POST /session/close` is in flight: nothing else may start a session meanwhile.
    pub(super) closing: Cell<bool>,
    /// Open while the provider is mounted: tells other tabs of a close, hears theirs.
    pub(super) tabs: RefCell<Option<TabChannel>>,
}

impl PartialEq for SessionManager {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl SessionManager {
    pub fn new(
        dispatch: Dispatch<SessionStore>,
        transport: Rc<dyn Transport>,
        api_base: &str,
    ) -> Self {
        Self {
            inner: Rc::new(Inner {
                dispatch,
                transport,
                api_base: api_base.to_owned(),
                init_flight: RefCell::new(None),
                consecutive_init_failures: Cell::new(0),
                init_not_before_ms: Cell::new(None),
                flight_replaces_session: Cell::new(false),
                closing: Cell::new(false),
                tabs: RefCell::new(None),
            }),
        }
    }

    pub fn api_base(&self) -> &str {
        &self.inner.api_base
    }

    pub fn transport(&self) -> Rc<dyn Transport> {
        Rc::clone(&self.inner.transport)
    }

    pub fn store(&self) -> Rc<SessionStore> {
        self.inner.dispatch.get()
    }

    /// The request path bound to this session.
    pub fn client(&self) -> ApiClient {
        ApiClient::new(self.clone())
    }

    /// Reads the cookie and applies the policy for `event` (app load, page visible, before a
    /// mutating request, a user action). Adopts the cookie's token when the policy says so and
    /// returns the action for the caller to finish (an init, or waiting for the user).
    pub fn synchronize_token_from_cookie(&self, event: SessionEvent) -> Action {
        let action = self.decide_and_record(&event);
        match &action {
            Action::AdoptCookieToken(token) => {
                log::debug!(
                    "session: adopted the token from the cookie ({})",
                    event.name()
                );
                let token = token.clone();
                self.inner.dispatch.reduce_mut(|store| {
                    // Another tab may have replaced the session: work tied to ours must know.
                    if store.token.as_ref().is_some_and(|known| *known != token) {
                        store.epoch = store.epoch.next();
                    }
                    store.token = Some(token);
                    store.counters.syncs += 1;
                    if !matches!(store.phase, SessionPhase::Ready) {
                        store.phase = SessionPhase::Unverified;
                    }
                });
            }
            Action::UseToken(_) => {
                log::debug!("session: token in the store is current ({})", event.name())
            }
            Action::WaitForUser => {
                log::debug!("session: closed by the user; waiting ({})", event.name())
            }
            other => log::debug!("session: {} → {}", event.name(), describe(other)),
        }
        action
    }

    /// Stores a token the server sent in a response body: it wins over the cookie.
    pub fn update_csrf_token_from_server(&self, token: CsrfToken) {
        if self.store().user_closed {
            // Only the user's next action may bring a session back (through an init).
            log::debug!("session: ignored a token that arrived after the close");
            return;
        }
        let decision = decide(
            &SessionEvent::ResponseWithToken(token),
            &self.snapshot(CookieRead::Absent),
        );
        if let Action::StoreToken(token) = decision.action {
            log::debug!("session: stored the token from a response");
            self.inner.dispatch.reduce_mut(|store| {
                store.token = Some(token);
                store.rejected = decision.rejected;
                store.phase = SessionPhase::Ready;
            });
        }
    }

    /// A successful answer without a token from an endpoint that needs the session proves it
    /// live: an adopted token is confirmed, and a failed session is not failed any more.
    pub fn confirm_session(&self) {
        if matches!(
            self.store().phase,
            SessionPhase::Unverified | SessionPhase::Failed(_)
        ) {
            log::debug!("session: confirmed by a response");
            self.inner
                .dispatch
                .reduce_mut(|store| store.phase = SessionPhase::Ready);
        }
    }

    /// On load and when the page becomes visible: sync from the cookie, then init only if the
    /// policy finds no usable token. Errors are in the store's phase for the UI.
    pub async fn sync_then_init(&self, event: SessionEvent) {
        if let Action::InitSession { reason } = self.synchronize_token_from_cookie(event) {
            // The outcome is recorded in the store's phase; there is no caller to tell.
            let _ = self.init_session(reason).await;
        }
    }

    /// Makes sure a session exists before a mutating request. `user_action` marks a request the
    /// person started: after they closed the session, only such a request may start a new one.
    pub async fn ensure_session(&self, user_action: bool) -> Result<(), ApiError> {
        let event = if user_action {
            SessionEvent::UserAction
        } else {
            SessionEvent::BeforeMutatingRequest
        };
        match self.synchronize_token_from_cookie(event) {
            Action::InitSession { reason } => self.init_session(reason).await,
            Action::WaitForUser => Err(session_closed_error()),
            _ => Ok(()),
        }
    }

    /// The person's "Try again" after a failed session: resume the session the cookie names,
    /// or start one (as the person's own action when they had closed the last one).
    pub async fn retry_failed_session(&self) -> Result<(), ApiError> {
        let reason = if self.store().user_closed {
            InitReason::UserStarted
        } else {
            InitReason::NoToken
        };
        self.init_session(reason).await
    }

    /// `GET /session/init` as one shared flight: callers arriving while it runs wait for the
    /// same outcome. After failures it first waits a shared, capped backoff.
    pub async fn init_session(&self, reason: InitReason) -> Result<(), ApiError> {
        if reason.starts_new_epoch() {
            self.inner.flight_replaces_session.set(true);
        }
        let flight = {
            let mut slot = self.inner.init_flight.borrow_mut();
            match slot.as_ref() {
                Some(flight) => {
                    log::debug!("session: joining the init in flight ({})", reason.name());
                    flight.clone()
                }
                None => {
                    if matches!(
                        reason,
                        InitReason::CsrfRecovery | InitReason::SessionExpired
                    ) {
                        self.inner
                            .dispatch
                            .reduce_mut(|store| store.counters.recoveries += 1);
                    }
                    let flight = self.clone().run_init(reason).boxed_local().shared();
                    *slot = Some(flight.clone());
                    flight
                }
            }
        };
        flight.await
    }

    async fn run_init(self, reason: InitReason) -> Result<(), ApiError> {
        let wait = init_wait_ms(
            self.inner.consecutive_init_failures.get(),
            browser::random::jitter(),
            browser::clock::now_ms(),
            self.inner.init_not_before_ms.get(),
        );
        if wait > 0 {
            log::debug!("session: init backs off {wait} ms after failures");
            gloo::timers::future::sleep(Duration::from_millis(wait)).await;
        }
        log::debug!("session: init ({})", reason.name());
        self.inner.dispatch.reduce_mut(|store| {
            store.phase = SessionPhase::Initializing;
            store.counters.inits += 1;
        });
        let outcome = endpoints::session_init(&self.client()).await;
        let result = match outcome {
            Ok(success) => self.apply_init(reason, &success),
            Err(error) => Err(error),
        };
        match &result {
            Ok(()) => {
                self.inner.consecutive_init_failures.set(0);
                self.inner.init_not_before_ms.set(None);
            }
            Err(error) => {
                log::debug!("session: init failed: {error}");
                let asked = error
                    .retry_after_secs()
                    .map(|secs| browser::clock::now_ms() + f64::from(secs) * 1000.0);
                self.inner.init_not_before_ms.set(asked);
                let failures = self.inner.consecutive_init_failures.get().saturating_add(1);
                self.inner.consecutive_init_failures.set(failures);
                let message = error.user_message();
                self.inner
                    .dispatch
                    .reduce_mut(|store| store.phase = SessionPhase::Failed(message));
            }
        }
        // Later callers start a fresh flight (and see the backoff if this one failed).
        self.inner.init_flight.borrow_mut().take();
        self.inner.flight_replaces_session.set(false);
        result
    }

    fn apply_init(&self, reason: InitReason, success: &ApiSuccess) -> Result<(), ApiError> {
        if self.store().user_closed && reason != InitReason::UserStarted {
            // The user closed the session while this init was in flight; it must not revive it.
            log::debug!("session: dropped an init that finished after the close");
            return Err(session_closed_error());
        }
        let reason = if self.inner.flight_replaces_session.get() && !reason.starts_new_epoch() {
            InitReason::SessionExpired
        } else {
            reason
        };
        // The same answer set the cookie: where the page can read it, it names the token.
        let token = success
            .csrf_token()
            .or_else(|| read_cookie().token().cloned())
            .ok_or_else(|| ApiError::new(ApiErrorKind::Decode))?;
        let session_id = success
            .data
            .get("id")
            .and_then(Value::as_str)
            .and_then(SessionId::new);
        let expires_at = success
            .data
            .get("expires_at")
            .and_then(Value::as_str)
            .map(str::to_owned);
        self.inner.dispatch.reduce_mut(|store| {
            let epoch = epoch_after_init(
                store.epoch,
                reason,
                store.session_id.as_ref(),
                session_id.as_ref(),
            );
            if epoch != store.epoch {
                log::debug!("session: the server session changed (epoch {})", epoch.0);
            }
            store.epoch = epoch;
            store.rejected.remove(&token);
            store.token = Some(token);
            store.session_id = session_id;
            store.expires_at = expires_at;
            store.phase = SessionPhase::Ready;
            store.user_closed = false;
        });
        log::debug!("session: ready");
        Ok(())
    }

    /// After a CSRF or session error on a request sent with `sent`: applies the policy. `Ok`
    /// means "send the request once more" (the store now holds the token to use). While a
    /// close is in flight only the close itself may recover.
    pub async fn recover(
        &self,
        error: &ApiError,
        sent: Option<CsrfToken>,
        request: RequestContext,
        for_close: bool,
    ) -> Result<(), ApiError> {
        if self.inner.closing.get() && !for_close {
            log::debug!("session: no recovery while the session is being closed");
            return Err(session_closed_error());
        }
        let event = if error.is_session() {
            SessionEvent::SessionError { sent, request }
        } else {
            SessionEvent::CsrfError { sent, request }
        };
        let action = self.decide_and_record(&event);
        log::debug!(
            "session: {} error → {}",
            if error.is_session() {
                "session"
            } else {
                "CSRF"
            },
            describe(&action)
        );
        match action {
            Action::RetryWith { token, source } => {
                if source == TokenSource::Cookie {
                    self.inner
                        .dispatch
                        .reduce_mut(|store| store.token = Some(token));
                }
                Ok(())
            }
            Action::InitSession { reason } => self.init_session(reason).await,
            Action::WaitForUser => Err(session_closed_error()),
            _ => Err(error.clone()),
        }
    }

    /// `POST /session/csrf`: a fresh token for the current session.
    pub async fn refresh_csrf(&self) -> Result<(), ApiError> {
        self.inner
            .dispatch
            .reduce_mut(|store| store.counters.refreshes += 1);
        endpoints::session_csrf(&self.client()).await.map(drop)
    }

    /// Before a large upload: a 401 or 403 sent while the browser is still streaming the body
    /// can reach it as a connection reset, so a token adopted from the cookie and never
    /// confirmed is confirmed first (init resumes the session the cookie names: no new one).
    pub async fn confirm_before_large_upload(&self) -> Result<(), ApiError> {
        if self.store().phase == SessionPhase::Unverified {
            log::debug!("session: confirming the session before a large upload");
            return self.init_session(InitReason::NoToken).await;
        }
        Ok(())
    }

    /// Runs the policy on a fresh cookie read and records its bookkeeping in the store.
    pub(super) fn decide_and_record(&self, event: &SessionEvent) -> Action {
        let decision = decide(event, &self.snapshot(read_cookie()));
        let action = decision.action.clone();
        self.inner.dispatch.reduce_mut(|store| {
            store.last_cookie_seen = decision.last_cookie_seen;
            store.rejected = decision.rejected;
        });
        action
    }

    fn snapshot(&self, cookie: CookieRead) -> SessionSnapshot {
        let store = self.store();
        SessionSnapshot {
            store_token: store.token.clone(),
            cookie,
            last_cookie_seen: store.last_cookie_seen.clone(),
            rejected: store.rejected.clone(),
            user_closed: store.user_closed,
            epoch: store.epoch,
        }
    }
}

/// The page's `csrftoken` cookie as the policy reads it.
fn read_cookie() -> CookieRead {
    read_csrf_cookie(&browser::cookie::document_cookie())
}

fn describe(action: &Action) -> &'static str {
    match action {
        Action::Nothing => "nothing",
        Action::UseToken(_) => "use the store's token",
        Action::AdoptCookieToken(_) => "adopt the cookie's token",
        Action::StoreToken(_) => "store the server's token",
        Action::InitSession { .. } => "init the session",
        Action::RetryWith {
            source: TokenSource::Store,
            ..
        } => "retry with the store's newer token",
        Action::RetryWith {
            source: TokenSource::Cookie,
            ..
        } => "retry with the cookie's newer token",
        Action::EndSession => "end the session",
        Action::WaitForUser => "wait for the user",
        Action::GiveUp(_) => "give up",
    }
}

/// What a request meets after the user closed the session, until they act.
pub fn session_closed_error() -> ApiError {
    ApiError::new(ApiErrorKind::SessionClosed)
}
