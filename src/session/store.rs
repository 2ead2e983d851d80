//! `SessionStore`: the yewdux home of the session state (`trustyconvert_core::SessionState`,
//! where its reducer and tests live), in memory only.

use std::ops::Deref;

use trustyconvert_core::{Change, SessionState};
pub use trustyconvert_core::{SessionCounters, SessionPhase};
use yewdux::Store;

#[derive(Debug, Clone, PartialEq, Default, Store)]
pub struct SessionStore(SessionState);

impl SessionStore {
    /// The only way the state changes (see `SessionState::apply`).
    pub fn apply(&mut self, change: Change) {
        self.0.apply(change);
    }
}

impl Deref for SessionStore {
    type Target = SessionState;

    fn deref(&self) -> &SessionState {
        &self.0
    }
}
