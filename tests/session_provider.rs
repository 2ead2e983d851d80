//! `<SessionProvider>` in the browser: adopting the cookie, initialising once, syncing on
//! visibility, storing tokens from responses through `use_api()`, and hearing other tabs.
#![cfg(target_arch = "wasm32")]

mod support;

use serde_json::json;
use support::harness::*;
use support::*;
use trustyconvert_core::StartedBy;
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
    let mounted = mount(&server).await;
    // A second reason to sync (the page shown again) must not start another session.
    set_visibility(true);
    settle().await;

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
    settle().await;

    assert_eq!(mounted.token(), token("after-rotation"));
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
    settle().await;

    let store_b = tab_b.session().manager.store();
    assert_eq!(store_b.phase, SessionPhase::Closed);
    assert_eq!(store_b.token, None);
    assert_eq!(
        server_b.total(),
        0,
        "tab B learned it without asking the server"
    );
    assert!(
        tab_b
            .session()
            .ensure_session(StartedBy::App)
            .await
            .is_err(),
        "and starts nothing by itself"
    );
    tab_a.unmount();
    tab_b.unmount();
    clear_csrf_cookie();
}
