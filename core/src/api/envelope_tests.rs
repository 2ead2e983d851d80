//! Tests of the envelope parser: every body variant of API.md, non-JSON bodies, status-only.

use super::*;
use crate::i18n::default_language as en;
use serde_json::json;

const JSON: Option<&str> = Some("application/json");

fn err(status: u16, body: &str) -> ApiError {
    parse_response(status, JSON, None, None, body.as_bytes()).unwrap_err()
}

#[test]
fn canonical_success_keeps_data_and_token() {
    let body = r#"{"success":true,"data":{"id":"s1","csrf_token":"tok-1","expires_at":"x"},"correlation_id":"c-1"}"#;
    let ok = parse_response(200, JSON, Some("c-h"), None, body.as_bytes()).unwrap();
    assert_eq!(ok.data["id"], "s1");
    assert_eq!(ok.correlation_id.as_deref(), Some("c-1"));
    assert_eq!(ok.csrf_token(), CsrfToken::new("tok-1"));
}

#[test]
fn empty_or_unsafe_csrf_token_is_ignored() {
    for data in [
        json!({"csrf_token": ""}),
        json!({"csrf_token": 5}),
        json!({"csrf_token": "a b"}),
        json!({}),
    ] {
        let body = json!({"success": true, "data": data}).to_string();
        let ok = parse_response(200, JSON, None, None, body.as_bytes()).unwrap();
        assert_eq!(ok.csrf_token(), None);
    }
}

#[test]
fn tolerated_success_shapes() {
    // No `success`, with `data`: the data.
    let ok = parse_response(200, JSON, None, None, br#"{"data":[1,2]}"#).unwrap();
    assert_eq!(ok.data, json!([1, 2]));
    // No `success`, no `data`: the whole object is the payload.
    let ok = parse_response(200, JSON, None, None, br#"{"status":"ok"}"#).unwrap();
    assert_eq!(ok.data, json!({"status":"ok"}));
    // A bare array.
    let ok = parse_response(200, JSON, None, None, b"[1]").unwrap();
    assert_eq!(ok.data, json!([1]));
    // `success:true` without data.
    let ok = parse_response(201, JSON, None, None, br#"{"success":true}"#).unwrap();
    assert_eq!(ok.data, Value::Null);
    // Mislabelled JSON.
    let ok = parse_response(
        200,
        Some("text/plain"),
        None,
        None,
        br#"{"success":true,"data":1}"#,
    )
    .unwrap();
    assert_eq!(ok.data, json!(1));
}

#[test]
fn empty_2xx_is_success_and_non_json_2xx_is_decode() {
    let ok = parse_response(204, None, Some("c-9"), None, b"").unwrap();
    assert_eq!(ok.data, Value::Null);
    assert_eq!(ok.correlation_id.as_deref(), Some("c-9"));
    assert!(parse_response(200, JSON, None, None, b"  \n").is_ok());
    let e = parse_response(
        200,
        Some("text/html"),
        Some("c-2"),
        None,
        b"<html>hi</html>",
    )
    .unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Decode);
    assert_eq!(e.correlation_id.as_deref(), Some("c-2"));
    let e = parse_response(200, JSON, None, None, b"{\"success\":tru").unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Decode);
}

#[test]
fn canonical_error() {
    let e = err(
        403,
        r#"{"success":false,"error":{"message":"CSRF token missing","type":"CSRFValidationError","details":{}},"correlation_id":"c-3"}"#,
    );
    assert_eq!(e.kind, ApiErrorKind::Csrf);
    assert_eq!(e.status, Some(403));
    assert_eq!(e.correlation_id.as_deref(), Some("c-3"));
    assert_eq!(e.server_message.as_deref(), Some("CSRF token missing"));
    assert_eq!(e.server_type.as_deref(), Some("CSRFValidationError"));
}

#[test]
fn flat_string_error_with_detail_list() {
    let e = err(
        403,
        r#"{"success":false,"error":"CSRFValidationError","message":"bad token","details":[{"field":"X-CSRF-Token","message":"mismatch"}],"correlation_id":"c-4"}"#,
    );
    assert_eq!(e.kind, ApiErrorKind::Csrf);
    assert_eq!(e.correlation_id.as_deref(), Some("c-4"));
    assert_eq!(
        e.field_issues,
        vec![FieldIssue {
            field: Some("X-CSRF-Token".into()),
            message: "mismatch".into()
        }]
    );
}

#[test]
fn error_nested_in_data() {
    let e = err(
        401,
        r#"{"success":false,"data":{"error":"SessionValidationError","message":"expired","correlation_id":"c-5","details":null}}"#,
    );
    assert_eq!(e.kind, ApiErrorKind::Session);
    assert_eq!(e.correlation_id.as_deref(), Some("c-5"));
    assert_eq!(e.server_message.as_deref(), Some("expired"));
}

#[test]
fn type_strings_map_case_insensitively() {
    let cases: Vec<(u16, &str, ApiErrorKind)> = vec![
        (403, "csrfvalidationerror", ApiErrorKind::Csrf),
        (403, "CSRF_ERROR", ApiErrorKind::Csrf),
        (401, "SESSIONVALIDATIONERROR", ApiErrorKind::Session),
        (403, "TokenError", ApiErrorKind::Token),
        (404, "resourceNotFound", ApiErrorKind::NotFound),
        (413, "MaxFileSizeExceededError", ApiErrorKind::TooLarge),
        (413, "StorageQuotaExceededError", ApiErrorKind::QuotaFull),
        (500, "ServerError", ApiErrorKind::Server { status: 500 }),
        (
            429,
            "TaskLimitExceeded",
            ApiErrorKind::TaskLimit {
                retry_after_secs: None,
            },
        ),
        (
            429,
            "ratelimitexceeded",
            ApiErrorKind::RateLimited {
                retry_after_secs: None,
            },
        ),
    ];
    for (status, t, kind) in cases {
        let body = json!({"success": false, "error": {"type": t, "message": "m"}}).to_string();
        assert_eq!(err(status, &body).kind, kind, "type {t}");
    }
}

#[test]
fn validation_types_keep_the_server_type() {
    for t in [
        "ValidationError",
        "FileValidationError",
        "UnsupportedFormatError",
        "VirusDetectedError",
    ] {
        let body = json!({"success": false, "error": {"type": t, "message": "nope"}}).to_string();
        let e = err(400, &body);
        assert_eq!(
            e.kind,
            ApiErrorKind::Validation {
                server_type: t.into(),
                message: Some("nope".into())
            }
        );
        assert_eq!(e.user_message(en()), "nope");
    }
}

#[test]
fn token_error_mentioning_csrf_is_csrf() {
    let body = r#"{"success":false,"error":{"type":"TokenError","message":"CSRF token expired"}}"#;
    assert_eq!(err(403, body).kind, ApiErrorKind::Csrf);
}

#[test]
fn forbidden_without_type_is_csrf_only_when_it_says_so() {
    assert_eq!(
        err(
            403,
            r#"{"success":false,"error":"CSRF token missing or incorrect"}"#
        )
        .kind,
        ApiErrorKind::Csrf
    );
    assert_eq!(
        err(403, r#"{"success":false,"message":"Access denied"}"#).kind,
        ApiErrorKind::Forbidden
    );
    // Django's HTML CSRF failure page.
    let html = b"<html><h1>Forbidden (403)</h1><p>CSRF verification failed.</p></html>";
    let e = parse_response(403, Some("text/html"), Some("c-6"), None, html).unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Csrf);
    assert_eq!(e.correlation_id.as_deref(), Some("c-6"));
    let e = parse_response(403, Some("text/html"), None, None, b"<h1>Blocked</h1>").unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Forbidden);
}

#[test]
fn non_json_bodies_are_classified_by_status() {
    let cases: Vec<(u16, ApiErrorKind)> = vec![
        (
            400,
            ApiErrorKind::Validation {
                server_type: "ValidationError".into(),
                message: None,
            },
        ),
        (401, ApiErrorKind::Session),
        (404, ApiErrorKind::NotFound),
        (408, ApiErrorKind::Timeout),
        (413, ApiErrorKind::TooLarge),
        (
            429,
            ApiErrorKind::RateLimited {
                retry_after_secs: Some(7),
            },
        ),
        (502, ApiErrorKind::Server { status: 502 }),
        (503, ApiErrorKind::Server { status: 503 }),
        (405, ApiErrorKind::Unexpected { status: 405 }),
        (302, ApiErrorKind::Unexpected { status: 302 }),
    ];
    for (status, kind) in cases {
        for body in [&b"<html>Bad Gateway</html>"[..], b"", b"{not json"] {
            let e = parse_response(status, Some("text/html"), Some(" c-7 "), Some("7"), body)
                .unwrap_err();
            assert_eq!(e.kind, kind, "status {status}");
            assert_eq!(e.status, Some(status));
            assert_eq!(e.correlation_id.as_deref(), Some("c-7"));
        }
    }
}

#[test]
fn status_zero_is_network() {
    let e = parse_response(0, None, None, None, b"").unwrap_err();
    assert_eq!(e.kind, ApiErrorKind::Network);
}

#[test]
fn success_false_on_2xx_is_an_error() {
    let e = err(
        200,
        r#"{"success":false,"error":{"type":"CSRFValidationError"}}"#,
    );
    assert_eq!(e.kind, ApiErrorKind::Csrf);
    let e = err(200, r#"{"success":false}"#);
    assert_eq!(e.kind, ApiErrorKind::Unexpected { status: 200 });
}

#[test]
fn non_2xx_is_an_error_even_if_the_body_claims_success() {
    let e = err(500, r#"{"success":true,"data":{}}"#);
    assert_eq!(e.kind, ApiErrorKind::Server { status: 500 });
}

#[test]
fn unknown_type_falls_back_to_status() {
    let e = err(
        404,
        r#"{"success":false,"error":{"type":"WeirdThing","message":"m"}}"#,
    );
    assert_eq!(e.kind, ApiErrorKind::NotFound);
    assert_eq!(e.server_type.as_deref(), Some("WeirdThing"));
    let e = err(400, r#"{"success":false,"error":{"type":"WeirdThing"}}"#);
    assert_eq!(
        e.kind,
        ApiErrorKind::Validation {
            server_type: "WeirdThing".into(),
            message: None
        }
    );
}

#[test]
fn retry_after_from_header_or_body() {
    let body = r#"{"success":false,"error":{"type":"RateLimitExceeded","message":"slow down"}}"#;
    let e = parse_response(429, JSON, None, Some("3"), body.as_bytes()).unwrap_err();
    assert_eq!(
        e.kind,
        ApiErrorKind::RateLimited {
            retry_after_secs: Some(3)
        }
    );
    assert_eq!(
        e.user_message(en()),
        "Too many requests. Please wait 3 seconds and try again."
    );
    let body =
        r#"{"success":false,"error":{"type":"TaskLimitExceeded","details":{"retry_after":2.2}}}"#;
    let e = parse_response(429, JSON, None, None, body.as_bytes()).unwrap_err();
    assert_eq!(
        e.kind,
        ApiErrorKind::TaskLimit {
            retry_after_secs: Some(3)
        }
    );
    let body = r#"{"success":false,"error":"RateLimitExceeded","retry_after":"9"}"#;
    let e = parse_response(429, JSON, None, None, body.as_bytes()).unwrap_err();
    assert_eq!(e.retry_after_secs(), Some(9));
    // An HTTP-date or garbage is ignored.
    let e =
        parse_response(429, None, None, Some("Wed, 21 Oct 2015 07:28:00 GMT"), b"").unwrap_err();
    assert_eq!(e.retry_after_secs(), None);
}

#[test]
fn retry_after_parsing() {
    assert_eq!(parse_retry_after(Some(" 5 ")), Some(5));
    assert_eq!(parse_retry_after(Some("1.5")), Some(2));
    assert_eq!(parse_retry_after(Some("99999999999")), Some(u32::MAX));
    assert_eq!(parse_retry_after(Some("-1")), None);
    assert_eq!(parse_retry_after(Some("NaN")), None);
    assert_eq!(parse_retry_after(Some("inf")), None);
    assert_eq!(parse_retry_after(None), None);
}

#[test]
fn body_correlation_wins_over_header() {
    let e = parse_response(
        500,
        JSON,
        Some("c-header"),
        None,
        br#"{"success":false,"error":{"type":"ServerError"},"correlation_id":"c-body"}"#,
    )
    .unwrap_err();
    assert_eq!(e.correlation_id.as_deref(), Some("c-body"));
    let e = parse_response(500, JSON, Some("c-header"), None, br#"{"success":false}"#).unwrap_err();
    assert_eq!(e.correlation_id.as_deref(), Some("c-header"));
}

#[test]
fn fastapi_style_detail_and_object_details() {
    let e = err(422, r#"{"detail":"field required"}"#);
    assert_eq!(e.user_message(en()), "field required");
    let e = err(
        400,
        r#"{"success":false,"error":{"type":"ValidationError","details":{"job_id":["must be a UUID"]}}}"#,
    );
    assert_eq!(e.field_issues[0].field.as_deref(), Some("job_id"));
    assert_eq!(e.user_message(en()), "must be a UUID");
}

#[test]
fn debug_output_never_shows_the_data_it_may_hold_a_token() {
    let body = br#"{"success":true,"data":{"csrf_token":"tok-secret-1","id":"s-1"}}"#;
    let success = parse_response(200, Some("application/json"), None, None, body).unwrap();
    let shown = format!("{success:?}");
    assert!(!shown.contains("tok-secret-1"), "{shown}");
    assert!(shown.contains("200"));
}

#[test]
fn an_unreadable_answer_names_its_status() {
    let garbled = parse_response(200, JSON, None, None, b"{\"success\": tru").unwrap_err();
    assert_eq!(garbled.kind, ApiErrorKind::Decode);
    assert!(
        garbled.user_message(en()).contains("(HTTP 200)"),
        "{}",
        garbled.user_message(en())
    );
}
