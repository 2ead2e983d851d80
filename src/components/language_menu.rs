//! Choosing a language: the header's menu of real links (they work before the app runs and for
//! crawlers), which switch in place once it runs; and, on the default page, a one-line
//! suggestion of the language the browser prefers.

use trustyconvert_core::i18n;
use yew::prelude::*;

use crate::browser::page;
use crate::language::{use_language, use_texts, Language};

/// A click the app handles itself: a plain left click (a modified one opens a tab, as links do).
fn switches_in_place(event: &MouseEvent) -> bool {
    event.button() == 0
        && !(event.ctrl_key() || event.meta_key() || event.shift_key() || event.alt_key())
}

#[component]
pub fn LanguageMenu() -> Html {
    let t = use_texts();
    let context = use_language();
    let links = i18n::LANGUAGES.iter().copied().map(|language| {
        let current = std::ptr::eq(language, t);
        let onclick = context.clone().map(|context| {
            Callback::from(move |event: MouseEvent| {
                if switches_in_place(&event) {
                    event.prevent_default();
                    context.choose.emit(Language(language));
                }
            })
        });
        html! {
            <li>
                <a href={language.home_path()} hreflang={language.html_lang} lang={language.html_lang}
                    aria-current={current.then_some("page")} {onclick}
                    data-testid={format!("language-{}", language.code)}>{ language.name }</a>
            </li>
        }
    });
    html! {
        <nav class="language-menu" aria-label={t.header.languages} data-testid="language-menu">
            <ul>{ for links }</ul>
        </nav>
    }
}

/// On the default page, for a browser that prefers another language the app speaks and a
/// person who has not chosen: "Ver en español", in that language, until followed or dismissed.
#[component]
pub fn LanguageSuggestion() -> Html {
    let t = use_texts();
    let context = use_language();
    let suggested = use_state_eq(|| None::<Language>);
    {
        // Browser reads in an effect: the first render is the prerendered one.
        let suggested = suggested.clone();
        use_effect_with(Language(t), move |current| {
            let offer = (i18n::is_default_page(&page::path())
                && std::ptr::eq(current.0, i18n::default_language())
                && page::chosen_language().is_none())
            .then(|| i18n::preferred(page::preferred_languages().iter().map(String::as_str)))
            .flatten()
            .filter(|language| !std::ptr::eq(*language, i18n::default_language()));
            suggested.set(offer.map(Language));
        });
    }
    let Some(Language(offered)) = *suggested else {
        return html! {};
    };
    let follow = {
        let (context, suggested) = (context.clone(), suggested.clone());
        Callback::from(move |event: MouseEvent| {
            if let Some(context) = context.as_ref().filter(|_| switches_in_place(&event)) {
                event.prevent_default();
                suggested.set(None);
                context.choose.emit(Language(offered));
            }
        })
    };
    let dismiss = {
        let suggested = suggested.clone();
        Callback::from(move |_: MouseEvent| {
            // Dismissing is a choice too: the page's language, not to be offered again.
            page::remember_language(t.code);
            suggested.set(None);
        })
    };
    html! {
        <aside class="language-suggestion" lang={offered.html_lang} data-testid="language-suggestion">
            <a href={offered.home_path()} hreflang={offered.html_lang} onclick={follow}>{ offered.suggestion }</a>
            <button type="button" class="suggestion-dismiss" onclick={dismiss}
                aria-label={offered.header.dismiss_suggestion} data-testid="language-suggestion-dismiss">{ "×" }</button>
        </aside>
    }
}
