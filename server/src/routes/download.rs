//! `POST /download_token` (a single-use, short-lived capability for a finished job) and
//! `GET /download?token=` (the file itself; the token is the only credential).

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use tokio_util::io::ReaderStream;

use crate::auth::CsrfAuth;
use crate::envelope::ApiOk;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::files::{content_disposition, download_name};
use crate::ids::{rfc3339, DownloadToken, JobId};
use crate::jobs::JobStatus;
use crate::rate_limit::{ClientIp, Limit};
use crate::state::SharedState;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/download_token", post(issue_token))
        .route("/download", get(download))
}

#[derive(Deserialize)]
struct TokenRequest {
    job_id: String,
}

#[derive(Serialize)]
struct TokenBody {
    download_token: String,
    expires_at: String,
}

async fn issue_token(
    State(state): State<SharedState>,
    CsrfAuth(session): CsrfAuth,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<(StatusCode, ApiOk<TokenBody>), ApiError> {
    let job_id = JobId::parse(&req.job_id)
        .ok_or_else(|| ApiError::Validation("`job_id` must be a UUID.".into()))?;
    let status = state
        .sessions
        .with(&session.id, |s| s.jobs.get(&job_id).map(|j| j.status))
        .ok_or_else(ApiError::session_missing)?
        .ok_or_else(ApiError::job_not_found)?;
    if status != JobStatus::Completed {
        return Err(ApiError::Validation(
            "The conversion is not finished: there is nothing to download yet.".into(),
        ));
    }
    let (token, expires_at) = state.grant_download(&session.id, job_id);
    let body = TokenBody {
        download_token: token.as_str().to_owned(),
        expires_at: rfc3339(expires_at),
    };
    Ok((StatusCode::CREATED, ApiOk::ok(body)))
}

#[derive(Deserialize)]
struct DownloadQuery {
    token: String,
}

/// What the token's job resolves to.
struct Output {
    path: std::path::PathBuf,
    name: String,
    content_type: &'static str,
}

async fn download(
    State(state): State<SharedState>,
    ClientIp(ip): ClientIp,
    ApiQuery(query): ApiQuery<DownloadQuery>,
) -> Result<Response, ApiError> {
    state.rate_limits.check(Limit::Download, ip)?;
    let grant = state
        .redeem_download(&DownloadToken::from_client(&query.token))
        .ok_or_else(|| {
            ApiError::Token("This download link was already used or has expired.".into())
        })?;
    let output = state
        .sessions
        .with(&grant.session, |s| {
            let job = s
                .jobs
                .get(&grant.job)
                .filter(|j| j.status == JobStatus::Completed)?;
            let target = job.target_format.clone()?;
            Some(Output {
                path: job.output_path.clone()?,
                name: download_name(&job.original_filename, &target),
                content_type: trustyconvert_convert::content_type(&target),
            })
        })
        .flatten()
        .ok_or_else(|| ApiError::NotFound("The converted file is gone.".into()))?;
    let file = tokio::fs::File::open(&output.path)
        .await
        .map_err(|_| ApiError::NotFound("The converted file is gone.".into()))?;
    let len = file.metadata().await.map(|m| m.len()).ok();
    let mut response = Body::from_stream(ReaderStream::new(file)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(output.content_type),
    );
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&output.name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(len) = len {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        HeaderName::from_static("referrer-policy"),
        HeaderValue::from_static("no-referrer"),
    );
    // Converted HTML must never run with the API's origin.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox"),
    );
    Ok(response)
}
