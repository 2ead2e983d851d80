//! A browser that does not keep the API's cookies (the app and the API on different sites,
//! or third-party cookies blocked): the first request after an init gets a 401 with that
//! init's token. The person is told so plainly, once per action, and no unused sessions pile
//! up on the server.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::Cell;
use std::rc::Rc;

use serde_json::json;
use support::harness::*;
use support::*;
use trustyconvert_core::{ApiErrorKind, JobId};
use trustyconvert_web::api::endpoints;
use trustyconvert_web::session::SessionPhase;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const JOB: &str = "0123abcd-0000-4000-8000-000000000000";

/// Every init creates a session whose cookie the browser then never sends back: every other
/// request meets a 401.
fn server_whose_cookies_are_refused() -> Rc<ScriptedServer> {
    let inits = Rc::new(Cell::new(0));
    ScriptedServer::new(move |request| {
        if request.url.ends_with("/session/init") {
            inits.set(inits.get() + 1);
            init_ok(
                &format!("s-{}", inits.get()),
                &format!("token-{}", inits.get()),
            )
        } else {
            json(
                401,
                json!({"success": false, "error": {"type": "SessionValidationError", "message": "no session"}}),
            )
        }
    })
}

async fn convert(mounted: &Mounted) -> ApiErrorKind {
    let job = JobId::parse(JOB).expect("a job id");
    endpoints::convert(&mounted.api(), &job, "jpg", None)
        .await
        .expect_err("no session can work")
        .kind
}

#[wasm_bindgen_test]
async fn refused_cookies_are_said_plainly_once_per_action_without_piling_up_sessions() {
    clear_csrf_cookie();
    let server = server_whose_cookies_are_refused();
    let mounted = mount(&server).await;
    mounted
        .wait_for_phase(|phase| *phase == SessionPhase::Ready)
        .await;

    assert_eq!(convert(&mounted).await, ApiErrorKind::CookiesRefused);
    assert_eq!(server.count("/api/session/init"), 1, "no second session");
    assert_eq!(server.count("/api/convert"), 1);
    let SessionPhase::Failed(error) = mounted.session().manager.store().phase.clone() else {
        panic!("the session bar must not say the session is active");
    };
    let message = error.user_message(trustyconvert_core::i18n::default_language());
    assert!(message.contains("same site"), "{message}");

    // By itself the app sends nothing more: the page shown again starts nothing.
    let requests = server.total();
    set_visibility(false);
    set_visibility(true);
    settle().await;
    assert_eq!(server.total(), requests);
    assert!(mounted.session().manager.store().cookies_refused);

    // The person's next action tries once more: one session, one request, the same answer.
    assert_eq!(convert(&mounted).await, ApiErrorKind::CookiesRefused);
    assert_eq!(server.count("/api/session/init"), 2);
    assert_eq!(server.count("/api/convert"), 2);
    assert_eq!(server.total(), requests + 2);
}

#[wasm_bindgen_test]
async fn a_session_that_expired_after_it_was_proven_is_renewed_as_before() {
    clear_csrf_cookie();
    let proven = Rc::new(Cell::new(false));
    let seen = proven.clone();
    let server = ScriptedServer::new(move |request| {
        if request.url.ends_with("/session/init") {
            init_ok("s-1", if seen.get() { "token-2" } else { "token-1" })
        } else if request.url.contains("/job_status") {
            seen.set(true);
            json(
                200,
                json!({"success": true, "data": {"job_id": JOB, "status": "processing"}}),
            )
        } else if has_header(request, "token-2") {
            json(200, json!({"success": true, "data": {"job_id": JOB}}))
        } else {
            json(
                401,
                json!({"success": false, "error": {"type": "SessionValidationError", "message": "expired"}}),
            )
        }
    });
    let mounted = mount(&server).await;
    mounted
        .wait_for_phase(|phase| *phase == SessionPhase::Ready)
        .await;
    // An answer from an endpoint that needs the session proves the cookie comes back.
    let job = JobId::parse(JOB).expect("a job id");
    endpoints::job_status(&mounted.api(), &job)
        .await
        .expect("a status");

    endpoints::convert(&mounted.api(), &job, "jpg", None)
        .await
        .expect("a 401 after the proof is an expired session: renewed, then converted");
    assert_eq!(server.count("/api/session/init"), 2);
}
