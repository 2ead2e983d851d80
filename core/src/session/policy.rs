//! The session rules of DESIGN.md as one pure function: an event and a snapshot of what the tab
//! knows go in, the action to take (and the next bookkeeping values) come out. The
//! `SessionManager` performs the action; single flight and timers are its business, not this one's.

use super::cookie::CookieRead;
use super::{RejectedTokens, SessionEpoch};
use crate::backoff::capped_backoff_ms;
use crate::ids::{CsrfToken, SessionId};

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEvent {
    /// The app started (read the cookie first).
    AppLoad,
    /// The page became visible again.
    PageVisible,
    /// A POST/PUT/DELETE is about to be sent. GETs need no decision: they carry no token, and a
    /// GET that needs a session recovers through `SessionError` like any other.
    BeforeMutatingRequest,
    /// The user started something (chose a file, pressed convert). After a close, this is what
    /// may start the next session; otherwise it behaves like `BeforeMutatingRequest`.
    UserAction,
    /// A JSON success whose `data.csrf_token` held this token.
    ResponseWithToken(CsrfToken),
    /// A request sent with `sent` (if any) got a CSRF error (403 `CSRFValidationError`).
    CsrfError {
        sent: Option<CsrfToken>,
        request: RequestContext,
    },
    /// A request sent with `sent` (if any) got a session error (401).
    SessionError {
        sent: Option<CsrfToken>,
        request: RequestContext,
    },
    /// The user closed the session (`POST /session/close` answered, or the user asked to forget).
    UserClosedSession,
    /// The init flight is about to send `GET /session/init` (after its backoff), or to apply
    /// its answer; `reason` is the flight's, joined by every caller's. `close_waits`: the close
    /// in flight itself waits for this init (its stale token needs the current one).
    InitDue {
        reason: InitReason,
        close_waits: bool,
    },
}

impl SessionEvent {
    /// The event's name for logs: a derived `Debug` would cost the wasm bundle its formatting
    /// machinery, and tokens stay out of it by construction.
    pub fn name(&self) -> &'static str {
        match self {
            SessionEvent::AppLoad => "app load",
            SessionEvent::PageVisible => "page visible",
            SessionEvent::BeforeMutatingRequest => "before a mutating request",
            SessionEvent::UserAction => "user action",
            SessionEvent::ResponseWithToken(_) => "response with a token",
            SessionEvent::CsrfError { .. } => "CSRF error",
            SessionEvent::SessionError { .. } => "session error",
            SessionEvent::UserClosedSession => "user closed the session",
            SessionEvent::InitDue { .. } => "init due",
        }
    }
}

/// How a request relates to the session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SessionRule {
    /// Mutating requests make sure a session exists first; errors recover once.
    #[default]
    Normal,
    /// `/session/init` itself, a recovery: it never starts another recovery.
    Init,
    /// `/session/close`: sends the newest known token and recovers a stale one, but never
    /// creates a session, and a session error means there is nothing left to close.
    Close,
    /// Needs no session (`/convert/formats`, `/health`): its success proves nothing about the
    /// session, so it neither confirms an adopted token nor ends a failed session.
    Public,
}

/// Who started a request: after the user closed the session, only their own next action may
/// start another.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StartedBy {
    /// The app by itself (a poll, a background check).
    #[default]
    App,
    /// The person (upload, convert, download).
    Person,
}

impl StartedBy {
    /// The event to decide before a mutating request that this starter sends.
    pub fn before_mutating_request(self) -> SessionEvent {
        match self {
            StartedBy::App => SessionEvent::BeforeMutatingRequest,
            StartedBy::Person => SessionEvent::UserAction,
        }
    }
}

/// Facts about the request that failed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestContext {
    pub rule: SessionRule,
    /// The request is already the one retry after a recovery: recover once, retry once.
    pub already_retried: bool,
    /// The session epoch when the request was sent; older than the snapshot's epoch means the
    /// session was replaced meanwhile (another request already recovered).
    pub epoch: SessionEpoch,
}

/// What the tab knows right now. The manager fills `cookie` from a fresh read of
/// `document.cookie` for every event except the `Response*` ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionSnapshot {
    /// The store's token (from a response body or an adopted cookie).
    pub store_token: Option<CsrfToken>,
    pub cookie: CookieRead,
    /// The cookie's value at the previous read (`None` when it was absent or unreadable).
    pub last_cookie_seen: Option<CsrfToken>,
    pub rejected: RejectedTokens,
    /// The user closed the session and has not started a new one yet.
    pub user_closed: bool,
    /// `POST /session/close` is in flight: nothing but the close recovers or starts a session
    /// until its outcome is known.
    pub closing: bool,
    /// The token of the last init, while no answer from an endpoint that needs the session has
    /// proven that the browser sends the session cookie back.
    pub unproven_init_token: Option<CsrfToken>,
    /// The browser does not keep the API's cookies: nothing starts a session until the person
    /// acts (each attempt would only leave an unused session on the server).
    pub cookies_refused: bool,
    /// The session's `expires_at` has passed (on the tab's clock): a 401 is its expiry.
    pub session_ended: bool,
    pub epoch: SessionEpoch,
}

/// Why `/session/init` is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitReason {
    /// No usable token is known at all: resume the session the cookie names, or create one.
    NoToken,
    /// The user acted after closing the session: start the next one.
    UserStarted,
    /// A CSRF error left no other token: resume the session to learn its current token.
    CsrfRecovery,
    /// A session error: the session is gone; init creates a new one.
    SessionExpired,
}

impl InitReason {
    /// The reason's name for logs (see [`SessionEvent::name`]).
    pub fn name(self) -> &'static str {
        match self {
            InitReason::NoToken => "no token",
            InitReason::UserStarted => "user started",
            InitReason::CsrfRecovery => "CSRF recovery",
            InitReason::SessionExpired => "session expired",
        }
    }

    /// The reason of an init flight once a caller with `other` joined it: the stronger one. A
    /// person who acted makes the flight theirs (it may start a session after a close), and a
    /// caller that knows its session is gone makes the answer a new session.
    pub fn joined_by(self, other: InitReason) -> InitReason {
        let rank = |reason| match reason {
            InitReason::NoToken => 0,
            InitReason::CsrfRecovery => 1,
            InitReason::SessionExpired => 2,
            InitReason::UserStarted => 3,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }

    /// A recovery after a CSRF or session error (counted apart in diagnostics).
    pub fn is_recovery(self) -> bool {
        matches!(self, InitReason::CsrfRecovery | InitReason::SessionExpired)
    }

    /// A successful init means a new session, so the epoch changes ("session changed").
    pub fn starts_new_epoch(self) -> bool {
        matches!(self, InitReason::SessionExpired | InitReason::UserStarted)
    }
}

/// Where a retry's token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    Store,
    /// From the cookie: adopt it into the store as well.
    Cookie,
}

/// Why the policy stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUpReason {
    /// The failing request was itself a recovery: no recovery of a recovery.
    RecoveryCallFailed,
    /// The request was already retried once after a recovery: no loop.
    AlreadyRetried,
    /// A session error on `/session/close`: the session is already gone, nothing to recover.
    NothingToClose,
    /// A 401 to the first request after an init, sent with that init's token, while the page
    /// sees no CSRF cookie: the browser did not keep the cookies the init set (the app and the
    /// API on different sites, or third-party cookies blocked). Another init would only leave
    /// another unused session.
    CookiesRefused,
}

/// What to do. The manager surfaces the original `ApiError` when it gives up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Nothing,
    /// Send with this token (the store's).
    UseToken(CsrfToken),
    /// Put the cookie's token in the store, then send with it.
    AdoptCookieToken(CsrfToken),
    /// Put the server's token in the store: it wins over the cookie.
    StoreToken(CsrfToken),
    /// Call `GET /session/init` (one shared flight, with `init_backoff_ms` after failures); store
    /// its token; clear `user_closed`; bump the epoch per `epoch_after_init`; then retry the
    /// failed request once (a recovery) or send the pending one.
    InitSession {
        reason: InitReason,
    },
    /// Retry the failed request once with this token.
    RetryWith {
        token: CsrfToken,
        source: TokenSource,
    },
    /// Clear the store's token, set `user_closed`; nothing more until the user acts.
    EndSession,
    /// Do nothing by itself: the user closed the session.
    WaitForUser,
    /// A close is in flight: wait for its outcome, then decide again.
    WaitForClose,
    GiveUp(GiveUpReason),
}

/// The action plus the next values of the bookkeeping the manager keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub action: Action,
    /// Assign to `last_cookie_seen` (unchanged for events that did not read the cookie).
    pub last_cookie_seen: Option<CsrfToken>,
    /// Assign to the rejected set.
    pub rejected: RejectedTokens,
}

/// Applies the session rules. Total: every event and state gives a decision.
pub fn decide(event: &SessionEvent, state: &SessionSnapshot) -> Decision {
    let mut rejected = state.rejected.clone();
    let read_cookie = state.cookie.token().cloned();
    let decision = |action: Action, rejected: RejectedTokens, cookie_was_read: bool| Decision {
        action,
        last_cookie_seen: if cookie_was_read {
            read_cookie.clone()
        } else {
            state.last_cookie_seen.clone()
        },
        rejected,
    };

    match event {
        SessionEvent::AppLoad | SessionEvent::PageVisible | SessionEvent::BeforeMutatingRequest => {
            decision(sync(state), rejected, true)
        }
        SessionEvent::UserAction if state.user_closed || state.cookies_refused => decision(
            Action::InitSession {
                reason: InitReason::UserStarted,
            },
            rejected,
            true,
        ),
        SessionEvent::UserAction => decision(sync(state), rejected, true),
        // A request that left before the close answers with the closed session's token.
        SessionEvent::ResponseWithToken(_) if state.user_closed => {
            decision(Action::Nothing, rejected, false)
        }
        SessionEvent::ResponseWithToken(token) => {
            // The server issued it, so it is current even if we once saw it refused.
            rejected.remove(token);
            decision(Action::StoreToken(token.clone()), rejected, false)
        }
        SessionEvent::CsrfError { request, .. } | SessionEvent::SessionError { request, .. }
            if state.closing && request.rule != SessionRule::Close =>
        {
            decision(Action::WaitForClose, rejected, false)
        }
        SessionEvent::SessionError { request, .. } if request.rule == SessionRule::Close => {
            decision(
                Action::GiveUp(GiveUpReason::NothingToClose),
                rejected,
                false,
            )
        }
        SessionEvent::CsrfError { sent, request } => {
            if let Some(sent) = sent {
                rejected.insert(sent.clone());
            }
            let action = recover_csrf(sent.as_ref(), *request, state, &rejected);
            decision(action, rejected, true)
        }
        SessionEvent::SessionError { sent, request } => {
            if let Some(sent) = sent {
                rejected.insert(sent.clone());
            }
            let action = recover_session(sent.as_ref(), *request, state, &mut rejected);
            decision(action, rejected, true)
        }
        SessionEvent::UserClosedSession => {
            // The closed session's token must never come back from a leftover cookie.
            if let Some(token) = &state.store_token {
                rejected.insert(token.clone());
            }
            if let Some(token) = &read_cookie {
                rejected.insert(token.clone());
            }
            decision(Action::EndSession, rejected, true)
        }
        // While a close is in flight an init waits for its outcome, unless the close itself
        // waits for the init (then waiting would be a deadlock).
        SessionEvent::InitDue {
            close_waits: false, ..
        } if state.closing => decision(Action::WaitForClose, rejected, false),
        // Only the person's own action starts a session after a close.
        SessionEvent::InitDue { reason, .. }
            if waits_for_user(state) && *reason != InitReason::UserStarted =>
        {
            decision(Action::WaitForUser, rejected, false)
        }
        SessionEvent::InitDue { reason, .. } => {
            decision(Action::InitSession { reason: *reason }, rejected, false)
        }
    }
}

/// App load, page visible, before a mutating request: sync from the cookie, init only when
/// nothing usable is known.
fn sync(state: &SessionSnapshot) -> Action {
    if waits_for_user(state) {
        return Action::WaitForUser;
    }
    let usable = |t: &&CsrfToken| !state.rejected.contains(t);
    let store = state.store_token.as_ref().filter(usable);
    if let Some(cookie) = state.cookie.token().filter(usable) {
        let changed = state.last_cookie_seen.as_ref() != Some(cookie);
        // An unchanged cookie does not override a token the server sent in a body; but with no
        // usable store token, the cookie's token is still better than creating a session.
        if Some(cookie) != store && (changed || store.is_none()) {
            return Action::AdoptCookieToken(cookie.clone());
        }
    }
    match store {
        Some(token) => Action::UseToken(token.clone()),
        None => Action::InitSession {
            reason: InitReason::NoToken,
        },
    }
}

/// After a close, or once the browser refused the API's cookies, only the person's next action
/// starts a session.
fn waits_for_user(state: &SessionSnapshot) -> bool {
    state.user_closed || state.cookies_refused
}

fn stop_before_recovering(request: RequestContext, state: &SessionSnapshot) -> Option<Action> {
    if request.rule == SessionRule::Init {
        Some(Action::GiveUp(GiveUpReason::RecoveryCallFailed))
    } else if request.already_retried {
        Some(Action::GiveUp(GiveUpReason::AlreadyRetried))
    } else if waits_for_user(state) {
        Some(Action::WaitForUser)
    } else {
        None
    }
}

/// CSRF error: another known token not yet rejected (store first: body tokens win), else init.
fn recover_csrf(
    sent: Option<&CsrfToken>,
    request: RequestContext,
    state: &SessionSnapshot,
    rejected: &RejectedTokens,
) -> Action {
    if let Some(stop) = stop_before_recovering(request, state) {
        return stop;
    }
    let fresh = |t: &&CsrfToken| Some(*t) != sent && !rejected.contains(t);
    if let Some(token) = state.store_token.as_ref().filter(fresh) {
        return Action::RetryWith {
            token: token.clone(),
            source: TokenSource::Store,
        };
    }
    if let Some(token) = state.cookie.token().filter(fresh) {
        return Action::RetryWith {
            token: token.clone(),
            source: TokenSource::Cookie,
        };
    }
    Action::InitSession {
        reason: InitReason::CsrfRecovery,
    }
}

/// Session error: if the session was replaced since the request left, retry with the new token;
/// else the store's token belongs to the dead session (reject it) and one init creates a new one.
fn recover_session(
    sent: Option<&CsrfToken>,
    request: RequestContext,
    state: &SessionSnapshot,
    rejected: &mut RejectedTokens,
) -> Action {
    if let Some(stop) = stop_before_recovering(request, state) {
        return stop;
    }
    // Where the page can read the init's CSRF cookie, the browser kept its cookies and the
    // session simply ended: recover. Where it cannot (another site, or a host-only cookie of a
    // sibling host), a 401 to the very token the init just gave means its cookie never came
    // back; another init would only leave another unused session.
    let cookie_unseen = state.cookie == CookieRead::Absent;
    let unproven = sent.is_some() && sent == state.unproven_init_token.as_ref();
    if cookie_unseen && unproven && !state.session_ended {
        return Action::GiveUp(GiveUpReason::CookiesRefused);
    }
    if request.epoch < state.epoch {
        if let Some(token) = state.store_token.as_ref().filter(|t| !rejected.contains(t)) {
            return Action::RetryWith {
                token: token.clone(),
                source: TokenSource::Store,
            };
        }
    }
    if let Some(token) = &state.store_token {
        rejected.insert(token.clone());
    }
    Action::InitSession {
        reason: InitReason::SessionExpired,
    }
}

/// The epoch after a successful init: a new one when the reason means a new session, or when the
/// server answered with another session id than the one we knew (the server is the truth: a
/// "resume" that found the session expired created a new one, and its old jobs are gone).
pub fn epoch_after_init(
    current: SessionEpoch,
    reason: InitReason,
    previous_session: Option<&SessionId>,
    new_session: Option<&SessionId>,
) -> SessionEpoch {
    let id_changed =
        matches!((previous_session, new_session), (Some(old), Some(new)) if old != new);
    if reason.starts_new_epoch() || id_changed {
        current.next()
    } else {
        current
    }
}

/// The slowest line an upload is planned for (1 Mbit/s), in bytes per second.
pub const PLANNED_UPLOAD_BYTES_PER_SEC: u64 = 125_000;
/// Time a session must have left beyond the upload's planned duration.
pub const SESSION_FRESHNESS_MARGIN_MS: i64 = 60_000;

/// Before a large upload: does a session that ends at `expires_at_ms` (None: unknown) last
/// through sending `upload_bytes` on a slow line? All instants on one clock. A session that
/// ends mid-upload answers with a 401 that the browser, still streaming the body, may see only
/// as a connection reset: then the upload fails as "could not reach the server" instead of
/// being recovered.
pub fn lasts_through_upload(expires_at_ms: Option<i64>, now_ms: i64, upload_bytes: u64) -> bool {
    let planned_ms = upload_bytes.saturating_mul(1000) / PLANNED_UPLOAD_BYTES_PER_SEC;
    let needed_ms = i64::try_from(planned_ms)
        .unwrap_or(i64::MAX)
        .saturating_add(SESSION_FRESHNESS_MARGIN_MS);
    expires_at_ms.is_some_and(|ends| ends.saturating_sub(now_ms) > needed_ms)
}

/// First delay before retrying a failed init, doubled per consecutive failure.
pub const INIT_BACKOFF_BASE_MS: u64 = 500;
/// The longest wait between init attempts.
pub const INIT_BACKOFF_CAP_MS: u64 = 30_000;

/// How long to wait before the next `/session/init` after `consecutive_failures` failed ones
/// (0 → no wait). Shared by every caller through the manager's single flight.
pub fn init_backoff_ms(consecutive_failures: u32, jitter_0_to_1: f64) -> u64 {
    capped_backoff_ms(
        INIT_BACKOFF_BASE_MS,
        INIT_BACKOFF_CAP_MS,
        consecutive_failures,
        jitter_0_to_1,
    )
}

/// How long to wait before the next `/session/init`: the shared backoff, but never less than
/// the server asked for (`Retry-After` of a 429, as an instant `not_before_ms`, when one came).
pub fn init_wait_ms(
    consecutive_failures: u32,
    jitter_0_to_1: f64,
    now_ms: f64,
    not_before_ms: Option<f64>,
) -> u64 {
    let backoff = init_backoff_ms(consecutive_failures, jitter_0_to_1);
    let asked = not_before_ms
        .map(|not_before| (not_before - now_ms).max(0.0))
        .filter(|ms| ms.is_finite())
        .map_or(0, |ms| {
            ms.ceil().min(INIT_BACKOFF_CAP_MS as f64 * 4.0) as u64
        });
    backoff.max(asked)
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
