//! Recovering the session in the browser: concurrent failures share one recovery, nothing
//! loops, and a close is never undone by a request in flight.
#![cfg(target_arch = "wasm32")]

mod support;

use serde_json::json;
use support::harness::*;
use support::*;
use trustyconvert_core::StartedBy;
use trustyconvert_web::session::SessionPhase;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn concurrent_csrf_failures_share_one_recovery() {
    set_csrf_cookie("stale-token");
    let server = ScriptedServer::with_latency(std::time::Duration::from_millis(10), |request| {
        let header = request
            .headers
            .iter()
            .find(|(name, _)| *name == "X-CSRF-Token")
            .map(|(_, value)| value.clone());
        if request.url.ends_with("/session/init") {
            init_ok("session-1", "fresh-token")
        } else if header.as_deref() == Some("fresh-token") {
            json(200, json!({"success": true, "data": {"ok": true}}))
        } else {
            json(
                403,
                json!({"success": false, "error": {"type": "CSRFValidationError", "message": "bad token"}}),
            )
        }
    });
    let mounted = mount(&server).await;
    let api = mounted.api();
    // The five leave together, all with the stale token.
    let calls = (0..5).map(|_| {
        let api = api.clone();
        async move {
            api.send(trustyconvert_web::api::ApiRequest::post(
                "/convert",
                trustyconvert_web::transport::Body::Empty,
            ))
            .await
        }
    });
    let outcomes = futures::future::join_all(calls).await;

    assert!(outcomes.iter().all(Result::is_ok), "outcomes: {outcomes:?}");
    assert_eq!(server.count("/api/session/init"), 1, "one shared recovery");
    // 5 failures, 1 init, 5 retries.
    assert_eq!(server.total(), 11);
    assert_eq!(mounted.token(), token("fresh-token"));
    mounted.unmount();
    clear_csrf_cookie();
}

#[wasm_bindgen_test]
async fn concurrent_session_errors_create_one_session_and_change_the_epoch() {
    set_csrf_cookie("token-of-expired-session");
    let server = ScriptedServer::with_latency(std::time::Duration::from_millis(10), |request| {
        if request.url.ends_with("/session/init") {
            init_ok("session-2", "token-of-new-session")
        } else if header_of(request).as_deref() == Some("token-of-new-session") {
            json(
                201,
                json!({"success": true, "data": {"status": "uploaded"}}),
            )
        } else {
            json(
                401,
                json!({"success": false, "error": {"type": "SessionValidationError", "message": "expired"}}),
            )
        }
    });
    let mounted = mount(&server).await;
    let epoch_before = mounted.session().epoch();
    let api = mounted.api();
    let calls = (0..5).map(|_| {
        let api = api.clone();
        async move {
            api.send(trustyconvert_web::api::ApiRequest::post(
                "/upload",
                trustyconvert_web::transport::Body::Empty,
            ))
            .await
        }
    });
    let outcomes = futures::future::join_all(calls).await;

    assert!(outcomes.iter().all(Result::is_ok), "outcomes: {outcomes:?}");
    assert_eq!(server.count("/api/session/init"), 1, "one session created");
    assert_eq!(server.total(), 11);
    let store = mounted.session().manager.store();
    assert!(
        store.epoch > epoch_before,
        "the session change is signalled"
    );
    assert_eq!(mounted.token(), token("token-of-new-session"));
    mounted.unmount();
    clear_csrf_cookie();
}

#[wasm_bindgen_test]
async fn a_second_csrf_error_after_the_retry_gives_up_without_looping() {
    set_csrf_cookie("never-accepted");
    let server = ScriptedServer::new(|request| {
        if request.url.ends_with("/session/init") {
            init_ok("session-1", "also-refused")
        } else {
            json(
                403,
                json!({"success": false, "error": {"type": "CSRFValidationError", "message": "no"}}),
            )
        }
    });
    let mounted = mount(&server).await;
    let outcome = mounted
        .api()
        .send(trustyconvert_web::api::ApiRequest::post(
            "/convert",
            trustyconvert_web::transport::Body::Empty,
        ))
        .await;

    assert!(
        outcome.as_ref().is_err_and(|error| error.is_csrf()),
        "outcome: {outcome:?}"
    );
    // The request, one recovery, one retry; then the error reaches the caller.
    assert_eq!(server.total(), 3, "requests: {:?}", server.seen.borrow());
    mounted.unmount();
    clear_csrf_cookie();
}

#[wasm_bindgen_test]
async fn after_a_close_only_the_users_action_starts_a_session() {
    set_csrf_cookie("closing-token");
    let server = ScriptedServer::new(|request| {
        if request.url.ends_with("/session/init") {
            init_ok("session-2", "next-token")
        } else {
            json(200, json!({"success": true, "data": {"message": "closed"}}))
        }
    });
    let mounted = mount(&server).await;
    mounted.session().close_session().await.expect("closed");
    // The server cleared its cookies; a stale copy lingering must not revive the session.
    set_visibility(false);
    set_visibility(true);
    settle().await;
    let by_itself = mounted.session().ensure_session(StartedBy::App).await;

    assert_eq!(
        by_itself.map_err(|error| error.kind),
        Err(trustyconvert_core::ApiErrorKind::SessionClosed),
        "nothing starts a session by itself"
    );
    assert_eq!(server.count("/api/session/init"), 0);
    assert_eq!(
        mounted.session().manager.store().phase,
        SessionPhase::Closed
    );

    mounted
        .session()
        .ensure_session(StartedBy::Person)
        .await
        .expect("the user's action starts one");
    assert_eq!(server.count("/api/session/init"), 1);
    assert_eq!(mounted.token(), token("next-token"));
    mounted.unmount();
    clear_csrf_cookie();
}

#[wasm_bindgen_test]
async fn a_poll_failing_during_a_close_does_not_start_a_session() {
    set_csrf_cookie("closing-token");
    let server = ScriptedServer::new(|request| {
        if request.url.ends_with("/session/close") {
            json(200, json!({"success": true, "data": {"message": "closed"}}))
        } else if request.url.ends_with("/session/init") {
            init_ok("revived", "revived-token")
        } else {
            json(
                401,
                json!({"success": false, "error": {"type": "SessionValidationError", "message": "gone"}}),
            )
        }
    });
    let mounted = mount(&server).await;
    // The close is held until the poll has met the deleted session, so the poll really fails
    // while the close is in flight.
    let gate = server.hold("/session/close");
    let session = mounted.session();
    let api = mounted.api();
    let close = session.close_session();
    let poll = async {
        let polled = api
            .send(trustyconvert_web::api::ApiRequest::get(
                "/job_status?job_id=x",
            ))
            .await;
        assert!(
            server.count("/api/session/close") == 1,
            "the close was in flight"
        );
        polled
    };
    let release = async {
        wait_until(|| server.count("/api/job_status?job_id=x") >= 1).await;
        settle().await;
        gate.open();
    };
    let (closed, polled, ()) = futures::join!(close, poll, release);

    assert!(closed.is_ok());
    assert_eq!(
        polled.map_err(|error| error.kind),
        Err(trustyconvert_core::ApiErrorKind::SessionClosed),
        "the poll waited for the close and learned the session is closed"
    );
    assert_eq!(
        server.count("/api/session/init"),
        0,
        "requests: {:?}",
        server.seen.borrow()
    );
    let store = mounted.session().manager.store();
    assert_eq!(store.phase, SessionPhase::Closed);
    assert_eq!(store.token, None);
    mounted.unmount();
    clear_csrf_cookie();
}

#[wasm_bindgen_test]
async fn a_close_with_a_stale_token_recovers_it_instead_of_failing() {
    // The cookie cannot tell us the new token (as on a cross-site deployment).
    set_csrf_cookie("stale-token");
    let server = ScriptedServer::new(|request| {
        if request.url.ends_with("/session/init") {
            init_ok("session-1", "current-token")
        } else if header_of(request).as_deref() == Some("current-token") {
            json(200, json!({"success": true, "data": {"message": "closed"}}))
        } else {
            json(
                403,
                json!({"success": false, "error": {"type": "CSRFValidationError", "message": "stale"}}),
            )
        }
    });
    let mounted = mount(&server).await;
    mounted
        .session()
        .close_session()
        .await
        .expect("the close recovers its token");

    // The close, one init that resumes the session, the close again.
    assert_eq!(server.total(), 3, "requests: {:?}", server.seen.borrow());
    assert_eq!(
        mounted.session().manager.store().phase,
        SessionPhase::Closed
    );
    mounted.unmount();
    clear_csrf_cookie();
}

#[wasm_bindgen_test]
async fn an_answer_that_never_comes_ends_as_a_timeout() {
    set_csrf_cookie("some-token");
    // The server takes a minute; the caller allows a tenth of a second.
    let server = ScriptedServer::with_latency(std::time::Duration::from_secs(60), |_| {
        json(200, json!({"success": true, "data": {}}))
    });
    let mounted = mount(&server).await;
    let mut request = trustyconvert_web::api::ApiRequest::post(
        "/convert",
        trustyconvert_web::transport::Body::Empty,
    );
    request.answer_timeout = std::time::Duration::from_millis(100);
    let outcome = mounted.api().send(request).await;

    let error = outcome.expect_err("no answer in time");
    assert_eq!(error.kind, trustyconvert_web::api::ApiErrorKind::Timeout);
    assert_eq!(server.total(), 1, "a mutating request is not sent twice");
    mounted.unmount();
    clear_csrf_cookie();
}
