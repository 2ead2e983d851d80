//! The first view: what the build prerenders into `<div id="app">` (the `prerender` crate, Yew's
//! server renderer) and what the browser then hydrates. Both sides render `App` from
//! [`props`], so the markup matches node for node; what only the browser knows (the page's
//! meta tags, the URL, the session, connectivity) is applied by effects after hydration.

use crate::components::app::AppProps;
use crate::config::AppConfig;

/// The id of the element the app renders into, prerendered or not.
pub const ROOT_ID: &str = "app";

/// The performance mark the app sets once it has taken over the page (the first-load
/// benchmark reads it).
pub const HYDRATED_MARK: &str = "hydrated";

/// The props of the first render, on the build machine and in the browser alike.
pub fn props(config: AppConfig) -> AppProps {
    AppProps {
        config,
        transport: None,
    }
}
