//! `SessionManager`: keeps the store in step with the server (cookie sync, tokens from
//! responses), starts or resumes the session when the policy says so, and runs every recovery
//! as one shared flight. The rules are the pure policy's and the state changes the core
//! reducer's (`trustyconvert_core`); this file performs them.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use futures::future::{LocalBoxFuture, Shared};
use futures::FutureExt;
use serde_json::Value;
use trustyconvert_core::session::cookie::read_csrf_cookie;
use trustyconvert_core::timestamp::{parse_http_date_ms, parse_rfc3339_ms};
use trustyconvert_core::{
    decide, init_wait_ms, lasts_through_upload, Action, ApiError, ApiErrorKind, ApiSuccess, Change,
    CookieRead, InitReason, SessionEvent, SessionId, SessionPhase, StartedBy, TokenSource,
};
use yewdux::Dispatch;

use super::store::SessionStore;
use crate::api::client::{self, ApiRequest, SessionRule};
use crate::browser;
use crate::browser::broadcast::TabChannel;
use crate::transport::Transport;

type Flight = Shared<LocalBoxFuture<'static, Result<(), ApiError>>>;

/// Cheap to clone: every clone shares the store, the transport and the flights in progress.
#[derive(Clone)]
pub struct SessionManager {
    pub(super) inner: Rc<Inner>,
}

pub(super) struct Inner {
    pub(super) dispatch: Dispatch<SessionStore>,
    pub(super) transport: Rc<dyn Transport>,
    pub(super) api_base: String,
    pub(super) init_flight: RefCell<Option<Flight>>,
    /// The reason of the init in flight, joined by every caller's (`InitReason::joined_by`).
    pub(super) flight_reason: Cell<InitReason>,
    pub(super) consecutive_init_failures: Cell<u32>,
    /// The server's `Retry-After` on a refused init, as an instant (ms since the epoch).
    pub(super) init_not_before_ms: Cell<Option<f64>>,
    /// The close in flight waits for the init in flight (it joined it to learn the current
    /// token): that init must not wait for the close.
    pub(super) close_waits_for_init: Cell<bool>,
    /// `POST /session/close` in flight: requests that need a recovery wait for its outcome.
    pub(super) close_flight: RefCell<Option<Flight>>,
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
                flight_reason: Cell::new(InitReason::NoToken),
                consecutive_init_failures: Cell::new(0),
                init_not_before_ms: Cell::new(None),
                close_waits_for_init: Cell::new(false),
                close_flight: RefCell::new(None),
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

    /// Reads the cookie and applies the policy for `event` (app load, page visible, before a
    /// mutating request, a user action), adopting the cookie's token where it says so; returns
    /// the action for the caller to finish (an init, or waiting for the user).
    pub fn synchronize_token_from_cookie(&self, event: SessionEvent) -> Action {
        let action = self.decide_now(&event, read_cookie());
        log::debug!("session: {} → {}", event.name(), describe(&action));
        action
    }

    /// On load and when the page becomes visible: sync from the cookie, then init only if the
    /// policy finds no usable token. Errors are in the store's phase for the UI.
    pub async fn sync_then_init(&self, event: SessionEvent) {
        if let Action::InitSession { reason } = self.synchronize_token_from_cookie(event) {
            // The outcome is recorded in the store's phase; there is no caller to tell.
            let _ = self.init_session(reason).await;
        }
    }

    /// Makes sure a session exists before a mutating request. After the person closed the
    /// session, only a request they started may start a new one.
    pub async fn ensure_session(&self, started_by: StartedBy) -> Result<(), ApiError> {
        match self.synchronize_token_from_cookie(started_by.before_mutating_request()) {
            Action::InitSession { reason } => self.init_session(reason).await,
            Action::WaitForUser => Err(self.waiting_for_user()),
            _ => Ok(()),
        }
    }

    /// Before an upload of `bytes`: a session that is not confirmed, or that may end before the
    /// upload does, is made sure of with an init first (it resumes a live session and creates
    /// nothing; an expired one is replaced, and the upload is then sent once, on the new one).
    /// A 401 or 403 sent while the browser still streams the body can reach it only as a
    /// connection reset, which no recovery could tell from a network failure.
    pub async fn ensure_fresh_session(
        &self,
        started_by: StartedBy,
        bytes: u64,
    ) -> Result<(), ApiError> {
        self.ensure_session(started_by).await?;
        let store = self.store();
        let now = browser::clock::now_ms() as i64;
        let confirmed = store.phase == SessionPhase::Ready;
        if confirmed && lasts_through_upload(store.expires_at_ms, now, bytes) {
            return Ok(());
        }
        log::debug!("session: making sure of the session before a large upload");
        self.init_session(InitReason::NoToken).await
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

    /// `GET /session/init` as one shared flight: callers arriving while it runs join it (their
    /// reason joins the flight's) and wait for the same outcome. After failures it first waits
    /// a shared, capped backoff.
    pub async fn init_session(&self, reason: InitReason) -> Result<(), ApiError> {
        let flight = {
            let mut slot = self.inner.init_flight.borrow_mut();
            match slot.as_ref() {
                Some(flight) => {
                    log::debug!("session: joining the init in flight ({})", reason.name());
                    let joined = self.inner.flight_reason.get().joined_by(reason);
                    self.inner.flight_reason.set(joined);
                    flight.clone()
                }
                None => {
                    self.inner.flight_reason.set(reason);
                    let flight = self.clone().run_init().boxed_local().shared();
                    *slot = Some(flight.clone());
                    flight
                }
            }
        };
        flight.await
    }

    /// The close's own recovery: the init it starts or joins goes on while the close waits.
    pub(super) async fn init_session_for_close(&self, reason: InitReason) -> Result<(), ApiError> {
        self.inner.close_waits_for_init.set(true);
        self.init_session(reason).await
    }

    async fn run_init(self) -> Result<(), ApiError> {
        let result = self.init_once().await;
        // Later callers start a fresh flight (and see the backoff if this one failed).
        self.inner.init_flight.borrow_mut().take();
        self.inner.close_waits_for_init.set(false);
        result
    }

    async fn init_once(&self) -> Result<(), ApiError> {
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
        // A close may have come while the flight waited: then it sends nothing.
        let reason = self.init_still_due().await?;
        log::debug!("session: init ({})", reason.name());
        self.apply(Change::InitSent(reason));
        // `GET /session/init` resumes the session the cookie names, or creates one.
        let mut request = ApiRequest::get("/session/init");
        request.rule = SessionRule::Init;
        let success = match client::send(self, request).await {
            Ok(success) => success,
            Err(error) => return Err(self.init_failed(error)),
        };
        // ... or while it was answered: then its session is not taken (nor counted a failure).
        let reason = self.init_still_due().await?;
        match self.apply_init(reason, &success) {
            Ok(()) => {
                self.inner.consecutive_init_failures.set(0);
                self.inner.init_not_before_ms.set(None);
                Ok(())
            }
            Err(error) => Err(self.init_failed(error)),
        }
    }

    /// Records a failed init: the backoff grows (never shorter than the server asked), and
    /// the session shows why it failed.
    fn init_failed(&self, error: ApiError) -> ApiError {
        log::debug!("session: init failed: {error}");
        let asked = error
            .retry_after_secs()
            .map(|secs| browser::clock::now_ms() + f64::from(secs) * 1000.0);
        self.inner.init_not_before_ms.set(asked);
        let failures = self.inner.consecutive_init_failures.get().saturating_add(1);
        self.inner.consecutive_init_failures.set(failures);
        self.apply(Change::InitFailed(error.clone()));
        error
    }

    /// The policy's word on the init in flight now: its (joined) reason when it may go on,
    /// `SessionClosed` when the person closed the session meanwhile; a close still in flight
    /// is waited for first.
    async fn init_still_due(&self) -> Result<InitReason, ApiError> {
        loop {
            let event = SessionEvent::InitDue {
                reason: self.inner.flight_reason.get(),
                close_waits: self.inner.close_waits_for_init.get(),
            };
            match self.decide_now(&event, CookieRead::Absent) {
                Action::InitSession { reason } => return Ok(reason),
                Action::WaitForClose => self.wait_for_close().await,
                _ => {
                    log::debug!("session: dropped an init: it waits for the person");
                    return Err(self.waiting_for_user());
                }
            }
        }
    }

    fn apply_init(&self, reason: InitReason, success: &ApiSuccess) -> Result<(), ApiError> {
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
        let expires_at_ms = success
            .data
            .get("expires_at")
            .and_then(Value::as_str)
            .and_then(parse_rfc3339_ms)
            .map(|ends| on_our_clock(ends, success.server_date.as_deref()));
        self.apply(Change::InitSucceeded {
            reason,
            token,
            session_id,
            expires_at_ms,
        });
        log::debug!("session: ready (epoch {})", self.store().epoch.0);
        Ok(())
    }

    /// Waits for the close in flight, if any, to have its outcome.
    pub(super) async fn wait_for_close(&self) {
        let close = self.inner.close_flight.borrow().clone();
        if let Some(close) = close {
            log::debug!("session: waiting for the close in flight");
            // Its outcome is in the state the policy reads next.
            let _ = close.await;
        }
    }

    /// Runs the policy on `event` (with `cookie` as just read) and applies its decision.
    pub(super) fn decide_now(&self, event: &SessionEvent, cookie: CookieRead) -> Action {
        let closing = self.inner.close_flight.borrow().is_some();
        let now = browser::clock::now_ms() as i64;
        let decision = decide(event, &self.store().snapshot(cookie, closing, now));
        let action = decision.action.clone();
        self.apply(Change::Decided(decision));
        action
    }

    /// What a request meets while nothing may start a session until the person acts: after
    /// their close, or once the browser refused the API's cookies.
    pub(super) fn waiting_for_user(&self) -> ApiError {
        let kind = if self.store().cookies_refused {
            ApiErrorKind::CookiesRefused
        } else {
            ApiErrorKind::SessionClosed
        };
        ApiError::new(kind)
    }

    pub(super) fn apply(&self, change: Change) {
        self.inner.dispatch.reduce_mut(|store| store.apply(change));
    }
}

/// The server's instant `server_ms` on this tab's clock, by the server's `Date` header (a
/// second's precision is plenty for freshness); our clock as it is when the header is absent.
fn on_our_clock(server_ms: i64, server_date: Option<&str>) -> i64 {
    match server_date.and_then(parse_http_date_ms) {
        Some(server_now) => server_ms - server_now + browser::clock::now_ms() as i64,
        None => server_ms,
    }
}

/// The page's `csrftoken` cookie as the policy reads it.
pub(super) fn read_cookie() -> CookieRead {
    read_csrf_cookie(&browser::cookie::document_cookie())
}

pub(super) fn describe(action: &Action) -> &'static str {
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
        Action::WaitForClose => "wait for the close",
        Action::GiveUp(_) => "give up",
    }
}
