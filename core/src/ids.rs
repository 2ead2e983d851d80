//! Newtypes for the secrets and ids that travel between client and server, so one can never be
//! passed where another is expected and a secret never reaches a log through `Debug`.

use std::fmt;

/// Longest token we accept; anything longer is not a token our API issues.
const MAX_TOKEN_LEN: usize = 4096;

/// True when `value` can be sent as an HTTP header value as is: visible ASCII, no spaces.
/// Rejecting anything else here keeps a hostile cookie or body from breaking `fetch` headers.
fn is_header_safe_token(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_TOKEN_LEN
        && value.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// A short, non-reversible fingerprint (FNV-1a, 32 bits) so logs can tell two tokens apart
/// without revealing either.
fn fingerprint(value: &str) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in value.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{hash:08x}")
}

macro_rules! secret_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// Accepts a non-empty, header-safe value (visible ASCII, at most 4096 bytes).
            pub fn new(value: impl Into<String>) -> Option<Self> {
                let value = value.into();
                is_header_safe_token(&value).then_some(Self(value))
            }

            /// The raw value, for the one place that must send it. Never log it.
            pub fn expose(&self) -> &str {
                &self.0
            }

            /// A log-safe fingerprint of the value.
            pub fn fingerprint(&self) -> String {
                fingerprint(&self.0)
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
    /// The CSRF token sent as `X-CSRF-Token` on mutating requests.
    CsrfToken
);
secret_newtype!(
    /// The session id from `/session/init`: it equals the session cookie, so it is a credential.
    SessionId
);
secret_newtype!(
    /// A single-use download token from `/download_token`.
    DownloadToken
);

/// A job id: a client-made UUID v4 (not a secret, so `Debug` shows it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JobId(String);

impl JobId {
    /// Builds a UUID v4 from 16 random bytes (the browser layer supplies them from
    /// `crypto.getRandomValues`, since `randomUUID` exists only on secure pages).
    pub fn from_random_bytes(mut bytes: [u8; 16]) -> Self {
        bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
        bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Self(format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        ))
    }

    /// Accepts any UUID in the canonical 8-4-4-4-12 hex form (as the server may echo it), lower-cased.
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        let groups: Vec<&str> = value.split('-').collect();
        let lengths = [8, 4, 4, 4, 12];
        let well_formed = groups.len() == lengths.len()
            && groups
                .iter()
                .zip(lengths)
                .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()));
        well_formed.then(|| Self(value.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secret_values() {
        let token = CsrfToken::new("s3cret-value").unwrap();
        assert_eq!(format!("{token:?}"), "CsrfToken(…)");
        assert!(!format!("{:?}", Some(token.clone())).contains("s3cret"));
        assert_eq!(
            format!("{:?}", SessionId::new("abc").unwrap()),
            "SessionId(…)"
        );
        assert_eq!(token.fingerprint().len(), 8);
        assert!(!token.fingerprint().contains("s3cret"));
    }

    #[test]
    fn tokens_must_be_header_safe() {
        assert!(CsrfToken::new("").is_none());
        assert!(CsrfToken::new("a b").is_none());
        assert!(CsrfToken::new("a\r\nX-Evil: 1").is_none());
        assert!(CsrfToken::new("é").is_none());
        assert!(CsrfToken::new("x".repeat(4097)).is_none());
        assert!(CsrfToken::new("Abc-123_=.~").is_some());
    }

    #[test]
    fn job_ids_are_uuid_v4() {
        let id = JobId::from_random_bytes([0xff; 16]);
        assert_eq!(id.as_str(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(JobId::parse(id.as_str()), Some(id));
        assert_eq!(
            JobId::parse("0123ABCD-0000-4000-8000-000000000000").map(|j| j.to_string()),
            Some("0123abcd-0000-4000-8000-000000000000".to_owned())
        );
        assert!(JobId::parse("not-a-uuid").is_none());
        assert!(JobId::parse("0123abcd00004000800000000000000000").is_none());
    }
}
