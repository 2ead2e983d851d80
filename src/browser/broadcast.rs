//! A `BroadcastChannel` between the app's tabs on the same origin: one tab tells the others
//! that the session changed, without a request. Where the browser has none, tabs learn at
//! their next request instead.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// An open channel; listening stops and the channel closes when it is dropped.
pub struct TabChannel {
    channel: web_sys::BroadcastChannel,
    _on_message: Option<Closure<dyn FnMut(web_sys::MessageEvent)>>,
}

impl TabChannel {
    /// Opens `name`; `on_message` gets every string another tab posts.
    pub fn open(name: &str, mut on_message: impl FnMut(String) + 'static) -> Option<Self> {
        let channel = web_sys::BroadcastChannel::new(name).ok()?;
        let closure = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                if let Some(text) = event.data().as_string() {
                    on_message(text);
                }
            },
        );
        channel.set_onmessage(Some(closure.as_ref().unchecked_ref()));
        Some(Self {
            channel,
            _on_message: Some(closure),
        })
    }

    /// Tells every other tab; the sender does not receive its own message.
    pub fn post(&self, message: &str) {
        // A closed or failing channel only means the other tabs learn at their next request.
        let _ = self.channel.post_message(&message.into());
    }
}

impl Drop for TabChannel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
