//! The page header: the product name, the language menu and the session indicator; below it,
//! the suggestion of another language when there is one.

use yew::prelude::*;

use super::language_menu::{language_menu, language_suggestion};
use super::session_bar::SessionBar;
use crate::language::LanguageContext;

/// A plain function: the header has no state of its own (the language's is the App's, the
/// session bar has its own).
pub fn header(language: &LanguageContext) -> Html {
    let t = language.current.0;
    html! {
        <>
            <header class="header">
                <a class="brand" href={t.info.home} aria-label={t.header.home}>
                    <svg class="brand-mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
                        <rect width="32" height="32" rx="7" fill="#329697" />
                        <path d="M9 12h11l-3-3M23 20H12l3 3" fill="none" stroke="#fff" stroke-width="2.6"
                            stroke-linecap="round" stroke-linejoin="round" />
                    </svg>
                    <span class="brand-name">{ "TrustyConvert" }</span>
                </a>
                { language_menu(language) }
                <SessionBar language={language.current} />
            </header>
            { language_suggestion(language) }
        </>
    }
}
