//! Turns any HTTP answer (status, a few headers, body bytes) into the `data` of a success or one
//! `ApiError`, understanding every envelope variant of API.md and bodies that are not JSON at all.
//!
//! Decisions (the frontend relies on them):
//! - A non-2xx status is always an error, whatever the body says; the body only refines it.
//! - A 2xx with an empty body (204 or otherwise) is a success with `data: null`.
//! - A 2xx with a non-empty body that is not JSON is `Decode`. (`/download` is a browser
//!   navigation and never passes through here.)
//! - A 2xx JSON object without `success` is tolerated: its `data` is used if present, else the
//!   whole object; a bare JSON array or scalar is the data itself. A 2xx with `success:false`
//!   is an error (some backends answer 200 for failures).
//! - Error type strings compare case-insensitively, ignoring `_`/`-`/spaces. The type decides the
//!   kind; without a recognisable type the status decides. A 403 without a recognisable type is
//!   `Csrf` only when its message (or a non-JSON body, e.g. Django's HTML page) mentions CSRF,
//!   else `Forbidden`. A `TokenError` whose message mentions CSRF is `Csrf`.
//! - The correlation id comes from the body when present (it names the logged error), else the
//!   `X-Correlation-ID` header. `Retry-After` is read as delta-seconds (an HTTP-date is ignored:
//!   this layer has no clock), else from the body's `retry_after`.
//! - Status 0 (what `fetch`/XHR report when no answer arrived) is `Network`.

use serde_json::{Map, Value};

use super::error::{normalise_type, ApiError, ApiErrorKind, FieldIssue};
use crate::decimal::Decimal;
use crate::ids::CsrfToken;

/// A successful answer: the envelope's `data` (or the tolerated equivalent). `Debug` leaves
/// `data` out: it may hold a CSRF token or a session id.
#[derive(Clone, PartialEq)]
pub struct ApiSuccess {
    pub status: u16,
    pub data: Value,
    pub correlation_id: Option<String>,
    /// The answer's `Date` header: the server's clock, for its `expires_at` instants.
    pub server_date: Option<String>,
}

impl std::fmt::Debug for ApiSuccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiSuccess")
            .field("status", &self.status)
            .field("correlation_id", &self.correlation_id)
            .finish_non_exhaustive()
    }
}

impl ApiSuccess {
    /// The new CSRF token, when `data.csrf_token` is a non-empty, header-safe string.
    pub fn csrf_token(&self) -> Option<CsrfToken> {
        self.data
            .get("csrf_token")
            .and_then(Value::as_str)
            .and_then(CsrfToken::new)
    }
}

/// Parses one HTTP answer, its JSON with serde_json. Never panics, whatever the bytes.
pub fn parse_response(
    status: u16,
    content_type: Option<&str>,
    correlation_header: Option<&str>,
    retry_after_header: Option<&str>,
    body: &[u8],
) -> Result<ApiSuccess, ApiError> {
    parse_response_with(
        |bytes| serde_json::from_slice(bytes).ok(),
        status,
        content_type,
        correlation_header,
        retry_after_header,
        body,
    )
}

/// Parses one HTTP answer with `parse_json` reading the JSON text (`None` when malformed): the
/// browser app passes the browser's own `JSON.parse`, which costs the bundle nothing.
pub fn parse_response_with(
    parse_json: impl FnOnce(&[u8]) -> Option<Value>,
    status: u16,
    content_type: Option<&str>,
    correlation_header: Option<&str>,
    retry_after_header: Option<&str>,
    body: &[u8],
) -> Result<ApiSuccess, ApiError> {
    let header_correlation = clean_string(correlation_header);
    if status == 0 {
        return Err(ApiError::network().with_correlation_id(header_correlation));
    }
    let json = json_body(content_type, body, parse_json);
    let success_status = (200..300).contains(&status);

    match json {
        Some(Value::Object(object)) => {
            let correlation = body_correlation(&object).or(header_correlation);
            let explicit_failure = object.get("success") == Some(&Value::Bool(false));
            if success_status && !explicit_failure {
                let data = match object.get("data") {
                    Some(data) => data.clone(),
                    None if object.contains_key("success") => Value::Null,
                    None => Value::Object(object),
                };
                return Ok(ApiSuccess {
                    status,
                    data,
                    correlation_id: correlation,
                    server_date: None,
                });
            }
            Err(error_from_object(
                status,
                &object,
                correlation,
                retry_after_header,
            ))
        }
        Some(other) if success_status => Ok(ApiSuccess {
            status,
            data: other,
            correlation_id: header_correlation,
            server_date: None,
        }),
        _ if success_status => {
            if body.iter().all(u8::is_ascii_whitespace) {
                Ok(ApiSuccess {
                    status,
                    data: Value::Null,
                    correlation_id: header_correlation,
                    server_date: None,
                })
            } else {
                Err(ApiError::decode()
                    .with_status(status)
                    .with_correlation_id(header_correlation))
            }
        }
        _ => {
            // Not a JSON object: classify by status alone (a proxy page, an empty body…).
            let mentions_csrf = contains_csrf(&String::from_utf8_lossy(
                &body[..body.len().min(BODY_SCAN_LIMIT)],
            ));
            let kind = kind_from_status(
                status,
                mentions_csrf,
                parse_retry_after(retry_after_header),
                None,
            );
            Err(ApiError::new(kind)
                .with_status(status)
                .with_correlation_id(header_correlation))
        }
    }
}

/// How much of a non-JSON error body is scanned for "csrf".
const BODY_SCAN_LIMIT: usize = 16 * 1024;

fn json_body(
    content_type: Option<&str>,
    body: &[u8],
    parse_json: impl FnOnce(&[u8]) -> Option<Value>,
) -> Option<Value> {
    let says_json = content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    // Some proxies mislabel JSON; anything starting like JSON is tried whatever the header says.
    if says_json || matches!(first, Some(b'{') | Some(b'[')) {
        parse_json(body)
    } else {
        None
    }
}

fn clean_string(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn string_field(object: &Map<String, Value>, key: &str) -> Option<String> {
    clean_string(object.get(key).and_then(Value::as_str))
}

fn body_correlation(object: &Map<String, Value>) -> Option<String> {
    string_field(object, "correlation_id")
        .or_else(|| nested_object(object, "data").and_then(|d| string_field(d, "correlation_id")))
        .or_else(|| nested_object(object, "error").and_then(|e| string_field(e, "correlation_id")))
}

fn nested_object<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Map<String, Value>> {
    object.get(key).and_then(Value::as_object)
}

/// The parts of an error body, from whichever variant it is.
#[derive(Default)]
struct ErrorParts {
    error_type: Option<String>,
    message: Option<String>,
    details: Option<Value>,
}

fn error_parts(object: &Map<String, Value>) -> ErrorParts {
    // `{"data": {"error": …, "message": …}}` puts the whole error one level down.
    let holder = match nested_object(object, "data") {
        Some(data) if !object.contains_key("error") && data.contains_key("error") => data,
        _ => object,
    };
    let mut parts = ErrorParts::default();
    match holder.get("error") {
        Some(Value::Object(error)) => {
            parts.error_type = string_field(error, "type")
                .or_else(|| string_field(error, "code"))
                .or_else(|| string_field(error, "name"));
            parts.message = string_field(error, "message");
            parts.details = error.get("details").cloned();
        }
        Some(Value::String(error)) => {
            let error = error.trim();
            // `"error": "Something broke"` is a message, not a type, when it is not type-like.
            if !error.is_empty() && !error.contains(' ') {
                parts.error_type = Some(error.to_owned());
            } else if !error.is_empty() {
                parts.message = Some(error.to_owned());
            }
        }
        _ => {}
    }
    if parts.error_type.is_none() {
        parts.error_type = string_field(holder, "type").or_else(|| string_field(holder, "code"));
    }
    if parts.message.is_none() {
        parts.message = string_field(holder, "message").or_else(|| string_field(holder, "detail"));
    }
    if parts.details.is_none() {
        parts.details = holder.get("details").cloned();
    }
    parts
}

fn error_from_object(
    status: u16,
    object: &Map<String, Value>,
    correlation: Option<String>,
    retry_after_header: Option<&str>,
) -> ApiError {
    let parts = error_parts(object);
    let field_issues = parts.details.as_ref().map(field_issues).unwrap_or_default();
    let retry_after = parse_retry_after(retry_after_header)
        .or_else(|| {
            parts
                .details
                .as_ref()
                .and_then(Value::as_object)
                .and_then(body_retry_after)
        })
        .or_else(|| body_retry_after(object));
    let mentions_csrf = parts.message.as_deref().is_some_and(contains_csrf)
        || parts.error_type.as_deref().is_some_and(contains_csrf);

    let kind = parts
        .error_type
        .as_deref()
        .and_then(|t| kind_from_type(t, status, mentions_csrf, retry_after, &parts.message))
        .unwrap_or_else(|| {
            kind_from_status(status, mentions_csrf, retry_after, parts.message.clone())
        });
    let kind = match kind {
        // A validation type that came only from the status keeps the server's own type if any.
        ApiErrorKind::Validation {
            server_type,
            message,
        } => ApiErrorKind::Validation {
            server_type: parts.error_type.clone().unwrap_or(server_type),
            message,
        },
        other => other,
    };
    ApiError {
        kind,
        status: Some(status),
        correlation_id: correlation,
        server_message: parts.message,
        server_type: parts.error_type,
        field_issues,
    }
}

/// The kind named by a type string, or `None` when the type is not one we know.
fn kind_from_type(
    error_type: &str,
    status: u16,
    mentions_csrf: bool,
    retry_after: Option<u32>,
    message: &Option<String>,
) -> Option<ApiErrorKind> {
    let t = normalise_type(error_type);
    let validation = || ApiErrorKind::Validation {
        server_type: error_type.to_owned(),
        message: message.clone(),
    };
    let kind = if t.contains("csrf") {
        ApiErrorKind::Csrf
    } else if t.starts_with("session") || t == "unauthorized" || t == "authenticationerror" {
        ApiErrorKind::Session
    } else if t == "tokenerror" || t == "downloadtokenerror" || t == "invalidtoken" {
        if mentions_csrf {
            ApiErrorKind::Csrf
        } else {
            ApiErrorKind::Token
        }
    } else if t.starts_with("ratelimit") || t == "toomanyrequests" {
        ApiErrorKind::RateLimited {
            retry_after_secs: retry_after,
        }
    } else if t.starts_with("tasklimit") {
        ApiErrorKind::TaskLimit {
            retry_after_secs: retry_after,
        }
    } else if t.contains("quota") {
        ApiErrorKind::QuotaFull
    } else if t.contains("toolarge") || t.contains("filesize") || t.contains("sizeexceeded") {
        ApiErrorKind::TooLarge
    } else if t.ends_with("notfound") || t == "resourcegone" {
        ApiErrorKind::NotFound
    } else if t.contains("validation")
        || t.contains("unsupported")
        || t.contains("virus")
        || t == "badrequest"
        || t == "invalidrequest"
    {
        validation()
    } else if t == "servererror" || t == "internalservererror" || t == "internalerror" {
        ApiErrorKind::Server { status }
    } else {
        return None;
    };
    Some(kind)
}

fn kind_from_status(
    status: u16,
    mentions_csrf: bool,
    retry_after: Option<u32>,
    message: Option<String>,
) -> ApiErrorKind {
    match status {
        400 | 422 => ApiErrorKind::Validation {
            server_type: "ValidationError".to_owned(),
            message,
        },
        401 => ApiErrorKind::Session,
        403 if mentions_csrf => ApiErrorKind::Csrf,
        403 => ApiErrorKind::Forbidden,
        404 | 410 => ApiErrorKind::NotFound,
        408 => ApiErrorKind::Timeout,
        413 => ApiErrorKind::TooLarge,
        429 => ApiErrorKind::RateLimited {
            retry_after_secs: retry_after,
        },
        500..=599 => ApiErrorKind::Server { status },
        _ => ApiErrorKind::Unexpected { status },
    }
}

fn contains_csrf(text: &str) -> bool {
    text.to_ascii_lowercase().contains("csrf")
}

/// `Retry-After` as delta-seconds (fractions rounded up, huge values saturated).
pub fn parse_retry_after(header: Option<&str>) -> Option<u32> {
    let value = header?.trim();
    let secs = Decimal::parse(value)?.ceil();
    Some(u32::try_from(secs).unwrap_or(u32::MAX))
}

fn seconds_from_f64(secs: f64) -> Option<u32> {
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    // `as` saturates for floats, which is what a huge wait should mean.
    Some(secs.ceil().min(f64::from(u32::MAX)) as u32)
}

fn body_retry_after(object: &Map<String, Value>) -> Option<u32> {
    ["retry_after", "retry_after_secs", "retryAfter"]
        .iter()
        .find_map(|key| match object.get(*key)? {
            Value::Number(n) => n.as_f64().and_then(seconds_from_f64),
            Value::String(s) => parse_retry_after(Some(s)),
            _ => None,
        })
}

fn field_issues(details: &Value) -> Vec<FieldIssue> {
    match details {
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::Object(o) => string_field(o, "message")
                    .or_else(|| string_field(o, "msg"))
                    .map(|message| FieldIssue {
                        field: string_field(o, "field").or_else(|| string_field(o, "loc")),
                        message,
                    }),
                Value::String(s) => clean_string(Some(s)).map(|message| FieldIssue {
                    field: None,
                    message,
                }),
                _ => None,
            })
            .collect(),
        Value::Object(map) => map
            .iter()
            .filter_map(|(field, value)| {
                let message = match value {
                    Value::String(s) => clean_string(Some(s)),
                    Value::Array(list) => list.iter().find_map(|v| clean_string(v.as_str())),
                    _ => None,
                }?;
                Some(FieldIssue {
                    field: Some(field.clone()),
                    message,
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
#[path = "envelope_tests.rs"]
mod tests;
