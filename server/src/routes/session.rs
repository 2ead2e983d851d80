//! `/session/init`, `/session/csrf`, `/session/close`: the session lifecycle and its cookies.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{AppendHeaders, IntoResponse};
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;

use crate::auth::CsrfAuth;
use crate::cookies::{cleared_cookies, csrf_cookie, session_cookie, session_ids};
use crate::envelope::ApiOk;
use crate::error::ApiError;
use crate::ids::{rfc3339, CsrfToken};
use crate::sessions::SessionView;
use crate::state::SharedState;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/session/init", get(init))
        .route("/session/csrf", post(rotate_csrf))
        .route("/session/close", post(close))
}

#[derive(Serialize)]
struct SessionBody {
    id: String,
    csrf_token: String,
    expires_at: String,
}

#[derive(Serialize)]
struct CsrfBody {
    csrf_token: String,
}

#[derive(Serialize)]
struct MessageBody {
    message: &'static str,
}

/// Resumes the session of a valid cookie (creating nothing), or starts a new one.
async fn init(State(state): State<SharedState>, headers: HeaderMap) -> impl IntoResponse {
    state.hooks.counters.session_init_called();
    let resumed = session_ids(&headers, &state.config)
        .iter()
        .find_map(|id| state.sessions.get(id));
    // A resumed session's cookies get the time it has left (`expires_at`), not a full TTL.
    let session: SessionView = match resumed {
        Some(s) => {
            // This response carries the current cookie anyway: nothing left to deliver.
            state
                .sessions
                .with(&s.id, |s| s.csrf_cookie_pending = false);
            s
        }
        None => {
            state.hooks.counters.session_created();
            state
                .sessions
                .create(state.config.session_ttl, &state.config.data_dir)
        }
    };
    let cookies = [
        (
            header::SET_COOKIE,
            session_cookie(&state.config, &session.id, session.expires_at),
        ),
        (
            header::SET_COOKIE,
            csrf_cookie(&state.config, &session.csrf, session.expires_at),
        ),
    ];
    let body = SessionBody {
        id: session.handle.as_str().to_owned(),
        csrf_token: session.csrf.as_str().to_owned(),
        expires_at: rfc3339(session.expires_at),
    };
    (AppendHeaders(cookies), ApiOk::ok(body))
}

/// Rotates the token for a client that proves it holds the current one.
async fn rotate_csrf(
    State(state): State<SharedState>,
    CsrfAuth(session): CsrfAuth,
) -> Result<impl IntoResponse, ApiError> {
    let token = CsrfToken::generate();
    state
        .sessions
        .with(&session.id, |s| {
            s.csrf = token.clone();
            s.csrf_cookie_pending = false;
        })
        .ok_or_else(ApiError::session_missing)?;
    let cookie = [(
        header::SET_COOKIE,
        csrf_cookie(&state.config, &token, session.expires_at),
    )];
    Ok((
        AppendHeaders(cookie),
        ApiOk::ok(CsrfBody {
            csrf_token: token.as_str().to_owned(),
        }),
    ))
}

/// Deletes the session with its files, jobs and download tokens; clears both cookies.
async fn close(State(state): State<SharedState>, CsrfAuth(session): CsrfAuth) -> impl IntoResponse {
    state.end_session(&session.id).await;
    let cookies = cleared_cookies(&state.config).map(|c| (header::SET_COOKIE, c));
    (
        AppendHeaders(cookies),
        ApiOk::ok(MessageBody {
            message: "Session closed; its files were deleted.",
        }),
    )
}
