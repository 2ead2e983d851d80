//! The page's cookies as one string (parsing is pure and lives in the core).

use wasm_bindgen::JsCast;

/// `document.cookie`, or empty when there is no document (or it is not an HTML document).
pub fn document_cookie() -> String {
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|document| document.cookie().ok())
        .unwrap_or_default()
}
