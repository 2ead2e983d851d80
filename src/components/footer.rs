//! The page footer.

use trustyconvert_core::i18n::Catalogue;
use yew::prelude::*;

/// A plain function: the footer has no state.
pub fn footer(t: &Catalogue) -> Html {
    html! {
        <footer class="footer">
            <p>{ t.page.footer }</p>
        </footer>
    }
}
