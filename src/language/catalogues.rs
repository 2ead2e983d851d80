//! Where the app's texts come from: the page's own language is in the page (the build writes
//! it there, so hydration needs no request); another language is read from its page when the
//! person switches to it, once per visit.

use std::cell::RefCell;
use std::time::Duration;

use trustyconvert_core::i18n::{self, Catalogue, LanguageInfo};

use crate::browser::{json, page};

/// How long a switch waits for the other language's page before a plain page load.
const PAGE_TIMEOUT: Duration = Duration::from_secs(8);

thread_local! {
    /// The catalogues read so far (each kept for the page's life).
    static READ: RefCell<Vec<&'static Catalogue>> = const { RefCell::new(Vec::new()) };
}

/// Keeps `catalogue` for later switches; tests hand theirs in this way.
pub fn keep(catalogue: &'static Catalogue) {
    READ.with(|read| {
        let mut read = read.borrow_mut();
        if !read.iter().any(|kept| kept.info == catalogue.info) {
            read.push(catalogue);
        }
    });
}

/// The catalogue of `language` if it was read before.
pub fn kept(language: &LanguageInfo) -> Option<&'static Catalogue> {
    READ.with(|read| {
        read.borrow()
            .iter()
            .copied()
            .find(|kept| kept.info == language)
    })
}

/// Reads `{"code": "fr", "texts": [...]}` (see `Catalogue::to_page_json`) with the browser's
/// own JSON parser, and keeps the catalogue.
fn parse(json: &str) -> Result<&'static Catalogue, String> {
    let value = json::parse(json.as_bytes()).ok_or("the texts are not JSON")?;
    let catalogue: &'static Catalogue = Box::leak(Box::new(Catalogue::from_page_value(&value)?));
    keep(catalogue);
    Ok(catalogue)
}

/// The texts the page carries, in its language.
pub fn of_this_page() -> Result<&'static Catalogue, String> {
    let json = page::element_text(i18n::PAGE_TEXTS_ID)
        .ok_or("the page carries no texts (it was not prerendered)")?;
    parse(&json)
}

/// The texts of `language`: kept, or read from its page.
pub async fn load(language: &'static LanguageInfo) -> Result<&'static Catalogue, String> {
    if let Some(catalogue) = kept(language) {
        return Ok(catalogue);
    }
    let html = page::fetch_page(language.home, PAGE_TIMEOUT).await?;
    let json = i18n::texts_in_page(&html)
        .ok_or_else(|| format!("the {} page carries no texts", language.code))?;
    let catalogue = parse(json)?;
    // A host may answer with another page (its SPA fallback, an old deploy).
    if catalogue.info != language {
        return Err(format!(
            "{} answered in {}",
            language.home, catalogue.info.code
        ));
    }
    Ok(catalogue)
}
