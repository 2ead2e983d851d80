//! Serving the built app the way a CDN serves it: hashed assets under `/assets/` from the
//! build's precompressed files and cached for good, pages (`index.html`, `es/index.html`, …)
//! revalidated on every load and compressed on the fly, `index.html` for any other non-API path
//! (client-side routing), a JSON 404 for unknown `/api/*` paths, and a helpful page when the
//! app has not been built.

use std::path::Path;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Extensions, HeaderMap, HeaderValue, StatusCode, Version};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::compression::Compression;
use tower_http::services::{ServeDir, ServeFile};

use crate::error::ApiError;
use crate::state::SharedState;

const NOT_BUILT_PAGE: &str = "<!doctype html>
<html lang=\"en\"><head><meta charset=\"utf-8\"><title>TrustyConvert: app not built</title></head>
<body>
<h1>The app is not built yet</h1>
<p>The API is running, but the folder with the built app (or its <code>index.html</code>) is missing.</p>
<p>Build and serve everything with <code>cargo xtask dev</code>, or point the server at a built app with
<code>--dist &lt;folder&gt;</code>.</p>
</body></html>
";

const IMMUTABLE: HeaderValue = HeaderValue::from_static(trustyconvert_hosting::ASSET_CACHE_CONTROL);
const NO_CACHE: HeaderValue = HeaderValue::from_static(trustyconvert_hosting::PAGE_CACHE_CONTROL);

/// Everything the API routes did not match.
pub async fn fallback(State(state): State<SharedState>, req: Request) -> Response {
    let path = req.uri().path();
    // A client calling a wrong endpoint gets an error it can read, never the app's HTML.
    if path == "/api" || path.starts_with("/api/") {
        return ApiError::NotFound(format!("No API endpoint {} {path}.", req.method()))
            .into_response();
    }
    let dist = &state.config.dist_dir;
    // Before the index check: an asset is found or it is a 404, whatever else is missing.
    if path == "/assets" || path.starts_with("/assets/") {
        return asset(dist, req).await;
    }
    let index = dist.join("index.html");
    if !tokio::fs::try_exists(&index).await.unwrap_or(false) {
        // Not a bare 404: say what is missing and how to fix it.
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            NOT_BUILT_PAGE,
        )
            .into_response();
    }
    // A deep link into a language (`/es/…`) is that language's page.
    let language_page =
        dist.join(trustyconvert_hosting::page_for_path(path).trim_start_matches('/'));
    let index = if tokio::fs::try_exists(&language_page).await.unwrap_or(false) {
        language_page
    } else {
        index
    };
    page(dist, &index, req).await
}

/// `/assets/*`: hashed names, so the bytes behind a URL never change.
async fn asset(dist: &Path, req: Request) -> Response {
    // The build writes `NAME.br` and `NAME.gz` beside each asset: the best one the client
    // accepts is sent as is, the raw file otherwise. No fallback: a page asking for an asset
    // of another build must see a 404, not HTML parsed as JavaScript or wasm.
    let serve = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    let mut response = match serve.oneshot(req).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    // Found: cached for a year everywhere. Not found: not cached, so a deploy that adds the
    // file later is seen at once.
    let found = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let cache = if found { IMMUTABLE } else { NO_CACHE };
    response.headers_mut().insert(header::CACHE_CONTROL, cache);
    vary_on_accept_encoding(&mut response);
    secure(&mut response);
    response
}

/// Any other path: a file of the build's root (`/es/` is `es/index.html`), else `index`.
async fn page(dist: &Path, index: &Path, req: Request) -> Response {
    let serve = ServeDir::new(dist).fallback(ServeFile::new(index));
    // HTML has no precompressed files (a deploy step may rewrite it after the build), so it is
    // compressed here, for the encodings the client accepts.
    let serve = Compression::new(serve).compress_when(is_html);
    let mut response = match serve.oneshot(req).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    // A page names the hashed assets of one build: revalidate it on every load (Last-Modified
    // and ETag make that a 304), so a new build is picked up at once.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, NO_CACHE);
    vary_on_accept_encoding(&mut response);
    weaken_etag(&mut response);
    secure(&mut response);
    response
}

/// The headers a static host sends with the app (`trustyconvert_hosting`, which also writes
/// them for CDNs and nginx): the same here, so the e2e runs the app under the policy it ships
/// with. The API is this server's own origin.
fn secure(response: &mut Response) {
    for (name, value) in trustyconvert_hosting::security_headers(None) {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
}

/// The file's ETag is strong ("these exact bytes"), which a body compressed here is not. Weak
/// on every page answer (200, HEAD and 304 alike), it still revalidates: ServeDir compares
/// If-None-Match weakly. (nginx weakens it too when it compresses.)
fn weaken_etag(response: &mut Response) {
    let Some(etag) = response.headers().get(header::ETAG) else {
        return;
    };
    if etag.as_bytes().starts_with(b"W/") {
        return;
    }
    if let Ok(weak) = HeaderValue::from_bytes(&[b"W/", etag.as_bytes()].concat()) {
        response.headers_mut().insert(header::ETAG, weak);
    }
}

/// On every answer, 304s included (RFC 9110 §15.4.5): caches must key the file by the
/// encodings the client accepts.
fn vary_on_accept_encoding(response: &mut Response) {
    let varies = response.headers().get_all(header::VARY).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
    });
    if !varies {
        let value = HeaderValue::from_static("accept-encoding");
        response.headers_mut().append(header::VARY, value);
    }
}

/// Only whole HTML pages are compressed on the fly; other root files go out as they are. By
/// content type, not size: a HEAD must announce what the GET would send.
fn is_html(status: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions) -> bool {
    status == StatusCode::OK
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
}
