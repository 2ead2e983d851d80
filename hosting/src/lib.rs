//! What a host must send with the built app, in one place: the cache rules (hashed assets
//! forever, pages revalidated) and the security headers (a strict Content-Security-Policy and
//! friends), written out as `_headers` and `_redirects` (Cloudflare Pages, Netlify) and an
//! `nginx.conf`, and sent by the reference server itself. The deploy step, the reference server
//! and the e2e comparison all call these functions, so the three cannot drift apart.

use std::path::Path;

use trustyconvert_core::i18n;

/// Where every hashed asset lives inside the built site.
pub const ASSETS_DIR: &str = "assets";
/// Hashed names: the bytes behind a URL never change.
pub const ASSET_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";
/// Pages name the current assets: always revalidated.
pub const PAGE_CACHE_CONTROL: &str = "no-cache";

/// Features the app never uses, denied to it and to anything it embeds.
const DENIED_FEATURES: &str = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), \
    magnetometer=(), microphone=(), payment=(), usb=()";

/// The origin of an absolute API base (`https://api.example.com/api` → `https://api.example.com`),
/// `None` for a path on the app's own origin (`/api`). Err for anything else: the value ends up
/// in headers and config files, so only a plain `http(s)://host[:port]` origin passes.
pub fn api_origin(api_base: &str) -> Result<Option<String>, String> {
    let base = api_base.trim();
    if base.starts_with('/') && !base.starts_with("//") {
        return Ok(None);
    }
    let refuse = || {
        format!("the API base {base:?} is neither a path (/api) nor an http(s) URL (https://api.example.com/api)")
    };
    let (scheme, rest) = base.split_once("://").ok_or_else(refuse)?;
    if scheme != "https" && scheme != "http" {
        return Err(refuse());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, _)) if !host.ends_with(']') && host.contains(':') => (authority, None),
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let host_ok = !host.is_empty()
        && (host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
            || (host.starts_with('[')
                && host.ends_with(']')
                && host[1..host.len() - 1]
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':')));
    let port_ok = port.is_none_or(|port| {
        !port.is_empty() && port.len() <= 5 && port.chars().all(|c| c.is_ascii_digit())
    });
    if !host_ok || !port_ok {
        return Err(refuse());
    }
    Ok(Some(format!(
        "{scheme}://{}",
        authority.to_ascii_lowercase()
    )))
}

/// No inline script and no inline style anywhere: the app's loader is an external module and
/// its progress bar a `<progress>`. The download frame and every API call go to the API origin.
pub fn content_security_policy(api_origin: Option<&str>) -> String {
    let api = api_origin
        .map(|origin| format!(" {origin}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         connect-src 'self'{api}; frame-src 'self'{api}; img-src 'self' data:; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// The headers every response of the site carries, whatever its cache rule.
pub fn security_headers(api_origin: Option<&str>) -> Vec<(&'static str, String)> {
    vec![
        (
            "Content-Security-Policy",
            content_security_policy(api_origin),
        ),
        ("X-Content-Type-Options", "nosniff".to_owned()),
        (
            "Referrer-Policy",
            "strict-origin-when-cross-origin".to_owned(),
        ),
        ("Permissions-Policy", DENIED_FEATURES.to_owned()),
    ]
}

/// `_headers` for Cloudflare Pages and Netlify. Both add up every rule that matches a path, so
/// the cache rules are split by path and never both apply.
pub fn netlify_headers(api_origin: Option<&str>, pages: &[&str]) -> String {
    let mut out =
        String::from("# Written by `cargo xtask deploy`; regenerate instead of editing.\n/*\n");
    for (name, value) in security_headers(api_origin) {
        out.push_str(&format!("  {name}: {value}\n"));
    }
    out.push_str(&format!(
        "/{ASSETS_DIR}/*\n  Cache-Control: {ASSET_CACHE_CONTROL}\n"
    ));
    for page in pages {
        out.push_str(&format!("{page}\n  Cache-Control: {PAGE_CACHE_CONTROL}\n"));
    }
    out
}

/// The page that serves `path` when no file matches it (client-side routing): the page of the
/// path's language (`/es/anything` → `es/index.html`), else the default one.
pub fn page_for_path(path: &str) -> String {
    format!("{}index.html", i18n::for_path(path).home)
}

/// `<link rel="alternate" hreflang>` to each language's page and `x-default` to the default's,
/// at `site` (an origin such as `https://convert.example.com`; empty for root-relative links,
/// which is what the build writes: it does not know where it will be served).
pub fn language_alternates(site: &str) -> String {
    let mut links: String = i18n::INFOS
        .iter()
        .map(|language| {
            format!(
                r#"<link rel="alternate" hreflang="{}" href="{site}{}">"#,
                language.html_lang, language.home
            )
        })
        .collect();
    links.push_str(&format!(
        r#"<link rel="alternate" hreflang="x-default" href="{site}{}">"#,
        i18n::default_info().home
    ));
    links
}

/// The folders of the languages other than the default (`es`, `fr`, …), each with its own page.
fn language_folders() -> impl Iterator<Item = &'static str> {
    i18n::INFOS.iter().skip(1).map(|language| language.code)
}

/// `_redirects` in Netlify's form: a missing hashed asset is a 404 (never the app's HTML read
/// as JavaScript or wasm); every other path is the app in its language's page (`/es/…` the
/// Spanish one), which routes on the client. Cloudflare Pages refuses rewrites onto an
/// `index.html` (as loops) and serves its own SPA fallback, the default page, for unknown
/// paths: the app then switches to the language the path names.
pub fn netlify_redirects() -> String {
    let mut out = format!(
        "# Written by `cargo xtask deploy`; the first matching rule wins.\n\
         /{ASSETS_DIR}/*  /{ASSETS_DIR}/not-found  404\n"
    );
    for folder in language_folders() {
        out.push_str(&format!("/{folder}/*  /{folder}/index.html  200\n"));
    }
    out.push_str("/*  /index.html  200\n");
    out
}

/// An nginx configuration that serves `site` as a CDN would, runnable as is by an
/// unprivileged user: `nginx -p PREFIX -c PATH/nginx.conf` (temporary files, the pid file and
/// logs under PREFIX; one process, in the foreground). `add_header` in a `location` hides the
/// server's, so each location repeats the security headers; `always` puts them on errors too.
pub fn nginx_conf(site: &Path, listen: &str, api_origin: Option<&str>) -> String {
    let security: String = security_headers(api_origin)
        .iter()
        .map(|(name, value)| format!("            add_header {name} \"{value}\" always;\n"))
        .collect();
    let root = site.display();
    let folders = language_folders().collect::<Vec<_>>().join("|");
    format!(
        "# Written by `cargo xtask deploy`; regenerate instead of editing.
daemon off;
master_process off;
worker_processes 1;
pid nginx.pid;
error_log stderr warn;

events {{
    worker_connections 256;
}}

http {{
    types {{
        text/html html;
        text/css css;
        text/javascript js;
        application/wasm wasm;
        image/svg+xml svg;
        application/json json;
        text/plain txt;
    }}
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    server_tokens off;
    charset utf-8;
    charset_types text/css text/javascript application/json image/svg+xml;
    # The build writes NAME.gz beside each asset; Debian's nginx-light has no brotli module.
    gzip_static on;
    gzip_vary on;
    # Pages have no precompressed copy (the deploy step rewrites them): compressed on the fly.
    gzip on;

    server {{
        listen {listen};
        root \"{root}\";

        location /{ASSETS_DIR}/ {{
{security}            add_header Cache-Control \"{ASSET_CACHE_CONTROL}\";
            try_files $uri @missing_asset;
        }}

        # Another build's asset: a 404 that no cache keeps, so a deploy that adds it is seen.
        location @missing_asset {{
{security}            add_header Cache-Control \"{PAGE_CACHE_CONTROL}\" always;
            return 404;
        }}

        # The static hosts' files are for the hosts, not for visitors.
        location ~ ^/_(headers|redirects)$ {{
{security}            return 404;
        }}

        # A language's deep link is that language's page.
        location ~ ^/({folders})/ {{
{security}            add_header Cache-Control \"{PAGE_CACHE_CONTROL}\" always;
            try_files $uri $uri/index.html /$1/index.html;
        }}

        location / {{
{security}            add_header Cache-Control \"{PAGE_CACHE_CONTROL}\" always;
            try_files $uri $uri/index.html /index.html;
        }}
    }}
}}
"
    )
}

#[cfg(test)]
mod tests;
