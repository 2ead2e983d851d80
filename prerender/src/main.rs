//! `trustyconvert-prerender <dist>`: renders the app's first view natively with Yew's server
//! renderer, once per language, and writes each into its page: the built `<dist>/index.html`
//! (the default language) and `<dist>/fr/index.html`… made from it, so every page is usable (a
//! file can be chosen) before the wasm arrives; the app hydrates it in the page's language.
//! All pages share the same hashed assets. `cargo xtask dist` runs it after Trunk's build.

mod page;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use trustyconvert_core::i18n::{self, Catalogue};
use trustyconvert_web::components::app::App;
use trustyconvert_web::config::AppConfig;
use trustyconvert_web::first_view::{self, ROOT_ID};
use trustyconvert_web::language::Language;

fn main() -> ExitCode {
    let Some(dist) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: trustyconvert-prerender <dist folder>");
        return ExitCode::FAILURE;
    };
    match prerender(&dist) {
        Ok(pages) => {
            for page in pages {
                println!("prerendered {}", page.display());
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("trustyconvert-prerender: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Every language's page, from the built template (read once, before it is overwritten).
fn prerender(dist: &Path) -> Result<Vec<PathBuf>, String> {
    let template_path = dist.join("index.html");
    let template = std::fs::read_to_string(&template_path)
        .map_err(|error| format!("cannot read {}: {error}", template_path.display()))?;
    let mut written = Vec::new();
    for language in i18n::LANGUAGES {
        let html = page::localize(&template, language)?;
        let html = insert_into_root(&html, &render_first_view(language)?)?;
        let path = dist.join(page::page_path(language));
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .map_err(|error| format!("cannot create {}: {error}", folder.display()))?;
        }
        std::fs::write(&path, html)
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// The app's first render in `language`, with the hydration markers `hydrate()` expects.
fn render_first_view(language: &'static Catalogue) -> Result<String, String> {
    // Yew's local renderer spawns its tasks on the current thread: a LocalSet on a
    // single-threaded runtime.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|error| format!("cannot start a runtime: {error}"))?;
    let renderer = yew::LocalServerRenderer::<App>::with_props(first_view::props(
        AppConfig::default(),
        Language(language),
    ))
    .hydratable(true);
    Ok(tokio::task::LocalSet::new().block_on(&runtime, renderer.render()))
}

/// `page` with `markup` inside its empty root element, however the HTML minifier quoted its id.
/// Exactly one empty root is required: a page rendered twice, or a template without the root,
/// is a build error, not a silent skip.
fn insert_into_root(page: &str, markup: &str) -> Result<String, String> {
    let spellings = [
        format!("<div id=\"{ROOT_ID}\"></div>"),
        format!("<div id='{ROOT_ID}'></div>"),
        format!("<div id={ROOT_ID}></div>"),
    ];
    let found: Vec<&String> = spellings
        .iter()
        .filter(|root| page.contains(root.as_str()))
        .collect();
    let count: usize = found
        .iter()
        .map(|root| page.matches(root.as_str()).count())
        .sum();
    match (found.first(), count) {
        (Some(root), 1) => Ok(page.replacen(
            root.as_str(),
            &format!("<div id=\"{ROOT_ID}\">{markup}</div>"),
            1,
        )),
        (None, _) => Err(format!(
            "the page has no empty <div id=\"{ROOT_ID}\"></div> to prerender into (already \
             prerendered, or index.html lost its root)"
        )),
        (Some(_), count) => Err(format!(
            "the page has {count} empty <div id=\"{ROOT_ID}\"> roots; expected one"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_view_holds_a_file_input_that_works_without_script() {
        let markup = render_first_view(i18n::default_language()).expect("renders");
        assert!(
            markup.contains(r#"<label for="file-input""#),
            "a label for the input: {markup}"
        );
        assert!(markup.contains(r#"id="file-input""#), "{markup}");
        assert!(markup.contains(r#"type="file""#), "{markup}");
        let input_start = markup.find(r#"id="file-input""#).unwrap_or(0);
        let input_tag = &markup[markup[..input_start].rfind('<').unwrap_or(0)..]
            .split('>')
            .next()
            .unwrap_or_default();
        assert!(
            !input_tag.contains("aria-hidden") && !input_tag.contains("tabindex=\"-1\""),
            "the input is reachable: {input_tag}"
        );
        assert!(markup.contains("Drop a file here"), "{markup}");
        // Nothing the browser or the session decides: no diagnostics, no toast, no banner.
        assert!(!markup.contains("data-testid=\"diagnostics\""), "{markup}");
        assert!(
            !markup.contains("data-testid=\"offline-banner\""),
            "{markup}"
        );
    }

    #[test]
    fn each_language_renders_its_own_first_view() {
        for language in i18n::LANGUAGES {
            let markup = render_first_view(language).expect("renders");
            assert!(
                markup.contains(&page::escape(language.drop.lead)),
                "{markup}"
            );
            assert!(
                markup.contains(&page::escape(language.page.footer)),
                "{markup}"
            );
            assert!(markup.contains(&format!("href=\"{}\"", language.info.home)));
        }
    }

    #[test]
    fn inserts_into_the_one_empty_root() {
        let page = r#"<body><div id="boot-failed" hidden></div><div id="app"></div></body>"#;
        assert_eq!(
            insert_into_root(page, "<main>hi</main>").as_deref(),
            Ok(
                r#"<body><div id="boot-failed" hidden></div><div id="app"><main>hi</main></div></body>"#
            )
        );
    }

    #[test]
    fn finds_the_root_however_the_minifier_quoted_it() {
        for page in [r#"<div id=app></div>"#, r#"<div id='app'></div>"#] {
            assert_eq!(
                insert_into_root(page, "x").as_deref(),
                Ok(r#"<div id="app">x</div>"#)
            );
        }
    }

    #[test]
    fn refuses_a_page_without_an_empty_root_or_with_two() {
        let rendered = r#"<div id="app"><main>hi</main></div>"#;
        let error = insert_into_root(rendered, "x").expect_err("already rendered");
        assert!(error.contains("already prerendered"), "{error}");
        let twice = r#"<div id="app"></div><div id="app"></div>"#;
        assert!(insert_into_root(twice, "x").is_err());
    }
}
