//! Document lookups (meta tags, elements, the URL, connectivity), performance marks and
//! keyboard focus.

use wasm_bindgen::JsCast;

/// The `content` of `<meta name="{name}">`, if the tag exists.
pub fn meta_content(name: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let selector = format!("meta[name=\"{name}\"]");
    let element = document.query_selector(&selector).ok()??;
    let meta = element.dyn_into::<web_sys::HtmlMetaElement>().ok()?;
    Some(meta.content())
}

/// The element with `id`, if the page has one.
pub fn element_by_id(id: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

/// Sets a User Timing mark (`performance.mark`), which benchmarks read from the page.
pub fn performance_mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        // A mark that cannot be set only costs a benchmark its figure.
        let _ = performance.mark(name);
    }
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

/// Moves keyboard focus to `element` (a heading needs `tabindex="-1"` to take it).
pub fn focus(element: &web_sys::Element) {
    if let Some(element) = element.dyn_ref::<web_sys::HtmlElement>() {
        // Focusing cannot fail in a way the person would notice more than the lost focus.
        let _ = element.focus();
    }
}

/// Whether focus is nowhere: no focused element, or the page's body (where the browser puts
/// focus when the focused element is removed).
pub fn focus_is_lost() -> bool {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return false;
    };
    match (document.active_element(), document.body()) {
        (None, _) => true,
        (Some(active), Some(body)) => active == *body.as_ref(),
        (Some(_), None) => false,
    }
}

/// Shows the page's own "could not start" box (its text is the page's language) and keeps the
/// boot script from hiding it when the loader reports the app started.
pub fn show_start_failure() {
    if let Some(box_) = element_by_id("boot-failed") {
        let _ = box_.set_attribute("data-app-failed", "");
        let _ = box_.remove_attribute("hidden");
    }
}

/// For one listener on a list instead of one per control: the `data-act` and `data-id` of the
/// control `event` came from (the control itself or an element inside it).
pub fn acted_on(event: &web_sys::Event) -> Option<(String, String)> {
    let control = event
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("[data-act]")
        .ok()??;
    Some((
        control.get_attribute("data-act")?,
        control.get_attribute("data-id")?,
    ))
}

/// The value of the `<select>` an event came from.
pub fn select_value(event: &web_sys::Event) -> Option<String> {
    Some(
        event
            .target()?
            .dyn_into::<web_sys::HtmlSelectElement>()
            .ok()?
            .value(),
    )
}
