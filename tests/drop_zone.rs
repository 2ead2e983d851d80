//! The drop zone in the browser: a dropped file (a real `DataTransfer`), the label and the
//! focusable, visually hidden file input, and a refused file that sends nothing.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use support::dom::*;
use support::*;
use trustyconvert_web::components::app::{App, AppProps};
use trustyconvert_web::components::drop_zone::{drop_zone, use_drop_zone, DropZoneProps};
use trustyconvert_web::config::AppConfig;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The drop zone is a plain function in the app; a component lets a test mount it alone.
#[component]
fn DropZone(props: &DropZoneProps) -> Html {
    let state = use_drop_zone(props.on_files.clone());
    drop_zone(&state, props)
}

fn mount_zone(received: Rc<RefCell<Vec<String>>>) -> (web_sys::Element, yew::AppHandle<DropZone>) {
    let root = mount_point();
    let props = DropZoneProps {
        accept: ".png,.jpg".into(),
        hint: "PNG, JPEG. Up to 100 MB.".into(),
        rejection: None,
        compact: false,
        lead: None,
        disabled: false,
        on_files: Callback::from(move |files: Vec<web_sys::File>| {
            received
                .borrow_mut()
                .extend(files.iter().map(web_sys::File::name))
        }),
        language: english(),
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

    let transfer = transfer_of(&file("photo.png", "not really a png"));
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

    // Several at once: all of them, in order.
    let several = transfer_of_all(&[file("a.png", "a"), file("b.jpg", "b"), file("c.png", "c")]);
    zone.dispatch_event(&drag_event("drop", &several))
        .expect("drop");
    settle().await;
    assert_eq!(
        *received.borrow(),
        ["photo.png", "a.png", "b.jpg", "c.png"].map(str::to_owned)
    );
    handle.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn the_label_and_the_zone_open_the_picker_once_and_the_input_takes_the_keyboard() {
    let (root, handle) = mount_zone(Rc::new(RefCell::new(Vec::new())));
    settle().await;
    let zone = find(&root, "[data-testid=dropzone]");
    // One control for the keyboard and assistive technology: the real input, named by its label.
    assert_eq!(zone.get_attribute("role"), None);
    assert_eq!(zone.get_attribute("tabindex"), None);
    let input = find(&root, "input[type=file][data-testid=file-input]");
    assert_eq!(input.get_attribute("accept").as_deref(), Some(".png,.jpg"));
    assert!(input.has_attribute("multiple"), "several files at once");
    assert_eq!(
        input.get_attribute("tabindex"),
        None,
        "the input is focusable"
    );
    assert_eq!(input.get_attribute("aria-hidden"), None);
    let input_html: web_sys::HtmlElement = input.clone().unchecked_into();
    input_html.focus().expect("focusable");
    assert_eq!(
        gloo::utils::document().active_element().as_ref(),
        Some(&input),
        "the keyboard reaches the input"
    );

    let clicks = Rc::new(RefCell::new(0));
    let counter = clicks.clone();
    let _listener = gloo::events::EventListener::new_with_options(
        &input,
        "click",
        gloo::events::EventListenerOptions::enable_prevent_default(),
        move |event| {
            // Stop here: a test cannot use the system dialog.
            event.prevent_default();
            *counter.borrow_mut() += 1;
        },
    );
    let label: web_sys::HtmlElement = find(&root, "label[for=file-input]").unchecked_into();
    assert_eq!(label.text_content().as_deref(), Some("Choose file"));
    label.click();
    assert_eq!(*clicks.borrow(), 1, "the label opens the picker, once");
    let lead: web_sys::HtmlElement = find(&root, ".dropzone-lead").unchecked_into();
    lead.click();
    assert_eq!(
        *clicks.borrow(),
        2,
        "anywhere else on the zone opens it, once"
    );

    // The input stays in the DOM (WebDriver sets files on it), hidden by the stylesheet's
    // visually-hidden class, never by `hidden` or `display: none`.
    assert!(input.class_list().contains("visually-hidden"));
    assert!(!input_html.hidden());
    handle.destroy();
    root.remove();
}

/// Mounts the app against `server_with_formats` and waits for its catalog.
async fn mount_app() -> (Rc<ScriptedServer>, web_sys::Element, yew::AppHandle<App>) {
    clear_csrf_cookie();
    // Files up to 16 bytes: a bigger one is refused before any request.
    let server = server_with_formats(Duration::ZERO, 16);
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
    (server, root, app)
}

#[wasm_bindgen_test]
async fn a_refused_file_says_why_and_sends_nothing() {
    let (server, root, app) = mount_app().await;
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
        drop_file(&root, &file(name, content));
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

#[wasm_bindgen_test]
async fn a_refused_second_file_keeps_the_first() {
    let (server, root, app) = mount_app().await;
    drop_file(&root, &file("photo.png", "png"));
    wait_for_state(&root, "chosen").await;

    drop_file(&root, &file("setup.exe", "MZ"));
    settle().await;
    let rejection = text_of(&root, "[data-testid=file-rejection]");
    assert!(rejection.contains("Accepted types"), "{rejection}");
    assert_eq!(panel_state(&root), "chosen", "the first file's job stays");
    let name = text_of(&root, "[data-testid=file-name]");
    assert_eq!(name, "photo.png", "the first file is still held");
    assert!(query(&root, "[data-testid=convert]").is_some());

    // An accepted file then replaces it, and the refusal goes.
    drop_file(&root, &file("other.png", "png"));
    settle().await;
    assert_eq!(text_of(&root, "[data-testid=file-name]"), "other.png");
    assert!(query(&root, "[data-testid=file-rejection]").is_none());
    assert_eq!(server.count("/upload"), 0, "nothing was sent");
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn choosing_a_file_by_keyboard_keeps_focus_in_the_panel() {
    let (_server, root, app) = mount_app().await;
    // The keyboard is on the input; the person opens the picker there and picks a file.
    let input: web_sys::HtmlElement = find(&root, "[data-testid=file-input]").unchecked_into();
    input.focus().expect("focused");
    pick_file(&root, &file("photo.png", "png"));
    wait_for_state(&root, "chosen").await;
    settle().await;

    let document = gloo::utils::document();
    let active = document.active_element().expect("something has focus");
    let panel = find(&root, "[data-testid=conversion-panel]");
    assert!(
        panel.contains(Some(&active)),
        "focus fell out of the panel to {}",
        active.outer_html()
    );

    // Convert goes with its step (here the upload fails): focus follows to the next heading.
    let convert: web_sys::HtmlElement = find(&root, "[data-testid=convert]").unchecked_into();
    convert.focus().expect("focused");
    convert.click();
    wait_for_state(&root, "failed").await;
    settle().await;
    let active = document.active_element().expect("something has focus");
    assert_eq!(
        active.text_content().as_deref(),
        Some("The conversion did not work"),
        "focus is on {}",
        active.outer_html()
    );
    app.destroy();
    root.remove();
}
