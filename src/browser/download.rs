//! Starts a browser download without leaving the app: a hidden `<a download>` is clicked. Its
//! `target` is a hidden frame, so even where `download` is ignored (a cross-origin API) an error
//! page lands in that frame, never in place of the app.

use wasm_bindgen::JsCast;

const FRAME_NAME: &str = "trustyconvert-download-frame";

/// Starts downloading `url`; false when the document is not available.
pub fn start(url: &str) -> bool {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return false;
    };
    let Some(body) = document.body() else {
        return false;
    };
    ensure_frame(&document, &body);
    let Some(anchor) = document
        .create_element("a")
        .ok()
        .and_then(|element| element.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return false;
    };
    anchor.set_href(url);
    anchor.set_download("");
    anchor.set_target(FRAME_NAME);
    anchor.set_rel("noopener");
    anchor.set_hidden(true);
    if body.append_child(&anchor).is_err() {
        return false;
    }
    anchor.click();
    anchor.remove();
    true
}

fn ensure_frame(document: &web_sys::Document, body: &web_sys::HtmlElement) {
    if document.get_elements_by_name(FRAME_NAME).length() > 0 {
        return;
    }
    if let Some(frame) = document
        .create_element("iframe")
        .ok()
        .and_then(|element| element.dyn_into::<web_sys::HtmlIFrameElement>().ok())
    {
        frame.set_name(FRAME_NAME);
        frame.set_title("Downloads");
        frame.set_hidden(true);
        frame.set_tab_index(-1);
        // Appending can only fail without a body; the anchor then still downloads same-origin.
        let _ = body.append_child(&frame);
    }
}
