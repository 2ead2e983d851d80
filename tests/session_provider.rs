//! `<SessionProvider>` in the browser: adopting the cookie, initialising once, syncing on
//! visibility, storing tokens from responses through `use_api()`, and hearing other tabs.
#![cfg(target_arch = "wasm32")]

mod support;

use serde_json::json;
use support::harness::*;
use support::*;
use trustyconvert_core::{ApiErrorKind, StartedBy};
use trustyconvert_web::api::endpoints;
use trustyconvert_web::session::SessionPhase;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn adopts_the_cookie_token_without_any_request() {
    set_csrf_cookie("cookie-token-1");
    let server = ScriptedServer::new(|_| json(500, json!({})));
    let mounted = mount(&server).await;

    assert_eq!(server.total(), 0, "requests: {:?}", server.seen.borrow());
    assert_eq!(mounted.token(), token("cookie-token-1"));
    assert_eq!(
        mounted.session().manager.store().phase,
        SessionPhase::Unverified
    );
    mounted.unmount();
    clear_csrf_cookie();
}

#[wasm_bindgen_test]
async fn initialises_exactly_once_when_no_token_is_known() {
    clear_csrf_cookie();
    let server = ScriptedServer::new(|request| {
        if request.url.ends_with("/session/init") {
            init_ok("session-1", "server-token-1")
        } else {
            json(404, json!({}))
        }
    });
    // The init is held, so the page is shown again while it is in flight: that second reason
    // to sync must join it, not start another session.
    let gate = server.hold("/session/init");
    let mounted = mount(&server).await;
    assert_eq!(server.count("/api/session/init"), 1);
    set_visibility(false);
    set_visibility(true);
    settle().await;
    gate.open();
    mounted
        .wait_for_phase(|phase| *phase == SessionPhase::Ready)
        .await;

    assert_eq!(
        server.count("/api/session/init"),
        1,
        "requests: {:?}",
        server.seen.borrow()
    );
    assert_eq!(server.total(), 1);
    assert_eq!(mounted.token(), token("server-token-1"));
    assert_eq!(mounted.session().manager.store().phase, SessionPhase::Ready);
    assert_eq!(mounted.session().manager.store().counters.inits, 1);
    mounted.unmount();
}

#[wasm_bindgen_test]
async fn a_changed_cookie_is_adopted_when_the_page_becomes_visible() {
    set_csrf_cookie("before-hiding");
    let server = ScriptedServer::new(|_| json(500, json!({})));
    let mounted = mount(&server).await;
    assert_eq!(mounted.token(), token("before-hiding"));

    set_visibility(false);
    // Another tab rotated the token meanwhile.
    set_csrf_cookie("after-rotation");
    set_visibility(true);
    wait_until(|| mounted.token() == token("after-rotation")).await;

    assert_eq!(server.total(), 0);
    mounted.unmount();
    clear_csrf_cookie();
}

#[wasm_bindgen_test]
async fn a_token_in_a_response_updates_the_store_through_the_hook() {
    set_csrf_cookie("old-token");
    let server = ScriptedServer::new(|request| {
        if request.url.ends_with("/session/csrf") {
            json(
                200,
                json!({"success": true, "data": {"csrf_token": "rotated-token"}}),
            )
        } else {
            json(404, json!({}))
        }
    });
    let mounted = mount(&server).await;
    endpoints::session_csrf(&mounted.api())
        .await
        .expect("the rotation succeeds");

    assert_eq!(mounted.token(), token("rotated-token"));
    let seen = server.seen.borrow().clone();
    assert_eq!(seen.len(), 1);
    // The request carried the token known when it was sent.
    assert_eq!(seen[0].csrf_header.as_deref(), Some("old-token"));
    assert_eq!(mounted.session().manager.store().phase, SessionPhase::Ready);
    mounted.unmount();
    clear_csrf_cookie();
}

#[wasm_bindgen_test]
async fn a_close_in_one_tab_reaches_the_other_without_a_request() {
    set_csrf_cookie("shared-token");
    let server_a =
        ScriptedServer::new(|_| json(200, json!({"success": true, "data": {"message": "closed"}})));
    let server_b = ScriptedServer::new(|_| json(500, json!({})));
    // Two providers, each with its own store and channel, as two tabs would have.
    let tab_a = mount(&server_a).await;
    let tab_b = mount(&server_b).await;
    assert_eq!(tab_b.token(), token("shared-token"));

    tab_a.session().close_session().await.expect("closed");
    tab_b
        .wait_for_phase(|phase| *phase == SessionPhase::Closed)
        .await;

    let store_b = tab_b.session().manager.store();
    assert_eq!(store_b.phase, SessionPhase::Closed);
    assert_eq!(store_b.token, None);
    assert_eq!(
        server_b.total(),
        0,
        "tab B learned it without asking the server"
    );
    assert_eq!(
        tab_b
            .session()
            .ensure_session(StartedBy::App)
            .await
            .map_err(|error| error.kind),
        Err(ApiErrorKind::SessionClosed),
        "and starts nothing by itself"
    );
    tab_a.unmount();
    tab_b.unmount();
    clear_csrf_cookie();
}

#[wasm_bindgen_test]
async fn nothing_happens_after_the_provider_unmounts() {
    clear_csrf_cookie();
    // Every init is refused: the store keeps no token, so a listener left behind would act on
    // the next sync (adopt the cookie below, or init) and on a close heard from another tab.
    let server = ScriptedServer::new(|_| {
        json(
            400,
            json!({"success": false, "error": {"type": "ValidationError", "message": "no"}}),
        )
    });
    let mounted = mount(&server).await;
    mounted
        .wait_for_phase(|phase| matches!(phase, SessionPhase::Failed(_)))
        .await;
    let manager = mounted.session().manager;
    let before = (*manager.store()).clone();
    let requests = server.total();
    mounted.unmount();
    let _page = PageRestored;
    // Yew runs the destroy (and the effects' cleanups) on its scheduler, not in `destroy()`.
    settle().await;

    set_csrf_cookie("set-after-unmount");
    set_visibility(false);
    set_visibility(true);
    let _ = gloo::utils::window().dispatch_event(&web_sys::Event::new("online").expect("event"));
    let other_tab = web_sys::BroadcastChannel::new("trustyconvert-session").expect("a channel");
    let _ = other_tab.post_message(&"session-closed".into());
    // Nothing may happen, so there is nothing to wait for: a quiet period longer than the
    // init backoff, and the store unchanged (a sync would first have recorded the cookie).
    gloo::timers::future::sleep(std::time::Duration::from_millis(1200)).await;
    other_tab.close();

    assert_eq!(
        server.total(),
        requests,
        "requests: {:?}",
        server.seen.borrow()
    );
    assert_eq!(*manager.store(), before);
}

#[wasm_bindgen_test]
async fn an_init_that_keeps_failing_fails_once_for_every_caller_and_backs_off() {
    clear_csrf_cookie();
    let server = ScriptedServer::with_failures(|request| {
        if request.url.ends_with("/session/init") {
            Ok(json(
                503,
                json!({"success": false, "error": {"type": "ServerError", "message": "down"}}),
            ))
        } else {
            Err(trustyconvert_web::transport::WireFailure::Network)
        }
    });
    let mounted = mount(&server).await;
    mounted
        .wait_for_phase(|phase| matches!(phase, SessionPhase::Failed(_)))
        .await;
    // The load's init: one flight of three attempts (GETs are retried twice).
    let at_load = server.count("/api/session/init");
    assert_eq!(at_load, 3);

    // Five callers at once share one flight, and each learns of its failure once.
    let session = mounted.session();
    let callers = (0..5).map(|_| session.ensure_session(StartedBy::App));
    let outcomes = futures::future::join_all(callers).await;
    for outcome in &outcomes {
        assert_eq!(
            outcome.as_ref().map_err(|error| error.kind.clone()),
            Err(ApiErrorKind::Server { status: 503 })
        );
    }
    assert_eq!(server.count("/api/session/init"), at_load + 3, "one flight");

    // Callers that try again at once, for four seconds: the shared backoff (250-500 ms after
    // two failures, doubling) spaces the flights; without it they would follow each other.
    let until = js_sys::Date::now() + 4000.0;
    let callers = (0..5).map(|_| {
        let session = session.clone();
        async move {
            let mut failures = 0;
            while js_sys::Date::now() < until {
                if session.ensure_session(StartedBy::App).await.is_err() {
                    failures += 1;
                }
            }
            failures
        }
    });
    let failures = futures::future::join_all(callers).await;
    let flights = (server.count("/api/session/init") - at_load - 3) / 3;
    assert!(flights <= 3, "{flights} flights in 4 s");
    // Each caller learned of the failures of the flights it waited for, once each (at the
    // deadline some may have stopped a flight earlier than others).
    assert!(
        failures.iter().all(|count| (1..=flights).contains(count)),
        "{failures:?} over {flights} flights"
    );
}
