//! Ending a session: the user's close (`POST /session/close`), and the same end when another
//! tab closed the session the tabs share (told over a `BroadcastChannel`, no request).

use std::rc::{Rc, Weak};

use futures::FutureExt;
use trustyconvert_core::{ApiError, SessionEvent};

use super::manager::{read_cookie, Inner, SessionManager};
use crate::api::client::{self, ApiRequest, SessionRule};
use crate::browser::broadcast::TabChannel;
use crate::transport::Body;

/// The channel the app's tabs share, and what they say on it.
const TAB_CHANNEL: &str = "trustyconvert-session";
const CLOSED_MESSAGE: &str = "session-closed";

impl SessionManager {
    /// `POST /session/close`: the server deletes the session's files and jobs and clears both
    /// cookies; the tab then waits for the user before starting another session. One flight:
    /// a second close joins the first, and requests that need a recovery meanwhile wait for
    /// its outcome (a failed close leaves the session as it was).
    pub async fn close_session(&self) -> Result<(), ApiError> {
        let flight = {
            let mut slot = self.inner.close_flight.borrow_mut();
            match slot.as_ref() {
                Some(flight) => flight.clone(),
                None => {
                    let flight = self.clone().run_close().boxed_local().shared();
                    *slot = Some(flight.clone());
                    flight
                }
            }
        };
        flight.await
    }

    async fn run_close(self) -> Result<(), ApiError> {
        // `POST /session/close` deletes the session with its files and jobs; its rule never
        // starts a session just to close it.
        let mut request = ApiRequest::post("/session/close", Body::Empty);
        request.rule = SessionRule::Close;
        let outcome = client::send(&self, request).await;
        // A session already gone on the server is closed all the same.
        let closed = match outcome {
            Ok(_) => Ok(()),
            Err(error) if error.is_session() => Ok(()),
            Err(error) => Err(error),
        };
        if closed.is_ok() {
            self.end_session();
            if let Some(tabs) = self.inner.tabs.borrow().as_ref() {
                tabs.post(CLOSED_MESSAGE);
            }
            log::debug!("session: closed by the user");
        }
        // Only now, with the outcome in the state, may waiting requests decide again.
        self.inner.close_flight.borrow_mut().take();
        closed
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
        self.decide_now(&SessionEvent::UserClosedSession, read_cookie());
    }
}
