//! What the one-file view shows of a conversion (`JobState`, made from the queue's only file),
//! why a conversion failed, the server's job status read tolerantly, and the adaptive polling
//! interval.

use serde_json::Value;

use super::progress::percent;
use super::validate::ValidatedFile;
use crate::api::error::{ApiError, ApiErrorKind};
use crate::decimal::Decimal;
use crate::i18n::{fill, Catalogue};

/// First poll interval; conversions of small files finish within a second or two.
pub const POLL_INITIAL_MS: u64 = 500;
/// Longest poll interval.
pub const POLL_MAX_MS: u64 = 5_000;
/// How long a conversion may stay unfinished (queued or processing) before the client gives up.
pub const CONVERSION_TIMEOUT_MS: u64 = 10 * 60 * 1000;

/// Delay before poll number `attempt` (0-based): 500 ms, ×1.5 each time, capped at 5 s.
pub fn poll_interval_ms(attempt: u32) -> u64 {
    let factor = 1.5f64.powi(attempt.min(64) as i32);
    let delay = (POLL_INITIAL_MS as f64 * factor).round();
    // `as` saturates; the cap keeps the value small anyway.
    (delay as u64).min(POLL_MAX_MS)
}

/// Whether a conversion started at `started_at_ms` has run out of time at `now_ms`.
pub fn conversion_timed_out(started_at_ms: f64, now_ms: f64) -> bool {
    now_ms - started_at_ms >= CONVERSION_TIMEOUT_MS as f64
}

/// What the user asked for: a validated file and the target format to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPlan {
    pub file: ValidatedFile,
    /// As the server spells it (`TargetOption::send_as`).
    pub target: String,
}

/// Where a conversion is, as the one-file view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    Idle,
    FileChosen {
        file: ValidatedFile,
        target: Option<String>,
    },
    Uploading {
        plan: JobPlan,
        sent: u64,
        total: u64,
    },
    /// On the server; the conversion is being asked for.
    Uploaded {
        plan: JobPlan,
    },
    Converting {
        plan: JobPlan,
        /// 0–100 when the server reports it.
        progress: Option<u8>,
        queued: bool,
    },
    Completed {
        plan: JobPlan,
        output_size: Option<u64>,
    },
    Failed {
        plan: Option<JobPlan>,
        failure: JobFailure,
    },
}

/// Why a conversion failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobFailure {
    /// A request failed (the `ApiError` has the user message and correlation id).
    Api(ApiError),
    /// The server ran the conversion and it failed.
    Conversion { message: Option<String> },
    /// It took longer than `CONVERSION_TIMEOUT_MS`.
    TimedOut,
    /// The browser lacks what the upload needs (random ids, aborting requests): nothing was sent,
    /// and trying again in this browser would fail the same way.
    Unsupported { missing: MissingFeature },
}

/// What the browser lacks for an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingFeature {
    /// `crypto.getRandomValues`, for the job's id.
    Crypto,
    /// `AbortController`, for a cancellable upload.
    AbortController,
    /// `Blob`, to make a file in the page.
    Blob,
}

impl JobFailure {
    /// Sending the same file again can help: not when the server refused the file itself.
    pub fn is_worth_retrying(&self) -> bool {
        match self {
            JobFailure::Api(error) => !matches!(
                error.kind,
                ApiErrorKind::Validation { .. } | ApiErrorKind::TooLarge
            ),
            JobFailure::Conversion { .. } | JobFailure::TimedOut => true,
            JobFailure::Unsupported { .. } => false,
        }
    }

    /// The heading a person sees above the message.
    pub fn title(&self, t: &Catalogue) -> &'static str {
        let f = &t.failure;
        if let JobFailure::Api(error) = self {
            if matches!(
                error.kind,
                ApiErrorKind::RateLimited { .. } | ApiErrorKind::TaskLimit { .. }
            ) {
                return f.wait_title;
            }
        }
        if let JobFailure::Unsupported { .. } = self {
            return f.unsupported_title;
        }
        if self.is_worth_retrying() {
            f.retry_title
        } else {
            f.final_title
        }
    }

    /// The message under the title; the server's reason for a failed conversion is shown as
    /// the server sent it, framed in the person's language.
    pub fn user_message(&self, t: &Catalogue) -> String {
        let f = &t.failure;
        match self {
            JobFailure::Api(error) => error.user_message(t),
            JobFailure::Conversion { message: Some(m) } if !m.trim().is_empty() => {
                fill(f.conversion_with_reason, &[("reason", m.trim())])
            }
            JobFailure::Conversion { .. } => f.conversion.to_owned(),
            JobFailure::TimedOut => f.timed_out.to_owned(),
            JobFailure::Unsupported {
                missing: MissingFeature::Crypto,
            } => f.no_crypto.to_owned(),
            JobFailure::Unsupported {
                missing: MissingFeature::AbortController,
            } => f.no_abort.to_owned(),
            JobFailure::Unsupported {
                missing: MissingFeature::Blob,
            } => f.no_blob.to_owned(),
        }
    }
}

/// The server's job status (`status` ∈ uploaded, queued, processing, completed, failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteStatus {
    Uploaded,
    Queued,
    Processing,
    Completed,
    Failed,
}

/// What `/job_status` said, read tolerantly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteJobStatus {
    pub status: RemoteStatus,
    pub progress: Option<u8>,
    pub output_size: Option<u64>,
    pub error: Option<String>,
}

impl RemoteJobStatus {
    /// Reads the `data` of `/job_status`; `None` when `status` is missing or unknown. Accepts
    /// common synonyms (pending, running, success, error) and progress as a number or string.
    pub fn from_data(data: &Value) -> Option<Self> {
        let status = match data
            .get("status")?
            .as_str()?
            .trim()
            .to_ascii_lowercase()
            .as_str()
        {
            "uploaded" => RemoteStatus::Uploaded,
            "queued" | "pending" | "waiting" => RemoteStatus::Queued,
            "processing" | "running" | "converting" | "in_progress" => RemoteStatus::Processing,
            "completed" | "complete" | "done" | "success" | "succeeded" => RemoteStatus::Completed,
            "failed" | "error" | "failure" => RemoteStatus::Failed,
            _ => return None,
        };
        let number = |key: &str| {
            match data.get(key)? {
                Value::Number(n) => n.as_f64(),
                // A whole is exact enough for a percentage or a size.
                Value::String(s) => Decimal::parse(s).map(|d| d.round() as f64),
                _ => None,
            }
            .filter(|f| f.is_finite() && *f >= 0.0)
        };
        let error = match data.get("error") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Object(o)) => o.get("message").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        };
        Some(Self {
            status,
            progress: number("progress").map(|p| p.min(100.0).round() as u8),
            output_size: number("output_size").map(|s| s.min(u64::MAX as f64) as u64),
            error,
        })
    }
}

impl JobState {
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            JobState::Uploading { .. } | JobState::Uploaded { .. } | JobState::Converting { .. }
        )
    }

    /// Whether a new file may be chosen now: the drop zone is shown, and a file dropped on the
    /// page is taken. Not while a job runs or its result waits, nor after a failure that still
    /// holds its file ("Try again" or "Convert another file" decide then).
    pub fn takes_a_new_file(&self) -> bool {
        matches!(
            self,
            JobState::Idle | JobState::FileChosen { .. } | JobState::Failed { plan: None, .. }
        )
    }

    pub fn plan(&self) -> Option<&JobPlan> {
        match self {
            JobState::Uploading { plan, .. }
            | JobState::Uploaded { plan, .. }
            | JobState::Converting { plan, .. }
            | JobState::Completed { plan, .. } => Some(plan),
            JobState::Failed { plan, .. } => plan.as_ref(),
            JobState::Idle | JobState::FileChosen { .. } => None,
        }
    }

    /// Upload progress as 0–100, for the progress bar.
    pub fn upload_percent(&self) -> Option<u8> {
        match self {
            JobState::Uploading { sent, total, .. } => Some(percent(*sent, *total)),
            _ => None,
        }
    }
}

#[cfg(test)]
#[path = "job_tests.rs"]
pub(crate) mod tests;
