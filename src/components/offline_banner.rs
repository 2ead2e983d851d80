//! A banner while the browser is offline: conversions need the network. Its live region stays
//! in the page while online, so screen readers hear the banner when it appears.

use trustyconvert_core::i18n::Catalogue;
use yew::prelude::*;

/// A plain function, not a component: the shell passes `use_online()` in, and each component
/// type costs the bundle its own mount, hydrate and update code.
pub fn offline_banner(online: bool, t: &Catalogue) -> Html {
    html! {
        <div class="offline-live" role="status">
            if !online {
                <div class="offline-banner" data-testid="offline-banner">
                    { t.page.offline }
                </div>
            }
        </div>
    }
}
