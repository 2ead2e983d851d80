//! One file's whole way against a scripted server: upload → convert → poll → completed, a
//! session replaced mid-way (upload and convert redone from the file the page still holds), a
//! download the person walked away from, a cancel while converting that Convert picks up again,
//! an upload sent again after a CSRF recovery, a browser that cannot start an upload, and a
//! failure's error toast taken away when the person tries again.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use futures::future::LocalBoxFuture;
use futures::FutureExt;
use serde_json::json;
use support::dom::*;
use support::*;
use trustyconvert_web::components::app::{App, AppProps};
use trustyconvert_web::config::AppConfig;
use trustyconvert_web::transport::SharedTransport;
use trustyconvert_web::transport::{Transport, WireFailure, WireRequest, WireResponse};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn ok(status: u16, data: serde_json::Value) -> WireResponse {
    json(
        status,
        json!({"success": true, "data": data, "correlation_id": "c-ok"}),
    )
}

fn error(status: u16, kind: &str) -> WireResponse {
    json(
        status,
        json!({"success": false, "error": {"message": "no", "type": kind}, "correlation_id": "c-err"}),
    )
}

/// Answers the session, formats, upload, convert and download-token calls; `/job_status`
/// answers come from `status` (given how many polls came before).
fn flow_server(
    latency: Duration,
    status: impl Fn(u32) -> WireResponse + 'static,
) -> Rc<ScriptedServer> {
    let (inits, polls) = (Cell::new(0), Cell::new(0));
    ScriptedServer::with_latency(latency, move |request: &WireRequest| {
        let url = request.url.as_str();
        if url.ends_with("/session/init") {
            inits.set(inits.get() + 1);
            let n = inits.get();
            init_ok(&format!("s-{n}"), &format!("token-{n}"))
        } else if url.ends_with("/convert/formats") {
            ok(
                200,
                json!([{"id": "image", "inputFormats": ["png"], "outputFormats": ["jpg", "pdf"]}]),
            )
        } else if url.ends_with("/upload") {
            ok(201, json!({"job_id": "x", "status": "uploaded"}))
        } else if url.ends_with("/convert") {
            ok(
                202,
                json!({"job_id": "x", "task_id": "t", "status": "queued"}),
            )
        } else if url.contains("/job_status") {
            let before = polls.get();
            polls.set(before + 1);
            status(before)
        } else if url.ends_with("/download_token") {
            ok(200, json!({"download_token": "dl-token-1"}))
        } else {
            error(500, "ServerError")
        }
    })
}

fn completed() -> WireResponse {
    ok(
        200,
        json!({"status": "completed", "progress": 100, "output_size": 1234}),
    )
}

/// Mounts the app against `server` and lets it load the session and the formats.
async fn mount_app(server: &Rc<ScriptedServer>) -> (web_sys::Element, yew::AppHandle<App>) {
    clear_csrf_cookie();
    let root = mount_point();
    let props = AppProps {
        config: AppConfig::default(),
        language: english(),
        transport: Some(server.as_override()),
    };
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    for _ in 0..20 {
        settle().await;
        if text_of(&root, "#dropzone-hint").contains("PNG") {
            break;
        }
    }
    (root, app)
}

/// Counts the browser downloads the page starts (a click on an `<a download>`), stopping
/// them from navigating the test page's frame.
fn count_downloads() -> (Rc<Cell<u32>>, gloo::events::EventListener) {
    let started = Rc::new(Cell::new(0));
    let counter = started.clone();
    let options = gloo::events::EventListenerOptions::enable_prevent_default();
    let listener = gloo::events::EventListener::new_with_options(
        &gloo::utils::document(),
        "click",
        options,
        move |event| {
            let is_download = event
                .target()
                .and_then(|target| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(target).ok())
                .is_some_and(|element| element.has_attribute("download"));
            if is_download {
                event.prevent_default();
                counter.set(counter.get() + 1);
            }
        },
    );
    (started, listener)
}

#[wasm_bindgen_test]
async fn a_replaced_session_redoes_the_job_from_the_held_file() {
    // The first status poll finds the session expired (the job goes with it).
    let server = flow_server(Duration::ZERO, |before| match before {
        0 => error(401, "SessionValidationError"),
        1 => error(404, "ResourceNotFound"),
        _ => completed(),
    });
    let (root, app) = mount_app(&server).await;

    drop_file(&root, &file("photo.png", "png bytes"));
    wait_for_state(&root, "chosen").await;
    let summary = text_of(&root, "[data-testid=file-summary]");
    assert!(
        summary.contains("photo.png") && summary.contains("9 bytes"),
        "{summary}"
    );

    click(&root, "[data-testid=convert]");
    wait_for_state(&root, "completed").await;

    assert_eq!(
        server.count("/upload"),
        2,
        "uploaded again after the session changed"
    );
    assert_eq!(server.count("/convert"), 2);
    assert_eq!(
        server.count("/session/init"),
        2,
        "one init on load, one to replace the expired session"
    );
    let toasts = text_of(&root, "[data-testid=toasts]");
    assert!(toasts.contains("session was renewed"), "{toasts}");
    let result = text_of(&root, "[data-testid=result-name]");
    assert!(result.contains("photo.jpg"), "{result}");
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_download_the_person_walked_away_from_is_dropped() {
    // Every answer takes a while, so the token is still on its way when the person moves on.
    let server = flow_server(Duration::from_millis(150), |_| completed());
    let (root, app) = mount_app(&server).await;
    let (downloads, _listener) = count_downloads();

    drop_file(&root, &file("photo.png", "png bytes"));
    wait_for_state(&root, "chosen").await;
    click(&root, "[data-testid=convert]");
    wait_for_state(&root, "completed").await;

    click(&root, "[data-testid=download]");
    // The token is on its way.
    wait_until(|| server.count("/download_token") == 1).await;
    click(&root, "[data-testid=convert-another]");
    wait_for_state(&root, "idle").await;
    // The token arrives (150 ms) and well after.
    gloo::timers::future::sleep(Duration::from_millis(400)).await;
    assert_eq!(downloads.get(), 0, "no download of the old file");
    let toasts = text_of(&root, "[data-testid=toasts]");
    assert!(!toasts.contains("Downloading"), "{toasts}");
    assert_eq!(panel_state(&root), "idle", "the new start is left alone");

    // The same page does download when the person stays: the count above could see one.
    drop_file(&root, &file("photo.png", "png bytes"));
    wait_for_state(&root, "chosen").await;
    click(&root, "[data-testid=convert]");
    wait_for_state(&root, "completed").await;
    click(&root, "[data-testid=download]");
    for _ in 0..20 {
        settle().await;
        if downloads.get() > 0 {
            break;
        }
    }
    assert_eq!(downloads.get(), 1);
    assert!(text_of(&root, "[data-testid=toasts]").contains("Downloading photo.jpg"));
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn convert_after_a_cancel_while_converting_picks_up_the_servers_job() {
    // The server keeps converting until the person comes back; one conversion per session.
    let back = Rc::new(Cell::new(false));
    let returned = back.clone();
    let server = flow_server(Duration::ZERO, move |_| {
        if returned.get() {
            completed()
        } else {
            ok(200, json!({"status": "processing", "progress": 40}))
        }
    });
    let (root, app) = mount_app(&server).await;
    drop_file(&root, &file("photo.png", "png bytes"));
    wait_for_state(&root, "chosen").await;
    let status = find(&root, "[data-testid=job-status]");
    assert_eq!(status.get_attribute("role").as_deref(), Some("status"));

    click(&root, "[data-testid=convert]");
    wait_for_state(&root, "converting").await;
    // The heading stays a heading; the status region (there since before) says the step.
    let heading = find(&root, "[data-testid=job-progress] h2");
    assert_eq!(heading.get_attribute("role"), None);
    for _ in 0..20 {
        if status
            .text_content()
            .unwrap_or_default()
            .contains("Converting to JPEG")
        {
            break;
        }
        settle().await;
    }
    assert!(
        status
            .text_content()
            .unwrap_or_default()
            .contains("Converting to JPEG"),
        "{:?}",
        status.text_content()
    );

    click(&root, "[data-testid=cancel]");
    wait_for_state(&root, "chosen").await;
    let toasts = text_of(&root, "[data-testid=toasts]");
    assert!(toasts.contains("Stopped waiting"), "{toasts}");
    assert!(
        !toasts.contains("not converted"),
        "the server may well finish it: {toasts}"
    );

    back.set(true);
    click(&root, "[data-testid=convert]");
    wait_for_state(&root, "completed").await;
    assert_eq!(server.count("/upload"), 1, "the file is not sent again");
    assert_eq!(
        server.count("/convert"),
        1,
        "the running conversion is not asked for again"
    );
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_browser_that_cannot_make_job_ids_says_so() {
    let server = flow_server(Duration::ZERO, |_| completed());
    let (root, app) = mount_app(&server).await;
    drop_file(&root, &file("photo.png", "png bytes"));
    wait_for_state(&root, "chosen").await;

    let _ = js_sys::eval(
        "window.__getRandomValues = Crypto.prototype.getRandomValues;
         Crypto.prototype.getRandomValues = function () { throw new Error('no crypto'); };",
    );
    click(&root, "[data-testid=convert]");
    settle().await;
    let _ = js_sys::eval("Crypto.prototype.getRandomValues = window.__getRandomValues;");

    wait_for_state(&root, "failed").await;
    let message = text_of(&root, "[data-testid=failure-message]");
    assert!(message.contains("random ids"), "{message}");
    assert!(
        query(&root, "[data-testid=retry]").is_none(),
        "the same browser would fail again"
    );
    assert_eq!(server.count("/upload"), 0, "nothing was sent");
    app.destroy();
    root.remove();
}

/// The flow server, plus upload progress as a browser reports it: the first upload gets to
/// 90% and is refused for its CSRF token; the re-sent one reports 10% and then takes a while.
struct ResendingUploads {
    inner: Rc<ScriptedServer>,
    uploads: Cell<u32>,
}

impl Transport for ResendingUploads {
    fn send(
        &self,
        request: WireRequest,
    ) -> LocalBoxFuture<'static, Result<WireResponse, WireFailure>> {
        if !request.url.ends_with("/upload") {
            return self.inner.send(request);
        }
        self.uploads.set(self.uploads.get() + 1);
        let first = self.uploads.get() == 1;
        let answer = self.inner.send(request.clone());
        async move {
            let progress = request.on_progress.clone().expect("uploads report progress");
            if first {
                progress(900.0, 1000.0);
                return Ok(json(
                    403,
                    json!({"success": false, "error": {"type": "CSRFValidationError", "message": "CSRF token rotated"}}),
                ));
            }
            progress(100.0, 1000.0);
            gloo::timers::future::sleep(Duration::from_millis(400)).await;
            answer.await
        }
        .boxed_local()
    }
}

#[wasm_bindgen_test]
async fn an_upload_sent_again_shows_its_own_progress() {
    let inner = flow_server(Duration::ZERO, |_| completed());
    let transport = Rc::new(ResendingUploads {
        inner: inner.clone(),
        uploads: Cell::new(0),
    });
    clear_csrf_cookie();
    let root = mount_point();
    let props = AppProps {
        config: AppConfig::default(),
        language: english(),
        transport: Some(SharedTransport(transport.clone() as Rc<dyn Transport>)),
    };
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    for _ in 0..20 {
        settle().await;
        if text_of(&root, "#dropzone-hint").contains("PNG") {
            break;
        }
    }
    drop_file(&root, &file("photo.png", "png bytes"));
    wait_for_state(&root, "chosen").await;
    click(&root, "[data-testid=convert]");

    let mut seen: Vec<String> = Vec::new();
    for _ in 0..100 {
        if let Some(value) =
            query(&root, "[data-testid=upload-progress]").and_then(|bar| bar.get_attribute("value"))
        {
            if seen.last() != Some(&value) {
                seen.push(value);
            }
            // A strict CSP (`style-src 'self'`) blocks style attributes: the bar has none.
            assert!(query(&root, "[style]").is_none(), "a style attribute");
        }
        if panel_state(&root) == "completed" {
            break;
        }
        gloo::timers::future::sleep(Duration::from_millis(10)).await;
    }
    wait_for_state(&root, "completed").await;
    assert_eq!(transport.uploads.get(), 2, "sent again after the recovery");
    assert_eq!(
        seen.last().map(String::as_str),
        Some("10"),
        "the second attempt's progress, not the first's frozen at 90: {seen:?}"
    );
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn acting_on_a_failure_dismisses_its_error_toast() {
    // The conversion fails (also when "Try again" first asks its status), then completes.
    let server = flow_server(Duration::ZERO, |before| match before {
        0 | 1 => ok(200, json!({"status": "failed", "error": "Corrupt file"})),
        _ => completed(),
    });
    let (root, app) = mount_app(&server).await;
    drop_file(&root, &file("photo.png", "png bytes"));
    wait_for_state(&root, "chosen").await;
    click(&root, "[data-testid=convert]");
    wait_for_state(&root, "failed").await;
    let alerts =
        |root: &web_sys::Element| all(root, "[data-testid=toasts-alerts] [data-testid=toast]");
    assert_eq!(alerts(&root).len(), 1, "the failure is said once");
    assert!(text_of(&root, "[data-testid=toasts-alerts]").contains("Corrupt file"));

    click(&root, "[data-testid=retry]");
    settle().await;
    assert!(
        alerts(&root).is_empty(),
        "Try again takes its stale error away"
    );
    wait_for_state(&root, "completed").await;
    assert_eq!(
        server.count("/upload"),
        1,
        "the job the server holds is converted again"
    );
    app.destroy();
    root.remove();
}
