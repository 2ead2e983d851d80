//! `<SessionProvider>` in the browser: adopting the cookie, initialising once, syncing on
//! visibility, and storing tokens from responses through `use_api()`.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::json;
use support::*;
use trustyconvert_core::CsrfToken;
use trustyconvert_web::api::{endpoints, use_api, ApiClient};
use trustyconvert_web::session::{use_session, SessionHandle, SessionPhase, SessionProvider};
use wasm_bindgen_test::*;
use yew::prelude::*;
use yewdux::YewduxRoot;

wasm_bindgen_test_configure!(run_in_browser);

/// What the probe saw of the session and the API, for the test to inspect.
#[derive(Default)]
struct Captured {
    session: Option<SessionHandle>,
    api: Option<ApiClient>,
}

#[derive(Properties, Clone)]
struct ProbeProps {
    captured: Rc<RefCell<Captured>>,
}

impl PartialEq for ProbeProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.captured, &other.captured)
    }
}

#[component]
fn Probe(props: &ProbeProps) -> Html {
    let session = use_session();
    let api = use_api();
    let mut captured = props.captured.borrow_mut();
    captured.session = Some(session);
    captured.api = Some(api);
    html! {}
}

#[derive(Properties, Clone, PartialEq)]
struct HarnessProps {
    probe: ProbeProps,
    server: trustyconvert_web::session::provider::TransportOverride,
}

#[component]
fn Harness(props: &HarnessProps) -> Html {
    html! {
        <YewduxRoot>
            <SessionProvider api_base="/api" transport={props.server.clone()}>
                <Probe captured={props.probe.captured.clone()} />
            </SessionProvider>
        </YewduxRoot>
    }
}

struct Mounted {
    captured: Rc<RefCell<Captured>>,
    app: yew::AppHandle<Harness>,
    root: web_sys::Element,
}

impl Mounted {
    fn session(&self) -> SessionHandle {
        self.captured
            .borrow()
            .session
            .clone()
            .expect("the probe rendered")
    }

    fn api(&self) -> ApiClient {
        self.captured
            .borrow()
            .api
            .clone()
            .expect("the probe rendered")
    }

    fn token(&self) -> Option<CsrfToken> {
        self.session().manager.store().token.clone()
    }

    fn unmount(self) {
        self.app.destroy();
        self.root.remove();
    }
}

async fn mount(server: &Rc<ScriptedServer>) -> Mounted {
    let captured = Rc::new(RefCell::new(Captured::default()));
    let root = mount_point();
    let props = HarnessProps {
        probe: ProbeProps {
            captured: captured.clone(),
        },
        server: server.as_override(),
    };
    let app = yew::Renderer::<Harness>::with_root_and_props(root.clone(), props).render();
    settle().await;
    Mounted {
        captured,
        app,
        root,
    }
}

fn token(value: &str) -> Option<CsrfToken> {
    CsrfToken::new(value)
}

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
                trustyconvert_web::api::transport::Body::Empty,
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

fn header_of(request: &trustyconvert_web::api::transport::WireRequest) -> Option<String> {
    request
        .headers
        .iter()
        .find(|(name, _)| *name == "X-CSRF-Token")
        .map(|(_, value)| value.clone())
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
                trustyconvert_web::api::transport::Body::Empty,
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
            trustyconvert_web::api::transport::Body::Empty,
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
    let by_itself = mounted.session().ensure_session(false).await;

    assert!(by_itself.is_err(), "nothing starts a session by itself");
    assert_eq!(server.count("/api/session/init"), 0);
    assert_eq!(
        mounted.session().manager.store().phase,
        SessionPhase::Closed
    );

    mounted
        .session()
        .ensure_session(true)
        .await
        .expect("the user's action starts one");
    assert_eq!(server.count("/api/session/init"), 1);
    assert_eq!(mounted.token(), token("next-token"));
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
        tab_b.session().ensure_session(false).await.is_err(),
        "and starts nothing by itself"
    );
    tab_a.unmount();
    tab_b.unmount();
    clear_csrf_cookie();
}

#[wasm_bindgen_test]
async fn a_poll_failing_during_a_close_does_not_start_a_session() {
    set_csrf_cookie("closing-token");
    let server = ScriptedServer::with_latency(std::time::Duration::from_millis(20), |request| {
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
    let session = mounted.session();
    let api = mounted.api();
    let close = session.close_session();
    let poll = async {
        // Leaves while the close is in flight, and meets the deleted session.
        settle().await;
        api.send(trustyconvert_web::api::ApiRequest::get(
            "/job_status?job_id=x",
        ))
        .await
    };
    let (closed, polled) = futures::join!(close, poll);

    assert!(closed.is_ok());
    assert!(polled.is_err());
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
