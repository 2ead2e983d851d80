//! The client's view of one conversion as a state machine (`next(state, event) -> state`), the
//! server's job status read tolerantly, and the adaptive polling interval.

use serde_json::Value;

use super::progress::percent;
use super::validate::ValidatedFile;
use crate::api::error::{ApiError, ApiErrorKind};
use crate::decimal::Decimal;
use crate::i18n::{fill, Catalogue};
use crate::ids::JobId;

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

/// Where a conversion is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    Idle,
    FileChosen {
        file: ValidatedFile,
        target: Option<String>,
    },
    Uploading {
        plan: JobPlan,
        job_id: JobId,
        sent: u64,
        total: u64,
    },
    Uploaded {
        plan: JobPlan,
        job_id: JobId,
    },
    Converting {
        plan: JobPlan,
        job_id: JobId,
        /// 0–100 when the server reports it.
        progress: Option<u8>,
        queued: bool,
    },
    Completed {
        plan: JobPlan,
        job_id: JobId,
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

/// What happened to the conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEvent {
    FileChosen(ValidatedFile),
    TargetChosen(String),
    UploadStarted {
        job_id: JobId,
    },
    UploadProgress {
        sent: u64,
        total: u64,
    },
    /// The upload is being sent again from its first byte (the API client re-sent it after a
    /// CSRF or session recovery): progress starts over instead of staying at the old attempt's.
    UploadRestarted,
    UploadFinished,
    ConversionQueued,
    StatusReported(RemoteJobStatus),
    Failed(JobFailure),
    TimedOut,
    /// The session was replaced (epoch changed): the job is gone with it; redo from the file.
    SessionChanged,
    /// Try again after a failure, from the same file and target.
    Retry,
    /// The person cancelled the upload or conversion: back to the chosen file and target.
    Cancelled,
    Reset,
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

fn chosen_again(plan: &JobPlan) -> JobState {
    JobState::FileChosen {
        file: plan.file.clone(),
        target: Some(plan.target.clone()),
    }
}

/// The transition function. An event that makes no sense in a state leaves it unchanged (a late
/// progress event after a failure, a second click), so callers need no guards.
pub fn next(state: JobState, event: JobEvent) -> JobState {
    use JobEvent as E;
    use JobState as S;
    match (state, event) {
        (_, E::Reset) => S::Idle,
        (state, E::FileChosen(file)) if !state.is_busy() => S::FileChosen { file, target: None },
        (S::FileChosen { file, .. }, E::TargetChosen(target)) => S::FileChosen {
            file,
            target: Some(target),
        },
        (
            S::FileChosen {
                file,
                target: Some(target),
            },
            E::UploadStarted { job_id },
        ) => S::Uploading {
            total: file.size,
            plan: JobPlan { file, target },
            job_id,
            sent: 0,
        },
        (
            S::Uploading {
                plan,
                job_id,
                sent: old_sent,
                total: old_total,
            },
            E::UploadProgress { sent, total },
        ) => {
            let total = if total > 0 { total } else { old_total };
            S::Uploading {
                plan,
                job_id,
                sent: sent.min(total).max(old_sent.min(total)),
                total,
            }
        }
        (
            S::Uploading {
                plan,
                job_id,
                total,
                ..
            },
            E::UploadRestarted,
        ) => S::Uploading {
            plan,
            job_id,
            sent: 0,
            total,
        },
        (S::Uploading { plan, job_id, .. }, E::UploadFinished) => S::Uploaded { plan, job_id },
        (S::Uploaded { plan, job_id }, E::ConversionQueued) => S::Converting {
            plan,
            job_id,
            progress: None,
            queued: true,
        },
        (
            S::Uploaded { plan, job_id } | S::Converting { plan, job_id, .. },
            E::StatusReported(r),
        ) => match r.status {
            RemoteStatus::Completed => S::Completed {
                plan,
                job_id,
                output_size: r.output_size,
            },
            RemoteStatus::Failed => S::Failed {
                plan: Some(plan),
                failure: JobFailure::Conversion { message: r.error },
            },
            RemoteStatus::Uploaded => S::Uploaded { plan, job_id },
            RemoteStatus::Queued | RemoteStatus::Processing => S::Converting {
                plan,
                job_id,
                progress: r.progress,
                queued: r.status == RemoteStatus::Queued,
            },
        },
        // The job could not even start (the browser lacks what the upload needs): say so
        // rather than leaving the person at a Convert button that does nothing.
        (
            S::FileChosen {
                file,
                target: Some(target),
            },
            E::Failed(failure),
        ) => S::Failed {
            plan: Some(JobPlan { file, target }),
            failure,
        },
        (state, E::Failed(failure)) if state.is_busy() || matches!(state, S::Completed { .. }) => {
            S::Failed {
                plan: state.plan().cloned(),
                failure,
            }
        }
        (state, E::TimedOut) if state.is_busy() => S::Failed {
            plan: state.plan().cloned(),
            failure: JobFailure::TimedOut,
        },
        (state, E::SessionChanged) if state.is_busy() || matches!(state, S::Completed { .. }) => {
            state.plan().map_or(S::Idle, chosen_again)
        }
        (
            S::Failed {
                plan: Some(plan), ..
            },
            E::Retry,
        ) => chosen_again(&plan),
        (state, E::Cancelled) if state.is_busy() => state.plan().map_or(S::Idle, chosen_again),
        (state, _) => state,
    }
}

#[cfg(test)]
#[path = "job_tests.rs"]
mod tests;
