//! Document lookups the app needs at start-up.

use wasm_bindgen::JsCast;

/// The `content` of `<meta name="{name}">`, if the tag exists.
pub fn meta_content(name: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let selector = format!("meta[name=\"{name}\"]");
    let element = document.query_selector(&selector).ok()??;
    let meta = element.dyn_into::<web_sys::HtmlMetaElement>().ok()?;
    Some(meta.content())
}
