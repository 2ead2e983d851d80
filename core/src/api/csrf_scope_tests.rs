//! Tests of the CSRF header rule and the small URL resolver behind it.

use super::*;

const PAGE: &str = "https://app.example.com/convert/index.html?x=1";

#[test]
fn table_of_requests() {
    // (method, request url, api base, expected)
    let cases: &[(&str, &str, &str, bool)] = &[
        // Same-origin base `/api`.
        ("POST", "/api/upload", "/api", true),
        ("post", "/api/upload", "/api", true),
        ("DELETE", "/api", "/api", true),
        ("POST", "/api/", "/api", true),
        ("POST", "/api/session/close", "/api/", true),
        ("PUT", "https://app.example.com/api/x", "/api", true),
        ("PUT", "https://APP.example.com:443/api/x", "/api", true),
        ("POST", "/api/x?next=https://evil.com", "/api", true),
        ("POST", "/api/a/./b/../c", "/api", true),
        ("POST", "/%61pi/upload", "/api", true),
        ("POST", "api/upload", "/convert/api", true), // relative to the page's directory
        // Safe methods never carry it.
        ("GET", "/api/upload", "/api", false),
        ("head", "/api/upload", "/api", false),
        ("OPTIONS", "/api/upload", "/api", false),
        ("TRACE", "/api/upload", "/api", false),
        ("", "/api/upload", "/api", false),
        // Outside the prefix.
        ("POST", "/apix", "/api", false),
        ("POST", "/apix/upload", "/api", false),
        ("POST", "/", "/api", false),
        ("POST", "/API/upload", "/api", false),
        ("POST", "/api/../secret", "/api", false),
        ("POST", "/api/%2e%2e/secret", "/api", false),
        ("POST", "/api/.%2E/secret", "/api", false),
        ("POST", "/api/%2e%2e", "/api", false),
        ("POST", "/api/..", "/api", false),
        ("POST", "/api%2f..%2fsecret", "/api", false),
        ("POST", "/api/%2F../secret", "/api", false),
        ("POST", "api/upload", "/api", false), // resolves to /convert/api/upload
        // Other origins and schemes.
        ("POST", "https://evil.com/api/upload", "/api", false),
        ("POST", "http://app.example.com/api/upload", "/api", false),
        (
            "POST",
            "https://app.example.com:8443/api/upload",
            "/api",
            false,
        ),
        ("POST", "//evil.com/api/upload", "/api", false),
        ("POST", "//app.example.com/api/upload", "/api", false),
        (
            "POST",
            "https://app.example.com@evil.com/api/x",
            "/api",
            false,
        ),
        (
            "POST",
            "https://evil.com\\@app.example.com/api",
            "/api",
            false,
        ),
        ("POST", "/api\\..\\secret", "/api", false),
        ("POST", "javascript:alert(1)", "/api", false),
        ("POST", "data:text/html,hi", "/api", false),
        ("POST", "blob:https://app.example.com/uuid", "/api", false),
        ("POST", "https:app.example.com/api/x", "/api", false),
        ("POST", " /api/upload", "/api", false),
        ("POST", "/api/up load", "/api", false),
        ("POST", "/api/\nupload", "/api", false),
        ("POST", "https://exämple.com/api", "/api", false),
        ("POST", "https://app.example.com:99999/api/x", "/api", false),
        ("POST", "https://app.example.com:x/api/x", "/api", false),
        // A cross-origin API base.
        (
            "POST",
            "https://api.example.com/v1/upload",
            "https://api.example.com/v1",
            true,
        ),
        (
            "POST",
            "https://api.example.com:443/v1",
            "https://api.example.com/v1/",
            true,
        ),
        ("POST", "/v1/upload", "https://api.example.com/v1", false),
        (
            "POST",
            "https://api.example.com/v2/upload",
            "https://api.example.com/v1",
            false,
        ),
        (
            "POST",
            "https://api.example.com.evil.com/v1",
            "https://api.example.com/v1",
            false,
        ),
        (
            "POST",
            "http://localhost:8080/api/x",
            "http://localhost:8080/api",
            true,
        ),
        (
            "POST",
            "http://localhost:8081/api/x",
            "http://localhost:8080/api",
            false,
        ),
        (
            "POST",
            "http://[::1]:8080/api/x",
            "http://[::1]:8080/api",
            true,
        ),
        ("POST", "http://[::1]/api/x", "http://[::1]:8080/api", false),
        // A base at the root covers every path of its origin.
        ("POST", "/anything", "/", true),
        // Unusable bases.
        ("POST", "/api/x", "javascript:void(0)", false),
        ("POST", "/api/x", "//cdn.example.com/api", false),
    ];
    for (method, url, base, expected) in cases {
        assert_eq!(
            should_send_csrf(method, url, PAGE, base),
            *expected,
            "{method} {url} with base {base}"
        );
    }
}

#[test]
fn default_ports_are_normalised() {
    assert!(should_send_csrf(
        "POST",
        "http://host:80/api/x",
        "http://host/",
        "/api"
    ));
    assert!(should_send_csrf(
        "POST",
        "http://host/api/x",
        "http://HOST:80/page",
        "/api"
    ));
    assert!(!should_send_csrf(
        "POST",
        "https://host:80/api/x",
        "http://host/",
        "/api"
    ));
}

#[test]
fn unusable_page_urls_send_nothing() {
    for page in [
        "",
        "about:blank",
        "file:///index.html",
        "not a url",
        "/relative",
    ] {
        assert!(!should_send_csrf("POST", "/api/x", page, "/api"), "{page}");
    }
}

#[test]
fn query_or_fragment_only_references_use_the_page_path() {
    let page = "https://h.example/api/form";
    assert!(should_send_csrf("POST", "?a=1", page, "/api"));
    assert!(should_send_csrf("POST", "#frag", page, "/api"));
    assert!(should_send_csrf("POST", "", page, "/api"));
}

#[test]
fn path_normalisation() {
    assert_eq!(normalise_path("/a/b/../c").as_deref(), Some("/a/c"));
    assert_eq!(normalise_path("/a/./b/.").as_deref(), Some("/a/b/"));
    assert_eq!(normalise_path("/../../x").as_deref(), Some("/x"));
    assert_eq!(normalise_path("/a/..").as_deref(), Some("/"));
    assert_eq!(normalise_path("").as_deref(), Some("/"));
    assert_eq!(normalise_path("/a%2Fb"), None);
    assert_eq!(comparable_segment("%61%2e%7e%41"), "a.~A");
    assert_eq!(comparable_segment("x%3fy%"), "x%3Fy%");
    assert_eq!(comparable_segment("%+f"), "%+f");
    assert_eq!(comparable_segment("%zz%e2%82%ac€"), "%zz%E2%82%AC€");
}

#[test]
fn api_urls_join_with_one_slash() {
    assert_eq!(
        resolve_api_url("/api", "/session/init"),
        "/api/session/init"
    );
    assert_eq!(resolve_api_url("/api/", "upload"), "/api/upload");
    assert_eq!(
        resolve_api_url("https://api.example.com/v1/", "/job_status?job_id=1"),
        "https://api.example.com/v1/job_status?job_id=1"
    );
    assert_eq!(resolve_api_url("", "/health"), "/health");
    assert!(should_send_csrf(
        "POST",
        &resolve_api_url("/api", "/upload"),
        PAGE,
        "/api"
    ));
}

#[test]
fn query_values_keep_unreserved_characters_and_encode_the_rest() {
    assert_eq!(encode_query_value("Abc-1_2.3~"), "Abc-1_2.3~");
    assert_eq!(
        encode_query_value("a&b=c+d#e%f/g"),
        "a%26b%3Dc%2Bd%23e%25f%2Fg"
    );
    assert_eq!(encode_query_value("é"), "%C3%A9");
    assert_eq!(encode_query_value(""), "");
}

#[test]
fn an_answer_from_another_place_than_the_request_went_is_told_apart() {
    let page = "https://app.example.com/convert";
    // Relative request URLs (an API base of `/api`) resolve against the page.
    assert!(!answered_from_elsewhere(
        "/api/upload",
        "https://app.example.com/api/upload",
        page
    ));
    assert!(!answered_from_elsewhere(
        "https://api.example.com/v1/upload",
        "https://API.example.com:443/v1/upload",
        page
    ));
    assert!(
        !answered_from_elsewhere("/api/upload", "", page),
        "no answer at all"
    );
    assert!(answered_from_elsewhere(
        "/api/upload",
        "https://evil.example.net/api/upload",
        page
    ));
    assert!(answered_from_elsewhere(
        "/api/upload",
        "https://app.example.com/login",
        page
    ));
    assert!(answered_from_elsewhere(
        "/api/upload",
        "http://app.example.com/api/upload",
        page
    ));
    assert!(answered_from_elsewhere(
        "/api/upload",
        "not a url at all",
        page
    ));
}
