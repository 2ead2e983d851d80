//! The page header: the product name and the session indicator.

use yew::prelude::*;

use super::session_bar::SessionBar;

/// A plain function: the header has no state of its own (the session bar has).
pub fn header() -> Html {
    html! {
        <header class="header">
            <a class="brand" href="/">
                <svg class="brand-mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
                    <rect width="32" height="32" rx="7" fill="#329697" />
                    <path d="M9 12h11l-3-3M23 20H12l3 3" fill="none" stroke="#fff" stroke-width="2.6"
                        stroke-linecap="round" stroke-linejoin="round" />
                </svg>
                <span class="brand-name">{ "TrustyConvert" }</span>
            </a>
            <SessionBar />
        </header>
    }
}
