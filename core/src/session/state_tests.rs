//! The reducer: each change, and the decisions of the policy applied through it.

use super::*;
use crate::session::policy::{decide, GiveUpReason, SessionEvent, TokenSource};

fn t(v: &str) -> CsrfToken {
    CsrfToken::new(v).unwrap()
}

fn ready(token: &str, session: &str) -> SessionState {
    let mut state = SessionState::default();
    state.apply(Change::InitSucceeded {
        reason: InitReason::NoToken,
        token: t(token),
        session_id: SessionId::new(session),
        expires_at_ms: Some(1_000_000),
    });
    state
}

/// Runs `event` through the policy on `state` with this cookie, and applies the decision.
fn decide_and_apply(state: &mut SessionState, event: SessionEvent, cookie: &str) -> Action {
    let decision = decide(
        &event,
        &state.snapshot(CookieRead::One(t(cookie)), false, 0),
    );
    let action = decision.action.clone();
    state.apply(Change::Decided(decision));
    action
}

#[test]
fn a_token_rotated_by_another_tab_is_adopted_without_counting_as_a_new_session() {
    let mut state = ready("first", "s-1");
    let epoch = state.epoch;
    let action = decide_and_apply(&mut state, SessionEvent::PageVisible, "rotated");
    assert_eq!(action, Action::AdoptCookieToken(t("rotated")));
    assert_eq!(state.token, Some(t("rotated")));
    assert_eq!(state.epoch, epoch, "the same session, with a new token");
    assert_eq!(state.phase, SessionPhase::Ready);
    assert_eq!(state.counters.syncs, 1);
}

#[test]
fn a_cookie_token_taken_for_a_retry_is_adopted_like_any_other() {
    let mut via_sync = SessionState::default();
    decide_and_apply(&mut via_sync, SessionEvent::AppLoad, "cookie");
    let mut via_retry = SessionState::default();
    via_retry.apply(Change::Decided(Decision {
        action: Action::RetryWith {
            token: t("cookie"),
            source: TokenSource::Cookie,
        },
        last_cookie_seen: Some(t("cookie")),
        rejected: RejectedTokens::new(),
    }));
    assert_eq!(via_sync, via_retry);
    assert_eq!(via_retry.phase, SessionPhase::Unverified);
}

#[test]
fn an_init_with_another_session_id_starts_a_new_epoch_and_one_with_the_same_does_not() {
    let mut state = ready("a", "s-1");
    let epoch = state.epoch;
    state.apply(Change::InitSucceeded {
        reason: InitReason::CsrfRecovery,
        token: t("b"),
        session_id: SessionId::new("s-1"),
        expires_at_ms: None,
    });
    assert_eq!(state.epoch, epoch);
    state.apply(Change::InitSucceeded {
        reason: InitReason::NoToken,
        token: t("c"),
        session_id: SessionId::new("s-2"),
        expires_at_ms: None,
    });
    assert_eq!(state.epoch, epoch.next());
}

#[test]
fn a_proof_of_a_live_session_ends_a_failed_one_and_confirms_an_adopted_one() {
    let mut state = SessionState::default();
    state.apply(Change::InitFailed(ApiError::network()));
    state.apply(Change::Confirmed);
    assert_eq!(state.phase, SessionPhase::Ready);

    let mut adopted = SessionState::default();
    decide_and_apply(&mut adopted, SessionEvent::AppLoad, "cookie");
    assert_eq!(adopted.phase, SessionPhase::Unverified);
    adopted.apply(Change::Confirmed);
    assert_eq!(adopted.phase, SessionPhase::Ready);

    let mut closed = ready("a", "s-1");
    decide_and_apply(&mut closed, SessionEvent::UserClosedSession, "a");
    closed.apply(Change::Confirmed);
    assert_eq!(
        closed.phase,
        SessionPhase::Closed,
        "nothing proves a closed session"
    );
}

#[test]
fn a_close_forgets_the_session_and_a_token_answered_after_it_is_not_stored() {
    let mut state = ready("a", "s-1");
    let epoch = state.epoch;
    assert_eq!(
        decide_and_apply(&mut state, SessionEvent::UserClosedSession, "a"),
        Action::EndSession
    );
    assert_eq!(state.token, None);
    assert_eq!(state.expires_at_ms, None);
    assert!(state.user_closed);
    assert_eq!(state.epoch, epoch.next());

    let late = SessionEvent::ResponseWithToken(t("late"));
    assert_eq!(decide_and_apply(&mut state, late, "a"), Action::Nothing);
    assert_eq!(state.token, None);
}

#[test]
fn inits_and_recoveries_are_counted_when_sent() {
    let mut state = SessionState::default();
    state.apply(Change::InitSent(InitReason::NoToken));
    state.apply(Change::InitSent(InitReason::SessionExpired));
    assert_eq!(state.phase, SessionPhase::Initializing);
    assert_eq!((state.counters.inits, state.counters.recoveries), (2, 1));
}

#[test]
fn refused_cookies_fail_the_session_until_an_init_and_a_proof_clears_the_doubt() {
    let mut state = ready("fresh", "s-1");
    assert_eq!(state.unproven_init_token, Some(t("fresh")));
    let refused = Decision {
        action: Action::GiveUp(GiveUpReason::CookiesRefused),
        last_cookie_seen: None,
        rejected: RejectedTokens::new(),
    };
    state.apply(Change::Decided(refused));
    assert!(state.cookies_refused);
    let SessionPhase::Failed(error) = &state.phase else {
        panic!("failed, not {}", state.phase.name());
    };
    assert_eq!(error.kind, ApiErrorKind::CookiesRefused);

    // The person tries again: a new init, still unproven, no longer refused.
    state.apply(Change::InitSucceeded {
        reason: InitReason::UserStarted,
        token: t("second"),
        session_id: SessionId::new("s-2"),
        expires_at_ms: None,
    });
    assert!(!state.cookies_refused);
    assert_eq!(state.unproven_init_token, Some(t("second")));
    state.apply(Change::Confirmed);
    assert_eq!(state.unproven_init_token, None);
}
