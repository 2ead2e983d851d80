//! The whole flow against a scripted server: upload → convert → poll → completed, and a session
//! replaced mid-way makes the flow redo upload and convert from the file it still holds.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::Cell;
use std::rc::Rc;

use serde_json::json;
use support::*;
use trustyconvert_web::api::transport::WireResponse;
use trustyconvert_web::components::app::{App, AppProps};
use trustyconvert_web::config::AppConfig;
use wasm_bindgen::JsCast;
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

/// A server whose first status poll finds the session expired (the job goes with it).
fn server(inits: Rc<Cell<u32>>, polls: Rc<Cell<u32>>) -> Rc<ScriptedServer> {
    ScriptedServer::new(move |request| {
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
            polls.set(polls.get() + 1);
            match polls.get() {
                1 => error(401, "SessionValidationError"),
                2 => error(404, "ResourceNotFound"),
                _ => ok(
                    200,
                    json!({"status": "completed", "progress": 100, "output_size": 1234}),
                ),
            }
        } else {
            error(500, "ServerError")
        }
    })
}

fn find(root: &web_sys::Element, css: &str) -> Option<web_sys::Element> {
    root.query_selector(css).ok().flatten()
}

async fn wait_for_state(root: &web_sys::Element, wanted: &str) {
    for _ in 0..300 {
        let state = find(root, "[data-testid=conversion-panel]")
            .and_then(|panel| panel.get_attribute("data-state"))
            .unwrap_or_default();
        if state == wanted {
            return;
        }
        settle().await;
    }
    panic!("never reached {wanted}: {}", root.inner_html());
}

#[wasm_bindgen_test]
async fn a_replaced_session_redoes_the_job_from_the_held_file() {
    clear_csrf_cookie();
    let (inits, polls) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
    let server = server(inits.clone(), polls.clone());
    let root = mount_point();
    let props = AppProps {
        config: AppConfig::default(),
        transport: Some(server.as_override()),
    };
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    settle().await;
    settle().await;

    let parts = js_sys::Array::of1(&"png bytes".into());
    let file = web_sys::File::new_with_str_sequence(&parts, "photo.png").expect("a file");
    let transfer = web_sys::DataTransfer::new().expect("a DataTransfer");
    transfer.items().add_with_file(&file).expect("added");
    let init = web_sys::DragEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_data_transfer(Some(&transfer));
    let drop = web_sys::DragEvent::new_with_event_init_dict("drop", &init).expect("a drop");
    find(&root, "[data-testid=dropzone]")
        .expect("the zone")
        .dispatch_event(&drop)
        .expect("dropped");
    wait_for_state(&root, "chosen").await;
    let summary = find(&root, "[data-testid=file-summary]")
        .and_then(|summary| summary.text_content())
        .unwrap_or_default();
    assert!(
        summary.contains("photo.png") && summary.contains("9 bytes"),
        "{summary}"
    );

    let convert: web_sys::HtmlElement = find(&root, "[data-testid=convert]")
        .expect("the convert button")
        .unchecked_into();
    convert.click();
    wait_for_state(&root, "completed").await;

    assert_eq!(
        server.count("/upload"),
        2,
        "uploaded again after the session changed"
    );
    assert_eq!(server.count("/convert"), 2);
    assert_eq!(
        inits.get(),
        2,
        "one init on load, one to replace the expired session"
    );
    let toasts = find(&root, "[data-testid=toasts]")
        .and_then(|toasts| toasts.text_content())
        .unwrap_or_default();
    assert!(toasts.contains("session was renewed"), "{toasts}");
    let result = find(&root, "[data-testid=result-name]")
        .and_then(|result| result.text_content())
        .unwrap_or_default();
    assert!(result.contains("photo.jpg"), "{result}");
    app.destroy();
    root.remove();
}
