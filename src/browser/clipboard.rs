//! Copying text to the clipboard (`navigator.clipboard`, present only on secure pages).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Writes `text` to the clipboard; false where the browser offers no clipboard or refuses.
pub async fn copy_text(text: &str) -> bool {
    let Some(navigator) = web_sys::window().map(|window| window.navigator()) else {
        return false;
    };
    // On plain-http pages `navigator.clipboard` is undefined; calling into it would throw.
    let Some(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
        .and_then(|value| value.dyn_into::<web_sys::Clipboard>().ok())
    else {
        return false;
    };
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}
