//! The drop zone in the browser: a dropped file (a real `DataTransfer`), keyboard activation,
//! the hidden-but-present file input, and a refused file that sends nothing.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::json;
use support::*;
use trustyconvert_web::components::app::{App, AppProps};
use trustyconvert_web::components::drop_zone::{DropZone, DropZoneProps};
use trustyconvert_web::config::AppConfig;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

fn file(name: &str, content: &str) -> web_sys::File {
    let parts = js_sys::Array::of1(&content.into());
    web_sys::File::new_with_str_sequence(&parts, name).expect("a file")
}

fn drag_event(kind: &str, transfer: &web_sys::DataTransfer) -> web_sys::DragEvent {
    let init = web_sys::DragEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_data_transfer(Some(transfer));
    web_sys::DragEvent::new_with_event_init_dict(kind, &init).expect("a drag event")
}

fn key_event(key: &str) -> web_sys::KeyboardEvent {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("a key")
}

fn find(root: &web_sys::Element, css: &str) -> web_sys::Element {
    root.query_selector(css)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no {css} in {}", root.inner_html()))
}

fn mount_zone(received: Rc<RefCell<Vec<String>>>) -> (web_sys::Element, yew::AppHandle<DropZone>) {
    let root = mount_point();
    let props = DropZoneProps {
        accept: ".png,.jpg".into(),
        hint: "PNG, JPEG. Up to 100 MB.".into(),
        rejection: None,
        compact: false,
        disabled: false,
        on_file: Callback::from(move |file: web_sys::File| received.borrow_mut().push(file.name())),
    };
    let handle = yew::Renderer::<DropZone>::with_root_and_props(root.clone(), props).render();
    (root, handle)
}

#[wasm_bindgen_test]
async fn a_dropped_file_is_handed_over() {
    let received = Rc::new(RefCell::new(Vec::new()));
    let (root, handle) = mount_zone(received.clone());
    settle().await;
    let zone = find(&root, "[data-testid=dropzone]");

    let transfer = web_sys::DataTransfer::new().expect("a DataTransfer");
    transfer
        .items()
        .add_with_file(&file("photo.png", "not really a png"))
        .expect("added");
    let over = drag_event("dragover", &transfer);
    zone.dispatch_event(&over).expect("dragover");
    assert!(over.default_prevented(), "dragover must allow the drop");
    settle().await;
    assert!(
        zone.class_list().contains("dropzone-active"),
        "shows it is a target"
    );

    let drop = drag_event("drop", &transfer);
    zone.dispatch_event(&drop).expect("drop");
    assert!(
        drop.default_prevented(),
        "the browser must not open the file"
    );
    settle().await;
    assert_eq!(*received.borrow(), vec!["photo.png".to_owned()]);
    assert!(!zone.class_list().contains("dropzone-active"));
    handle.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn enter_and_space_open_the_file_picker() {
    let (root, handle) = mount_zone(Rc::new(RefCell::new(Vec::new())));
    settle().await;
    let zone = find(&root, "[data-testid=dropzone]");
    assert_eq!(zone.get_attribute("tabindex").as_deref(), Some("0"));
    assert_eq!(zone.get_attribute("role").as_deref(), Some("button"));

    let input = find(&root, "input[type=file][data-testid=file-input]");
    assert_eq!(input.get_attribute("accept").as_deref(), Some(".png,.jpg"));
    let clicks = Rc::new(RefCell::new(0));
    let counter = clicks.clone();
    let _listener = gloo::events::EventListener::new(&input, "click", move |event| {
        event.prevent_default();
        *counter.borrow_mut() += 1;
    });

    for key in ["Enter", " "] {
        let event = key_event(key);
        zone.dispatch_event(&event).expect("keydown");
        assert!(
            event.default_prevented(),
            "{key:?} must not scroll the page"
        );
    }
    zone.dispatch_event(&key_event("a")).expect("keydown");
    assert_eq!(
        *clicks.borrow(),
        2,
        "Enter and Space open the picker, other keys do not"
    );

    // The input stays in the DOM (WebDriver sets files on it), hidden by the stylesheet's
    // visually-hidden class, never by `hidden` or `display: none`.
    assert!(input.class_list().contains("visually-hidden"));
    let input: web_sys::HtmlElement = input.unchecked_into();
    assert!(!input.hidden());
    handle.destroy();
    root.remove();
}

fn server_with_formats() -> Rc<ScriptedServer> {
    ScriptedServer::new(|request| {
        if request.url.ends_with("/session/init") {
            init_ok("s-1", "token-1")
        } else if request.url.ends_with("/convert/formats") {
            json(
                200,
                json!({"success": true, "data": [
                    {"id": "image", "inputFormats": ["png", "jpg"], "outputFormats": ["png", "jpg", "pdf"], "maxSize": 16}
                ]}),
            )
        } else {
            json(
                500,
                json!({"success": false, "error": {"message": "unexpected", "type": "ServerError"}}),
            )
        }
    })
}

#[wasm_bindgen_test]
async fn a_refused_file_says_why_and_sends_nothing() {
    clear_csrf_cookie();
    let server = server_with_formats();
    let root = mount_point();
    let props = AppProps {
        config: AppConfig::default(),
        transport: Some(server.as_override()),
    };
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    settle().await;
    settle().await;
    let hint = find(&root, "#dropzone-hint")
        .text_content()
        .unwrap_or_default();
    assert!(
        hint.contains("PNG, JPEG") && hint.contains("16 bytes"),
        "{hint}"
    );

    for (name, content, expected) in [
        ("setup.exe", "MZ", "Accepted types: PNG, JPEG"),
        (
            "big.png",
            "more than sixteen bytes",
            "limit for PNG files is 16 bytes",
        ),
    ] {
        let transfer = web_sys::DataTransfer::new().expect("a DataTransfer");
        transfer
            .items()
            .add_with_file(&file(name, content))
            .expect("added");
        let zone = find(&root, "[data-testid=dropzone]");
        zone.dispatch_event(&drag_event("drop", &transfer))
            .expect("drop");
        settle().await;
        let rejection = find(&root, "[data-testid=file-rejection]");
        assert_eq!(rejection.get_attribute("role").as_deref(), Some("alert"));
        let text = rejection.text_content().unwrap_or_default();
        assert!(text.contains(expected), "{text}");
    }
    settle().await;
    assert_eq!(server.count("/upload"), 0, "nothing was sent");
    app.destroy();
    root.remove();
}
