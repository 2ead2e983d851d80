//! TrustyConvert web: drop a file, pick a format, download the conversion.

// The native build exists only to prerender the first view; error sizes are judged where the
// app runs, on wasm32's 32-bit pointers (there clippy's size lint holds).
#![cfg_attr(not(target_arch = "wasm32"), allow(clippy::result_large_err))]

pub mod api;
pub mod browser;
pub mod components;
pub mod config;
pub mod conversion;
pub mod first_view;
pub mod language;
pub mod queue;
pub mod session;
pub mod toast;
pub mod transport;

use components::app::App;

// Talc in place of std's dlmalloc: 2.8 KB less gzip wasm and faster. In the library, so the
// browser tests run on the allocator that ships.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Installs the panic hook and logger from the page's configuration, then takes over the
/// prerendered first view (hydration), or renders from nothing where the page holds none
/// (`trunk serve`, a page without the root).
pub fn start() {
    console_error_panic_hook::set_once();
    let config = config::AppConfig::from_document();
    // A second init (e.g. in tests) returns early inside wasm-logger; nothing to handle.
    wasm_logger::init(wasm_logger::Config::new(config.log_level));
    log::debug!("starting; api base {}", config.api_base);
    // The page's texts decide the first render's language, so hydration matches what the
    // build wrote.
    let texts = match language::catalogues::of_this_page() {
        Ok(texts) => texts,
        Err(error) => match development_texts() {
            Some(texts) => texts,
            None => {
                // Nothing to render without words: the page says so, in its own language.
                log::error!("cannot start: {error}");
                browser::dom::show_start_failure();
                return;
            }
        },
    };
    let props = first_view::props(config, language::Language(texts));
    match browser::dom::element_by_id(first_view::ROOT_ID) {
        Some(root) if root.has_child_nodes() => {
            log::debug!("hydrating the prerendered first view");
            yew::Renderer::<App>::with_root_and_props(root, props).hydrate();
        }
        Some(root) => {
            yew::Renderer::<App>::with_root_and_props(root, props).render();
        }
        None => {
            yew::Renderer::<App>::with_props(props).render();
        }
    }
}

/// `trunk serve` serves the page without the build's prerender, so without its texts: debug
/// builds fall back to the default language's, compiled in. Release builds carry no catalogue
/// (each page carries its own).
#[cfg(debug_assertions)]
fn development_texts() -> Option<&'static trustyconvert_core::i18n::Catalogue> {
    Some(trustyconvert_core::i18n::default_language())
}

#[cfg(not(debug_assertions))]
fn development_texts() -> Option<&'static trustyconvert_core::i18n::Catalogue> {
    None
}
