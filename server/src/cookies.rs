//! The two cookies (`trustyconvert_session`, `csrftoken`): building, clearing and reading them,
//! and the middleware that delivers a token rotated behind the client's back.

use std::time::SystemTime;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::config::Config;
use crate::ids::{CsrfToken, SessionId};
use crate::state::SharedState;

pub const SESSION_COOKIE: &str = "trustyconvert_session";
/// The session cookie's name with `--session-cookie-host-prefix`: browsers then only accept it
/// when `Secure`, host-only and `Path=/`, so no sibling host can plant or overwrite it.
pub const HOST_SESSION_COOKIE: &str = "__Host-trustyconvert_session";
pub const CSRF_COOKIE: &str = "csrftoken";

/// The name the session cookie is set, read and cleared under (only that one: accepting the
/// unprefixed name too would let a planted cookie in again).
pub fn session_cookie_name(config: &Config) -> &'static str {
    if config.session_cookie_host_prefix {
        HOST_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// Whole seconds until `expires_at`, rounded up so a fresh session's cookie gets the full TTL;
/// a resumed session's cookie thus expires with the session, not a full TTL after the resume.
fn seconds_left(expires_at: SystemTime) -> u64 {
    let left = expires_at
        .duration_since(SystemTime::now())
        .unwrap_or_default();
    left.as_secs() + u64::from(left.subsec_nanos() > 0)
}

fn common_attributes(config: &Config, max_age: u64) -> String {
    let mut attrs = format!(
        "; Path=/; Max-Age={max_age}; SameSite={}",
        config.cookie_samesite.as_str()
    );
    if config.cookies_secure() {
        attrs.push_str("; Secure");
    }
    attrs
}

fn to_header(cookie: String) -> HeaderValue {
    // Values are hex and attributes come from validated flags; a bad domain flag is the only
    // way to fail, and then the cookie is left out rather than the request failing.
    HeaderValue::from_str(&cookie)
        .unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// Host-only (never a `Domain`), HttpOnly; lives as long as the session has left.
pub fn session_cookie(config: &Config, id: &SessionId, expires_at: SystemTime) -> HeaderValue {
    let attrs = common_attributes(config, seconds_left(expires_at));
    let name = session_cookie_name(config);
    to_header(format!("{name}={}{attrs}; HttpOnly", id.as_str()))
}

/// Readable by scripts (unless the test flag says otherwise), optionally with a `Domain`;
/// lives as long as the session has left.
pub fn csrf_cookie(config: &Config, token: &CsrfToken, expires_at: SystemTime) -> HeaderValue {
    csrf_cookie_value(config, token.as_str(), seconds_left(expires_at))
}

fn csrf_cookie_value(config: &Config, value: &str, max_age: u64) -> HeaderValue {
    let mut cookie = format!(
        "{CSRF_COOKIE}={value}{}",
        common_attributes(config, max_age)
    );
    if let Some(domain) = &config.cookie_domain {
        cookie.push_str("; Domain=");
        cookie.push_str(domain);
    }
    if config.test_httponly_csrf {
        cookie.push_str("; HttpOnly");
    }
    to_header(cookie)
}

/// Both cookies with `Max-Age=0` (the same attributes, so the browser matches and drops them).
pub fn cleared_cookies(config: &Config) -> [HeaderValue; 2] {
    let session = to_header(format!(
        "{}={}; HttpOnly",
        session_cookie_name(config),
        common_attributes(config, 0)
    ));
    [session, csrf_cookie_value(config, "", 0)]
}

/// Every value of cookie `name` in the request (a browser may send several).
pub fn cookie_values(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

/// The sessions the request's cookies name, in order.
pub fn session_ids(headers: &HeaderMap, config: &Config) -> Vec<SessionId> {
    cookie_values(headers, session_cookie_name(config))
        .iter()
        .map(|v| SessionId::from_client(v))
        .collect()
}

/// After any response to a session whose token was rotated server-side, sends the new
/// `csrftoken` cookie, whatever the status.
pub async fn deliver_rotated_csrf(
    State(state): State<SharedState>,
    req: Request,
    next: Next,
) -> Response {
    let is_hook = req.uri().path().starts_with("/api/__test/");
    let ids = session_ids(req.headers(), &state.config);
    let mut response = next.run(req).await;
    if is_hook {
        return response;
    }
    for id in &ids {
        if let Some((token, expires_at)) = state.sessions.take_pending_csrf_cookie(id) {
            response.headers_mut().append(
                header::SET_COOKIE,
                csrf_cookie(&state.config, &token, expires_at),
            );
            break;
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SameSite;

    #[test]
    fn reads_every_value() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; csrftoken=x; csrftoken=y"),
        );
        assert_eq!(cookie_values(&h, "csrftoken"), vec!["x", "y"]);
    }

    #[test]
    fn max_age_is_the_time_left() {
        let in_an_hour = SystemTime::now() + std::time::Duration::from_secs(3600);
        assert_eq!(seconds_left(in_an_hour), 3600);
        let soon = SystemTime::now() + std::time::Duration::from_millis(1500);
        assert_eq!(seconds_left(soon), 2);
        let past = SystemTime::now() - std::time::Duration::from_secs(5);
        assert_eq!(seconds_left(past), 0);
    }

    #[test]
    fn none_forces_secure_and_domain_only_on_csrf() {
        let config = Config {
            cookie_samesite: SameSite::None,
            cookie_domain: Some(".example.com".into()),
            ..Config::default()
        };
        let expires_at = SystemTime::now() + config.session_ttl;
        let s = session_cookie(&config, &SessionId::from_client("abc"), expires_at);
        let s = s.to_str().unwrap();
        assert!(s.contains("Secure") && s.contains("HttpOnly") && !s.contains("Domain"));
        let c = csrf_cookie(&config, &CsrfToken::from_client("t"), expires_at);
        let c = c.to_str().unwrap();
        assert!(
            c.contains("Domain=.example.com")
                && c.contains("SameSite=None")
                && !c.contains("HttpOnly")
        );
    }
}
