//! One page per language from the page Trunk built (English, minified): its `lang`, title,
//! description and the texts the page shows without the app (could not start, Reload, needs
//! JavaScript) in the language, `hreflang` alternates to every language's page, and the
//! language's texts for the app (it reads them from the page, not from its wasm).

use trustyconvert_core::i18n::{self, Catalogue};

/// Where `language`'s page goes in dist/: `index.html` for the default, `fr/index.html` …
pub fn page_path(language: &Catalogue) -> String {
    format!("{}index.html", language.info.home.trim_start_matches('/'))
}

/// `template` (the default language's page) in `language`. Every English text must be found
/// exactly once: a template that drifted from the catalogue is a build error, not a page that
/// is half translated.
pub fn localize(template: &str, language: &Catalogue) -> Result<String, String> {
    let english = i18n::default_language();
    let mut page = replace_lang(template, english.info.html_lang, language.info.html_lang)?;
    for (what, from, to) in [
        ("title", english.page.title, language.page.title),
        (
            "description",
            english.page.description,
            language.page.description,
        ),
        (
            "could-not-start text",
            english.page.could_not_start,
            language.page.could_not_start,
        ),
        ("reload button", english.page.reload, language.page.reload),
        (
            "no-script text",
            english.page.needs_javascript,
            language.page.needs_javascript,
        ),
    ] {
        page = replace_once(&page, what, &escape(from), &escape(to))?;
    }
    insert_before_head_end(
        &page,
        &format!(
            "{}{}",
            trustyconvert_hosting::language_alternates(""),
            i18n::page_texts_element(language)
        ),
    )
}

fn replace_lang(page: &str, from: &str, to: &str) -> Result<String, String> {
    let spellings = [
        format!("<html lang={from}>"),
        format!("<html lang=\"{from}\">"),
    ];
    let found = spellings
        .iter()
        .find(|tag| page.contains(tag.as_str()))
        .ok_or_else(|| format!("the page has no <html lang=\"{from}\">"))?;
    Ok(page.replacen(found.as_str(), &format!("<html lang=\"{to}\">"), 1))
}

fn replace_once(page: &str, what: &str, from: &str, to: &str) -> Result<String, String> {
    match page.matches(from).count() {
        1 => Ok(page.replacen(from, to, 1)),
        0 => Err(format!(
            "the page's {what} is not the catalogue's English text {from:?}: index.html and the \
             catalogue (core/src/i18n/en.rs) must say the same"
        )),
        count => Err(format!("the page's {what} {from:?} appears {count} times")),
    }
}

fn insert_before_head_end(page: &str, markup: &str) -> Result<String, String> {
    let end = page
        .find("</head>")
        .ok_or("the page has no </head> to put the language alternates before")?;
    Ok(format!("{}{markup}{}", &page[..end], &page[end..]))
}

/// Text for HTML content and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = concat!(
        "<!doctype html><html lang=en><title>TrustyConvert: convert files, no account</title>",
        "<meta content=\"Convert images, documents and spreadsheets in your browser. No account needed.\" name=description>",
        "</head><body><p>TrustyConvert could not start. Check your connection and reload the page.</p>",
        "<button>Reload</button><noscript><p>Converting needs JavaScript and WebAssembly: please turn them on.</p></noscript>",
        "<div id=app></div>"
    );

    #[test]
    fn every_language_gets_its_texts_and_the_alternates() {
        for language in i18n::LANGUAGES {
            let page = localize(TEMPLATE, language).expect("localizes");
            assert!(
                page.contains(&format!("<html lang=\"{}\">", language.info.html_lang)),
                "{page}"
            );
            let texts = i18n::texts_in_page(&page).expect("the page carries its texts");
            assert_eq!(texts, language.to_page_json());
            assert!(page.contains(&escape(language.page.title)), "{page}");
            assert!(
                page.contains(&escape(language.page.could_not_start)),
                "{page}"
            );
            assert!(page.contains(&format!(">{}</button>", escape(language.page.reload))));
            assert!(page.contains(r#"hreflang="x-default" href="/""#), "{page}");
            for other in i18n::INFOS {
                assert!(page.contains(&format!(
                    r#"hreflang="{}" href="{}""#,
                    other.html_lang, other.home
                )));
            }
        }
    }

    #[test]
    fn a_template_that_drifted_from_the_catalogue_is_an_error() {
        let drifted = TEMPLATE.replace("Reload<", "Refresh<");
        let french = i18n::catalogue("fr").expect("French");
        let error = localize(&drifted, french).expect_err("the reload text is not found");
        assert!(error.contains("reload button"), "{error}");
    }

    #[test]
    fn pages_land_in_their_folders() {
        assert_eq!(page_path(i18n::default_language()), "index.html");
        assert_eq!(
            page_path(i18n::catalogue("zh").expect("Chinese")),
            "zh/index.html"
        );
    }
}
