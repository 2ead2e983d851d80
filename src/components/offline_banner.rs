//! A banner while the browser is offline: conversions need the network. Its live region stays
//! in the page while online, so screen readers hear the banner when it appears.

use yew::prelude::*;

use crate::conversion::use_online;

#[component]
pub fn OfflineBanner() -> Html {
    let online = use_online();
    html! {
        <div class="offline-live" role="status">
            if !online {
                <div class="offline-banner" data-testid="offline-banner">
                    { "You are offline. Uploads, conversions and downloads will work again when you reconnect." }
                </div>
            }
        </div>
    }
}
