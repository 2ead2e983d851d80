//! The one error type of every API call: what kind of failure it was, what the server said, and
//! the text a person sees (what failed and what to do), with the correlation id for support.

use std::fmt;

use crate::i18n::{fill, Catalogue};

/// What went wrong, as the client must react to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiErrorKind {
    /// 403 `CSRFValidationError`: the token is stale; the session layer recovers it.
    Csrf,
    /// 401 `SessionValidationError`: the session is missing or expired.
    Session,
    /// 403 `TokenError`: a download token was used or expired; ask for a new one.
    Token,
    /// A 403 that is neither CSRF nor a download token (e.g. a WAF or proxy block page).
    Forbidden,
    /// 404 `ResourceNotFound` (also 410): the job or resource is gone.
    NotFound,
    /// 413 `MaxFileSizeExceededError`.
    TooLarge,
    /// 413 `StorageQuotaExceededError`: the session's storage is full (the file itself is fine).
    QuotaFull,
    /// 429 `RateLimitExceeded`; `Retry-After` seconds when given.
    RateLimited { retry_after_secs: Option<u32> },
    /// 429 `TaskLimitExceeded`: one conversion at a time per session.
    TaskLimit { retry_after_secs: Option<u32> },
    /// 400/422: `ValidationError`, `FileValidationError`, `UnsupportedFormatError`,
    /// `VirusDetectedError`… `server_type` keeps the server's type (or `ValidationError`).
    Validation {
        server_type: String,
        message: Option<String>,
    },
    /// 5xx: transient; idempotent requests may be retried.
    Server { status: u16 },
    /// Any other status the contract does not name (3xx, 405, 409, a 2xx with `success:false`…).
    Unexpected { status: u16 },
    /// The request never got an HTTP answer (DNS, connection reset, CORS failure).
    Network,
    /// The API answered with a redirect, which the app does not follow: the request's
    /// `X-CSRF-Token` must not travel to wherever it points.
    Redirected,
    /// No answer in time (also 408).
    Timeout,
    /// The browser reports being offline; wait for `online` rather than retrying.
    Offline,
    /// The caller cancelled the request (e.g. the user left the page or chose another file).
    Cancelled,
    /// The person closed the session; nothing is sent until they start something new. Not a
    /// session error: nothing recovers from it by itself.
    SessionClosed,
    /// The browser does not send the API's cookies back (see `GiveUpReason::CookiesRefused`):
    /// no session can work until the deployment or the browser's settings change.
    CookiesRefused,
    /// A 2xx answer whose body could not be read as the contract says.
    Decode,
}

impl ApiErrorKind {
    /// The kind's name, for logs and diagnostics (a derived `Debug` would cost the wasm bundle
    /// its formatting machinery; the details are in `ApiError`'s `Display`).
    pub fn name(&self) -> &'static str {
        match self {
            ApiErrorKind::Csrf => "Csrf",
            ApiErrorKind::Session => "Session",
            ApiErrorKind::Token => "Token",
            ApiErrorKind::Forbidden => "Forbidden",
            ApiErrorKind::NotFound => "NotFound",
            ApiErrorKind::TooLarge => "TooLarge",
            ApiErrorKind::QuotaFull => "QuotaFull",
            ApiErrorKind::RateLimited { .. } => "RateLimited",
            ApiErrorKind::TaskLimit { .. } => "TaskLimit",
            ApiErrorKind::Validation { .. } => "Validation",
            ApiErrorKind::Server { .. } => "Server",
            ApiErrorKind::Unexpected { .. } => "Unexpected",
            ApiErrorKind::Network => "Network",
            ApiErrorKind::Redirected => "Redirected",
            ApiErrorKind::Timeout => "Timeout",
            ApiErrorKind::Offline => "Offline",
            ApiErrorKind::Cancelled => "Cancelled",
            ApiErrorKind::SessionClosed => "SessionClosed",
            ApiErrorKind::CookiesRefused => "CookiesRefused",
            ApiErrorKind::Decode => "Decode",
        }
    }
}

/// A field-level problem from an error's `details` (`[{"field","message"}]` or `{field: message}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    pub field: Option<String>,
    pub message: String,
}

/// An API failure. `Clone + PartialEq` so it can live in component state and be an effect
/// dependency. `Display` is for logs (kind, status, correlation id); `user_message` is for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ApiError {
    pub kind: ApiErrorKind,
    /// The HTTP status, when there was one.
    pub status: Option<u16>,
    /// From the body's `correlation_id`, else the `X-Correlation-ID` header.
    pub correlation_id: Option<String>,
    /// The server's `message`, when it sent one.
    pub server_message: Option<String>,
    /// The server's error type string as sent (e.g. `CSRFValidationError`).
    pub server_type: Option<String>,
    pub field_issues: Vec<FieldIssue>,
}

impl ApiError {
    pub fn new(kind: ApiErrorKind) -> Self {
        Self {
            kind,
            status: None,
            correlation_id: None,
            server_message: None,
            server_type: None,
            field_issues: Vec::new(),
        }
    }

    pub fn network() -> Self {
        Self::new(ApiErrorKind::Network)
    }
    pub fn timeout() -> Self {
        Self::new(ApiErrorKind::Timeout)
    }
    pub fn offline() -> Self {
        Self::new(ApiErrorKind::Offline)
    }
    pub fn cancelled() -> Self {
        Self::new(ApiErrorKind::Cancelled)
    }
    pub fn decode() -> Self {
        Self::new(ApiErrorKind::Decode)
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub fn with_correlation_id(mut self, id: Option<String>) -> Self {
        self.correlation_id = id;
        self
    }

    pub fn with_server_message(mut self, message: Option<String>) -> Self {
        self.server_message = message;
        self
    }

    pub fn is_csrf(&self) -> bool {
        self.kind == ApiErrorKind::Csrf
    }

    pub fn is_session(&self) -> bool {
        self.kind == ApiErrorKind::Session
    }

    /// Whether an idempotent request (GET, or one that is safe to repeat) may be retried with
    /// backoff: only failures that say nothing about the request itself.
    pub fn is_retryable_idempotent(&self) -> bool {
        matches!(
            self.kind,
            ApiErrorKind::Network | ApiErrorKind::Timeout | ApiErrorKind::Server { .. }
        )
    }

    /// Seconds the server asked us to wait, if any.
    pub fn retry_after_secs(&self) -> Option<u32> {
        match self.kind {
            ApiErrorKind::RateLimited { retry_after_secs }
            | ApiErrorKind::TaskLimit { retry_after_secs } => retry_after_secs,
            _ => None,
        }
    }

    /// "Reference: c-…" for the UI to show beside the message, so support can find the logs.
    pub fn reference(&self, t: &Catalogue) -> Option<String> {
        self.correlation_id
            .as_ref()
            .map(|id| fill(t.toasts.reference, &[("id", id)]))
    }

    /// What a person sees, in their language: what failed and what to do. Server messages are
    /// shown (as the server sent them) only for validation errors, where they describe the
    /// user's own input.
    pub fn user_message(&self, t: &Catalogue) -> String {
        let e = &t.errors;
        let status = self.status.map(|status| status.to_string());
        let with_status =
            |template: &str, status: u16| fill(template, &[("status", &status.to_string())]);
        match &self.kind {
            ApiErrorKind::Csrf => e.csrf.to_owned(),
            ApiErrorKind::Session => e.session.to_owned(),
            ApiErrorKind::Token => e.token.to_owned(),
            ApiErrorKind::Forbidden => e.forbidden.to_owned(),
            ApiErrorKind::NotFound => e.not_found.to_owned(),
            ApiErrorKind::TooLarge => e.too_large.to_owned(),
            ApiErrorKind::QuotaFull => t.queue.quota_full.to_owned(),
            ApiErrorKind::RateLimited { retry_after_secs } => fill(
                e.rate_limited,
                &[("advice", &wait_advice(t, *retry_after_secs))],
            ),
            ApiErrorKind::TaskLimit { retry_after_secs } => fill(
                e.task_limit,
                &[("advice", &wait_advice(t, *retry_after_secs))],
            ),
            ApiErrorKind::Validation {
                server_type,
                message,
            } => validation_message(t, server_type, message.as_deref(), &self.field_issues),
            ApiErrorKind::Server { status } => with_status(e.server, *status),
            ApiErrorKind::Unexpected { status } => with_status(e.unexpected, *status),
            ApiErrorKind::Network => e.network.to_owned(),
            ApiErrorKind::Redirected => e.redirected.to_owned(),
            ApiErrorKind::Timeout => e.timeout.to_owned(),
            ApiErrorKind::Offline => e.offline.to_owned(),
            ApiErrorKind::Cancelled => e.cancelled.to_owned(),
            ApiErrorKind::SessionClosed => e.session_closed.to_owned(),
            ApiErrorKind::CookiesRefused => e.cookies_refused.to_owned(),
            ApiErrorKind::Decode => match status {
                Some(status) => fill(e.unreadable_with_status, &[("status", &status)]),
                None => e.unreadable.to_owned(),
            },
        }
    }
}

fn wait_advice(t: &Catalogue, retry_after_secs: Option<u32>) -> String {
    match retry_after_secs {
        Some(0) | None => t.errors.wait_a_moment.to_owned(),
        Some(secs) if secs < 120 => t.count(&t.errors.wait_seconds, u64::from(secs)),
        Some(secs) => t.count(&t.errors.wait_minutes, u64::from(secs.div_ceil(60))),
    }
}

/// Longest server message shown to a person; a longer one is cut, not dropped.
const MAX_SHOWN_MESSAGE: usize = 300;

fn validation_message(
    t: &Catalogue,
    server_type: &str,
    message: Option<&str>,
    issues: &[FieldIssue],
) -> String {
    let from_server = message
        .or_else(|| issues.first().map(|issue| issue.message.as_str()))
        .map(str::trim)
        .filter(|m| !m.is_empty());
    if let Some(text) = from_server {
        return shorten(text);
    }
    let e = &t.errors;
    match normalise_type(server_type).as_str() {
        "filevalidationerror" => e.invalid_file,
        "unsupportedformaterror" => e.unsupported_conversion,
        "virusdetectederror" => e.unsafe_file,
        _ => e.invalid_request,
    }
    .to_owned()
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_SHOWN_MESSAGE {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MAX_SHOWN_MESSAGE).collect();
    format!("{cut}…")
}

/// Lower-case ASCII letters and digits only, so `CSRF_Validation-Error` == `csrfvalidationerror`.
pub(crate) fn normalise_type(value: &str) -> String {
    value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.name())?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        if let Some(secs) = self.retry_after_secs() {
            write!(f, " retry_after={secs}s")?;
        }
        if let Some(server_type) = &self.server_type {
            write!(f, " type={server_type}")?;
        }
        if let Some(id) = &self.correlation_id {
            write!(f, " correlation_id={id}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::default_language as en;

    #[test]
    fn rate_limit_says_how_long_to_wait() {
        let err = ApiError::new(ApiErrorKind::RateLimited {
            retry_after_secs: Some(3),
        });
        assert_eq!(
            err.user_message(en()),
            "Too many requests. Please wait 3 seconds and try again."
        );
        let one = ApiError::new(ApiErrorKind::RateLimited {
            retry_after_secs: Some(1),
        });
        assert!(one.user_message(en()).contains("wait 1 second and"));
        let none = ApiError::new(ApiErrorKind::RateLimited {
            retry_after_secs: None,
        });
        assert!(none.user_message(en()).contains("wait a moment"));
        let long = ApiError::new(ApiErrorKind::TaskLimit {
            retry_after_secs: Some(150),
        });
        assert!(long.user_message(en()).contains("wait 3 minutes"));
        assert_eq!(long.retry_after_secs(), Some(150));
    }

    #[test]
    fn validation_shows_the_server_message_or_a_typed_fallback() {
        let err = ApiError::new(ApiErrorKind::Validation {
            server_type: "UnsupportedFormatError".into(),
            message: Some("Cannot convert png to mp3".into()),
        });
        assert_eq!(err.user_message(en()), "Cannot convert png to mp3");
        let bare = ApiError::new(ApiErrorKind::Validation {
            server_type: "VirusDetectedError".into(),
            message: None,
        });
        assert!(bare.user_message(en()).contains("unsafe"));
        let mut with_issue = ApiError::new(ApiErrorKind::Validation {
            server_type: "ValidationError".into(),
            message: None,
        });
        with_issue.field_issues.push(FieldIssue {
            field: Some("job_id".into()),
            message: "job_id must be a UUID".into(),
        });
        assert_eq!(with_issue.user_message(en()), "job_id must be a UUID");
        let long = ApiError::new(ApiErrorKind::Validation {
            server_type: "ValidationError".into(),
            message: Some("x".repeat(1000)),
        });
        assert_eq!(
            long.user_message(en()).chars().count(),
            MAX_SHOWN_MESSAGE + 1
        );
    }

    #[test]
    fn retryable_only_for_transient_failures() {
        assert!(ApiError::network().is_retryable_idempotent());
        assert!(ApiError::timeout().is_retryable_idempotent());
        assert!(ApiError::new(ApiErrorKind::Server { status: 503 }).is_retryable_idempotent());
        assert!(!ApiError::new(ApiErrorKind::Csrf).is_retryable_idempotent());
        assert!(!ApiError::offline().is_retryable_idempotent());
        assert!(!ApiError::new(ApiErrorKind::NotFound).is_retryable_idempotent());
        assert!(ApiError::new(ApiErrorKind::Csrf).is_csrf());
        assert!(ApiError::new(ApiErrorKind::Session).is_session());
    }

    #[test]
    fn display_is_for_logs_and_reference_for_people() {
        let err = ApiError::new(ApiErrorKind::Server { status: 502 })
            .with_status(502)
            .with_correlation_id(Some("c-1".into()));
        assert_eq!(err.to_string(), "Server (HTTP 502) correlation_id=c-1");
        assert_eq!(err.reference(en()).as_deref(), Some("Reference: c-1"));
        assert!(err.user_message(en()).contains("error 502"));
    }

    #[test]
    fn every_kind_has_a_message() {
        for kind in [
            ApiErrorKind::Csrf,
            ApiErrorKind::Session,
            ApiErrorKind::Token,
            ApiErrorKind::Forbidden,
            ApiErrorKind::NotFound,
            ApiErrorKind::TooLarge,
            ApiErrorKind::Unexpected { status: 409 },
            ApiErrorKind::Network,
            ApiErrorKind::Redirected,
            ApiErrorKind::Timeout,
            ApiErrorKind::Offline,
            ApiErrorKind::Cancelled,
            ApiErrorKind::SessionClosed,
            ApiErrorKind::CookiesRefused,
            ApiErrorKind::Decode,
        ] {
            assert!(ApiError::new(kind).user_message(en()).ends_with('.'));
        }
    }
}
