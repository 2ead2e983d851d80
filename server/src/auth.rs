//! Extractors that check the caller: `SessionAuth` (a live session cookie) and `CsrfAuth`
//! (that, plus `X-CSRF-Token` equal to the session's current token, compared in constant time).
//! The session is checked first: without one, the token means nothing.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use subtle::ConstantTimeEq;

use crate::cookies::session_ids;
use crate::error::ApiError;
use crate::sessions::SessionView;
use crate::state::SharedState;

pub const CSRF_HEADER: &str = "x-csrf-token";

#[derive(Debug, Clone)]
pub struct SessionAuth(pub SessionView);

#[derive(Debug, Clone)]
pub struct CsrfAuth(pub SessionView);

fn live_session(parts: &Parts, state: &SharedState) -> Result<SessionView, ApiError> {
    session_ids(&parts.headers, &state.config)
        .iter()
        .find_map(|id| state.sessions.get(id))
        .ok_or_else(ApiError::session_missing)
}

impl FromRequestParts<SharedState> for SessionAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedState,
    ) -> Result<Self, Self::Rejection> {
        live_session(parts, state).map(SessionAuth)
    }
}

impl FromRequestParts<SharedState> for CsrfAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedState,
    ) -> Result<Self, Self::Rejection> {
        let session = live_session(parts, state)?;
        let sent = parts
            .headers
            .get(CSRF_HEADER)
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        if sent.is_empty() {
            return Err(ApiError::Csrf("Missing X-CSRF-Token header.".into()));
        }
        if bool::from(sent.ct_eq(session.csrf.as_str().as_bytes())) {
            Ok(CsrfAuth(session))
        } else {
            Err(ApiError::Csrf(
                "The CSRF token is not this session's current token.".into(),
            ))
        }
    }
}
