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

/// The page's URL (`location.href`), against which relative API URLs resolve.
pub fn page_url() -> String {
    web_sys::window()
        .and_then(|window| window.location().href().ok())
        .unwrap_or_default()
}

/// What the browser believes about connectivity (`navigator.onLine`).
pub fn is_online() -> bool {
    web_sys::window()
        .map(|window| window.navigator().on_line())
        .unwrap_or(true)
}

/// The page URL's query string (`location.search`, with its `?`).
pub fn query_string() -> String {
    web_sys::window()
        .and_then(|window| window.location().search().ok())
        .unwrap_or_default()
}
