//! Which requests may carry `X-CSRF-Token`: only mutating requests to the API itself. The token
//! must never leak to another origin or to a same-origin path outside the API base.
//!
//! A small, strict URL resolver instead of the `url` crate (the bundle ships to browsers). It is
//! strict on purpose: whatever it cannot read with certainty (userinfo, backslashes, control
//! characters or spaces, encoded slashes, non-ASCII hosts, protocol-relative `//host` references,
//! `http:path` without `//`) counts as "not the API", so the token is withheld. Our own requests
//! come from `resolve_api_url` and never look like that.

/// Methods that change nothing and so never carry the token (`fetch` treats an empty method as GET).
const SAFE_METHODS: [&str; 5] = ["", "GET", "HEAD", "OPTIONS", "TRACE"];

/// True only for a mutating method whose URL, resolved against the page, has the API base's
/// origin (scheme, host, port; default ports normalised) and a path under the base's path on a
/// segment boundary (`/api` covers `/api` and `/api/x`, not `/apix`; `/api/../x` is `/x`).
pub fn should_send_csrf(method: &str, request_url: &str, page_url: &str, api_base: &str) -> bool {
    let method = method.trim();
    if SAFE_METHODS.iter().any(|m| m.eq_ignore_ascii_case(method)) {
        return false;
    }
    let Some(page) = parse_absolute(page_url) else {
        return false;
    };
    let (Some(base), Some(request)) = (resolve(api_base, &page), resolve(request_url, &page))
    else {
        return false;
    };
    request.origin == base.origin && path_is_under(&request.path, &base.path)
}

/// Whether an answer came from another place than the request was sent to: `response_url` is
/// where the browser ended up (XHR's `responseURL`), after any redirect it followed. Both are
/// resolved against the page and compared by origin and path; an empty `response_url` (no
/// answer) is not "elsewhere", and one that cannot be read with certainty is.
pub fn answered_from_elsewhere(request_url: &str, response_url: &str, page_url: &str) -> bool {
    if response_url.is_empty() {
        return false;
    }
    let Some(page) = parse_absolute(page_url) else {
        return true;
    };
    match (resolve(request_url, &page), resolve(response_url, &page)) {
        (Some(sent), Some(answered)) => {
            sent.origin != answered.origin
                || comparable_segments(&sent.path) != comparable_segments(&answered.path)
        }
        _ => true,
    }
}

/// Joins the API base (`/api`, `https://api.example.com/v1/`) and an endpoint path
/// (`/session/init`, `job_status?job_id=…`) with exactly one slash between them.
pub fn resolve_api_url(api_base: &str, path: &str) -> String {
    let base = api_base.trim().trim_end_matches('/');
    let path = path.trim().trim_start_matches('/');
    format!("{base}/{path}")
}

/// Percent-encodes `value` for a query string: unreserved characters stay, every other byte
/// becomes `%XX` (so `&`, `=`, `+` and `#` in a token cannot change the URL's meaning).
pub fn encode_query_value(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: &'static str,
    host: String,
    port: u16,
}

/// An absolute http(s) URL reduced to what the rule needs: origin and normalised path.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Resolved {
    origin: Origin,
    /// Starts with `/`, dot segments removed.
    path: String,
}

fn is_acceptable(input: &str) -> bool {
    input.bytes().all(|b| b > b' ' && b != 0x7f && b != b'\\')
}

/// The scheme (lower-cased) and the rest, when `input` starts with `scheme:`.
fn split_scheme(input: &str) -> Option<(String, &str)> {
    let colon = input.find(':')?;
    let scheme = &input[..colon];
    let mut chars = scheme.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (first_ok && rest_ok).then(|| (scheme.to_ascii_lowercase(), &input[colon + 1..]))
}

fn parse_absolute(input: &str) -> Option<Resolved> {
    if !is_acceptable(input) {
        return None;
    }
    let (scheme, rest) = split_scheme(input)?;
    let (scheme, default_port): (&'static str, u16) = match scheme.as_str() {
        "http" => ("http", 80),
        "https" => ("https", 443),
        _ => return None, // javascript:, data:, blob:, file:, mailto: …
    };
    let rest = rest.strip_prefix("//")?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(authority_end);
    let (host, port) = parse_authority(authority, default_port)?;
    let path = normalise_path(path_part(after))?;
    Some(Resolved {
        origin: Origin { scheme, host, port },
        path,
    })
}

fn parse_authority(authority: &str, default_port: u16) -> Option<(String, u16)> {
    if authority.contains('@') {
        return None;
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let close = v6.find(']')?;
        let inner = &v6[..close];
        let valid = !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        if !valid {
            return None;
        }
        let after = &v6[close + 1..];
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (format!("[{}]", inner.to_ascii_lowercase()), port)
    } else {
        let mut parts = authority.splitn(2, ':');
        let host = parts.next().unwrap_or_default();
        let port = parts.next();
        let valid = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
        if !valid {
            return None;
        }
        (host.to_ascii_lowercase(), port)
    };
    let port = match port {
        None | Some("") => default_port,
        Some(digits) if digits.len() <= 5 && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse().ok()?
        }
        Some(_) => return None,
    };
    Some((host, port))
}

/// The path of a reference: everything before `?` or `#`.
fn path_part(after_authority: &str) -> &str {
    let end = after_authority
        .find(['?', '#'])
        .unwrap_or(after_authority.len());
    &after_authority[..end]
}

fn resolve(input: &str, page: &Resolved) -> Option<Resolved> {
    if !is_acceptable(input) || input.starts_with("//") {
        return None;
    }
    if split_scheme(input).is_some() {
        return parse_absolute(input);
    }
    let path = path_part(input);
    let path = if path.is_empty() {
        page.path.clone() // "", "?q", "#f": the page's own path
    } else if path.starts_with('/') {
        normalise_path(path)?
    } else {
        let dir_end = page.path.rfind('/').map_or(0, |i| i + 1);
        normalise_path(&format!("{}{}", &page.path[..dir_end], path))?
    };
    Some(Resolved {
        origin: page.origin.clone(),
        path,
    })
}

fn is_single_dot(segment: &str) -> bool {
    segment == "." || segment.eq_ignore_ascii_case("%2e")
}

fn is_double_dot(segment: &str) -> bool {
    let s = segment.to_ascii_lowercase();
    matches!(s.as_str(), ".." | ".%2e" | "%2e." | "%2e%2e")
}

/// Removes dot segments (RFC 3986 5.2.4, with WHATWG's `%2e` dots). `None` for an encoded `/` or
/// `\`, which a server might decode into a separator after we checked the prefix.
fn normalise_path(path: &str) -> Option<String> {
    let lower = path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return None;
    }
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, segment) in segments.iter().enumerate() {
        if is_single_dot(segment) || is_double_dot(segment) {
            if is_double_dot(segment) {
                out.pop();
            }
            if i == last {
                out.push(""); // "/a/.." is "/", "/a/b/." is "/a/b/"
            }
        } else {
            out.push(segment);
        }
    }
    Some(format!("/{}", out.join("/")))
}

/// Decodes `%XX` only where it stands for an unreserved character (so `/%61pi` equals `/api`),
/// and upper-cases the hex of the others: the RFC 3986 normal form, for comparison only.
fn comparable_segment(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = String::with_capacity(segment.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| segment.get(i + 1..i + 3))
            .flatten()
            // Both must be hex digits: `from_str_radix` alone would accept "+f".
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(byte)
                if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') =>
            {
                out.push(char::from(byte));
                i += 3;
            }
            Some(byte) => {
                out.push_str(&format!("%{byte:02X}"));
                i += 3;
            }
            None => {
                // Copy one whole character (segments may hold non-ASCII).
                let ch = segment[i..].chars().next().unwrap_or('\u{fffd}');
                out.push(ch);
                i += ch.len_utf8().max(1);
            }
        }
    }
    out
}

fn comparable_segments(path: &str) -> Vec<String> {
    let mut segments: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(comparable_segment)
        .collect();
    while segments.last().is_some_and(String::is_empty) {
        segments.pop();
    }
    segments
}

fn path_is_under(path: &str, prefix: &str) -> bool {
    let path = comparable_segments(path);
    let prefix = comparable_segments(prefix);
    path.starts_with(&prefix)
}

#[cfg(test)]
#[path = "csrf_scope_tests.rs"]
mod tests;
