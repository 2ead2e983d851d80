//! `POST /upload`: a multipart body (`file`, `job_id`, in either order) streamed to the
//! session's folder under the size limit and quota, then typed by its content.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use axum::extract::multipart::Field;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::routing::post;
use axum::Router;
use serde::Serialize;
use tokio::io::AsyncWriteExt;
use trustyconvert_convert::DetectError;

use crate::auth::CsrfAuth;
use crate::config::{Config, MIB};
use crate::drain::{drain_body, drain_multipart, DRAIN_EXTRA_BYTES};
use crate::envelope::ApiOk;
use crate::error::ApiError;
use crate::files::{extension_of, sanitize_filename};
use crate::ids::{random_hex, JobId};
use crate::jobs::{Job, JobStatus};
use crate::rate_limit::{ClientIp, Limit};
use crate::sessions::SessionView;
use crate::state::SharedState;

/// Bytes of the file kept in memory for content sniffing.
const SNIFF_BYTES: usize = 8 * 1024;

pub fn router(config: &Config) -> Router<SharedState> {
    // Only this route takes large bodies; the file limit itself is enforced while streaming,
    // the body limit only bounds how much is drained after a rejection.
    let body_limit = config.max_upload_bytes.saturating_add(DRAIN_EXTRA_BYTES);
    Router::new()
        .route("/upload", post(upload))
        .layer(DefaultBodyLimit::max(
            usize::try_from(body_limit).unwrap_or(usize::MAX),
        ))
}

#[derive(Serialize)]
struct UploadBody {
    job_id: String,
    status: JobStatus,
}

async fn upload(
    State(state): State<SharedState>,
    req: Request,
) -> Result<(StatusCode, ApiOk<UploadBody>), ApiError> {
    let (mut parts, body) = req.into_parts();
    let drain_bound = state
        .config
        .max_upload_bytes
        .saturating_add(DRAIN_EXTRA_BYTES);
    let checked = async {
        let CsrfAuth(session) = CsrfAuth::from_request_parts(&mut parts, &state).await?;
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(&mut parts, &state).await;
        state.rate_limits.check(Limit::Upload, ip)?;
        let is_multipart = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
        if !is_multipart {
            return Err(ApiError::Validation(
                "Expected a multipart/form-data body with `file` and `job_id`.".into(),
            ));
        }
        Ok(session)
    }
    .await;
    let session = match checked {
        Ok(session) => session,
        Err(e) => {
            drain_body(body, drain_bound).await;
            return Err(e);
        }
    };

    state.hooks.counters.upload_started();
    let mut multipart = Multipart::from_request(Request::from_parts(parts, body), &state)
        .await
        .map_err(|e| {
            ApiError::Validation(format!("Malformed multipart body: {}", e.body_text()))
        })?;
    let mut incoming = Incoming::default();
    let result = match receive(&state, &session, &mut multipart, &mut incoming).await {
        Ok(()) => commit(&state, &session, &mut incoming).await,
        Err(e) => Err(e),
    };
    if result.is_err() {
        drain_multipart(&mut multipart).await;
        if let Some(path) = incoming.temp_path.take() {
            let _ = tokio::fs::remove_file(path).await;
        }
    }
    let job_id = result?;
    state.hooks.counters.upload_completed();
    Ok((
        StatusCode::CREATED,
        ApiOk::ok(UploadBody {
            job_id: job_id.as_string(),
            status: JobStatus::Uploaded,
        }),
    ))
}

/// What has arrived so far.
#[derive(Default)]
struct Incoming {
    job_id: Option<JobId>,
    filename: Option<String>,
    /// The file on disk that no job owns yet.
    temp_path: Option<PathBuf>,
    head: Vec<u8>,
    size: u64,
}

/// A handler can be dropped mid-upload without reaching its error path (hyper drops the request
/// future when its connection fails), so the partial file goes with what was receiving it.
impl Drop for Incoming {
    fn drop(&mut self) {
        if let Some(path) = self.temp_path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge("The request body is too large.".into())
    } else {
        ApiError::Validation(format!("Malformed multipart body: {}", e.body_text()))
    }
}

async fn receive(
    state: &SharedState,
    session: &SessionView,
    multipart: &mut Multipart,
    incoming: &mut Incoming,
) -> Result<(), ApiError> {
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("job_id") => {
                let job_id = read_job_id(field).await?;
                if job_exists(state, session, job_id) {
                    return Err(duplicate_job());
                }
                incoming.job_id = Some(job_id);
            }
            Some("file") => {
                if incoming.filename.is_some() {
                    return Err(ApiError::Validation(
                        "Send one `file` part per upload.".into(),
                    ));
                }
                incoming.filename = Some(sanitize_filename(field.file_name().unwrap_or_default()));
                receive_file(state, session, field, incoming).await?;
            }
            _ => {} // unknown parts are skipped by the next `next_field`
        }
    }
    Ok(())
}

async fn read_job_id(mut field: Field<'_>) -> Result<JobId, ApiError> {
    let mut raw = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        raw.extend_from_slice(&chunk);
        if raw.len() > 128 {
            break;
        }
    }
    std::str::from_utf8(&raw)
        .ok()
        .and_then(JobId::parse)
        .ok_or_else(|| ApiError::Validation("`job_id` must be a UUID.".into()))
}

fn job_exists(state: &SharedState, session: &SessionView, job_id: JobId) -> bool {
    state
        .sessions
        .with(&session.id, |s| s.jobs.contains_key(&job_id))
        .unwrap_or(false)
}

fn duplicate_job() -> ApiError {
    ApiError::Validation("This job_id was already used in this session: make a new one.".into())
}

/// Streams the file part to a temporary name in the session folder, stopping at the limit.
async fn receive_file(
    state: &SharedState,
    session: &SessionView,
    mut field: Field<'_>,
    incoming: &mut Incoming,
) -> Result<(), ApiError> {
    let (quota_left, dir) = state
        .sessions
        .with(&session.id, |s| {
            (
                state
                    .config
                    .session_quota_bytes
                    .saturating_sub(s.bytes_used),
                s.dir.clone(),
            )
        })
        .ok_or_else(ApiError::session_missing)?;
    let max = state.config.max_upload_bytes;
    tokio::fs::create_dir_all(&dir).await.map_err(io_error)?;
    let temp = dir.join(format!(".incoming-{}", random_hex(8)));
    let mut file = tokio::fs::File::create(&temp).await.map_err(io_error)?;
    incoming.temp_path = Some(temp);
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        incoming.size += chunk.len() as u64;
        if incoming.size > max {
            return Err(ApiError::TooLarge(format!(
                "The file is larger than the limit of {}.",
                human_size(max)
            )));
        }
        if incoming.size > quota_left {
            return Err(quota_exceeded(state));
        }
        if incoming.head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - incoming.head.len()).min(chunk.len());
            incoming.head.extend_from_slice(&chunk[..take]);
        }
        file.write_all(&chunk).await.map_err(io_error)?;
        if let Some(delay) = state.hooks.upload_delay(chunk.len()) {
            tokio::time::sleep(delay).await;
        }
    }
    file.flush().await.map_err(io_error)?;
    Ok(())
}

fn quota_exceeded(state: &SharedState) -> ApiError {
    ApiError::QuotaFull(format!(
        "This session's storage ({}) is full: download or close finished jobs first.",
        human_size(state.config.session_quota_bytes)
    ))
}

fn io_error(e: std::io::Error) -> ApiError {
    tracing::error!(error = %e, "upload storage failed");
    ApiError::Server("The server could not store the file.".into())
}

fn human_size(bytes: u64) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Validates what arrived and records the job; returns its id.
async fn commit(
    state: &SharedState,
    session: &SessionView,
    incoming: &mut Incoming,
) -> Result<JobId, ApiError> {
    let (Some(filename), Some(temp)) = (incoming.filename.clone(), incoming.temp_path.clone())
    else {
        return Err(ApiError::Validation("Missing the `file` part.".into()));
    };
    let job_id = incoming
        .job_id
        .ok_or_else(|| ApiError::Validation("Missing the `job_id` part.".into()))?;
    if incoming.size == 0 {
        return Err(ApiError::FileValidation("The file is empty.".into()));
    }
    let source = trustyconvert_convert::detect_format(&incoming.head, &extension_of(&filename))
        .map_err(detect_error)?;
    let input = input_path(&temp, job_id, source);
    tokio::fs::rename(&temp, &input).await.map_err(io_error)?;
    incoming.temp_path = Some(input.clone());
    let now = SystemTime::now();
    let size = incoming.size;
    let quota = state.config.session_quota_bytes;
    let job = Job {
        id: job_id,
        status: JobStatus::Uploaded,
        task_id: None,
        created_at: now,
        updated_at: now,
        original_filename: filename,
        source_format: source,
        target_format: None,
        file_size: size,
        output_size: None,
        progress: None,
        error: None,
        input_path: input,
        output_path: None,
    };
    state
        .sessions
        .with(&session.id, |s| {
            if s.jobs.contains_key(&job_id) {
                return Err(duplicate_job());
            }
            if s.bytes_used.saturating_add(size) > quota {
                return Err(quota_exceeded(state));
            }
            s.bytes_used += size;
            s.jobs.insert(job_id, job);
            Ok(())
        })
        .ok_or_else(ApiError::session_missing)??;
    incoming.temp_path = None;
    Ok(job_id)
}

fn input_path(temp: &Path, job_id: JobId, source: &str) -> PathBuf {
    temp.with_file_name(format!("{}-input.{source}", job_id.as_string()))
}

fn detect_error(e: DetectError) -> ApiError {
    ApiError::FileValidation(match e {
        DetectError::UnsupportedExtension(ext) if ext.is_empty() => {
            "The file has no extension, so its type is unknown.".into()
        }
        DetectError::UnsupportedExtension(ext) => {
            format!("Files of type .{ext} are not supported.")
        }
        DetectError::ContentMismatch {
            extension,
            detected: Some(d),
        } => {
            format!("The file is named .{extension} but its content is {d}.")
        }
        DetectError::ContentMismatch {
            extension,
            detected: None,
        } => {
            format!("The file's content is not a valid .{extension} file.")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_file_goes_with_the_upload_that_was_receiving_it() {
        let path = std::env::temp_dir().join(format!(".incoming-test-{}", random_hex(8)));
        std::fs::write(&path, b"partial").unwrap();
        let mut incoming = Incoming::default();
        incoming.temp_path = Some(path.clone());
        drop(incoming);
        assert!(!path.exists());
    }
}
