//! The page header: the product name, the language menu and the session indicator.

use yew::prelude::*;

use super::language_menu::LanguageMenu;
use super::session_bar::SessionBar;
use crate::language::use_texts;

#[component]
pub fn Header() -> Html {
    let t = use_texts();
    html! {
        <header class="header">
            <a class="brand" href={t.home_path()} aria-label={t.header.home}>
                <svg class="brand-mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
                    <rect width="32" height="32" rx="7" fill="#329697" />
                    <path d="M9 12h11l-3-3M23 20H12l3 3" fill="none" stroke="#fff" stroke-width="2.6"
                        stroke-linecap="round" stroke-linejoin="round" />
                </svg>
                <span class="brand-name">{ "TrustyConvert" }</span>
            </a>
            <LanguageMenu />
            <SessionBar />
        </header>
    }
}
