//! The language the app speaks, owned by the App and handed to each component as a prop. The first
//! render speaks the language of the page being hydrated (its texts are in the page), so
//! hydration never mismatches; the browser-only parts (the address, the remembered choice, the
//! suggestion of another language) run in effects afterwards.

pub mod catalogues;

use trustyconvert_core::i18n::{self, Catalogue, LanguageInfo};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::browser::page;

/// A catalogue, compared by its language.
#[derive(Clone, Copy, Debug)]
pub struct Language(pub &'static Catalogue);

impl PartialEq for Language {
    fn eq(&self, other: &Self) -> bool {
        self.0.info == other.0.info
    }
}

/// The language state the App hands down: the current language's texts (as each component's
/// `language` prop), and how to change them (for the menu).
#[derive(Clone, PartialEq)]
pub struct LanguageContext {
    pub current: Language,
    /// Switches in place: the address, the document and the whole UI follow; remembered.
    pub choose: Callback<&'static LanguageInfo>,
    /// Another language the browser prefers, offered on the default page until answered.
    pub suggested: Option<&'static LanguageInfo>,
    pub dismiss_suggestion: Callback<()>,
}

/// How a switch changes the address: a new history entry (a choice), the current entry
/// replaced (a remembered choice applied), or none (back/forward already moved it).
#[derive(Clone, Copy, PartialEq)]
enum Address {
    Push,
    Replace,
    Keep,
}

/// The language state of the app, starting in `initial` (the page's): owned by the App, handed
/// down as a [`LanguageContext`].
#[hook]
pub fn use_language_state(initial: Language) -> LanguageContext {
    let current = use_state_eq(|| {
        catalogues::keep(initial.0);
        initial
    });
    let suggested = use_state_eq(|| None::<&'static LanguageInfo>);
    // The language asked for last: a slower answer for an earlier choice must not win.
    let wanted = use_mut_ref(|| initial.0.info);

    let switch = {
        let (current, wanted) = (current.clone(), wanted.clone());
        Callback::from(
            move |(language, address): (&'static LanguageInfo, Address)| {
                *wanted.borrow_mut() = language;
                let (current, wanted) = (current.clone(), wanted.clone());
                spawn_local(async move {
                    match catalogues::load(language).await {
                        Ok(catalogue) if *wanted.borrow() == language => {
                            match address {
                                Address::Push => page::go_to(language.home, true),
                                Address::Replace => page::go_to(language.home, false),
                                Address::Keep => {}
                            }
                            current.set(Language(catalogue));
                        }
                        Ok(_) => {}
                        Err(error) => {
                            log::warn!("language {}: {error}", language.code);
                            // The link still works the plain way (a page load).
                            if address == Address::Push {
                                page::load(language.home);
                            }
                        }
                    }
                });
            },
        )
    };

    {
        // The document follows the language (a no-op on the first render: the page says it).
        use_effect_with(*current, |language| {
            let t = language.0;
            page::set_language(t.info.html_lang, t.page.title, t.page.description);
        });
    }
    {
        let (switch, suggested) = (switch.clone(), suggested.clone());
        let page_language = initial.0.info;
        use_effect_with((), move |()| {
            let listener = {
                let switch = switch.clone();
                page::on_history_change(move |path| {
                    switch.emit((i18n::for_path(&path), Address::Keep));
                })
            };
            let path = page::path();
            let named = i18n::for_path(&path);
            let remembered = page::chosen_language().as_deref().and_then(i18n::by_code);
            if !named.is_default() && named != page_language {
                // A host answered a language's deep link with the default page (a CDN's SPA
                // fallback): the address decides.
                switch.emit((named, Address::Keep));
            } else if page_language.is_default() && i18n::is_default_page(&path) {
                match remembered {
                    // A choice from an earlier visit wins on `/`, without a new history entry;
                    // the other pages are a choice already (a link, a bookmark).
                    Some(choice) if choice != page_language => {
                        switch.emit((choice, Address::Replace));
                    }
                    Some(_) => {}
                    None => {
                        let languages = page::preferred_languages();
                        let preference = i18n::preferred(languages.iter().map(String::as_str));
                        suggested.set(preference.filter(|language| *language != page_language));
                    }
                }
            }
            move || drop(listener)
        });
    }

    let choose = {
        let (switch, suggested) = (switch.clone(), suggested.clone());
        Callback::from(move |language: &'static LanguageInfo| {
            page::remember_language(language.code);
            suggested.set(None);
            switch.emit((language, Address::Push));
        })
    };
    let dismiss_suggestion = {
        let (current, suggested) = (current.clone(), suggested.clone());
        Callback::from(move |()| {
            // Dismissing is a choice too: this page's language, not offered again.
            page::remember_language(current.0.info.code);
            suggested.set(None);
        })
    };
    LanguageContext {
        current: *current,
        choose,
        suggested: *suggested,
        dismiss_suggestion,
    }
}
