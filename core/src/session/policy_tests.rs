//! The session rules as a table: each case is an event and a state, and the action expected.

use super::*;

fn t(v: &str) -> CsrfToken {
    CsrfToken::new(v).unwrap()
}

fn state() -> SessionSnapshot {
    SessionSnapshot::default()
}

fn with_store(v: &str) -> SessionSnapshot {
    SessionSnapshot {
        store_token: Some(t(v)),
        ..state()
    }
}

fn cookie(v: &str) -> CookieRead {
    CookieRead::One(t(v))
}

fn csrf_error(sent: &str) -> SessionEvent {
    SessionEvent::CsrfError {
        sent: Some(t(sent)),
        request: RequestContext::default(),
    }
}

fn session_error(sent: Option<&str>) -> SessionEvent {
    SessionEvent::SessionError {
        sent: sent.map(t),
        request: RequestContext::default(),
    }
}

fn init(reason: InitReason) -> Action {
    Action::InitSession { reason }
}

fn closing(state: SessionSnapshot) -> SessionSnapshot {
    SessionSnapshot {
        closing: true,
        ..state
    }
}

fn refused() -> SessionSnapshot {
    SessionSnapshot {
        cookies_refused: true,
        ..with_store("fresh")
    }
}

fn init_due(reason: InitReason) -> SessionEvent {
    SessionEvent::InitDue {
        reason,
        close_waits: false,
    }
}

fn retry(v: &str, source: TokenSource) -> Action {
    Action::RetryWith {
        token: t(v),
        source,
    }
}

struct Case {
    name: String,
    event: SessionEvent,
    state: SessionSnapshot,
    expect: Action,
}

fn cases() -> Vec<Case> {
    let sync_events = [
        ("load", SessionEvent::AppLoad),
        ("visible", SessionEvent::PageVisible),
        ("before mutating", SessionEvent::BeforeMutatingRequest),
        ("user action", SessionEvent::UserAction),
    ];
    let mut cases = Vec::new();
    for (label, event) in sync_events {
        cases.extend([
            Case {
                name: format!("{label}: nothing known -> init"),
                event: event.clone(),
                state: state(),
                expect: init(InitReason::NoToken),
            },
            Case {
                name: format!("{label}: new cookie -> adopt"),
                event: event.clone(),
                state: SessionSnapshot {
                    cookie: cookie("c1"),
                    ..state()
                },
                expect: Action::AdoptCookieToken(t("c1")),
            },
            Case {
                name: format!("{label}: cookie changed since last read -> adopt"),
                event: event.clone(),
                state: SessionSnapshot {
                    cookie: cookie("c2"),
                    last_cookie_seen: Some(t("c1")),
                    ..with_store("c1")
                },
                expect: Action::AdoptCookieToken(t("c2")),
            },
            Case {
                name: format!("{label}: unchanged cookie does not beat a body token"),
                event: event.clone(),
                state: SessionSnapshot {
                    cookie: cookie("c1"),
                    last_cookie_seen: Some(t("c1")),
                    ..with_store("body")
                },
                expect: Action::UseToken(t("body")),
            },
            Case {
                name: format!("{label}: cookie equal to store -> use it"),
                event: event.clone(),
                state: SessionSnapshot {
                    cookie: cookie("s"),
                    ..with_store("s")
                },
                expect: Action::UseToken(t("s")),
            },
            Case {
                name: format!("{label}: unchanged cookie, empty store -> adopt, no init"),
                event: event.clone(),
                state: SessionSnapshot {
                    cookie: cookie("c1"),
                    last_cookie_seen: Some(t("c1")),
                    ..state()
                },
                expect: Action::AdoptCookieToken(t("c1")),
            },
            Case {
                name: format!("{label}: rejected cookie not adopted again -> init"),
                event: event.clone(),
                state: SessionSnapshot {
                    cookie: cookie("bad"),
                    rejected: [t("bad")].into(),
                    ..state()
                },
                expect: init(InitReason::NoToken),
            },
            Case {
                name: format!("{label}: rejected cookie, store kept"),
                event: event.clone(),
                state: SessionSnapshot {
                    cookie: cookie("bad"),
                    rejected: [t("bad")].into(),
                    ..with_store("s")
                },
                expect: Action::UseToken(t("s")),
            },
            Case {
                name: format!("{label}: several cookies are unreadable -> store"),
                event: event.clone(),
                state: SessionSnapshot {
                    cookie: CookieRead::Several,
                    ..with_store("s")
                },
                expect: Action::UseToken(t("s")),
            },
            Case {
                name: format!("{label}: several cookies, nothing else -> init"),
                event: event.clone(),
                state: SessionSnapshot {
                    cookie: CookieRead::Several,
                    ..state()
                },
                expect: init(InitReason::NoToken),
            },
            Case {
                name: format!("{label}: rejected store token counts as none"),
                event: event.clone(),
                state: SessionSnapshot {
                    rejected: [t("s")].into(),
                    ..with_store("s")
                },
                expect: init(InitReason::NoToken),
            },
            Case {
                name: format!("{label}: cross-site, store only"),
                event: event.clone(),
                state: with_store("s"),
                expect: Action::UseToken(t("s")),
            },
        ]);
    }
    // After a user close nothing starts a session by itself; the next user action may.
    for (label, event) in [
        ("load", SessionEvent::AppLoad),
        ("visible", SessionEvent::PageVisible),
        ("before mutating", SessionEvent::BeforeMutatingRequest),
        ("csrf error", csrf_error("s")),
        ("session error", session_error(Some("s"))),
    ] {
        cases.push(Case {
            name: format!("closed: {label} -> wait for user"),
            event,
            state: SessionSnapshot {
                user_closed: true,
                cookie: cookie("new"),
                ..state()
            },
            expect: Action::WaitForUser,
        });
    }
    cases.extend([
        Case {
            name: "closed: user action -> init a new session".into(),
            event: SessionEvent::UserAction,
            state: SessionSnapshot {
                user_closed: true,
                ..state()
            },
            expect: init(InitReason::UserStarted),
        },
        Case {
            name: "close -> end session".into(),
            event: SessionEvent::UserClosedSession,
            state: with_store("s"),
            expect: Action::EndSession,
        },
        // Responses: the server's token wins.
        Case {
            name: "response with token -> store it".into(),
            event: SessionEvent::ResponseWithToken(t("new")),
            state: SessionSnapshot {
                cookie: cookie("old"),
                ..with_store("old")
            },
            expect: Action::StoreToken(t("new")),
        },
        Case {
            // It left before the close: its token is the closed session's (inits are applied
            // through `InitDue`, not here).
            name: "response with token after a close -> not stored".into(),
            event: SessionEvent::ResponseWithToken(t("new")),
            state: SessionSnapshot {
                user_closed: true,
                ..state()
            },
            expect: Action::Nothing,
        },
        // CSRF errors.
        Case {
            name: "csrf: store has another token -> retry with it".into(),
            event: csrf_error("old"),
            state: with_store("new"),
            expect: retry("new", TokenSource::Store),
        },
        Case {
            name: "csrf: cookie has another token -> retry with it".into(),
            event: csrf_error("old"),
            state: SessionSnapshot {
                cookie: cookie("fresh"),
                ..with_store("old")
            },
            expect: retry("fresh", TokenSource::Cookie),
        },
        Case {
            name: "csrf: store beats cookie".into(),
            event: csrf_error("old"),
            state: SessionSnapshot {
                cookie: cookie("fresh"),
                ..with_store("body")
            },
            expect: retry("body", TokenSource::Store),
        },
        Case {
            name: "csrf: only the sent token known -> init (resume) then retry".into(),
            event: csrf_error("old"),
            state: SessionSnapshot {
                cookie: cookie("old"),
                ..with_store("old")
            },
            expect: init(InitReason::CsrfRecovery),
        },
        Case {
            name: "csrf: other tokens already rejected -> init".into(),
            event: csrf_error("old"),
            state: SessionSnapshot {
                cookie: cookie("older"),
                rejected: [t("older"), t("oldest")].into(),
                ..with_store("oldest")
            },
            expect: init(InitReason::CsrfRecovery),
        },
        Case {
            name: "csrf: several cookies are unreadable -> init".into(),
            event: csrf_error("old"),
            state: SessionSnapshot {
                cookie: CookieRead::Several,
                ..with_store("old")
            },
            expect: init(InitReason::CsrfRecovery),
        },
        Case {
            name: "csrf: sent without token, store has one -> retry with it".into(),
            event: SessionEvent::CsrfError {
                sent: None,
                request: RequestContext::default(),
            },
            state: with_store("s"),
            expect: retry("s", TokenSource::Store),
        },
        Case {
            name: "csrf: a recovery never triggers a recovery".into(),
            event: SessionEvent::CsrfError {
                sent: Some(t("old")),
                request: RequestContext {
                    rule: SessionRule::Init,
                    ..RequestContext::default()
                },
            },
            state: with_store("new"),
            expect: Action::GiveUp(GiveUpReason::RecoveryCallFailed),
        },
        Case {
            name: "csrf: second failure after the retry gives up (no loop)".into(),
            event: SessionEvent::CsrfError {
                sent: Some(t("new")),
                request: RequestContext {
                    already_retried: true,
                    ..RequestContext::default()
                },
            },
            state: SessionSnapshot {
                cookie: cookie("other"),
                ..with_store("another")
            },
            expect: Action::GiveUp(GiveUpReason::AlreadyRetried),
        },
        // Session errors.
        Case {
            name: "session: one init creates a new session, then retry".into(),
            event: session_error(Some("s")),
            state: SessionSnapshot {
                cookie: cookie("s"),
                ..with_store("s")
            },
            expect: init(InitReason::SessionExpired),
        },
        Case {
            name: "session: a GET (no token sent) with a dead store token -> init".into(),
            event: session_error(None),
            state: with_store("s"),
            expect: init(InitReason::SessionExpired),
        },
        Case {
            name: "session: replaced since the request left -> retry with the new token".into(),
            event: SessionEvent::SessionError {
                sent: Some(t("old")),
                request: RequestContext {
                    epoch: SessionEpoch(1),
                    ..RequestContext::default()
                },
            },
            state: SessionSnapshot {
                epoch: SessionEpoch(2),
                ..with_store("new")
            },
            expect: retry("new", TokenSource::Store),
        },
        Case {
            name: "session: a recovery never triggers a recovery".into(),
            event: SessionEvent::SessionError {
                sent: None,
                request: RequestContext {
                    rule: SessionRule::Init,
                    ..RequestContext::default()
                },
            },
            state: state(),
            expect: Action::GiveUp(GiveUpReason::RecoveryCallFailed),
        },
        Case {
            name: "session: second failure after the retry gives up".into(),
            event: SessionEvent::SessionError {
                sent: Some(t("new")),
                request: RequestContext {
                    already_retried: true,
                    ..RequestContext::default()
                },
            },
            state: with_store("new"),
            expect: Action::GiveUp(GiveUpReason::AlreadyRetried),
        },
        Case {
            name: "session error on the close: nothing left to close".into(),
            event: SessionEvent::SessionError {
                sent: Some(t("s")),
                request: RequestContext {
                    rule: SessionRule::Close,
                    ..RequestContext::default()
                },
            },
            state: with_store("s"),
            expect: Action::GiveUp(GiveUpReason::NothingToClose),
        },
        // While a close is in flight only the close recovers; the rest wait for its outcome.
        Case {
            name: "closing: a CSRF error waits for the close".into(),
            event: csrf_error("old"),
            state: closing(with_store("new")),
            expect: Action::WaitForClose,
        },
        Case {
            name: "closing: a session error waits for the close".into(),
            event: session_error(Some("s")),
            state: closing(with_store("s")),
            expect: Action::WaitForClose,
        },
        Case {
            name: "closing: the close itself recovers a stale token".into(),
            event: SessionEvent::CsrfError {
                sent: Some(t("old")),
                request: RequestContext {
                    rule: SessionRule::Close,
                    ..RequestContext::default()
                },
            },
            state: closing(with_store("new")),
            expect: retry("new", TokenSource::Store),
        },
        // Cookies refused: the first request after an init, with its token, gets a 401.
        Case {
            name: "session error with the unproven init's token -> cookies refused".into(),
            event: session_error(Some("fresh")),
            state: SessionSnapshot {
                unproven_init_token: Some(t("fresh")),
                ..with_store("fresh")
            },
            expect: Action::GiveUp(GiveUpReason::CookiesRefused),
        },
        Case {
            // Its known end has passed: an expiry, whatever the cookie.
            name: "session error with the unproven init's token after its end -> recover".into(),
            event: session_error(Some("fresh")),
            state: SessionSnapshot {
                unproven_init_token: Some(t("fresh")),
                session_ended: true,
                ..with_store("fresh")
            },
            expect: init(InitReason::SessionExpired),
        },
        Case {
            // The page reads the init's cookie: the browser keeps cookies; the session ended.
            name: "session error with the unproven init's token, its cookie seen -> recover".into(),
            event: session_error(Some("fresh")),
            state: SessionSnapshot {
                unproven_init_token: Some(t("fresh")),
                cookie: cookie("fresh"),
                ..with_store("fresh")
            },
            expect: init(InitReason::SessionExpired),
        },
        Case {
            name: "session error with an older token than the unproven init's -> recover".into(),
            event: session_error(Some("old")),
            state: SessionSnapshot {
                unproven_init_token: Some(t("fresh")),
                epoch: SessionEpoch(1),
                ..with_store("fresh")
            },
            expect: retry("fresh", TokenSource::Store),
        },
        Case {
            name: "cookies refused: the app by itself waits for the user".into(),
            event: SessionEvent::PageVisible,
            state: refused(),
            expect: Action::WaitForUser,
        },
        Case {
            name: "cookies refused: a session error waits for the user".into(),
            event: session_error(Some("fresh")),
            state: refused(),
            expect: Action::WaitForUser,
        },
        Case {
            name: "cookies refused: the person's action tries once more".into(),
            event: SessionEvent::UserAction,
            state: refused(),
            expect: init(InitReason::UserStarted),
        },
        Case {
            name: "cookies refused: an init not the person's is not sent".into(),
            event: init_due(InitReason::NoToken),
            state: refused(),
            expect: Action::WaitForUser,
        },
        // The init flight, before it sends and before it applies its answer.
        Case {
            name: "init due -> send it".into(),
            event: init_due(InitReason::NoToken),
            state: state(),
            expect: init(InitReason::NoToken),
        },
        Case {
            name: "init due while closing -> wait for the close".into(),
            event: init_due(InitReason::UserStarted),
            state: closing(state()),
            expect: Action::WaitForClose,
        },
        Case {
            name: "init due while closing, another request's CSRF recovery -> wait".into(),
            event: init_due(InitReason::CsrfRecovery),
            state: closing(state()),
            expect: Action::WaitForClose,
        },
        Case {
            // Whatever reason the flight has (the close may have joined a 401's recovery).
            name: "init due while closing, the close waits for it -> send it".into(),
            event: SessionEvent::InitDue {
                reason: InitReason::SessionExpired,
                close_waits: true,
            },
            state: closing(state()),
            expect: init(InitReason::SessionExpired),
        },
        Case {
            name: "init due after a close, not the user's -> wait for the user".into(),
            event: init_due(InitReason::SessionExpired),
            state: SessionSnapshot {
                user_closed: true,
                ..state()
            },
            expect: Action::WaitForUser,
        },
        Case {
            name: "init due after a close, the user's -> send it".into(),
            event: init_due(InitReason::UserStarted),
            state: SessionSnapshot {
                user_closed: true,
                ..state()
            },
            expect: init(InitReason::UserStarted),
        },
    ]);
    cases
}

#[test]
fn session_rules_table() {
    let cases = cases();
    assert!(cases.len() > 60);
    for case in cases {
        let decision = decide(&case.event, &case.state);
        assert_eq!(decision.action, case.expect, "case: {}", case.name);
    }
}

#[test]
fn csrf_error_marks_the_sent_token_rejected() {
    let d = decide(&csrf_error("old"), &with_store("old"));
    assert!(d.rejected.contains(&t("old")));
    // …so the cookie still holding it is not adopted on the next request.
    let next = SessionSnapshot {
        cookie: cookie("old"),
        rejected: d.rejected,
        last_cookie_seen: d.last_cookie_seen,
        ..state()
    };
    assert_eq!(
        decide(&SessionEvent::BeforeMutatingRequest, &next).action,
        init(InitReason::NoToken)
    );
}

#[test]
fn session_error_rejects_the_dead_sessions_token() {
    let d = decide(&session_error(None), &with_store("dead"));
    assert!(d.rejected.contains(&t("dead")));
}

#[test]
fn a_server_issued_token_is_no_longer_rejected() {
    let s = SessionSnapshot {
        rejected: [t("x")].into(),
        ..state()
    };
    let d = decide(&SessionEvent::ResponseWithToken(t("x")), &s);
    assert!(!d.rejected.contains(&t("x")));
}

#[test]
fn close_rejects_the_closed_sessions_tokens() {
    let s = SessionSnapshot {
        cookie: cookie("c"),
        ..with_store("s")
    };
    let d = decide(&SessionEvent::UserClosedSession, &s);
    assert!(d.rejected.contains(&t("s")) && d.rejected.contains(&t("c")));
}

#[test]
fn cookie_reads_are_remembered_and_responses_do_not_touch_them() {
    let s = SessionSnapshot {
        cookie: cookie("c"),
        last_cookie_seen: Some(t("before")),
        ..state()
    };
    assert_eq!(
        decide(&SessionEvent::AppLoad, &s).last_cookie_seen,
        Some(t("c"))
    );
    assert_eq!(
        decide(&SessionEvent::ResponseWithToken(t("n")), &s).last_cookie_seen,
        Some(t("before"))
    );
    let several = SessionSnapshot {
        cookie: CookieRead::Several,
        ..s
    };
    assert_eq!(
        decide(&SessionEvent::PageVisible, &several).last_cookie_seen,
        None
    );
}

#[test]
fn after_adopting_the_same_cookie_is_not_adopted_again() {
    let s = SessionSnapshot {
        cookie: cookie("c"),
        ..state()
    };
    let d = decide(&SessionEvent::AppLoad, &s);
    assert_eq!(d.action, Action::AdoptCookieToken(t("c")));
    // A body token arrives; the cookie has not changed since the read: the body token is used.
    let next = SessionSnapshot {
        store_token: Some(t("body")),
        last_cookie_seen: d.last_cookie_seen,
        ..s
    };
    assert_eq!(
        decide(&SessionEvent::BeforeMutatingRequest, &next).action,
        Action::UseToken(t("body"))
    );
}

#[test]
fn init_reasons() {
    assert!(InitReason::CsrfRecovery.is_recovery());
    assert!(InitReason::SessionExpired.is_recovery());
    assert!(!InitReason::NoToken.is_recovery());
    assert!(!InitReason::UserStarted.is_recovery());
    assert!(InitReason::SessionExpired.starts_new_epoch());
    assert!(InitReason::UserStarted.starts_new_epoch());
    assert!(!InitReason::CsrfRecovery.starts_new_epoch());
}

#[test]
fn epoch_changes_with_a_new_session() {
    let e = SessionEpoch(3);
    let a = SessionId::new("a").unwrap();
    let b = SessionId::new("b").unwrap();
    assert_eq!(
        epoch_after_init(e, InitReason::SessionExpired, Some(&a), Some(&a)),
        SessionEpoch(4)
    );
    assert_eq!(
        epoch_after_init(e, InitReason::CsrfRecovery, Some(&a), Some(&a)),
        e
    );
    assert_eq!(
        epoch_after_init(e, InitReason::CsrfRecovery, Some(&a), Some(&b)),
        SessionEpoch(4)
    );
    assert_eq!(epoch_after_init(e, InitReason::NoToken, None, Some(&b)), e);
}

#[test]
fn init_backoff_is_capped() {
    assert_eq!(init_backoff_ms(0, 0.3), 0);
    assert_eq!(init_backoff_ms(1, 1.0), 500);
    assert_eq!(init_backoff_ms(2, 1.0), 1000);
    assert_eq!(init_backoff_ms(20, 1.0), INIT_BACKOFF_CAP_MS);
    assert!(init_backoff_ms(20, 0.0) >= INIT_BACKOFF_CAP_MS / 2);
}

#[test]
fn an_init_waits_for_the_servers_retry_after_when_it_is_longer_than_the_backoff() {
    // No failure, no request from the server: go at once.
    assert_eq!(init_wait_ms(0, 0.5, 1_000.0, None), 0);
    // The server asked for 3 s after a 429: wait them even on the first retry.
    assert_eq!(init_wait_ms(1, 1.0, 1_000.0, Some(4_000.0)), 3_000);
    // A moment that already passed asks nothing; the backoff alone counts.
    assert_eq!(
        init_wait_ms(1, 1.0, 5_000.0, Some(4_000.0)),
        init_backoff_ms(1, 1.0)
    );
    // Nonsense from a clock cannot make the wait unbounded.
    assert!(init_wait_ms(1, 1.0, 0.0, Some(f64::MAX)) <= 120_000);
    assert_eq!(
        init_wait_ms(1, 1.0, 0.0, Some(f64::NAN)),
        init_backoff_ms(1, 1.0)
    );
}

#[test]
fn a_flight_joined_by_a_stronger_reason_takes_it() {
    use InitReason::*;
    // A person who acts makes a flight started before their close theirs.
    assert_eq!(NoToken.joined_by(UserStarted), UserStarted);
    assert_eq!(SessionExpired.joined_by(UserStarted), UserStarted);
    // A caller whose session is gone makes the answer a new session.
    assert_eq!(NoToken.joined_by(SessionExpired), SessionExpired);
    assert_eq!(CsrfRecovery.joined_by(SessionExpired), SessionExpired);
    assert_eq!(NoToken.joined_by(CsrfRecovery), CsrfRecovery);
    // A weaker joiner changes nothing.
    assert_eq!(UserStarted.joined_by(NoToken), UserStarted);
    assert_eq!(SessionExpired.joined_by(CsrfRecovery), SessionExpired);
    for reason in [NoToken, CsrfRecovery, SessionExpired, UserStarted] {
        assert_eq!(reason.joined_by(reason), reason);
    }
}

#[test]
fn a_session_is_fresh_for_an_upload_only_when_it_outlasts_it_on_a_slow_line() {
    let now = 1_000_000;
    let five_mib = 5 * 1024 * 1024;
    // 5 MiB at 125 kB/s is ~42 s, plus the 60 s margin.
    let planned = 41_943 + SESSION_FRESHNESS_MARGIN_MS;
    assert!(lasts_through_upload(Some(now + planned + 1), now, five_mib));
    assert!(!lasts_through_upload(Some(now + planned), now, five_mib));
    assert!(
        !lasts_through_upload(Some(now - 1), now, five_mib),
        "expired"
    );
    assert!(!lasts_through_upload(None, now, five_mib), "unknown end");
    assert!(lasts_through_upload(Some(i64::MAX), now, u64::MAX));
    assert!(!lasts_through_upload(Some(i64::MIN), i64::MAX, u64::MAX));
}
