//! The first view: what the build prerenders into `<div id="app">` (the `prerender` crate, Yew's
//! server renderer) and what the browser then hydrates. Both sides render `App` from
//! [`props`], so the markup matches node for node; what only the browser knows (the page's
//! meta tags, the URL, the session, connectivity) is applied by effects after hydration.

use crate::components::app::AppProps;
use crate::config::AppConfig;
use crate::language::Language;

/// The id of the element the app renders into, prerendered or not.
pub const ROOT_ID: &str = "app";

/// The performance mark the app sets once it has taken over the page (the first-load
/// benchmark reads it).
pub const HYDRATED_MARK: &str = "hydrated";

/// The props of the first render, on the build machine and in the browser alike: the browser
/// passes the language of the page it hydrates (its `<html lang>`), the build each page's own.
pub fn props(config: AppConfig, language: Language) -> AppProps {
    AppProps {
        config,
        language,
        transport: None,
    }
}
