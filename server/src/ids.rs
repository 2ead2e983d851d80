//! Identifiers and secrets as newtypes (a job id can never be passed as a token), their random
//! generation, and a `Debug` that never prints a secret's value.

use std::fmt;

/// `n` random bytes from the OS, hex-encoded.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    fill_random(&mut bytes);
    hex(&bytes)
}

pub fn fill_random(bytes: &mut [u8]) {
    // The OS RNG failing is not recoverable for a server that hands out secrets.
    getrandom::fill(bytes).expect("the operating system's random number generator failed");
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

macro_rules! secret_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// 32 random bytes, hex-encoded.
            pub fn generate() -> Self {
                $name(random_hex(32))
            }
            pub fn from_client(value: &str) -> Self {
                $name(value.to_owned())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(…)"))
            }
        }
    };
}

secret_newtype!(
    /// The secret in the `trustyconvert_session` cookie.
    SessionId
);
secret_newtype!(
    /// The session's current double-submit token.
    CsrfToken
);
secret_newtype!(
    /// A single-use download capability.
    DownloadToken
);

/// A session's public handle (`id` in `/session/init`, used by the test hooks). Not the cookie
/// secret: a body that leaks into logs or scripts never reveals the HttpOnly cookie.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SessionHandle(String);

impl SessionHandle {
    pub fn generate() -> Self {
        SessionHandle(format!("s-{}", random_hex(12)))
    }
    pub fn from_client(value: &str) -> Self {
        SessionHandle(value.to_owned())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionHandle(…)")
    }
}

/// A client-made job id: a UUID, kept in its canonical lower-case hyphenated form.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct JobId(uuid::Uuid);

impl JobId {
    /// `None` when `value` is not a UUID.
    pub fn parse(value: &str) -> Option<Self> {
        uuid::Uuid::try_parse(value.trim()).ok().map(JobId)
    }
    pub fn as_string(&self) -> String {
        self.0.hyphenated().to_string()
    }
}

impl fmt::Debug for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JobId(…)")
    }
}

/// A fresh random UUID v4, as a string (task ids).
pub fn new_uuid_v4() -> String {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// RFC 3339 in UTC, e.g. `2026-01-02T03:04:05Z`.
pub fn rfc3339(t: std::time::SystemTime) -> String {
    time::OffsetDateTime::from(t)
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secrets() {
        let t = CsrfToken::generate();
        assert_eq!(format!("{t:?}"), "CsrfToken(…)");
        assert_eq!(t.as_str().len(), 64);
    }

    #[test]
    fn job_ids_are_uuids() {
        assert!(JobId::parse("not-a-uuid").is_none());
        let id = JobId::parse("6F9619FF-8B86-D011-B42D-00C04FC964FF").unwrap();
        assert_eq!(id.as_string(), "6f9619ff-8b86-d011-b42d-00c04fc964ff");
    }

    #[test]
    fn rfc3339_formats() {
        assert_eq!(rfc3339(std::time::UNIX_EPOCH), "1970-01-01T00:00:00Z");
    }
}
