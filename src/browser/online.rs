//! Connectivity as the browser reports it: `navigator.onLine` and the `online`/`offline` events.

use gloo::events::EventListener;

pub use super::dom::is_online;

/// Calls `on_change(online)` on every `online`/`offline` event of the window; the listeners live
/// as long as the returned guards.
pub fn on_change(on_change: impl Fn(bool) + 'static) -> Option<[EventListener; 2]> {
    let window = web_sys::window()?;
    let on_change = std::rc::Rc::new(on_change);
    let went_online = std::rc::Rc::clone(&on_change);
    Some([
        EventListener::new(&window, "online", move |_| went_online(true)),
        EventListener::new(&window, "offline", move |_| on_change(false)),
    ])
}
