//! Every language complete and consistent with English, and numbers written its way.

use std::collections::BTreeSet;

use super::catalogue_texts::TEXT_COUNT;
use super::*;

#[test]
fn every_text_is_present_in_every_language() {
    for language in LANGUAGES {
        for (key, text) in language.texts() {
            assert!(
                !text.trim().is_empty(),
                "{key} is empty in {}",
                language.info.code
            );
        }
    }
}

#[test]
fn every_translation_has_the_placeholders_of_english() {
    let english = default_language().texts();
    for language in &LANGUAGES[1..] {
        for ((key, source), (_, translated)) in english.iter().zip(language.texts()) {
            assert_eq!(
                placeholders(source),
                placeholders(translated),
                "{key} in {} has other placeholders than in English",
                language.info.code
            );
        }
    }
}

#[test]
fn translations_are_translated() {
    // A text equal to English is fine for a code or a unit ("KB", "PDF"), not for a sentence.
    let english = default_language().texts();
    for language in &LANGUAGES[1..] {
        for ((key, source), (_, translated)) in english.iter().zip(language.texts()) {
            let sentence = source.split_whitespace().count() >= 3;
            assert!(
                !(sentence && *source == translated),
                "{key} in {} is still English: {translated}",
                language.info.code
            );
        }
    }
}

#[test]
fn codes_and_paths_are_unique_and_each_catalogue_has_its_info() {
    let codes: BTreeSet<&str> = INFOS.iter().map(|info| info.code).collect();
    assert_eq!(codes.len(), INFOS.len());
    assert_eq!(INFOS.len(), LANGUAGES.len());
    for (info, catalogue) in INFOS.iter().zip(LANGUAGES) {
        assert!(std::ptr::eq(*info, catalogue.info));
    }
    assert_eq!(default_info().home, "/");
    for info in &INFOS[1..] {
        assert_eq!(
            info.home,
            format!("/{}/", info.code),
            "a language's page is its folder"
        );
    }
    assert_eq!(by_code("fr").map(|info| info.home), Some("/fr/"));
}

#[test]
fn a_catalogue_survives_the_page_json_unchanged() {
    for language in LANGUAGES {
        assert_eq!(language.texts().len(), TEXT_COUNT);
        let json = language.to_page_json();
        assert!(!json.contains('<'), "safe in a script element");
        let read = Catalogue::from_page_json(&json).expect("reads back");
        assert_eq!(read.texts(), language.texts(), "{}", language.info.code);
        assert_eq!(read.info, language.info);
    }
    assert!(Catalogue::from_page_json(r#"{"code":"pt","texts":[]}"#).is_err());
    assert!(Catalogue::from_page_json(r#"{"code":"fr","texts":["too few"]}"#).is_err());
    assert!(Catalogue::from_page_json("not json").is_err());
}

#[test]
fn a_pages_texts_are_found_in_its_html() {
    let german = catalogue("de").expect("German");
    let page = format!(
        "<head><title>x</title>{}</head><body></body>",
        page_texts_element(german)
    );
    let json = texts_in_page(&page).expect("found");
    assert_eq!(json, german.to_page_json());
    assert!(texts_in_page("<html></html>").is_none());
}

#[test]
fn finds_a_language_by_code_path_and_preference() {
    assert_eq!(by_code("zh-Hans").map(|l| l.code), Some("zh"));
    assert_eq!(by_code("DE-at").map(|l| l.code), Some("de"));
    assert!(by_code("pt").is_none());
    assert_eq!(for_path("/es/").code, "es");
    assert_eq!(for_path("/fr/index.html").code, "fr");
    assert_eq!(for_path("/").code, "en");
    assert_eq!(for_path("/assets/app.js").code, "en");
    assert_eq!(for_path("/en/").code, "en");
    assert!(is_default_page("/") && is_default_page("/index.html"));
    assert!(!is_default_page("/fr/") && !is_default_page("/es/index.html"));
    assert_eq!(
        preferred(["pt-BR", "de-DE", "fr"]).map(|l| l.code),
        Some("de")
    );
    assert!(preferred(["pt", "ja"]).is_none());
}

#[test]
fn fills_placeholders_and_keeps_unknown_ones_visible() {
    assert_eq!(
        fill("Try again in {seconds} s", &[("seconds", "3")]),
        "Try again in 3 s"
    );
    assert_eq!(fill("{a}{b}", &[("a", "1"), ("b", "2")]), "12");
    assert_eq!(fill("{missing} and {", &[]), "{missing} and {");
    assert_eq!(
        placeholders("“{name}” is {size}"),
        BTreeSet::from(["name", "size"])
    );
}

fn language(code: &str) -> &'static Catalogue {
    catalogue(code).expect("a known language")
}

#[test]
fn sizes_are_written_the_languages_way() {
    let size = 72_499; // 70.8 KiB
    assert_eq!(language("en").size(size), "70.8 KB");
    assert_eq!(language("es").size(size), "70,8 KB");
    assert_eq!(language("de").size(size), "70,8 KB");
    assert_eq!(language("fr").size(size), "70,8 Ko");
    assert_eq!(language("zh").size(size), "70.8 KB");
    assert_eq!(language("fr").size(100 * 1024 * 1024), "100 Mo");
    assert_eq!(language("en").size(1), "1 byte");
    assert_eq!(language("en").size(0), "0 bytes");
    assert_eq!(language("fr").size(0), "0 octet");
    assert_eq!(language("fr").size(512), "512 octets");
    assert_eq!(language("de").size(512), "512 Byte");
}

#[test]
fn english_sizes_keep_their_rounding() {
    let en = default_language();
    assert_eq!(en.size(1024), "1 KB");
    assert_eq!(en.size(1536), "1.5 KB");
    assert_eq!(en.size(100 * 1024 * 1024), "100 MB");
    assert_eq!(en.size(1024 * 1024 - 1), "1 MB");
    assert_eq!(en.size(150 * 1024 * 1024 + 600 * 1024), "151 MB");
    assert_eq!(en.size(u64::MAX), "16384 PB");
}

#[test]
fn percentages_and_plurals_follow_the_language() {
    assert_eq!(language("en").percent(42), "42%");
    assert_eq!(language("fr").percent(42), "42\u{a0}%");
    assert_eq!(language("de").percent(42), "42\u{a0}%");
    assert_eq!(language("zh").percent(42), "42%");
    let en = language("en");
    assert_eq!(
        en.count(&en.errors.wait_seconds, 1),
        "Please wait 1 second and try again."
    );
    let fr = language("fr");
    // French counts zero as singular, English does not.
    assert_eq!(
        fr.plural(&fr.errors.wait_seconds, 0),
        fr.errors.wait_seconds.one
    );
    assert_eq!(
        en.plural(&en.errors.wait_seconds, 0),
        en.errors.wait_seconds.other
    );
    assert_eq!(
        fr.plural(&fr.errors.wait_seconds, 2),
        fr.errors.wait_seconds.other
    );
}

#[test]
fn lists_use_the_languages_separator() {
    let items = ["PNG".to_owned(), "JPEG".to_owned()];
    assert_eq!(language("en").list(&items), "PNG, JPEG");
    assert_eq!(language("zh").list(&items), "PNG、JPEG");
}
