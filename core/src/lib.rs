//! The pure layer of TrustyConvert: values in, values out, no I/O, no web-sys.
//!
//! Everything here builds for `wasm32-unknown-unknown` without JS and is tested natively.
//! Time is always passed in (milliseconds as numbers); randomness is passed in (jitter, bytes).

// `ApiError` is ~200 bytes (kind, status, ids, messages, field issues) and is returned in every
// `Result` here; boxing it would cost an allocation per error for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod backoff;
pub mod conversion;
pub mod decimal;
pub mod i18n;
pub mod ids;
pub mod session;
pub mod small_sort;
pub mod timestamp;

pub use api::csrf_scope::{
    answered_from_elsewhere, encode_query_value, resolve_api_url, should_send_csrf,
};
pub use api::envelope::{parse_response, parse_response_with, parse_retry_after, ApiSuccess};
pub use api::error::{ApiError, ApiErrorKind, FieldIssue};
pub use api::retry::IdempotentRetry;
pub use backoff::capped_backoff_ms;
pub use conversion::formats::{
    canonical_format, format_label, FormatCatalog, FormatGroup, TargetOption,
    DEFAULT_MAX_UPLOAD_BYTES,
};
pub use conversion::job::{
    poll_interval_ms, JobFailure, JobPlan, JobState, MissingFeature, RemoteJobStatus, RemoteStatus,
    CONVERSION_TIMEOUT_MS,
};
pub use conversion::progress::{
    converted_file_name, percent, target_label, upload_progress_text, MAX_SESSION_REDOS,
};
pub use conversion::validate::{validate_file, FileRejection, ValidatedFile};
pub use ids::{CsrfToken, DownloadToken, JobId, SessionId};
pub use session::cookie::{read_csrf_cookie, CookieRead};
pub use session::policy::{
    decide, epoch_after_init, init_backoff_ms, init_wait_ms, lasts_through_upload, Action,
    Decision, GiveUpReason, InitReason, RequestContext, SessionEvent, SessionRule, SessionSnapshot,
    StartedBy, TokenSource,
};
pub use session::state::{Change, SessionCounters, SessionPhase, SessionState};
pub use session::{RejectedTokens, SessionEpoch};
