//! One typed function per route of the API contract, each a thin wrapper over `ApiClient::send`.

use serde_json::Value;
use trustyconvert_core::{
    encode_query_value, resolve_api_url, ApiError, ApiErrorKind, ApiSuccess, DownloadToken,
    FormatCatalog, JobId, RemoteJobStatus,
};

use super::client::{ApiRequest, SessionRule, StartedBy};
use super::hook::ApiClient;
use crate::browser;
use crate::transport::Body;

/// `POST /session/csrf`: rotates the token (the new one lands in the store).
pub async fn session_csrf(client: &ApiClient) -> Result<ApiSuccess, ApiError> {
    client
        .send(ApiRequest::post("/session/csrf", Body::Empty))
        .await
}

/// `GET /convert/formats`, read with the tolerant parser.
pub async fn formats(client: &ApiClient) -> Result<FormatCatalog, ApiError> {
    let mut request = ApiRequest::get("/convert/formats");
    request.rule = SessionRule::Public;
    let success = client.send(request).await?;
    FormatCatalog::from_data(&success.data)
}

/// From this size on, an upload first makes sure its session is confirmed and lasts through it
/// (see `SessionManager::ensure_fresh_session`).
const LARGE_UPLOAD_BYTES: u64 = 1024 * 1024;

/// `POST /upload` as the person's action; `request` carries progress and abort when the
/// caller wants them.
pub async fn upload(
    client: &ApiClient,
    file: &web_sys::File,
    job_id: &JobId,
    mut request: ApiRequest,
) -> Result<ApiSuccess, ApiError> {
    let form = browser::file::upload_form(file, job_id.as_str())
        .ok_or_else(|| ApiError::new(ApiErrorKind::Decode))?;
    let bytes = browser::file::size_of(file);
    if bytes >= LARGE_UPLOAD_BYTES {
        client
            .session()
            .ensure_fresh_session(StartedBy::Person, bytes)
            .await?;
    }
    request.path = "/upload".to_owned();
    request.body = Body::Form(form);
    client.send(request.by_user()).await
}

/// `POST /convert`.
pub async fn convert(
    client: &ApiClient,
    job_id: &JobId,
    target_format: &str,
    source_format: Option<&str>,
) -> Result<ApiSuccess, ApiError> {
    let mut fields = vec![
        ("job_id", job_id.as_str()),
        ("target_format", target_format),
    ];
    fields.extend(source_format.map(|source| ("source_format", source)));
    let body = browser::json::string_object(&fields);
    client
        .send(ApiRequest::post("/convert", Body::Json(body)).by_user())
        .await
}

/// `GET /job_status?job_id=`.
pub async fn job_status(client: &ApiClient, job_id: &JobId) -> Result<RemoteJobStatus, ApiError> {
    let success = client
        .send(ApiRequest::get(format!("/job_status?job_id={job_id}")))
        .await?;
    RemoteJobStatus::from_data(&success.data).ok_or_else(|| decode_error(&success))
}

/// `POST /download_token`: a single-use token for one download.
pub async fn download_token(client: &ApiClient, job_id: &JobId) -> Result<DownloadToken, ApiError> {
    let body = browser::json::string_object(&[("job_id", job_id.as_str())]);
    let success = client
        .send(ApiRequest::post("/download_token", Body::Json(body)).by_user())
        .await?;
    success
        .data
        .get("download_token")
        .and_then(Value::as_str)
        .and_then(DownloadToken::new)
        .ok_or_else(|| decode_error(&success))
}

/// The URL of `GET /download?token=` (a browser download, not a fetch).
pub fn download_url(api_base: &str, token: &DownloadToken) -> String {
    let encoded = encode_query_value(token.expose());
    resolve_api_url(api_base, &format!("/download?token={encoded}"))
}

/// `GET /health`.
pub async fn health(client: &ApiClient) -> Result<Value, ApiError> {
    let mut request = ApiRequest::get("/health");
    request.rule = SessionRule::Public;
    client.send(request).await.map(|success| success.data)
}

fn decode_error(success: &ApiSuccess) -> ApiError {
    ApiError::new(ApiErrorKind::Decode).with_correlation_id(success.correlation_id.clone())
}
