//! The session's side of the one request path (`api::client::SessionSide`): what a request
//! needs before it is sent, and what its answer or its failure means for the session.

use std::rc::Rc;

use trustyconvert_core::{
    Action, ApiError, ApiErrorKind, ApiSuccess, Change, CookieRead, CsrfToken, GiveUpReason,
    InitReason, RequestContext, SessionEpoch, SessionEvent, SessionPhase, SessionRule, StartedBy,
};

use super::manager::{describe, read_cookie, SessionManager};
use crate::api::client::SessionSide;
use crate::transport::Transport;

impl SessionSide for SessionManager {
    fn api_base(&self) -> &str {
        SessionManager::api_base(self)
    }

    fn transport(&self) -> Rc<dyn Transport> {
        SessionManager::transport(self)
    }

    fn for_sending(&self) -> (Option<CsrfToken>, SessionPhase, SessionEpoch) {
        let store = self.store();
        (store.token.clone(), store.phase.clone(), store.epoch)
    }

    async fn before_mutating_request(&self, started_by: StartedBy) -> Result<(), ApiError> {
        self.ensure_session(started_by).await
    }

    fn before_close(&self) {
        self.synchronize_token_from_cookie(SessionEvent::BeforeMutatingRequest);
    }

    /// A token in the body wins over the cookie (but not after a close: the policy drops a
    /// token from a request that left before it). Without one, an answer from an endpoint
    /// that needs the session proves it live: an adopted token is confirmed, and a failed
    /// session is not failed any more. The init's own answer is applied by the init flight.
    fn answered(&self, success: &ApiSuccess, rule: SessionRule) {
        if matches!(rule, SessionRule::Init | SessionRule::Public) {
            return;
        }
        if let Some(token) = success.csrf_token() {
            let event = SessionEvent::ResponseWithToken(token);
            let action = self.decide_now(&event, CookieRead::Absent);
            log::debug!("session: token in a response → {}", describe(&action));
        }
        let store = self.store();
        let doubted = store.unproven_init_token.is_some()
            || matches!(
                store.phase,
                SessionPhase::Unverified | SessionPhase::Failed(_)
            );
        if doubted {
            log::debug!("session: confirmed by a response");
            self.apply(Change::Confirmed);
        }
    }

    /// Applies the policy to a CSRF or session error on a request sent with `sent`. `Ok`
    /// means "send the request once more" (the store now holds the token to use). While a
    /// close is in flight only the close itself recovers: the rest wait for its outcome.
    async fn recover(
        &self,
        error: &ApiError,
        sent: Option<CsrfToken>,
        request: RequestContext,
    ) -> Result<(), ApiError> {
        loop {
            let sent = sent.clone();
            let event = if error.is_session() {
                SessionEvent::SessionError { sent, request }
            } else {
                SessionEvent::CsrfError { sent, request }
            };
            let action = self.decide_now(&event, read_cookie());
            log::debug!("session: {} → {}", event.name(), describe(&action));
            return match action {
                Action::RetryWith { .. } => Ok(()),
                Action::InitSession { reason } if request.rule == SessionRule::Close => {
                    self.init_session_for_close(reason).await
                }
                Action::InitSession { reason } => self.init_session(reason).await,
                Action::WaitForClose => {
                    self.wait_for_close().await;
                    continue;
                }
                Action::WaitForUser => Err(self.waiting_for_user()),
                Action::GiveUp(GiveUpReason::CookiesRefused) => {
                    log::warn!("session: the browser does not keep the API's cookies");
                    Err(ApiError::new(ApiErrorKind::CookiesRefused))
                }
                _ => Err(error.clone()),
            };
        }
    }

    /// A mutating request met a transport error. On a session never confirmed, or one whose
    /// known end has passed meanwhile (a live session is resumed, not renewed, by an init, so
    /// it may end during a long upload), the failure may be its 401 seen as a reset: one init
    /// checks it. True when the init brought another token (send once more), false when the
    /// session was fine (the failure is real).
    async fn after_transport_error(&self, sent: Option<&CsrfToken>, phase: &SessionPhase) -> bool {
        let ended = self
            .store()
            .has_ended(crate::browser::clock::now_ms() as i64);
        if *phase != SessionPhase::Unverified && !ended {
            return false;
        }
        log::debug!("session: checking an unconfirmed session after a transport error");
        match self.init_session(InitReason::NoToken).await {
            Ok(()) => self.store().token.as_ref() != sent,
            Err(_) => false,
        }
    }
}
