//! A banner while the browser is offline: conversions need the network.

use yew::prelude::*;

use crate::conversion::use_online;

#[component]
pub fn OfflineBanner() -> Html {
    if use_online() {
        return html! {};
    }
    html! {
        <div class="offline-banner" role="status" data-testid="offline-banner">
            { "You are offline. Uploads, conversions and downloads will work again when you reconnect." }
        </div>
    }
}
