//! `trustyconvert-prerender <dist>`: renders the app's first view natively with Yew's server
//! renderer and writes it into the built `<dist>/index.html`'s empty `<div id="app"></div>`,
//! so the page is usable (a file can be chosen) before the wasm arrives; the app hydrates it.
//! `cargo xtask dist` runs it after Trunk's build.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use trustyconvert_web::components::app::App;
use trustyconvert_web::config::AppConfig;
use trustyconvert_web::first_view::{self, ROOT_ID};

fn main() -> ExitCode {
    let Some(dist) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: trustyconvert-prerender <dist folder>");
        return ExitCode::FAILURE;
    };
    match prerender(&dist) {
        Ok(page) => {
            println!("prerendered the first view into {}", page.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("trustyconvert-prerender: {message}");
            ExitCode::FAILURE
        }
    }
}

fn prerender(dist: &Path) -> Result<PathBuf, String> {
    let page = dist.join("index.html");
    let html = std::fs::read_to_string(&page)
        .map_err(|error| format!("cannot read {}: {error}", page.display()))?;
    let markup = render_first_view()?;
    let html = insert_into_root(&html, &markup)?;
    std::fs::write(&page, html)
        .map_err(|error| format!("cannot write {}: {error}", page.display()))?;
    Ok(page)
}

/// The app's first render, with the hydration markers the browser's `hydrate()` expects.
fn render_first_view() -> Result<String, String> {
    // Yew's local renderer spawns its tasks on the current thread: a LocalSet on a
    // single-threaded runtime.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|error| format!("cannot start a runtime: {error}"))?;
    let renderer =
        yew::LocalServerRenderer::<App>::with_props(first_view::props(AppConfig::default()))
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
        let markup = render_first_view().expect("renders");
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
