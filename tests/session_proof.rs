//! What proves a session (issue 11): an answer from an endpoint that needs none (the format
//! list) confirms nothing; a proof of a live session ends "No session", which also offers
//! "Try again"; an init answer without a token takes the token its cookie names.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::Cell;
use std::rc::Rc;

use serde_json::json;
use support::dom::*;
use support::harness::*;
use support::*;
use trustyconvert_core::JobId;
use trustyconvert_web::api::endpoints;
use trustyconvert_web::components::app::{App, AppProps};
use trustyconvert_web::config::AppConfig;
use trustyconvert_web::session::SessionPhase;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const JOB: &str = "0123abcd-0000-4000-8000-000000000000";

fn formats_answer() -> trustyconvert_web::transport::WireResponse {
    json(
        200,
        json!({"success": true, "data": [
            {"id": "image", "inputFormats": ["png"], "outputFormats": ["jpg"]}
        ]}),
    )
}

fn job_status_answer() -> trustyconvert_web::transport::WireResponse {
    json(
        200,
        json!({"success": true, "data": {"job_id": JOB, "status": "processing"}}),
    )
}

/// An init refused with a 400, which the client does not retry: the init fails at once.
fn init_refused() -> trustyconvert_web::transport::WireResponse {
    json(
        400,
        json!({"success": false, "error": {"type": "ValidationError", "message": "no"}}),
    )
}

#[wasm_bindgen_test]
async fn the_format_list_does_not_confirm_an_adopted_token_and_a_session_endpoint_does() {
    set_csrf_cookie("adopted-1");
    let server = ScriptedServer::new(|request| {
        if request.url.contains("/convert/formats") {
            formats_answer()
        } else if request.url.contains("/job_status") {
            job_status_answer()
        } else {
            json(500, json!({}))
        }
    });
    let mounted = mount(&server).await;
    assert_eq!(
        mounted.session().manager.store().phase,
        SessionPhase::Unverified
    );

    endpoints::formats(&mounted.api()).await.expect("the list");
    assert_eq!(
        mounted.session().manager.store().phase,
        SessionPhase::Unverified,
        "an endpoint that needs no session proves nothing about it"
    );

    let job = JobId::parse(JOB).expect("a job id");
    endpoints::job_status(&mounted.api(), &job)
        .await
        .expect("a status");
    assert_eq!(mounted.session().manager.store().phase, SessionPhase::Ready);
    mounted.unmount();
    clear_csrf_cookie();
}

#[wasm_bindgen_test]
async fn a_failed_session_ends_with_the_next_proof_of_a_live_one() {
    clear_csrf_cookie();
    let server = ScriptedServer::new(|request| {
        if request.url.contains("/session/init") {
            init_refused()
        } else if request.url.contains("/job_status") {
            job_status_answer()
        } else {
            json(500, json!({}))
        }
    });
    let mounted = mount(&server).await;
    mounted
        .wait_for_phase(|phase| matches!(phase, SessionPhase::Failed(_)))
        .await;

    let job = JobId::parse(JOB).expect("a job id");
    endpoints::job_status(&mounted.api(), &job)
        .await
        .expect("a status");
    assert_eq!(
        mounted.session().manager.store().phase,
        SessionPhase::Ready,
        "a session endpoint answered: the session is live"
    );
    mounted.unmount();
}

#[wasm_bindgen_test]
async fn no_session_offers_try_again_which_starts_one() {
    let _page = PageRestored;
    clear_csrf_cookie();
    let init_works = Rc::new(Cell::new(false));
    let works = init_works.clone();
    let server = ScriptedServer::new(move |request| {
        if request.url.contains("/session/init") {
            if works.get() {
                init_ok("s-1", "token-1")
            } else {
                init_refused()
            }
        } else if request.url.contains("/convert/formats") {
            formats_answer()
        } else {
            json(500, json!({}))
        }
    });
    let root = mount_point();
    let props = AppProps {
        config: AppConfig::default(),
        language: english(),
        transport: Some(server.as_override()),
    };
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    wait_for_text(&root, "[data-testid=session-state]", "No session").await;
    assert!(
        query(&root, "[data-testid=close-session]").is_none(),
        "nothing to close yet"
    );

    init_works.set(true);
    click(&root, "[data-testid=session-retry]");
    wait_for_text(&root, "[data-testid=session-state]", "Session active").await;
    assert!(query(&root, "[data-testid=session-retry]").is_none());
    assert!(query(&root, "[data-testid=close-session]").is_some());
    assert_eq!(server.count("/api/session/init"), 2);
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn an_init_answer_without_a_token_takes_the_one_its_cookie_names() {
    clear_csrf_cookie();
    let server = ScriptedServer::new(|request| {
        if request.url.contains("/session/init") {
            // The answer sets the cookie (here, as the request is answered) but its body
            // carries no token.
            set_csrf_cookie("from-the-cookie");
            json(
                200,
                json!({"success": true, "data": {"id": "s-1", "expires_at": "2099-01-01T00:00:00Z"}}),
            )
        } else {
            json(500, json!({}))
        }
    });
    let mounted = mount(&server).await;
    wait_until(|| mounted.session().manager.store().phase != SessionPhase::Initializing).await;

    assert_eq!(mounted.session().manager.store().phase, SessionPhase::Ready);
    assert_eq!(mounted.token(), token("from-the-cookie"));
    mounted.unmount();
    clear_csrf_cookie();
}
