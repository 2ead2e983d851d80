//! Serving the built app: files from the dist folder, `index.html` for any other non-API path
//! (client-side routing), a JSON 404 for unknown `/api/*` paths, and a helpful page when the
//! app has not been built.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
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

/// Everything the API routes did not match.
pub async fn fallback(State(state): State<SharedState>, req: Request) -> Response {
    let path = req.uri().path();
    if path == "/api" || path.starts_with("/api/") {
        return ApiError::NotFound(format!("No API endpoint {} {path}.", req.method()))
            .into_response();
    }
    let dist = &state.config.dist_dir;
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
    let serve = ServeDir::new(dist).fallback(ServeFile::new(index));
    match serve.oneshot(req).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
}
