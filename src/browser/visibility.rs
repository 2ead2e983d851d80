//! Page visibility: is the page shown, and a listener for changes.

use gloo::events::EventListener;

/// Whether the page is visible now (a document that cannot tell counts as visible).
pub fn is_visible() -> bool {
    web_sys::window()
        .and_then(|window| window.document())
        .map(|document| document.visibility_state() == web_sys::VisibilityState::Visible)
        .unwrap_or(true)
}

/// Calls `on_change(visible)` on every `visibilitychange`; the listener lives as long as
/// the returned guard.
pub fn on_change(mut on_change: impl FnMut(bool) + 'static) -> Option<EventListener> {
    let document = web_sys::window()?.document()?;
    Some(EventListener::new(
        &document,
        "visibilitychange",
        move |_| on_change(is_visible()),
    ))
}
