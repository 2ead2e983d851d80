//! Test hooks: endpoints under `/api/__test/` that tests use to steer the server. They exist
//! only with `--test-hooks` (otherwise these paths are the API's ordinary JSON 404), and their
//! own requests are not counted.
//!
//! Every body is JSON (an empty body counts as `{}`); answers use the success envelope.
//!
//! - `POST /api/__test/expire` `{"session_id": "s-…"}` or `{}` (all sessions): the sessions
//!   expire now; their next use answers 401. `session_id` is the `id` of `/session/init`.
//! - `POST /api/__test/rotate` `{"session_id": …}` or `{}`: rotates the CSRF token server-side;
//!   the new `csrftoken` cookie goes out on that session's next response, whatever its status.
//! - `POST /api/__test/fault` `{"path": "/api/convert", "method": "POST"?, "count": 1,
//!   "status": 500, "body": "…"?, "content_type": "text/html"?, "headers": {"Retry-After": "3"}?}`:
//!   the next `count` requests matching `path` (exact, or a prefix ending in `*`; API routes and
//!   static files alike) get that response. `content_type` defaults to `application/json`, and
//!   `body` is sent as is, so HTML pages and malformed JSON are both possible. The request body
//!   is drained first, so an upload sees the status.
//! - `POST /api/__test/when` `{"path": "/api/convert", "method": "POST"?, "action": "expire" |
//!   "rotate" | "wipe"}`: one shot; just before the next matching request is handled, the action
//!   is applied to every session (as the hooks of the same name do). It lands a session change
//!   exactly between two steps of a client's flow.
//! - `POST /api/__test/hold` `{"path": "/assets/trustyconvert-web*", "method": "GET"?}`: from now
//!   on every request matching `path` (exact, or a prefix ending in `*`, as for `fault`) waits,
//!   without failing, until `release` (or `reset`). A test can so keep the wasm from arriving
//!   while it uses the page. Answers `{"holds": n}`, the holds in force.
//! - `POST /api/__test/release`: stops holding and lets every held request go on. Answers
//!   `{"released": n}`, how many were waiting.
//! - `POST /api/__test/upload_rate` `{"bytes_per_second": 2000000}` or `{"bytes_per_second": null}`:
//!   slows (or stops slowing) the reading of upload bodies.
//! - `GET /api/__test/counters`: `{"requests": {"GET /api/session/init": {"200": 2}, …},
//!   "session_init_calls", "sessions_created", "uploads_started", "uploads_completed",
//!   "conversions_started", "sessions" (live), "jobs" (live), "files" (on disk under the data dir),
//!   "held" (requests waiting on a hold now)}`.
//! - `POST /api/__test/reset`: zeroes the counters, clears faults, holds (releasing what they
//!   held), the upload slow-down and the rate-limit buckets.
//! - `POST /api/__test/wipe`: drops every session, job, download token and file (a restart).

pub use crate::hook_state::{Counters, Fault, Hold, HookState, Trigger, TriggerAction};

use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::drain::{drain_body, DRAIN_EXTRA_BYTES};
use crate::envelope::ApiOk;
use crate::error::ApiError;
use crate::files::usage;
use crate::ids::{CsrfToken, SessionHandle};
use crate::state::SharedState;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/__test/expire", post(expire))
        .route("/__test/rotate", post(rotate))
        .route("/__test/fault", post(fault))
        .route("/__test/when", post(when))
        .route("/__test/hold", post(hold))
        .route("/__test/release", post(release))
        .route("/__test/upload_rate", post(upload_rate))
        .route("/__test/counters", get(counters))
        .route("/__test/reset", post(reset))
        .route("/__test/wipe", post(wipe))
}

/// An empty body is `{}`; anything else must parse.
fn parse_body<T: DeserializeOwned + Default>(body: &Bytes) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::Validation(format!("Invalid JSON body: {e}")))
}

#[derive(Default, Deserialize)]
struct SessionSelector {
    #[serde(default)]
    session_id: Option<String>,
}

fn select(
    state: &SharedState,
    body: &Bytes,
    f: impl FnMut(&mut crate::sessions::Session),
) -> Result<usize, ApiError> {
    let selector: SessionSelector = parse_body(body)?;
    let handle = selector
        .session_id
        .as_deref()
        .map(SessionHandle::from_client);
    let n = state.sessions.for_handle(handle.as_ref(), f);
    if handle.is_some() && n == 0 {
        return Err(ApiError::NotFound("No session with that id.".into()));
    }
    Ok(n)
}

fn expire_session(session: &mut crate::sessions::Session) {
    session.expires_at = std::time::SystemTime::now() - std::time::Duration::from_secs(1);
}

/// The new `csrftoken` cookie goes out on the session's next response.
fn rotate_session(session: &mut crate::sessions::Session) {
    session.csrf = CsrfToken::generate();
    session.csrf_cookie_pending = true;
}

async fn expire(State(state): State<SharedState>, body: Bytes) -> Result<ApiOk<Value>, ApiError> {
    let n = select(&state, &body, expire_session)?;
    Ok(ApiOk::ok(json!({ "expired": n })))
}

async fn rotate(State(state): State<SharedState>, body: Bytes) -> Result<ApiOk<Value>, ApiError> {
    let n = select(&state, &body, rotate_session)?;
    Ok(ApiOk::ok(json!({ "rotated": n })))
}

async fn when(State(state): State<SharedState>, body: Bytes) -> Result<ApiOk<Value>, ApiError> {
    let trigger: Trigger = serde_json::from_slice(&body)
        .map_err(|e| ApiError::Validation(format!("Invalid trigger: {e}")))?;
    let pending = state.hooks.add_trigger(trigger);
    Ok(ApiOk::ok(json!({ "triggers": pending })))
}

async fn fire(state: &SharedState, action: TriggerAction) {
    match action {
        TriggerAction::Expire => {
            state.sessions.for_handle(None, expire_session);
        }
        TriggerAction::Rotate => {
            state.sessions.for_handle(None, rotate_session);
        }
        TriggerAction::Wipe => state.wipe().await,
    }
}

async fn fault(State(state): State<SharedState>, body: Bytes) -> Result<ApiOk<Value>, ApiError> {
    let fault: Fault = serde_json::from_slice(&body)
        .map_err(|e| ApiError::Validation(format!("Invalid fault: {e}")))?;
    if StatusCode::from_u16(fault.status).is_err() {
        return Err(ApiError::Validation(
            "`status` is not an HTTP status.".into(),
        ));
    }
    let pending = state.hooks.add_fault(fault);
    Ok(ApiOk::ok(json!({ "faults": pending })))
}

async fn hold(State(state): State<SharedState>, body: Bytes) -> Result<ApiOk<Value>, ApiError> {
    let hold: Hold = serde_json::from_slice(&body)
        .map_err(|e| ApiError::Validation(format!("Invalid hold: {e}")))?;
    let in_force = state.hooks.add_hold(hold);
    Ok(ApiOk::ok(json!({ "holds": in_force })))
}

async fn release(State(state): State<SharedState>) -> ApiOk<Value> {
    let released = state.hooks.release();
    ApiOk::ok(json!({ "released": released }))
}

#[derive(Default, Deserialize)]
struct UploadRate {
    #[serde(default)]
    bytes_per_second: Option<u64>,
}

async fn upload_rate(
    State(state): State<SharedState>,
    body: Bytes,
) -> Result<ApiOk<Value>, ApiError> {
    let rate: UploadRate = parse_body(&body)?;
    state.hooks.set_upload_rate(rate.bytes_per_second);
    Ok(ApiOk::ok(
        json!({ "bytes_per_second": rate.bytes_per_second }),
    ))
}

async fn counters(State(state): State<SharedState>) -> ApiOk<Value> {
    let c: &Counters = &state.hooks.counters;
    let dir = state.config.data_dir.clone();
    let (files, _) = tokio::task::spawn_blocking(move || usage(&dir))
        .await
        .unwrap_or((0, 0));
    ApiOk::ok(json!({
        "requests": c.requests(),
        "session_init_calls": c.session_init_calls.load(Ordering::Relaxed),
        "sessions_created": c.sessions_created.load(Ordering::Relaxed),
        "uploads_started": c.uploads_started.load(Ordering::Relaxed),
        "uploads_completed": c.uploads_completed.load(Ordering::Relaxed),
        "conversions_started": c.conversions_started.load(Ordering::Relaxed),
        "sessions": state.sessions.live_count(),
        "jobs": state.sessions.job_count(),
        "files": files,
        "held": state.hooks.held(),
    }))
}

async fn reset(State(state): State<SharedState>) -> ApiOk<Value> {
    state.hooks.reset();
    state.rate_limits.clear();
    ApiOk::ok(json!({ "reset": true }))
}

async fn wipe(State(state): State<SharedState>) -> ApiOk<Value> {
    state.wipe().await;
    ApiOk::ok(json!({ "wiped": true }))
}

/// Holds back held requests, counts every request (but the hooks' own) and answers injected
/// faults.
/// Counts CORS preflights (`OPTIONS`), which the CORS layer answers before `count_and_inject`
/// sees them.
pub async fn count_preflights(
    State(state): State<SharedState>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::OPTIONS {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    state
        .hooks
        .counters
        .record(&Method::OPTIONS, &path, response.status().as_u16());
    response
}

pub async fn count_and_inject(
    State(state): State<SharedState>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    // Preflights are counted by `count_preflights`, and never held or faulted.
    if path.starts_with("/api/__test/") || method == Method::OPTIONS {
        return next.run(req).await;
    }
    // First, so a fault or trigger meant for a held request applies when it goes on.
    state.hooks.wait_if_held(&method, &path).await;
    if let Some(action) = state.hooks.take_trigger(&method, &path) {
        fire(&state, action).await;
    }
    let response = match state.hooks.take_fault(&method, &path) {
        Some(fault) => {
            drain_body(
                req.into_body(),
                state
                    .config
                    .max_upload_bytes
                    .saturating_add(DRAIN_EXTRA_BYTES),
            )
            .await;
            fault_response(&fault)
        }
        None => next.run(req).await,
    };
    state
        .hooks
        .counters
        .record(&method, &path, response.status().as_u16());
    response
}

fn fault_response(fault: &Fault) -> Response {
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = fault.content_type.as_deref().unwrap_or("application/json");
    let mut response = (status, fault.body.clone()).into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    for (name, value) in &fault.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::from_str(value),
        ) {
            headers.insert(n, v);
        }
    }
    response
}
