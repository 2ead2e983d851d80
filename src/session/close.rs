//! Ending a session: the user's close (`POST /session/close`), and the same end when another
//! tab closed the session the tabs share (told over a `BroadcastChannel`, no request).

use std::rc::{Rc, Weak};

use trustyconvert_core::{Action, ApiError, SessionEvent};

use super::manager::{Inner, SessionManager};
use super::store::SessionPhase;
use crate::api::endpoints;
use crate::browser::broadcast::TabChannel;

/// The channel the app's tabs share, and what they say on it.
const TAB_CHANNEL: &str = "trustyconvert-session";
const CLOSED_MESSAGE: &str = "session-closed";

impl SessionManager {
    /// `POST /session/close`: the server deletes the session's files and jobs and clears both
    /// cookies; the tab then waits for the user before starting another session.
    pub async fn close_session(&self) -> Result<(), ApiError> {
        self.inner.closing.set(true);
        let outcome = endpoints::session_close(&self.client()).await;
        self.inner.closing.set(false);
        // A session already gone on the server is closed all the same.
        if let Err(error) = &outcome {
            if !error.is_session() {
                return Err(error.clone());
            }
        }
        self.end_session();
        if let Some(tabs) = self.inner.tabs.borrow().as_ref() {
            tabs.post(CLOSED_MESSAGE);
        }
        log::debug!("session: closed by the user");
        Ok(())
    }

    /// Another tab closed the shared session: the same end here, without a request.
    pub fn closed_in_another_tab(&self) {
        if self.store().user_closed {
            return;
        }
        log::debug!("session: closed in another tab");
        self.end_session();
    }

    /// Hears other tabs (and tells them of closes) until `stop_listening_to_other_tabs`.
    pub fn listen_to_other_tabs(&self) {
        let weak: Weak<Inner> = Rc::downgrade(&self.inner);
        // A weak handle: the channel lives inside the manager, so a strong one would leak it.
        let channel = TabChannel::open(TAB_CHANNEL, move |message| {
            if message == CLOSED_MESSAGE {
                if let Some(inner) = weak.upgrade() {
                    SessionManager { inner }.closed_in_another_tab();
                }
            }
        });
        *self.inner.tabs.borrow_mut() = channel;
    }

    pub fn stop_listening_to_other_tabs(&self) {
        self.inner.tabs.borrow_mut().take();
    }

    /// Applies the policy's end of a session: the token is forgotten (and never adopted again),
    /// the epoch moves on, and nothing starts a session until the user acts.
    fn end_session(&self) {
        if self.decide_and_record(&SessionEvent::UserClosedSession) == Action::EndSession {
            self.inner.dispatch.reduce_mut(|store| {
                store.token = None;
                store.session_id = None;
                store.expires_at = None;
                store.user_closed = true;
                store.phase = SessionPhase::Closed;
                store.epoch = store.epoch.next();
            });
        }
    }
}
