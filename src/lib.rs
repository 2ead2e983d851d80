//! TrustyConvert web: drop a file, pick a format, download the conversion.

pub mod api;
pub mod browser;
pub mod components;
pub mod config;
pub mod conversion;
pub mod session;
pub mod toast;

use components::app::App;

/// Installs the panic hook and logger from the page's configuration, then mounts the app.
pub fn start() {
    console_error_panic_hook::set_once();
    let config = config::AppConfig::from_document();
    // A second init (e.g. in tests) returns early inside wasm-logger; nothing to handle.
    wasm_logger::init(wasm_logger::Config::new(config.log_level));
    log::debug!("starting; api base {}", config.api_base);
    yew::Renderer::<App>::with_props(components::app::AppProps {
        config,
        transport: None,
    })
    .render();
}
