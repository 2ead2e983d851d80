//! The session review's edge cases (issue 11): freshness before a large upload, a reset on an
//! unconfirmed session, inits around a close, a close in flight, a rotated token, and what the
//! session bar claims. Each failed before its fix.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde_json::json;
use support::dom::*;
use support::harness::*;
use support::*;
use trustyconvert_core::{ApiError, ApiErrorKind, JobId, StartedBy};
use trustyconvert_web::api::{endpoints, ApiRequest};
use trustyconvert_web::components::app::{App, AppProps};
use trustyconvert_web::config::AppConfig;
use trustyconvert_web::session::SessionPhase;
use trustyconvert_web::transport::{Body, WireFailure, WireResponse};
use wasm_bindgen_futures::spawn_local;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const JOB: &str = "0123abcd-0000-4000-8000-000000000000";
const TWO_HOURS_MS: f64 = 2.0 * 3600.0 * 1000.0;

/// An init answer on a server whose clock is `skew_ms` ahead of the browser's, for a session
/// that ends `lasts_ms` from the server's now.
fn init_on_server_clock(id: &str, token: &str, skew_ms: f64, lasts_ms: f64) -> WireResponse {
    let server_now = js_sys::Date::now() + skew_ms;
    let date = js_sys::Date::new(&server_now.into()).to_utc_string();
    let expires = js_sys::Date::new(&(server_now + lasts_ms).into()).to_iso_string();
    let mut answer = json(
        200,
        json!({"success": true, "data": {"id": id, "csrf_token": token, "expires_at": String::from(expires)}}),
    );
    answer.date = Some(date.into());
    answer
}

fn ok_answer() -> WireResponse {
    json(200, json!({"success": true, "data": {"job_id": JOB}}))
}

fn session_gone() -> WireResponse {
    json(
        401,
        json!({"success": false, "error": {"type": "SessionValidationError", "message": "gone"}}),
    )
}

/// An init refused with a 429 that asks for 2 s: the next init's flight waits that long.
fn init_rate_limited() -> WireResponse {
    let mut answer = json(
        429,
        json!({"success": false, "error": {"type": "RateLimitExceeded", "message": "slow down"}}),
    );
    answer.retry_after = Some("2".to_owned());
    answer
}

async fn upload(mounted: &Mounted, bytes: usize) -> Result<(), ApiError> {
    let big = file("big.png", &"x".repeat(bytes));
    let job = JobId::parse(JOB).expect("a job id");
    endpoints::upload(
        &mounted.api(),
        &big,
        &job,
        ApiRequest::post("/upload", Body::Empty),
    )
    .await
    .map(drop)
}

async fn convert(mounted: &Mounted) -> Result<(), ApiError> {
    let job = JobId::parse(JOB).expect("a job id");
    endpoints::convert(&mounted.api(), &job, "jpg", None)
        .await
        .map(drop)
}

/// A server whose clock runs two hours ahead of the browser's (so the browser's clock alone
/// would misjudge every session), with sessions as the real one has them: an init resumes the
/// live session unchanged (same token, same end) and creates a new one once it has ended; the
/// first session lasts `first_ms`, later ones a day. An upload sent with an ended session's
/// token is reset while its body streams, as a browser sees a 401 sent mid-upload.
fn server_with_expiring_sessions(first_ms: f64) -> Rc<ScriptedServer> {
    // (number, ends at on the server's clock)
    let session = Rc::new(Cell::new((0u32, 0.0f64)));
    let live = move |session: &Cell<(u32, f64)>| {
        let (number, ends) = session.get();
        (number > 0 && js_sys::Date::now() + TWO_HOURS_MS < ends).then_some(number)
    };
    ScriptedServer::with_failures(move |request| {
        if request.url.ends_with("/session/init") {
            let number = live(&session).unwrap_or_else(|| {
                let number = session.get().0 + 1;
                let lasts = if number == 1 { first_ms } else { 86_400_000.0 };
                session.set((number, js_sys::Date::now() + TWO_HOURS_MS + lasts));
                number
            });
            let lasts = session.get().1 - (js_sys::Date::now() + TWO_HOURS_MS);
            Ok(init_on_server_clock(
                &format!("s-{number}"),
                &format!("token-{number}"),
                TWO_HOURS_MS,
                lasts,
            ))
        } else if request.url.ends_with("/upload") {
            match live(&session) {
                Some(number) if has_header(request, &format!("token-{number}")) => Ok(ok_answer()),
                _ => Err(WireFailure::Network),
            }
        } else {
            Ok(json(500, json!({})))
        }
    })
}

#[wasm_bindgen_test]
async fn an_expired_session_is_renewed_before_a_large_upload_which_is_sent_once() {
    clear_csrf_cookie();
    let server = server_with_expiring_sessions(1_000.0);
    let mounted = mount(&server).await;
    mounted
        .wait_for_phase(|phase| *phase == SessionPhase::Ready)
        .await;
    // The session ends; nothing has told the tab so.
    gloo::timers::future::sleep(std::time::Duration::from_millis(1_500)).await;

    upload(&mounted, 5 * 1024 * 1024)
        .await
        .expect("the upload succeeds on the renewed session");
    assert_eq!(server.count("/api/session/init"), 2);
    assert_eq!(
        server.count("/api/upload"),
        1,
        "sent once, on the new session"
    );
}

#[wasm_bindgen_test]
async fn a_reset_after_the_sessions_end_is_checked_and_the_upload_sent_again() {
    clear_csrf_cookie();
    let server = server_with_expiring_sessions(1_000.0);
    let mounted = mount(&server).await;
    mounted
        .wait_for_phase(|phase| *phase == SessionPhase::Ready)
        .await;
    // Past the end by more than the `Date` header's one-second precision, through which the
    // tab knows when the session ends.
    gloo::timers::future::sleep(std::time::Duration::from_millis(2_500)).await;

    // Below the size that checks freshness first, yet still reset by the 401 while its body
    // streams: the session is known to have ended, so one init checks before giving up.
    upload(&mounted, 512 * 1024)
        .await
        .expect("no 'could not reach the server'");
    assert_eq!(server.count("/api/session/init"), 2);
    assert_eq!(
        server.count("/api/upload"),
        2,
        "sent again on the new session"
    );
}

#[wasm_bindgen_test]
async fn a_session_that_outlasts_the_upload_is_not_checked_again() {
    clear_csrf_cookie();
    let server = ScriptedServer::with_failures(|request| {
        if request.url.ends_with("/session/init") {
            Ok(init_on_server_clock(
                "s-1",
                "token-1",
                -TWO_HOURS_MS,
                3_600_000.0,
            ))
        } else {
            Ok(ok_answer())
        }
    });
    let mounted = mount(&server).await;
    mounted
        .wait_for_phase(|phase| *phase == SessionPhase::Ready)
        .await;

    upload(&mounted, 5 * 1024 * 1024).await.expect("uploaded");
    assert_eq!(server.count("/api/session/init"), 1);
    assert_eq!(server.count("/api/upload"), 1);
    mounted.unmount();
}

#[wasm_bindgen_test]
async fn a_reset_on_an_unconfirmed_session_checks_it_once_and_retries_on_the_new_one() {
    set_csrf_cookie("from-an-expired-session");
    let server = ScriptedServer::with_failures(|request| {
        if request.url.ends_with("/session/init") {
            Ok(init_ok("s-2", "token-2"))
        } else if has_header(request, "token-2") {
            Ok(ok_answer())
        } else {
            Err(WireFailure::Network)
        }
    });
    let mounted = mount(&server).await;
    assert_eq!(
        mounted.session().manager.store().phase,
        SessionPhase::Unverified
    );

    convert(&mounted)
        .await
        .expect("converted on the new session");
    assert_eq!(server.count("/api/session/init"), 1);
    assert_eq!(server.count("/api/convert"), 2);
    mounted.unmount();
    clear_csrf_cookie();
}

#[wasm_bindgen_test]
async fn a_reset_on_a_session_the_check_finds_alive_is_a_network_failure() {
    set_csrf_cookie("token-1");
    let server = ScriptedServer::with_failures(|request| {
        if request.url.ends_with("/session/init") {
            Ok(init_ok("s-1", "token-1"))
        } else {
            Err(WireFailure::Network)
        }
    });
    let mounted = mount(&server).await;

    let error = convert(&mounted).await.expect_err("the network is down");
    assert_eq!(error.kind, ApiErrorKind::Network);
    assert_eq!(server.count("/api/session/init"), 1, "one check");
    assert_eq!(server.count("/api/convert"), 1, "not sent again");
    mounted.unmount();
    clear_csrf_cookie();
}

/// A mounted provider whose first init was refused with `Retry-After: 2`, so that the next
/// init flight waits about two seconds before it sends.
async fn mounted_with_a_waiting_init_flight(
    server: &Rc<ScriptedServer>,
) -> (Mounted, Rc<RefCell<Option<Result<(), ApiError>>>>) {
    let mounted = mount(server).await;
    mounted
        .wait_for_phase(|phase| matches!(phase, SessionPhase::Failed(_)))
        .await;
    let outcome = Rc::new(RefCell::new(None));
    let (session, slot) = (mounted.session(), outcome.clone());
    spawn_local(async move {
        let result = session.ensure_session(StartedBy::App).await;
        *slot.borrow_mut() = Some(result);
    });
    settle().await;
    assert!(outcome.borrow().is_none(), "the flight is waiting");
    (mounted, outcome)
}

fn refused_then_ok_server() -> Rc<ScriptedServer> {
    let inits = Rc::new(Cell::new(0));
    ScriptedServer::new(move |request| {
        if request.url.ends_with("/session/init") {
            inits.set(inits.get() + 1);
            if inits.get() == 1 {
                init_rate_limited()
            } else {
                init_ok("s-2", "token-2")
            }
        } else if request.url.ends_with("/session/close") {
            json(200, json!({"success": true, "data": {"message": "closed"}}))
        } else {
            json(500, json!({}))
        }
    })
}

#[wasm_bindgen_test]
async fn a_close_cancels_an_init_waiting_to_be_sent() {
    clear_csrf_cookie();
    let server = refused_then_ok_server();
    let (mounted, outcome) = mounted_with_a_waiting_init_flight(&server).await;

    mounted.session().close_session().await.expect("closed");
    wait_until(|| outcome.borrow().is_some()).await;

    let result = outcome.borrow_mut().take().expect("an outcome");
    assert_eq!(
        result.map_err(|error| error.kind),
        Err(ApiErrorKind::SessionClosed)
    );
    assert_eq!(
        server.count("/api/session/init"),
        1,
        "nothing sent after the close"
    );
    assert_eq!(
        mounted.session().manager.store().phase,
        SessionPhase::Closed
    );
    mounted.unmount();
}

#[wasm_bindgen_test]
async fn a_person_who_joins_an_init_started_before_their_close_gets_their_session() {
    clear_csrf_cookie();
    let server = refused_then_ok_server();
    let (mounted, outcome) = mounted_with_a_waiting_init_flight(&server).await;
    mounted.session().close_session().await.expect("closed");

    mounted
        .session()
        .ensure_session(StartedBy::Person)
        .await
        .expect("the person's action starts a session");
    wait_until(|| outcome.borrow().is_some()).await;

    assert!(matches!(outcome.borrow_mut().take(), Some(Ok(()))));
    assert_eq!(server.count("/api/session/init"), 2);
    let store = mounted.session().manager.store();
    assert_eq!(store.phase, SessionPhase::Ready);
    assert!(!store.user_closed);
    assert_eq!(mounted.token(), token("token-2"));
    mounted.unmount();
}

#[wasm_bindgen_test]
async fn a_request_failing_while_a_close_is_in_flight_waits_for_it_and_recovers_when_it_fails() {
    clear_csrf_cookie();
    let inits = Rc::new(Cell::new(0));
    let counted = inits.clone();
    let server = ScriptedServer::new(move |request| {
        if request.url.ends_with("/session/init") {
            counted.set(counted.get() + 1);
            // As a real init does, it also sets the CSRF cookie (the browser keeps cookies).
            let token = format!("token-{}", counted.get());
            set_csrf_cookie(&token);
            init_ok(&format!("s-{}", counted.get()), &token)
        } else if request.url.ends_with("/session/close") {
            json(
                503,
                json!({"success": false, "error": {"type": "ServerError", "message": "busy"}}),
            )
        } else if has_header(request, "token-2") {
            ok_answer()
        } else {
            session_gone()
        }
    });
    let mounted = mount(&server).await;
    mounted
        .wait_for_phase(|phase| *phase == SessionPhase::Ready)
        .await;
    let gate = server.hold("/session/close");
    let close = Rc::new(RefCell::new(None));
    let (session, slot) = (mounted.session(), close.clone());
    spawn_local(async move {
        *slot.borrow_mut() = Some(session.close_session().await);
    });
    let converted = Rc::new(RefCell::new(None));
    let (api, slot) = (mounted.api(), converted.clone());
    spawn_local(async move {
        let job = JobId::parse(JOB).expect("a job id");
        let result = endpoints::convert(&api, &job, "jpg", None).await;
        *slot.borrow_mut() = Some(result.map(drop));
    });
    // The convert met its 401 while the close was held: it must wait, not give up.
    wait_until(|| server.count("/api/convert") == 1).await;
    settle().await;
    assert!(
        converted.borrow().is_none(),
        "waiting for the close's outcome"
    );

    gate.open();
    wait_until(|| converted.borrow().is_some() && close.borrow().is_some()).await;
    let close_kind = close
        .borrow_mut()
        .take()
        .and_then(Result::err)
        .map(|e| e.kind);
    assert_eq!(close_kind, Some(ApiErrorKind::Server { status: 503 }));
    assert!(matches!(converted.borrow_mut().take(), Some(Ok(()))));
    assert_eq!(server.count("/api/session/init"), 2);
    assert_eq!(server.count("/api/convert"), 2);
    mounted.unmount();
}

#[wasm_bindgen_test]
async fn a_token_rotated_by_another_tab_is_the_same_session() {
    clear_csrf_cookie();
    let server = ScriptedServer::new(|request| {
        if request.url.ends_with("/session/init") {
            init_ok("s-1", "token-1")
        } else {
            json(500, json!({}))
        }
    });
    let mounted = mount(&server).await;
    mounted
        .wait_for_phase(|phase| *phase == SessionPhase::Ready)
        .await;
    let epoch = mounted.session().manager.store().epoch;

    set_csrf_cookie("rotated-by-another-tab");
    set_visibility(false);
    set_visibility(true);
    wait_until(|| mounted.token() == token("rotated-by-another-tab")).await;

    assert_eq!(mounted.session().manager.store().epoch, epoch);
    assert_eq!(server.count("/api/session/init"), 1);
    mounted.unmount();
    clear_csrf_cookie();
}

#[wasm_bindgen_test]
async fn a_session_from_the_cookie_is_not_called_active_until_an_answer_proves_it() {
    let _page = PageRestored;
    set_csrf_cookie("from-earlier");
    let server = ScriptedServer::new(|_| {
        json(
            200,
            json!({"success": true, "data": [
                {"id": "image", "inputFormats": ["png"], "outputFormats": ["jpg"]}
            ]}),
        )
    });
    let root = mount_point();
    let props = AppProps {
        config: AppConfig::default(),
        language: english(),
        transport: Some(server.as_override()),
    };
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    wait_for_text(&root, "[data-testid=session-state]", "Session found").await;
    // The format list needs no session: its answer proves nothing.
    wait_for_text(&root, "#dropzone-hint", "PNG").await;
    assert!(text_of(&root, "[data-testid=session-state]").contains("Session found"));
    app.destroy();
    root.remove();
    clear_csrf_cookie();
}

#[wasm_bindgen_test]
async fn a_close_that_needs_the_init_in_flight_does_not_wait_for_itself() {
    clear_csrf_cookie();
    let inits = Rc::new(Cell::new(0));
    let counted = inits.clone();
    let server = ScriptedServer::new(move |request| {
        if request.url.ends_with("/session/init") {
            counted.set(counted.get() + 1);
            // No readable cookie (host-only): the close cannot learn the new token from it.
            let token = format!("token-{}", counted.get());
            init_ok(&format!("s-{}", counted.get()), &token)
        } else if request.url.contains("/job_status") {
            json(
                200,
                json!({"success": true, "data": {"job_id": JOB, "status": "processing"}}),
            )
        } else if request.url.ends_with("/session/close") {
            if has_header(request, "token-2") {
                json(200, json!({"success": true, "data": {"message": "closed"}}))
            } else {
                json(
                    403,
                    json!({"success": false, "error": {"type": "CSRFValidationError", "message": "stale"}}),
                )
            }
        } else if has_header(request, "token-2") {
            ok_answer()
        } else {
            session_gone()
        }
    });
    let mounted = mount(&server).await;
    mounted
        .wait_for_phase(|phase| *phase == SessionPhase::Ready)
        .await;
    let job = JobId::parse(JOB).expect("a job id");
    endpoints::job_status(&mounted.api(), &job)
        .await
        .expect("the session is proven");
    // A 401 starts a recovery init, whose answer is held back...
    let gate = server.hold("/session/init");
    let converted = Rc::new(RefCell::new(None));
    let (api, slot) = (mounted.api(), converted.clone());
    spawn_local(async move {
        let job = JobId::parse(JOB).expect("a job id");
        *slot.borrow_mut() = Some(endpoints::convert(&api, &job, "jpg", None).await.map(drop));
    });
    wait_until(|| server.count("/api/session/init") == 2).await;
    // ... while the close, sent with the stale token, needs the current one from that init.
    let closed = Rc::new(RefCell::new(None));
    let (session, slot) = (mounted.session(), closed.clone());
    spawn_local(async move {
        *slot.borrow_mut() = Some(session.close_session().await);
    });
    wait_until(|| server.count("/api/session/close") == 1).await;
    gate.open();

    wait_until(|| closed.borrow().is_some()).await;
    assert!(matches!(closed.borrow_mut().take(), Some(Ok(()))));
    assert_eq!(
        server.count("/api/session/init"),
        2,
        "the close joined the init"
    );
    wait_until(|| converted.borrow().is_some()).await;
    assert_eq!(
        mounted.session().manager.store().phase,
        SessionPhase::Closed
    );
}
