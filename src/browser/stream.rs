//! Reading a response as it arrives: the body's chunks stay browser `Uint8Array`s, so a large
//! download never has to fit in wasm memory.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Fetches `url` (with the session cookie) and hands each chunk of the body to `on_chunk`, in
/// order; false when the request failed, the answer was not a 2xx, or the body broke off.
pub async fn read_chunks(url: &str, mut on_chunk: impl FnMut(js_sys::Uint8Array)) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let init = web_sys::RequestInit::new();
    init.set_credentials(web_sys::RequestCredentials::Include);
    let Ok(response) = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await else {
        return false;
    };
    let Ok(response) = response.dyn_into::<web_sys::Response>() else {
        return false;
    };
    if !response.ok() {
        return false;
    }
    let Some(reader) = response.body().and_then(|body| {
        body.get_reader()
            .dyn_into::<web_sys::ReadableStreamDefaultReader>()
            .ok()
    }) else {
        return false;
    };
    loop {
        let Ok(result) = JsFuture::from(reader.read()).await else {
            return false;
        };
        let done = js_sys::Reflect::get(&result, &"done".into())
            .ok()
            .and_then(|done| done.as_bool());
        match done {
            Some(true) => return true,
            Some(false) => {}
            None => return false,
        }
        match js_sys::Reflect::get(&result, &"value".into())
            .ok()
            .and_then(|value| value.dyn_into::<js_sys::Uint8Array>().ok())
        {
            Some(chunk) => on_chunk(chunk),
            None => return false,
        }
    }
}
