//! The one API error type: every failure a handler can report, mapped to its status, its
//! `type` in the error envelope and its headers in a single `match`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::envelope::current_correlation_id;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// A body or query that does not parse, lacks a field, or asks for something impossible.
    Validation(String),
    /// The uploaded file is empty, of an unknown type, or not what its extension says.
    FileValidation(String),
    UnsupportedFormat(String),
    /// No session cookie, or an unknown or expired session.
    Session(String),
    /// `X-CSRF-Token` missing or not the session's current token.
    Csrf(String),
    /// A download token unknown, used or expired.
    Token(String),
    NotFound(String),
    /// A known API path called with another method (reported as a `ValidationError`).
    MethodNotAllowed(String),
    TooLarge(String),
    /// The session's storage is full: a 413 of its own type, so a client can say what to do.
    QuotaFull(String),
    RateLimited {
        retry_after_secs: u64,
    },
    TaskLimit {
        retry_after_secs: u64,
    },
    /// The server holds as many live sessions as it may: a new one must wait for a slot.
    SessionCapReached {
        retry_after_secs: u64,
    },
    Server(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Validation(_)
            | ApiError::FileValidation(_)
            | ApiError::UnsupportedFormat(_) => StatusCode::BAD_REQUEST,
            ApiError::Session(_) => StatusCode::UNAUTHORIZED,
            ApiError::Csrf(_) | ApiError::Token(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooLarge(_) | ApiError::QuotaFull(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RateLimited { .. } | ApiError::TaskLimit { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ApiError::SessionCapReached { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Server(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            ApiError::Validation(_) | ApiError::MethodNotAllowed(_) => "ValidationError",
            ApiError::FileValidation(_) => "FileValidationError",
            ApiError::UnsupportedFormat(_) => "UnsupportedFormatError",
            ApiError::Session(_) => "SessionValidationError",
            ApiError::Csrf(_) => "CSRFValidationError",
            ApiError::Token(_) => "TokenError",
            ApiError::NotFound(_) => "ResourceNotFound",
            ApiError::TooLarge(_) => "MaxFileSizeExceededError",
            ApiError::QuotaFull(_) => "StorageQuotaExceededError",
            ApiError::RateLimited { .. } => "RateLimitExceeded",
            ApiError::TaskLimit { .. } => "TaskLimitExceeded",
            ApiError::SessionCapReached { .. } => "ServiceUnavailable",
            ApiError::Server(_) => "ServerError",
        }
    }

    pub fn message(&self) -> String {
        match self {
            ApiError::Validation(m)
            | ApiError::FileValidation(m)
            | ApiError::UnsupportedFormat(m)
            | ApiError::Session(m)
            | ApiError::Csrf(m)
            | ApiError::Token(m)
            | ApiError::NotFound(m)
            | ApiError::MethodNotAllowed(m)
            | ApiError::TooLarge(m)
            | ApiError::QuotaFull(m)
            | ApiError::Server(m) => m.clone(),
            ApiError::RateLimited { retry_after_secs } => {
                format!("Too many requests: try again in {retry_after_secs} s.")
            }
            ApiError::TaskLimit { .. } => {
                "A conversion is already running for this session: wait for it to finish.".into()
            }
            ApiError::SessionCapReached { retry_after_secs } => format!(
                "The service is busy with as many visitors as it can take: try again in {retry_after_secs} s."
            ),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited { retry_after_secs }
            | ApiError::TaskLimit { retry_after_secs }
            | ApiError::SessionCapReached { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    pub fn session_missing() -> Self {
        ApiError::Session("No valid session: start a new one with /session/init.".into())
    }

    pub fn job_not_found() -> Self {
        ApiError::NotFound("No such job in this session.".into())
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.type_name(), self.message())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let details = match self.retry_after() {
            Some(secs) => json!({ "retry_after": secs }),
            None => json!({}),
        };
        let body = json!({
            "success": false,
            "error": { "message": self.message(), "type": self.type_name(), "details": details },
            "correlation_id": current_correlation_id(),
        });
        let mut response = (self.status(), axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
