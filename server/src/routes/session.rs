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
use crate::rate_limit::{ClientIp, Limit};
use crate::sessions::SessionView;
use crate::state::SharedState;

/// The longest `Retry-After` of a refused new session: any close may free a slot sooner than
/// the soonest expiry, so a client should not be sent away for hours.
const SESSION_CAP_RETRY_MAX_SECS: u64 = 60;

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

/// Resumes the session of a valid cookie (creating nothing, counting nothing), or starts a new
/// one within the client's init rate and the global cap on live sessions.
async fn init(
    State(state): State<SharedState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
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
            state.rate_limits.check(Limit::SessionInit, ip)?;
            let created = state.sessions.create(
                state.config.session_ttl,
                &state.config.data_dir,
                // 0 = no cap, as 0 is no limit for the rates.
                match state.config.max_sessions {
                    0 => usize::MAX,
                    cap => cap,
                },
            );
            let session = created.map_err(|until_a_slot| ApiError::SessionCapReached {
                retry_after_secs: until_a_slot
                    .as_secs_f64()
                    .ceil()
                    .clamp(1.0, SESSION_CAP_RETRY_MAX_SECS as f64)
                    as u64,
            })?;
            state.hooks.counters.session_created();
            session
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
    Ok((AppendHeaders(cookies), ApiOk::ok(body)))
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
