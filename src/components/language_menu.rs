//! Choosing a language: the header's menu of real links (they work before the app runs and for
//! crawlers), which switch in place once it runs; and a one-line suggestion, in its own
//! language, of the language the browser prefers. Plain functions: each component type costs
//! the bundle its own mount, hydrate and update code.

use trustyconvert_core::i18n::{self, LanguageInfo};
use yew::prelude::*;

use crate::language::LanguageContext;

/// A plain left click the app handles itself (a modified one opens a tab, as links do).
fn switches_in_place(event: &MouseEvent) -> bool {
    event.button() == 0
        && !(event.ctrl_key() || event.meta_key() || event.shift_key() || event.alt_key())
}

fn on_follow(context: &LanguageContext, language: &'static LanguageInfo) -> Callback<MouseEvent> {
    let choose = context.choose.clone();
    Callback::from(move |event: MouseEvent| {
        if switches_in_place(&event) {
            event.prevent_default();
            choose.emit(language);
        }
    })
}

pub fn language_menu(context: &LanguageContext) -> Html {
    let t = context.current.0;
    let links = i18n::INFOS.iter().copied().map(|language| {
        let current = language == t.info;
        html! {
            <li>
                <a href={language.home} hreflang={language.html_lang} lang={language.html_lang}
                    aria-current={current.then_some("page")} onclick={on_follow(context, language)}>
                    { language.name }
                </a>
            </li>
        }
    });
    html! {
        <nav class="language-menu" aria-label={t.header.languages} data-testid="language-menu">
            <ul>{ for links }</ul>
        </nav>
    }
}

/// "Ver en español", in that language, while the context offers it.
pub fn language_suggestion(context: &LanguageContext) -> Html {
    let Some(offered) = context.suggested else {
        return html! {};
    };
    let dismiss = {
        let dismiss = context.dismiss_suggestion.clone();
        Callback::from(move |_: MouseEvent| dismiss.emit(()))
    };
    html! {
        <aside class="language-suggestion" lang={offered.html_lang} data-testid="language-suggestion">
            <a href={offered.home} hreflang={offered.html_lang} onclick={on_follow(context, offered)}>
                { offered.suggestion }
            </a>
            <button type="button" class="suggestion-dismiss" onclick={dismiss}
                aria-label={offered.dismiss_suggestion} data-testid="language-suggestion-dismiss">{ "×" }</button>
        </aside>
    }
}
