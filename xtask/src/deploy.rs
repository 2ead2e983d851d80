//! `cargo xtask deploy --api-base URL [--site-url ORIGIN] [--out DIR] [--listen ADDR]`: the
//! built `dist/` made
//! ready for a static host that talks to the API at URL, without rebuilding it. Writes
//! `DIR/site/` (the site, its pages pointing at the API, `_headers`, `_redirects`)
//! and `DIR/nginx.conf` beside it (never served). Headers come from `trustyconvert_hosting`, the
//! generator the reference server uses too.

use std::path::{Path, PathBuf};

use trustyconvert_hosting as hosting;

use crate::workspace;

const USAGE: &str =
    "usage: cargo xtask deploy --api-base <URL or /path> [--site-url <https://origin>] [--out <dir>] [--listen <addr:port>] [--dist <built app>]";

/// The name of the `<meta>` the app reads its API base from.
const API_BASE_META: &str = "trustyconvert:api-base";

pub struct Options {
    pub api_base: String,
    /// The site's own origin, when known: the pages' `hreflang` alternates become absolute
    /// URLs, as search engines want them.
    pub site_url: Option<String>,
    pub dist: PathBuf,
    pub out: PathBuf,
    pub listen: String,
}

pub fn run(args: &[String]) -> Result<(), String> {
    deploy(&parse(args)?).map(drop)
}

/// Writes the deploy output; returns the site folder.
pub fn deploy(options: &Options) -> Result<PathBuf, String> {
    let origin = hosting::api_origin(&options.api_base)?;
    let dist = &options.dist;
    if !dist.join("index.html").is_file() {
        return Err(format!(
            "{} holds no built app: run `cargo xtask dist` first",
            dist.display()
        ));
    }
    let site = options.out.join("site");
    if site.exists() {
        std::fs::remove_dir_all(&site)
            .map_err(|error| format!("cannot empty {}: {error}", site.display()))?;
    }
    copy_dir(dist, &site)?;
    let site_origin = match &options.site_url {
        Some(url) => Some(
            hosting::api_origin(url)?
                .ok_or_else(|| format!("--site-url {url:?} is not an absolute http(s) URL"))?,
        ),
        None => None,
    };
    let pages = rewrite_pages(&site, &options.api_base, site_origin.as_deref())?;
    let page_paths: Vec<String> = pages.iter().flat_map(|page| page_paths(page)).collect();
    let page_refs: Vec<&str> = page_paths.iter().map(String::as_str).collect();
    write(
        &site.join("_headers"),
        &hosting::netlify_headers(origin.as_deref(), &page_refs),
    )?;
    write(&site.join("_redirects"), &hosting::netlify_redirects())?;
    let site_abs = std::path::absolute(&site)
        .map_err(|error| format!("cannot resolve {}: {error}", site.display()))?;
    let conf = options.out.join("nginx.conf");
    write(
        &conf,
        &hosting::nginx_conf(&site_abs, &options.listen, origin.as_deref()),
    )?;
    println!("site:   {} ({} pages)", site.display(), pages.len());
    println!(
        "nginx:  {} (nginx -p <prefix> -c <this file>)",
        conf.display()
    );
    println!(
        "Content-Security-Policy: {}",
        hosting::content_security_policy(origin.as_deref())
    );
    Ok(site)
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut api_base = None;
    let mut site_url = None;
    let mut out = workspace::root().join("deploy");
    let mut listen = "127.0.0.1:8080".to_owned();
    let mut dist = workspace::dist_dir();
    let mut args = args.iter().filter(|arg| *arg != "--");
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--api-base" => api_base = Some(value()?),
            "--site-url" => site_url = Some(value()?),
            "--out" => out = PathBuf::from(value()?),
            "--listen" => listen = value()?,
            "--dist" => dist = PathBuf::from(value()?),
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    let api_base = api_base.ok_or_else(|| format!("--api-base is required\n{USAGE}"))?;
    // It is written into an HTML attribute: plain URL characters only.
    if api_base.is_empty()
        || api_base
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '&' | '`'))
    {
        return Err(format!(
            "--api-base {api_base:?} is not a plain URL or path"
        ));
    }
    Ok(Options {
        api_base,
        site_url,
        dist,
        out,
        listen,
    })
}

/// Points every HTML page at the API (and its language alternates at the site's origin, when
/// given); returns the pages, relative to `site`.
fn rewrite_pages(
    site: &Path,
    api_base: &str,
    site_origin: Option<&str>,
) -> Result<Vec<PathBuf>, String> {
    let mut pages = Vec::new();
    for page in html_files(site)? {
        let html = std::fs::read_to_string(&page)
            .map_err(|error| format!("cannot read {}: {error}", page.display()))?;
        let mut rewritten = with_api_base(&html, api_base)
            .ok_or_else(|| format!("{} has no <meta name={API_BASE_META}>", page.display()))?;
        if let Some(origin) = site_origin {
            rewritten = with_absolute_alternates(&rewritten, origin)
                .ok_or_else(|| format!("{} has no language alternates", page.display()))?;
        }
        write(&page, &rewritten)?;
        pages.push(page.strip_prefix(site).unwrap_or(&page).to_path_buf());
    }
    Ok(pages)
}

/// `html` with the build's root-relative `hreflang` alternates made absolute at `origin`.
fn with_absolute_alternates(html: &str, origin: &str) -> Option<String> {
    let relative = hosting::language_alternates("");
    html.contains(&relative)
        .then(|| html.replacen(&relative, &hosting::language_alternates(origin), 1))
}

/// `html` with the API base `<meta>`'s content replaced, however the minifier quoted it.
fn with_api_base(html: &str, api_base: &str) -> Option<String> {
    let at = html.find(API_BASE_META)?;
    let start = html[..at].rfind("<meta")?;
    let end = at + html[at..].find('>')?;
    let tag = format!("<meta name={API_BASE_META} content=\"{api_base}\"");
    Some(format!("{}{tag}{}", &html[..start], &html[end..]))
}

/// `index.html` → `/` and `/index.html`; `es/index.html` → `/es/` and `/es/index.html`.
fn page_paths(page: &Path) -> Vec<String> {
    let path = page.to_string_lossy().replace('\\', "/");
    let mut paths = vec![format!("/{path}")];
    if let Some(dir) = path.strip_suffix("index.html") {
        paths.insert(0, format!("/{dir}"));
    }
    paths
}

fn html_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir)
        .map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() && !path.ends_with(hosting::ASSETS_DIR) {
            found.extend(html_files(&path)?);
        } else if path.extension().is_some_and(|ext| ext == "html") {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to)
        .map_err(|error| format!("cannot create {}: {error}", to.display()))?;
    let entries = std::fs::read_dir(from)
        .map_err(|error| format!("cannot read {}: {error}", from.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            copy_dir(&source, &target)?;
        } else {
            std::fs::copy(&source, &target)
                .map_err(|error| format!("cannot copy {}: {error}", source.display()))?;
        }
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_base_meta_is_rewritten_however_it_was_quoted() {
        let minified = "<meta content=/api name=trustyconvert:api-base><link>";
        assert_eq!(
            with_api_base(minified, "https://api.example.com/api").as_deref(),
            Some(
                "<meta name=trustyconvert:api-base content=\"https://api.example.com/api\"><link>"
            )
        );
        let quoted = "<meta name=\"trustyconvert:api-base\" content=\"/api\">";
        assert_eq!(
            with_api_base(quoted, "/v2").as_deref(),
            Some("<meta name=trustyconvert:api-base content=\"/v2\">")
        );
        assert_eq!(with_api_base("<p>no meta</p>", "/api"), None);
    }

    #[test]
    fn alternates_become_absolute_at_the_sites_origin() {
        let page = format!("<head>{}</head>", hosting::language_alternates(""));
        let absolute = with_absolute_alternates(&page, "https://convert.example.com")
            .expect("the page has alternates");
        assert!(absolute.contains(
            r#"<link rel="alternate" hreflang="fr" href="https://convert.example.com/fr/">"#
        ));
        assert!(absolute.contains(r#"hreflang="x-default" href="https://convert.example.com/">"#));
        assert!(with_absolute_alternates("<head></head>", "https://x.example").is_none());
    }

    #[test]
    fn pages_are_named_as_hosts_serve_them() {
        assert_eq!(page_paths(Path::new("index.html")), ["/", "/index.html"]);
        assert_eq!(
            page_paths(Path::new("es/index.html")),
            ["/es/", "/es/index.html"]
        );
    }

    #[test]
    fn the_api_base_must_be_given_and_plain() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(parse(&args(&[])).is_err());
        assert!(parse(&args(&["--api-base", "https://x.test/api\" onload=\""])).is_err());
        let options =
            parse(&args(&["--api-base", "/api", "--listen", "127.0.0.1:9"])).expect("plain");
        assert_eq!(options.listen, "127.0.0.1:9");
    }
}
