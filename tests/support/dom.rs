//! DOM helpers the component tests share: making files and the events a person's drag, drop,
//! key press or file choice send, finding elements, and waiting for the panel's state.

use wasm_bindgen::JsCast;

use super::settle;

/// A browser `File` named `name` holding `content`.
pub fn file(name: &str, content: &str) -> web_sys::File {
    let parts = js_sys::Array::of1(&content.into());
    web_sys::File::new_with_str_sequence(&parts, name).expect("a file")
}

/// A `DataTransfer` carrying `file`, as a drag from the desktop has.
pub fn transfer_of(file: &web_sys::File) -> web_sys::DataTransfer {
    transfer_of_all(std::slice::from_ref(file))
}

/// A `DataTransfer` holding `files`, in order, as several files dropped at once.
pub fn transfer_of_all(files: &[web_sys::File]) -> web_sys::DataTransfer {
    let transfer = web_sys::DataTransfer::new().expect("a DataTransfer");
    for file in files {
        transfer.items().add_with_file(file).expect("added");
    }
    transfer
}

/// A bubbling, cancelable drag event (`dragover`, `drop`…) carrying `transfer`.
pub fn drag_event(kind: &str, transfer: &web_sys::DataTransfer) -> web_sys::DragEvent {
    let init = web_sys::DragEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_data_transfer(Some(transfer));
    web_sys::DragEvent::new_with_event_init_dict(kind, &init).expect("a drag event")
}

/// Drops `file` on the drop zone under `root`.
pub fn drop_file(root: &web_sys::Element, file: &web_sys::File) {
    find(root, "[data-testid=dropzone]")
        .dispatch_event(&drag_event("drop", &transfer_of(file)))
        .expect("dropped");
}

/// Puts `file` in the file input under `root` and fires its `change`, as the picker does.
pub fn pick_file(root: &web_sys::Element, file: &web_sys::File) {
    let input: web_sys::HtmlInputElement = find(root, "[data-testid=file-input]").unchecked_into();
    input.set_files(transfer_of(file).files().as_ref());
    let change = web_sys::Event::new("change").expect("an event");
    input.dispatch_event(&change).expect("changed");
}

/// The first element matching `css` under `root`, if any.
pub fn query(root: &web_sys::Element, css: &str) -> Option<web_sys::Element> {
    root.query_selector(css).ok().flatten()
}

/// The first element matching `css` under `root`; panics with the markup when there is none.
pub fn find(root: &web_sys::Element, css: &str) -> web_sys::Element {
    query(root, css).unwrap_or_else(|| panic!("no {css} in {}", root.inner_html()))
}

/// Every element matching `css` under `root`.
pub fn all(root: &web_sys::Element, css: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(css).expect("a selector");
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
        .collect()
}

/// The text of the first element matching `css` (empty when there is none).
pub fn text_of(root: &web_sys::Element, css: &str) -> String {
    query(root, css)
        .and_then(|element| element.text_content())
        .unwrap_or_default()
}

/// Clicks the element matching `css`.
pub fn click(root: &web_sys::Element, css: &str) {
    find(root, css)
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
}

/// The conversion panel's `data-state` (idle, chosen, uploading, converting, completed, failed).
pub fn panel_state(root: &web_sys::Element) -> String {
    query(root, "[data-testid=conversion-panel]")
        .and_then(|panel| panel.get_attribute("data-state"))
        .unwrap_or_default()
}

/// Waits (up to ~9 s) until the panel is in `wanted`.
pub async fn wait_for_state(root: &web_sys::Element, wanted: &str) {
    for _ in 0..300 {
        if panel_state(root) == wanted {
            return;
        }
        settle().await;
    }
    panic!("never reached {wanted}: {}", root.inner_html());
}

/// Waits (up to ~9 s) until the text of `css` under `root` contains `wanted`.
pub async fn wait_for_text(root: &web_sys::Element, css: &str, wanted: &str) {
    for _ in 0..300 {
        if query(root, css).is_some_and(|element| {
            element
                .text_content()
                .is_some_and(|text| text.contains(wanted))
        }) {
            return;
        }
        settle().await;
    }
    panic!("{css} never said {wanted:?}: {}", root.inner_html());
}
