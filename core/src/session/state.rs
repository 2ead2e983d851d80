//! The tab's mirror of the server's session and the one place it changes: `apply` is the
//! reducer over the policy's decisions and the init flight's outcomes, so one action always
//! means one change, whoever performs it.

use super::cookie::CookieRead;
use super::policy::{
    epoch_after_init, Action, Decision, GiveUpReason, InitReason, SessionSnapshot,
};
use super::{RejectedTokens, SessionEpoch};
use crate::api::error::{ApiError, ApiErrorKind};
use crate::ids::{CsrfToken, SessionId};

/// Where the session stands, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SessionPhase {
    /// Nothing read yet.
    #[default]
    Unknown,
    /// A token adopted from the cookie, not yet confirmed by a response.
    Unverified,
    /// `/session/init` is in flight.
    Initializing,
    /// The server confirmed the session.
    Ready,
    /// The user closed it; the next one starts with the user's next action.
    Closed,
    /// The last attempt to get a session failed; the error says why.
    Failed(ApiError),
}

impl SessionPhase {
    /// The phase's name, for diagnostics (a derived `Debug` costs the bundle its machinery).
    pub fn name(&self) -> &'static str {
        match self {
            SessionPhase::Unknown => "Unknown",
            SessionPhase::Unverified => "Unverified",
            SessionPhase::Initializing => "Initializing",
            SessionPhase::Ready => "Ready",
            SessionPhase::Closed => "Closed",
            SessionPhase::Failed(_) => "Failed",
        }
    }
}

/// Counts for diagnostics (shown in debug logs and read by tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SessionCounters {
    /// `/session/init` calls actually sent.
    pub inits: u32,
    /// Of those, recoveries after a CSRF or session error.
    pub recoveries: u32,
    /// Cookie reads that adopted a token.
    pub syncs: u32,
}

/// What the tab knows of its session. Held in memory only: a token is never written to
/// localStorage or sessionStorage.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionState {
    pub token: Option<CsrfToken>,
    pub session_id: Option<SessionId>,
    /// When the session ends, on this tab's clock (ms since the Unix epoch): the server's
    /// `expires_at` moved by the difference between the server's clock and ours.
    pub expires_at_ms: Option<i64>,
    pub phase: SessionPhase,
    /// Changes whenever the server session changes: work tied to the old one must be redone.
    pub epoch: SessionEpoch,
    /// The cookie's token at the last read (adopt only when it changes).
    pub last_cookie_seen: Option<CsrfToken>,
    /// Tokens the server refused: never adopted again.
    pub rejected: RejectedTokens,
    /// The user closed the session and has not acted since.
    pub user_closed: bool,
    /// The last init's token until an answer from an endpoint that needs the session proves
    /// the browser sends its cookie back.
    pub unproven_init_token: Option<CsrfToken>,
    /// The browser refused the API's cookies; the person has not acted since.
    pub cookies_refused: bool,
    pub counters: SessionCounters,
}

/// Everything that changes the session state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The policy decided: its bookkeeping, and the state side of its action.
    Decided(Decision),
    /// `GET /session/init` is sent.
    InitSent(InitReason),
    /// The init answered with this session; `reason` is the flight's.
    InitSucceeded {
        reason: InitReason,
        token: CsrfToken,
        session_id: Option<SessionId>,
        expires_at_ms: Option<i64>,
    },
    /// The init failed; the text says why, for people.
    InitFailed(ApiError),
    /// An endpoint that needs the session answered: it is live.
    Confirmed,
}

impl SessionState {
    /// What the policy sees: this state, a fresh cookie read, whether a close is in flight,
    /// and the time now (ms since the Unix epoch, the tab's clock).
    pub fn snapshot(&self, cookie: CookieRead, closing: bool, now_ms: i64) -> SessionSnapshot {
        SessionSnapshot {
            store_token: self.token.clone(),
            cookie,
            last_cookie_seen: self.last_cookie_seen.clone(),
            rejected: self.rejected.clone(),
            user_closed: self.user_closed,
            closing,
            unproven_init_token: self.unproven_init_token.clone(),
            cookies_refused: self.cookies_refused,
            session_ended: self.has_ended(now_ms),
            epoch: self.epoch,
        }
    }

    /// Whether the session's known end has passed at `now_ms`.
    pub fn has_ended(&self, now_ms: i64) -> bool {
        self.expires_at_ms.is_some_and(|end| end <= now_ms)
    }

    pub fn apply(&mut self, change: Change) {
        match change {
            Change::Decided(decision) => {
                self.last_cookie_seen = decision.last_cookie_seen;
                self.rejected = decision.rejected;
                self.perform(decision.action);
            }
            Change::InitSent(reason) => {
                self.phase = SessionPhase::Initializing;
                self.counters.inits += 1;
                if reason.is_recovery() {
                    self.counters.recoveries += 1;
                }
            }
            Change::InitSucceeded {
                reason,
                token,
                session_id,
                expires_at_ms,
            } => {
                self.epoch = epoch_after_init(
                    self.epoch,
                    reason,
                    self.session_id.as_ref(),
                    session_id.as_ref(),
                );
                self.rejected.remove(&token);
                self.unproven_init_token = Some(token.clone());
                self.cookies_refused = false;
                self.token = Some(token);
                self.session_id = session_id;
                self.expires_at_ms = expires_at_ms;
                self.phase = SessionPhase::Ready;
                self.user_closed = false;
            }
            Change::InitFailed(error) => self.phase = SessionPhase::Failed(error),
            Change::Confirmed => {
                self.unproven_init_token = None;
                if matches!(
                    self.phase,
                    SessionPhase::Unverified | SessionPhase::Failed(_)
                ) {
                    self.phase = SessionPhase::Ready;
                }
            }
        }
    }

    fn perform(&mut self, action: Action) {
        match action {
            // A token from the cookie: the same session, perhaps rotated by another tab, so the
            // epoch stays (it moves only when the session changes: a 401, or an init that
            // answers with another session id).
            Action::AdoptCookieToken(token)
            | Action::RetryWith {
                token,
                source: super::policy::TokenSource::Cookie,
            } => {
                self.token = Some(token);
                self.counters.syncs += 1;
                if self.phase != SessionPhase::Ready {
                    self.phase = SessionPhase::Unverified;
                }
            }
            Action::StoreToken(token) => {
                self.token = Some(token);
                self.phase = SessionPhase::Ready;
            }
            Action::EndSession => {
                self.token = None;
                self.session_id = None;
                self.expires_at_ms = None;
                self.user_closed = true;
                self.phase = SessionPhase::Closed;
                self.epoch = self.epoch.next();
            }
            Action::GiveUp(GiveUpReason::CookiesRefused) => {
                self.cookies_refused = true;
                self.phase = SessionPhase::Failed(ApiError::new(ApiErrorKind::CookiesRefused));
            }
            Action::Nothing
            | Action::UseToken(_)
            | Action::InitSession { .. }
            | Action::RetryWith { .. }
            | Action::WaitForUser
            | Action::WaitForClose
            | Action::GiveUp(_) => {}
        }
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
