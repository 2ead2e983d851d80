//! Starts a browser download without leaving the app: a hidden `<a download>` is clicked. Its
//! `target` is a hidden frame, so even where `download` is ignored (a cross-origin API) an error
//! page lands in that frame, never in place of the app.

use wasm_bindgen::JsCast;

const FRAME_NAME: &str = "trustyconvert-download-frame";

/// Starts downloading `url`; false when the document is not available.
pub fn start(url: &str) -> bool {
    click_link(url, "", Some(FRAME_NAME))
}

/// Saves a `Blob` made of `parts` (browser arrays, never copied into wasm memory) as `name`;
/// false when the browser could not make it.
pub fn save_parts(parts: &js_sys::Array, name: &str, mime: &str) -> bool {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(parts, &options) else {
        return false;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let saved = click_link(&url, name, None);
    // The click has handed the blob to the download; the URL can go once this task is over.
    let revoke = url.clone();
    wasm_bindgen_futures::spawn_local(async move {
        gloo::timers::future::sleep(std::time::Duration::from_secs(60)).await;
        let _ = web_sys::Url::revoke_object_url(&revoke);
    });
    saved
}

/// Clicks a hidden `<a download>` to `url`, named `name` (empty: as the server names it), in
/// `frame` when given (made on first use).
fn click_link(url: &str, name: &str, frame: Option<&str>) -> bool {
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
    anchor.set_download(name);
    if let Some(frame) = frame {
        ensure_frame(&document, &body);
        anchor.set_target(frame);
    }
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
