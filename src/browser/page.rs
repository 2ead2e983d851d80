//! The page as a document: its language, title and description, its address (History API), the
//! browser's preferred languages, and the one thing the app keeps in `localStorage`.

use std::time::Duration;

use gloo::events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::abort::AbortOnDrop;

/// The `localStorage` key of the language a person chose (a language code, never a token).
pub const CHOSEN_LANGUAGE_KEY: &str = "trustyconvert:language";

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Sets `<html lang>`, `document.title` and the meta description together.
pub fn set_language(lang: &str, title: &str, description: &str) {
    let Some(document) = document() else { return };
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("lang", lang);
    }
    document.set_title(title);
    if let Ok(Some(meta)) = document.query_selector("meta[name=description]") {
        let _ = meta.set_attribute("content", description);
    }
}

/// The text of the element `id` (a data block the build wrote into the page).
pub fn element_text(id: &str) -> Option<String> {
    super::dom::element_by_id(id)?.text_content()
}

/// The HTML of another page of this site (another language's), as the browser caches pages.
/// Gives up after `timeout` (the request is aborted).
pub async fn fetch_page(path: &str, timeout: Duration) -> Result<String, String> {
    let controller =
        web_sys::AbortController::new().map_err(|_| format!("{path}: no AbortController"))?;
    let mut abort = {
        let controller = controller.clone();
        AbortOnDrop::new(move || controller.abort())
    };
    let signal = controller.signal();
    let read = read_page(path, &signal);
    futures::pin_mut!(read);
    let deadline = gloo::timers::future::sleep(timeout);
    futures::pin_mut!(deadline);
    match futures::future::select(read, deadline).await {
        futures::future::Either::Left((outcome, _)) => {
            abort.finished();
            outcome
        }
        // Dropping `abort` aborts the request.
        futures::future::Either::Right(_) => Err(format!("{path} took too long")),
    }
}

async fn read_page(path: &str, signal: &web_sys::AbortSignal) -> Result<String, String> {
    let unreadable = || format!("{path} could not be read");
    let window = web_sys::window().ok_or_else(unreadable)?;
    let init = web_sys::RequestInit::new();
    init.set_signal(Some(signal));
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| unreadable())?
        .dyn_into()
        .map_err(|_| unreadable())?;
    if !response.ok() {
        return Err(format!("{path} answered {}", response.status()));
    }
    let text = response.text().map_err(|_| unreadable())?;
    JsFuture::from(text)
        .await
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(unreadable)
}

/// Goes to `path` the plain way: a page load.
pub fn load(path: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(path);
    }
}

/// The path of the page's address (`/fr/`).
pub fn path() -> String {
    web_sys::window()
        .and_then(|window| window.location().pathname().ok())
        .unwrap_or_default()
}

/// Moves the address to `path`, keeping the query and fragment, as a new history entry
/// (`push`) or in place of the current one.
pub fn go_to(path: &str, push: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let url = format!(
        "{path}{}{}",
        location.search().unwrap_or_default(),
        location.hash().unwrap_or_default()
    );
    let Ok(history) = window.history() else {
        return;
    };
    let result = if push {
        history.push_state_with_url(&JsValue::NULL, "", Some(&url))
    } else {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
    };
    if result.is_err() {
        log::warn!("the address could not change to {path}");
    }
}

/// Calls `on_change(path)` when the person goes back or forward; lives as long as the guard.
pub fn on_history_change(mut on_change: impl FnMut(String) + 'static) -> Option<EventListener> {
    let window = web_sys::window()?;
    Some(EventListener::new(&window, "popstate", move |_| {
        on_change(path())
    }))
}

/// `navigator.languages`, most preferred first.
pub fn preferred_languages() -> Vec<String> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    window
        .navigator()
        .languages()
        .iter()
        .filter_map(|value| value.as_string())
        .collect()
}

fn storage() -> Option<web_sys::Storage> {
    // Storage can be refused (privacy settings): then nothing is remembered.
    web_sys::window()?.local_storage().ok()?
}

/// The language code a person chose before, if the browser kept it.
pub fn chosen_language() -> Option<String> {
    storage()?.get_item(CHOSEN_LANGUAGE_KEY).ok()?
}

pub fn remember_language(code: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(CHOSEN_LANGUAGE_KEY, code);
    }
}
