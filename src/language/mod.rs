//! The language the app speaks, owned by the App and handed to each component as a prop. The
//! first render speaks the language of the page being hydrated (its texts are in the page), so
//! hydration never mismatches; the browser-only parts (the address, the remembered choice, the
//! suggestion of another language) run in effects afterwards, by the core's rules.

pub mod catalogues;

use trustyconvert_core::i18n::{self, AddressChange, Catalogue, LanguageInfo, OnStart};
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

/// The language state of the app, starting in `initial` (the page's): owned by the App, handed
/// down as a [`LanguageContext`].
#[hook]
pub fn use_language_state(initial: Language) -> LanguageContext {
    let current = use_state_eq(|| {
        catalogues::keep(initial.0);
        initial
    });
    let suggested = use_state_eq(|| None::<&'static LanguageInfo>);
    // The language asked for last: the outcome of an earlier choice must not win.
    let wanted = use_mut_ref(|| initial.0.info);

    let switch = {
        let (current, wanted) = (current.clone(), wanted.clone());
        Callback::from(
            move |(language, address): (&'static LanguageInfo, AddressChange)| {
                *wanted.borrow_mut() = language;
                let (current, wanted) = (current.clone(), wanted.clone());
                spawn_local(async move {
                    let loaded = catalogues::load(language).await;
                    if *wanted.borrow() != language {
                        return;
                    }
                    match (loaded, address) {
                        (Ok(catalogue), _) => {
                            match address {
                                // The same address again (the current language chosen):
                                // no second history entry.
                                AddressChange::Push if page::path() == language.home => {}
                                AddressChange::Push => page::go_to(language.home, true),
                                AddressChange::Replace => page::go_to(language.home, false),
                                AddressChange::Keep => {}
                            }
                            current.set(Language(catalogue));
                        }
                        // A remembered choice that cannot be read: this page stays as it is.
                        (Err(error), AddressChange::Replace) => {
                            log::warn!("language {}: {error}", language.code);
                        }
                        // A link, or an address that names the language already: the plain
                        // way, a page load, so the address and the page agree.
                        (Err(error), AddressChange::Push | AddressChange::Keep) => {
                            log::warn!("language {}: {error}", language.code);
                            page::load(language.home);
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
                    switch.emit((i18n::for_path(&path), AddressChange::Keep));
                })
            };
            let remembered = page::chosen_language();
            let start = i18n::on_start(
                &page::path(),
                page_language,
                remembered.as_deref(),
                &page::preferred_languages(),
            );
            match start {
                OnStart::Switch(language, address) => switch.emit((language, address)),
                OnStart::Suggest(language) => suggested.set(Some(language)),
                OnStart::Stay => {}
            }
            move || drop(listener)
        });
    }

    let choose = {
        let (switch, suggested) = (switch.clone(), suggested.clone());
        Callback::from(move |language: &'static LanguageInfo| {
            page::remember_language(language.code);
            suggested.set(None);
            switch.emit((language, AddressChange::Push));
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
