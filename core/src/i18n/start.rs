//! What the app does about its language once it runs on a page: the rules, apart from the
//! browser reads that feed them.

use super::{by_code, for_path, is_default_page, preferred, LanguageInfo};

/// How a switch of language changes the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressChange {
    /// A new history entry: the person chose.
    Push,
    /// The current entry replaced: a remembered choice applied.
    Replace,
    /// None: the address already names the language (back/forward, a deep link).
    Keep,
}

/// The outcome of [`on_start`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnStart {
    Stay,
    Switch(&'static LanguageInfo, AddressChange),
    /// Offer this language in a one-line suggestion, without leaving the page.
    Suggest(&'static LanguageInfo),
}

/// On the page of `page_language` at `path`, with the choice the browser remembered (a language
/// code) and its preferred languages (`navigator.languages`, best first).
pub fn on_start(
    path: &str,
    page_language: &'static LanguageInfo,
    remembered: Option<&str>,
    browser_languages: &[String],
) -> OnStart {
    let named = for_path(path);
    if !named.is_default() && named != page_language {
        // A host answered a language's deep link with the default page (a CDN's SPA
        // fallback): the address decides.
        return OnStart::Switch(named, AddressChange::Keep);
    }
    // Only the default page (`/`) may lead elsewhere: the other pages are a choice already (a
    // link, a bookmark).
    if !page_language.is_default() || !is_default_page(path) {
        return OnStart::Stay;
    }
    match remembered.and_then(by_code) {
        Some(choice) if choice != page_language => OnStart::Switch(choice, AddressChange::Replace),
        Some(_) => OnStart::Stay,
        None => match preferred(browser_languages.iter().map(String::as_str)) {
            Some(language) if language != page_language => OnStart::Suggest(language),
            _ => OnStart::Stay,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(code: &str) -> &'static LanguageInfo {
        by_code(code).expect("a language")
    }

    fn browser(languages: &[&str]) -> Vec<String> {
        languages.iter().map(|l| (*l).to_owned()).collect()
    }

    #[test]
    fn the_default_page_applies_a_remembered_choice_in_place() {
        let (en, fr) = (info("en"), info("fr"));
        assert_eq!(
            on_start("/", en, Some("fr"), &browser(&["de"])),
            OnStart::Switch(fr, AddressChange::Replace)
        );
        assert_eq!(
            on_start("/index.html", en, Some("en"), &browser(&["de"])),
            OnStart::Stay
        );
    }

    #[test]
    fn without_a_choice_the_default_page_suggests_the_browsers_language() {
        let en = info("en");
        assert_eq!(
            on_start("/", en, None, &browser(&["pt-BR", "es-ES", "fr"])),
            OnStart::Suggest(info("es"))
        );
        assert_eq!(
            on_start("/", en, None, &browser(&["en-US", "es"])),
            OnStart::Stay
        );
        assert_eq!(
            on_start("/", en, None, &browser(&["pt", "ja"])),
            OnStart::Stay
        );
        // A stored value the app does not know is no choice.
        assert_eq!(
            on_start("/", en, Some("xx"), &browser(&["de"])),
            OnStart::Suggest(info("de"))
        );
    }

    #[test]
    fn other_pages_are_a_choice_already() {
        let de = info("de");
        assert_eq!(
            on_start("/de/", de, Some("fr"), &browser(&["es"])),
            OnStart::Stay
        );
        // A page of the default language elsewhere than `/` (a route) suggests nothing.
        assert_eq!(
            on_start("/convert", info("en"), None, &browser(&["es"])),
            OnStart::Stay
        );
    }

    #[test]
    fn a_deep_link_answered_with_the_default_page_follows_the_address() {
        assert_eq!(
            on_start("/zh/some/route", info("en"), Some("fr"), &browser(&["es"])),
            OnStart::Switch(info("zh"), AddressChange::Keep)
        );
    }
}
