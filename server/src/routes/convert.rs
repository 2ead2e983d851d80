//! `/convert/formats` (the converter registry), `POST /convert` (queue a conversion) and
//! `GET /job_status` (where a job stands).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};

use crate::auth::{CsrfAuth, SessionAuth};
use crate::envelope::ApiOk;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::ids::{new_uuid_v4, JobId};
use crate::jobs::{JobStatus, JobStatusBody};
use crate::rate_limit::{ClientIp, Limit};
use crate::state::SharedState;
use crate::workers::{spawn_conversion, Task};

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/convert/formats", get(formats))
        .route("/convert", post(convert))
        .route("/job_status", get(job_status))
}

/// One converter as the client sees it (camelCase, the canonical form of API.md).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConverterBody {
    id: &'static str,
    name: &'static str,
    description: &'static str,
    input_formats: &'static [&'static str],
    output_formats: &'static [&'static str],
    max_size: u64,
    features: &'static [&'static str],
}

async fn formats(State(state): State<SharedState>) -> ApiOk<Vec<ConverterBody>> {
    let converters = trustyconvert_convert::registry()
        .iter()
        .map(|c| ConverterBody {
            id: c.id,
            name: c.name,
            description: c.description,
            input_formats: c.input_formats,
            output_formats: c.output_formats,
            // The effective limit: the server's upload limit may be below the converter's.
            max_size: c.max_size.min(state.config.max_upload_bytes),
            features: c.features,
        })
        .collect();
    ApiOk::ok(converters)
}

/// A client's `source_format` is accepted and ignored (serde skips unknown fields): the type
/// detected at upload wins.
#[derive(Deserialize)]
struct ConvertRequest {
    job_id: String,
    target_format: String,
}

#[derive(Serialize)]
struct ConvertBody {
    job_id: String,
    task_id: String,
    status: JobStatus,
}

fn parse_job_id(raw: &str) -> Result<JobId, ApiError> {
    JobId::parse(raw).ok_or_else(|| ApiError::Validation("`job_id` must be a UUID.".into()))
}

/// The registry's name for a requested format ("JPEG", ".jpeg " → "jpg"); an unknown one is
/// kept as given (lower-cased) so the error can name it.
fn normalize_format(raw: &str) -> String {
    trustyconvert_convert::canonical_format(raw)
        .map(str::to_owned)
        .unwrap_or_else(|| raw.trim().trim_start_matches('.').to_ascii_lowercase())
}

async fn convert(
    State(state): State<SharedState>,
    ClientIp(ip): ClientIp,
    CsrfAuth(session): CsrfAuth,
    ApiJson(req): ApiJson<ConvertRequest>,
) -> Result<(StatusCode, ApiOk<ConvertBody>), ApiError> {
    let job_id = parse_job_id(&req.job_id)?;
    let target = normalize_format(&req.target_format);
    if target.is_empty() {
        return Err(ApiError::Validation("`target_format` is empty.".into()));
    }
    state.rate_limits.check(Limit::Convert, ip)?;
    // A completed job converted again to another format: its old output goes.
    let mut replaced_output = None;
    let accepted = state
        .sessions
        .with(&session.id, |s| {
            let active_elsewhere = s.has_active_job(Some(job_id));
            let job = s
                .jobs
                .get_mut(&job_id)
                .ok_or_else(ApiError::job_not_found)?;
            let same_target = job.target_format.as_deref() == Some(target.as_str());
            let busy = matches!(job.status, JobStatus::Queued | JobStatus::Processing);
            if let (true, true, Some(task_id)) = (
                same_target,
                busy || job.status == JobStatus::Completed,
                job.task_id.clone(),
            ) {
                // Already under way or done: report it rather than convert twice.
                return Ok((
                    ConvertBody {
                        job_id: job_id.as_string(),
                        task_id,
                        status: job.status,
                    },
                    None,
                ));
            }
            if trustyconvert_convert::find_converter(job.source_format, &target).is_none() {
                return Err(ApiError::UnsupportedFormat(format!(
                    "Converting {} to {target} is not supported.",
                    job.source_format
                )));
            }
            if active_elsewhere || busy {
                return Err(ApiError::TaskLimit {
                    retry_after_secs: 2,
                });
            }
            let task_id = new_uuid_v4();
            let output = job
                .input_path
                // One output per task: a timed-out attempt still running cleans up only its own
                // file, never a retry's.
                .with_file_name(format!("{}-{task_id}.{target}", job_id.as_string()));
            job.task_id = Some(task_id.clone());
            job.target_format = Some(target.clone());
            job.progress = Some(0);
            job.error = None;
            job.output_size = None;
            replaced_output = job.output_path.take();
            job.set_status(JobStatus::Queued);
            let task = Task {
                session: session.id.clone(),
                job: job_id,
                task_id: task_id.clone(),
                input: job.input_path.clone(),
                source: job.source_format,
                target: target.clone(),
                output,
            };
            Ok((
                ConvertBody {
                    job_id: job_id.as_string(),
                    task_id,
                    status: JobStatus::Queued,
                },
                Some(task),
            ))
        })
        .ok_or_else(ApiError::session_missing)??;
    let (body, task) = accepted;
    if let Some(path) = replaced_output {
        // Only disk space is at stake; a file that is already gone is fine.
        let _ = tokio::fs::remove_file(path).await;
    }
    if let Some(task) = task {
        spawn_conversion(state.clone(), task);
    }
    Ok((StatusCode::ACCEPTED, ApiOk::ok(body)))
}

#[derive(Deserialize)]
struct JobQuery {
    job_id: String,
}

async fn job_status(
    State(state): State<SharedState>,
    SessionAuth(session): SessionAuth,
    ApiQuery(query): ApiQuery<JobQuery>,
) -> Result<ApiOk<JobStatusBody>, ApiError> {
    let job_id = parse_job_id(&query.job_id)?;
    state
        .sessions
        .with(&session.id, |s| {
            s.jobs.get(&job_id).map(|j| j.status_body())
        })
        .ok_or_else(ApiError::session_missing)?
        .map(ApiOk::ok)
        .ok_or_else(ApiError::job_not_found)
}
