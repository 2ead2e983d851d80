//! Sessions and CSRF: init (idempotent), rotation, close, expiry, and the double-submit check.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_sets_both_cookies_and_returns_the_session() {
    let ts = start_default().await;
    let r = client()
        .get(ts.url("/api/session/init"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookies = set_cookies(&r);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("trustyconvert_session="))
        .unwrap();
    assert!(
        session.contains("HttpOnly")
            && session.contains("Path=/")
            && session.contains("SameSite=Lax")
    );
    assert!(!session.contains("Domain"));
    let csrf = cookies
        .iter()
        .find(|c| c.starts_with("csrftoken="))
        .unwrap();
    assert!(!csrf.contains("HttpOnly"));
    let header_id = r.headers()["x-correlation-id"].to_str().unwrap().to_owned();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["success"], true);
    assert_eq!(body["correlation_id"], header_id.as_str());
    let token = body["data"]["csrf_token"].as_str().unwrap();
    assert_eq!(token.len(), 64);
    assert!(csrf.starts_with(&format!("csrftoken={token};")));
    assert!(body["data"]["id"].is_string());
    assert!(body["data"]["expires_at"].as_str().unwrap().ends_with('Z'));
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_with_a_valid_cookie_resumes_and_creates_nothing() {
    let ts = start_default().await;
    let c = client();
    let first = init(&c, &ts).await;
    let second = init(&c, &ts).await;
    assert_eq!(first["data"]["id"], second["data"]["id"]);
    assert_eq!(first["data"]["csrf_token"], second["data"]["csrf_token"]);
    // Two at once with the same cookie: still the same session.
    let (a, b) = tokio::join!(init(&c, &ts), init(&c, &ts));
    assert_eq!(a["data"]["id"], first["data"]["id"]);
    assert_eq!(b["data"]["id"], first["data"]["id"]);
    let counters = ts.counters().await;
    assert_eq!(counters["sessions_created"], 1);
    assert_eq!(counters["session_init_calls"], 4);
    assert_eq!(counters["requests"]["GET /api/session/init"]["200"], 4);
    assert_eq!(counters["sessions"], 1);
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csrf_rotation_gives_a_new_token_and_retires_the_old() {
    let ts = start_default().await;
    let mut s = session(&ts).await;
    let r = post_json(&s, &ts, "/api/session/csrf", json!({})).await;
    assert_eq!(r.status(), 200);
    let cookie = cookie_set(&r, "csrftoken").unwrap();
    let body: Value = r.json().await.unwrap();
    let new_token = body["data"]["csrf_token"].as_str().unwrap().to_owned();
    assert_eq!(cookie, new_token);
    assert_ne!(new_token, s.token);
    let old = post_json(&s, &ts, "/api/session/csrf", json!({})).await;
    expect_error(old, 403, "CSRFValidationError").await;
    s.token = new_token;
    assert_eq!(
        post_json(&s, &ts, "/api/session/csrf", json!({}))
            .await
            .status(),
        200
    );
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csrf_missing_or_wrong_is_403_and_no_session_is_401() {
    let ts = start_default().await;
    let s = session(&ts).await;
    let missing = s
        .client
        .post(ts.url("/api/session/csrf"))
        .send()
        .await
        .unwrap();
    expect_error(missing, 403, "CSRFValidationError").await;
    let wrong = s
        .client
        .post(ts.url("/api/session/csrf"))
        .header("X-CSRF-Token", "nope")
        .send()
        .await
        .unwrap();
    expect_error(wrong, 403, "CSRFValidationError").await;
    // The session is checked first: without one, a correct-looking token still gets 401.
    let anonymous = client()
        .post(ts.url("/api/session/csrf"))
        .header("X-CSRF-Token", &s.token)
        .send()
        .await
        .unwrap();
    expect_error(anonymous, 401, "SessionValidationError").await;
    let unknown = client()
        .post(ts.url("/api/convert"))
        .header("Cookie", "trustyconvert_session=deadbeef")
        .header("X-CSRF-Token", &s.token)
        .json(&json!({"job_id": new_job_id(), "target_format": "jpg"}))
        .send()
        .await
        .unwrap();
    expect_error(unknown, 401, "SessionValidationError").await;
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_deletes_files_and_clears_cookies() {
    let ts = start_default().await;
    let s = session(&ts).await;
    let job = upload_png(&s, &ts).await;
    assert_eq!(files_on_disk(&ts), 1);
    let r = post_json(&s, &ts, "/api/session/close", json!({})).await;
    assert_eq!(r.status(), 200);
    let cookies = set_cookies(&r);
    assert!(cookies
        .iter()
        .any(|c| c.starts_with("trustyconvert_session=;") && c.contains("Max-Age=0")));
    assert!(cookies
        .iter()
        .any(|c| c.starts_with("csrftoken=;") && c.contains("Max-Age=0")));
    let body: Value = r.json().await.unwrap();
    assert!(body["data"]["message"].is_string());
    assert_eq!(files_on_disk(&ts), 0);
    expect_error(
        job_status(&s, &ts, &job).await,
        401,
        "SessionValidationError",
    )
    .await;
    let counters = ts.counters().await;
    assert_eq!(
        (counters["sessions"].as_u64(), counters["jobs"].as_u64()),
        (Some(0), Some(0))
    );
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_session_is_401_and_init_starts_a_new_one() {
    let ts = start_default().await;
    let s = session(&ts).await;
    let job = upload_png(&s, &ts).await;
    ts.hook("expire", json!({ "session_id": s.id })).await;
    expect_error(
        job_status(&s, &ts, &job).await,
        401,
        "SessionValidationError",
    )
    .await;
    let again = init(&s.client, &ts).await;
    assert_ne!(again["data"]["id"], s.id.as_str());
    assert_eq!(ts.counters().await["sessions_created"], 2);
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_token_arrives_on_the_very_next_response_even_a_403() {
    let ts = start_default().await;
    let mut s = session(&ts).await;
    ts.hook("rotate", json!({ "session_id": s.id })).await;
    let r = post_json(&s, &ts, "/api/session/csrf", json!({})).await;
    assert_eq!(r.status(), 403);
    let new_token = cookie_set(&r, "csrftoken").expect("the new token's cookie on the 403");
    assert_ne!(new_token, s.token);
    // Delivered once: the following response does not repeat it.
    let r2 = s.client.get(ts.url("/api/health")).send().await.unwrap();
    assert!(cookie_set(&r2, "csrftoken").is_none());
    s.token = new_token;
    assert_eq!(
        post_json(&s, &ts, "/api/session/csrf", json!({}))
            .await
            .status(),
        200
    );
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookie_flags_follow_the_config() {
    let config = Config {
        cookie_samesite: trustyconvert_server::SameSite::None,
        cookie_domain: Some("example.test".into()),
        test_httponly_csrf: true,
        ..test_config()
    };
    let ts = start_with(config).await;
    let r = client()
        .get(ts.url("/api/session/init"))
        .send()
        .await
        .unwrap();
    let cookies = set_cookies(&r);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("trustyconvert_session="))
        .unwrap();
    assert!(
        session.contains("SameSite=None")
            && session.contains("Secure")
            && !session.contains("Domain")
    );
    let csrf = cookies
        .iter()
        .find(|c| c.starts_with("csrftoken="))
        .unwrap();
    assert!(
        csrf.contains("Domain=example.test")
            && csrf.contains("HttpOnly")
            && csrf.contains("Secure")
    );
    ts.stop().await;
}

use trustyconvert_server::Config;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cleanup_task_deletes_expired_sessions_and_their_files() {
    let config = Config {
        cleanup_interval: std::time::Duration::from_millis(100),
        ..test_config()
    };
    let ts = start_with(config).await;
    let s = session(&ts).await;
    upload_png(&s, &ts).await;
    assert_eq!(files_on_disk(&ts), 1);
    ts.hook("expire", json!({ "session_id": s.id })).await;
    let mut waited = 0;
    while files_on_disk(&ts) > 0 && waited < 50 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        waited += 1;
    }
    assert_eq!(files_on_disk(&ts), 0);
    assert_eq!(ts.counters().await["jobs"], 0);
    ts.stop().await;
}

/// The whole `Set-Cookie` line of cookie `name`, if `r` sets it.
fn set_cookie_line(r: &reqwest::Response, name: &str) -> Option<String> {
    set_cookies(r)
        .into_iter()
        .find(|c| c.split_once('=').is_some_and(|(k, _)| k == name))
}

/// The `Max-Age` of the cookie `name` that `r` sets.
fn max_age(r: &reqwest::Response, name: &str) -> u64 {
    let cookie = set_cookie_line(r, name).unwrap_or_else(|| panic!("no {name} cookie"));
    cookie
        .split(';')
        .find_map(|a| a.trim().strip_prefix("Max-Age="))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Max-Age in {cookie}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_session_cookie_lives_only_as_long_as_the_session_has_left() {
    let ts = start_default().await;
    let ttl = test_config().session_ttl.as_secs();
    let c = client();
    let first = c.get(ts.url("/api/session/init")).send().await.unwrap();
    assert_eq!(max_age(&first, "trustyconvert_session"), ttl);
    assert_eq!(max_age(&first, "csrftoken"), ttl);
    let token = first.json::<Value>().await.unwrap()["data"]["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    // Resumed 2 s later: both cookies expire with the session, not a full TTL from now.
    let resumed = c.get(ts.url("/api/session/init")).send().await.unwrap();
    for name in ["trustyconvert_session", "csrftoken"] {
        let left = max_age(&resumed, name);
        assert!((ttl - 4..=ttl - 2).contains(&left), "{name}: {left}");
    }
    // A rotated token's cookie too.
    let rotated = c
        .post(ts.url("/api/session/csrf"))
        .header("X-CSRF-Token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.status(), 200);
    let left = max_age(&rotated, "csrftoken");
    assert!((ttl - 4..=ttl - 2).contains(&left), "csrftoken: {left}");
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_prefixed_session_cookie_is_set_and_the_only_one_accepted() {
    let config = Config {
        cookie_secure: true,
        session_cookie_host_prefix: true,
        ..test_config()
    };
    let ts = start_with(config).await;
    // Cookies by hand: a cookie store would not send Secure cookies over plain http.
    let plain = reqwest::Client::new();
    let r = plain.get(ts.url("/api/session/init")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let session = set_cookie_line(&r, "__Host-trustyconvert_session").expect("prefixed cookie");
    assert!(
        session.contains("; Path=/;")
            && session.contains("Secure")
            && session.contains("HttpOnly")
            && !session.contains("Domain"),
        "{session}"
    );
    assert!(cookie_set(&r, "trustyconvert_session").is_none());
    assert!(set_cookie_line(&r, "csrftoken").is_some_and(|c| c.contains("Secure")));
    let value = cookie_set(&r, "__Host-trustyconvert_session").unwrap();
    let body: Value = r.json().await.unwrap();
    let token = body["data"]["csrf_token"].as_str().unwrap();
    let rotate = |cookie: String| {
        plain
            .post(ts.url("/api/session/csrf"))
            .header("Cookie", cookie)
            .header("X-CSRF-Token", token)
            .send()
    };
    // The unprefixed name is not read (a sibling host could have planted it).
    let unprefixed = rotate(format!("trustyconvert_session={value}"))
        .await
        .unwrap();
    expect_error(unprefixed, 401, "SessionValidationError").await;
    let accepted = rotate(format!("__Host-trustyconvert_session={value}"))
        .await
        .unwrap();
    assert_eq!(accepted.status(), 200);
    let resumed = plain
        .get(ts.url("/api/session/init"))
        .header("Cookie", format!("__Host-trustyconvert_session={value}"))
        .send()
        .await
        .unwrap();
    let resumed: Value = resumed.json().await.unwrap();
    assert_eq!(resumed["data"]["id"], body["data"]["id"]);
    let new_token = resumed["data"]["csrf_token"].as_str().unwrap();
    let closed = plain
        .post(ts.url("/api/session/close"))
        .header("Cookie", format!("__Host-trustyconvert_session={value}"))
        .header("X-CSRF-Token", new_token)
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), 200);
    let cleared = set_cookie_line(&closed, "__Host-trustyconvert_session").unwrap();
    assert!(
        cleared.contains("Max-Age=0") && cleared.contains("Secure"),
        "{cleared}"
    );
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_prefix_without_secure_or_with_a_domain_refuses_to_start() {
    let insecure = Config {
        session_cookie_host_prefix: true,
        ..test_config()
    };
    let shared = Config {
        session_cookie_host_prefix: true,
        cookie_secure: true,
        cookie_domain: Some(".example.com".into()),
        ..test_config()
    };
    for (config, needs) in [(insecure, "--cookie-secure"), (shared, "--cookie-domain")] {
        let Err(error) = trustyconvert_server::start(config).await else {
            panic!("started with {needs}");
        };
        let message = error.to_string();
        assert!(
            message.starts_with("cannot start: --session-cookie-host-prefix")
                && message.contains(needs)
                && !message.contains('\n'),
            "{message}"
        );
    }
}

/// `Retry-After` of a refusal, in seconds, checked against the envelope's `details`.
async fn refused(r: reqwest::Response, status: u16, kind: &str) -> u64 {
    assert!(set_cookies(&r).is_empty(), "a refused init sets no cookie");
    let retry_after: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body = expect_error(r, status, kind).await;
    assert_eq!(body["error"]["details"]["retry_after"], retry_after);
    retry_after
}

async fn bare_init(ts: &TestServer) -> reqwest::Response {
    client()
        .get(ts.url("/api/session/init"))
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inits_that_create_sessions_are_rate_limited_and_resumes_are_not_counted() {
    let ts = start_with(Config {
        rate_limits_enabled: true,
        init_rate_per_minute: 2,
        ..test_config()
    })
    .await;
    let first = session(&ts).await;
    // Reloads and other tabs resume the session: never counted, however many.
    for _ in 0..5 {
        assert_eq!(
            init(&first.client, &ts).await["data"]["id"],
            first.id.as_str()
        );
    }
    let second = session(&ts).await;
    assert_ne!(second.id, first.id);
    refused(bare_init(&ts).await, 429, "RateLimitExceeded").await;
    // Past the limit, a client with a session still resumes it and works.
    assert_eq!(
        init(&first.client, &ts).await["data"]["id"],
        first.id.as_str()
    );
    upload_png(&first, &ts).await;
    let counters = ts.counters().await;
    assert_eq!(counters["sessions_created"], 2);
    assert_eq!(counters["requests"]["GET /api/session/init"]["429"], 1);
    // The hooks' reset refills the bucket.
    ts.hook("reset", json!({})).await;
    assert_eq!(bare_init(&ts).await.status(), 200);
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_rate_limits_lifts_the_init_rate() {
    let ts = start_with(Config {
        rate_limits_enabled: false,
        init_rate_per_minute: 1,
        ..test_config()
    })
    .await;
    for _ in 0..3 {
        assert_eq!(bare_init(&ts).await.status(), 200);
    }
    ts.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_session_cap_a_new_session_waits_and_existing_ones_go_on() {
    let ts = start_with(Config {
        max_sessions: 2,
        ..test_config()
    })
    .await;
    let a = session(&ts).await;
    let b = session(&ts).await;
    refused(bare_init(&ts).await, 503, "ServiceUnavailable").await;
    // The sessions already there are untouched: resume, upload, convert, status.
    assert_eq!(init(&a.client, &ts).await["data"]["id"], a.id.as_str());
    let job = upload_png(&a, &ts).await;
    let r = post_json(
        &a,
        &ts,
        "/api/convert",
        json!({ "job_id": job, "target_format": "jpg" }),
    )
    .await;
    assert_eq!(r.status(), 202);
    assert_eq!(wait_for_job(&a, &ts, &job).await["status"], "completed");
    assert_eq!(ts.counters().await["sessions"], 2);
    // A close frees a slot at once.
    let r = post_json(&b, &ts, "/api/session/close", json!({})).await;
    assert_eq!(r.status(), 200);
    let c = session(&ts).await;
    refused(bare_init(&ts).await, 503, "ServiceUnavailable").await;
    // So does an expiry, before the sweep has removed the session.
    ts.hook("expire", json!({ "session_id": c.id })).await;
    assert_eq!(bare_init(&ts).await.status(), 200);
    assert_eq!(ts.counters().await["sessions"], 2);
    ts.stop().await;
}
