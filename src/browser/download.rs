//! Starts a browser download without leaving the app: a hidden `<a download>` is clicked. Its
//! `target` is a hidden frame, so even where `download` is ignored (a cross-origin API) an error
//! page lands in that frame, never in place of the app. Each file has its own frame: a frame
//! sent to a second download before the first one's answer came would cancel the first.

use wasm_bindgen::JsCast;

const FRAME_NAME: &str = "trustyconvert-download-frame";

/// Starts downloading `url` in the frame of file `file`; false when the document is not
/// available.
pub fn start(url: &str, file: u64) -> bool {
    click_link(url, &format!("{FRAME_NAME}-{file}"))
}

/// Clicks a hidden `<a download>` to `url` (named as the server names it) in `frame` (made on
/// first use).
fn click_link(url: &str, frame: &str) -> bool {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return false;
    };
    let Some(body) = document.body() else {
        return false;
    };
    let Some(anchor) = document
        .create_element("a")
        .ok()
        .and_then(|element| element.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return false;
    };
    anchor.set_href(url);
    anchor.set_download("");
    ensure_frame(&document, &body, frame);
    anchor.set_target(frame);
    anchor.set_rel("noopener");
    anchor.set_hidden(true);
    if body.append_child(&anchor).is_err() {
        return false;
    }
    anchor.click();
    anchor.remove();
    true
}

fn ensure_frame(document: &web_sys::Document, body: &web_sys::HtmlElement, name: &str) {
    if document.get_elements_by_name(name).length() > 0 {
        return;
    }
    if let Some(frame) = document
        .create_element("iframe")
        .ok()
        .and_then(|element| element.dyn_into::<web_sys::HtmlIFrameElement>().ok())
    {
        frame.set_name(name);
        frame.set_title("Downloads");
        frame.set_hidden(true);
        frame.set_tab_index(-1);
        // Appending can only fail without a body; the anchor then still downloads same-origin.
        let _ = body.append_child(&frame);
    }
}
