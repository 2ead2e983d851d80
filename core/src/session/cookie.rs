//! Reads the `csrftoken` cookie out of `document.cookie`. Several values at once (a host cookie
//! and a `Domain` cookie, or a planted one) cannot be told apart, so they count as unreadable.

use crate::ids::CsrfToken;

/// The cookie's name, exactly (case-sensitive, as browsers compare it).
pub const CSRF_COOKIE_NAME: &str = "csrftoken";

/// What `document.cookie` says about the CSRF token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CookieRead {
    #[default]
    /// No `csrftoken` cookie with a usable value (also: cross-site, where it is never visible).
    Absent,
    One(CsrfToken),
    /// Two or more different values: unreadable, adopt none.
    Several,
}

impl CookieRead {
    pub fn token(&self) -> Option<&CsrfToken> {
        match self {
            CookieRead::One(token) => Some(token),
            CookieRead::Absent | CookieRead::Several => None,
        }
    }
}

/// Parses `document.cookie` (`a=1; csrftoken=xyz; b=2`). Names and values are trimmed, one pair
/// of surrounding double quotes is stripped, an empty value counts as absent, and a value that is
/// not header-safe is ignored (it could never be sent). The same value twice is one value.
pub fn read_csrf_cookie(document_cookie: &str) -> CookieRead {
    let mut found: Option<CsrfToken> = None;
    for pair in document_cookie.split(';') {
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        if name.trim() != CSRF_COOKIE_NAME {
            continue;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        let Some(token) = CsrfToken::new(value) else {
            continue;
        };
        match &found {
            Some(existing) if *existing != token => return CookieRead::Several,
            _ => found = Some(token),
        }
    }
    found.map_or(CookieRead::Absent, CookieRead::One)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(v: &str) -> CookieRead {
        CookieRead::One(CsrfToken::new(v).unwrap())
    }

    #[test]
    fn cookie_cases() {
        let cases: &[(&str, &str, CookieRead)] = &[
            ("empty string", "", CookieRead::Absent),
            ("only the token", "csrftoken=abc", one("abc")),
            ("among others", "a=1; csrftoken=abc; b=2", one("abc")),
            ("spaces trimmed", "  csrftoken =  abc  ;x=1", one("abc")),
            ("quotes stripped", "csrftoken=\"abc\"", one("abc")),
            ("lone quote kept", "csrftoken=\"abc", one("\"abc")),
            ("prefix name ignored", "xcsrftoken=abc", CookieRead::Absent),
            ("suffix name ignored", "csrftoken2=abc", CookieRead::Absent),
            ("case matters", "CSRFTOKEN=abc", CookieRead::Absent),
            ("empty value absent", "csrftoken=", CookieRead::Absent),
            ("empty quoted absent", "csrftoken=\"\"", CookieRead::Absent),
            (
                "two values unreadable",
                "csrftoken=a; csrftoken=b",
                CookieRead::Several,
            ),
            ("same value twice", "csrftoken=a; csrftoken=a", one("a")),
            ("empty plus value", "csrftoken=; csrftoken=a", one("a")),
            ("value with equals", "csrftoken=a=b", one("a=b")),
            ("no equals", "csrftoken; x=1", CookieRead::Absent),
            ("unsafe value ignored", "csrftoken=a b", CookieRead::Absent),
            ("xcsrftoken beside", "xcsrftoken=z; csrftoken=a", one("a")),
        ];
        for (name, input, expected) in cases {
            assert_eq!(&read_csrf_cookie(input), expected, "{name}");
        }
    }

    #[test]
    fn token_accessor() {
        assert_eq!(one("a").token(), CsrfToken::new("a").as_ref());
        assert_eq!(CookieRead::Several.token(), None);
    }
}
