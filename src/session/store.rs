//! `SessionStore`: the client's mirror of the server's session, in memory only (a token is never
//! written to localStorage or sessionStorage).

use trustyconvert_core::ids::{CsrfToken, SessionId};
use trustyconvert_core::session::{RejectedTokens, SessionEpoch};
use yewdux::Store;

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
    /// The last attempt to get a session failed; the text says why, for people.
    Failed(String),
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
    /// Recoveries after a CSRF or session error.
    pub recoveries: u32,
    /// Cookie reads that adopted a token.
    pub syncs: u32,
    /// `POST /session/csrf` rotations asked for.
    pub refreshes: u32,
}

#[derive(Debug, Clone, PartialEq, Default, Store)]
pub struct SessionStore {
    pub token: Option<CsrfToken>,
    pub session_id: Option<SessionId>,
    /// RFC 3339, as the server sent it.
    pub expires_at: Option<String>,
    pub phase: SessionPhase,
    /// Changes whenever the server session changes: work tied to the old one must be redone.
    pub epoch: SessionEpoch,
    /// The cookie's token at the last read (adopt only when it changes).
    pub last_cookie_seen: Option<CsrfToken>,
    /// Tokens the server refused: never adopted again.
    pub rejected: RejectedTokens,
    /// The user closed the session and has not acted since.
    pub user_closed: bool,
    pub counters: SessionCounters,
}
