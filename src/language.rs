//! The language the app speaks, as a context every component reads its texts from. The first
//! render speaks the language of the page being hydrated (`<html lang>`, written by the build),
//! so hydration never mismatches; the browser-only parts (the address, the remembered choice,
//! the suggestion for another language) run in effects afterwards.

use std::ptr;

use trustyconvert_core::i18n::{self, Catalogue};
use yew::prelude::*;

use crate::browser::page;

/// One of the catalogues, compared by identity.
#[derive(Clone, Copy, Debug)]
pub struct Language(pub &'static Catalogue);

impl PartialEq for Language {
    fn eq(&self, other: &Self) -> bool {
        ptr::eq(self.0, other.0)
    }
}

impl Default for Language {
    fn default() -> Self {
        Language(i18n::default_language())
    }
}

/// What components see: the texts of the current language, and how to change it.
#[derive(Clone, PartialEq)]
pub struct LanguageContext {
    pub current: Language,
    /// Switches in place: the address, the document and the whole UI follow; remembered.
    pub choose: Callback<Language>,
}

/// The current language's texts (English outside a provider, e.g. a lone component in a test).
#[hook]
pub fn use_texts() -> &'static Catalogue {
    use_context::<LanguageContext>().map_or_else(i18n::default_language, |context| context.current.0)
}

#[hook]
pub fn use_language() -> Option<LanguageContext> {
    use_context::<LanguageContext>()
}

#[derive(Properties, PartialEq)]
pub struct LanguageProviderProps {
    /// The page's language: what the first render speaks.
    pub language: Language,
    pub children: Html,
}

#[component]
pub fn LanguageProvider(props: &LanguageProviderProps) -> Html {
    let current = use_state_eq(|| props.language);
    {
        // The document follows the language (a no-op on the first render: the page already
        // says it).
        use_effect_with(*current, |language| {
            let texts = language.0;
            page::set_language(texts.html_lang, texts.page.title, texts.page.description);
        });
    }
    {
        // Back and forward between language pages stay in place, like the switch itself.
        let current = current.clone();
        use_effect_with((), move |()| {
            let listener = {
                let current = current.clone();
                page::on_history_change(move |path| {
                    current.set(Language(i18n::for_path(&path)));
                })
            };
            // A choice made on an earlier visit wins on the default page (`/`), without a new
            // history entry; the other pages are a choice already (a link, a bookmark).
            if i18n::is_default_page(&page::path()) {
                let remembered = page::chosen_language().as_deref().and_then(i18n::by_code);
                if let Some(language) = remembered.filter(|l| !ptr::eq(*l, i18n::default_language())) {
                    page::go_to(&language.home_path(), false);
                    current.set(Language(language));
                }
            }
            move || drop(listener)
        });
    }
    let choose = {
        let current = current.clone();
        Callback::from(move |language: Language| {
            page::remember_language(language.0.code);
            if *current != language {
                page::go_to(&language.0.home_path(), true);
                current.set(language);
            }
        })
    };
    let context = LanguageContext {
        current: *current,
        choose,
    };
    html! {
        <ContextProvider<LanguageContext> {context}>
            { props.children.clone() }
        </ContextProvider<LanguageContext>>
    }
}
