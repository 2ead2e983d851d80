//! The session lifecycle as pure data: reading the `csrftoken` cookie, the set of tokens the
//! server rejected, the session epoch, and the policy that turns an event into an action.

pub mod cookie;
pub mod policy;
pub mod state;

use crate::ids::CsrfToken;

/// Tokens the server has refused (CSRF error) or that belong to a dead session. Bounded, oldest
/// dropped first: a long-lived tab must not grow it forever. `Debug` shows only the count.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RejectedTokens(Vec<CsrfToken>);

impl RejectedTokens {
    /// Enough to cover every token a tab can meet between two page loads.
    pub const CAPACITY: usize = 16;

    pub fn new() -> Self {
        Self::default()
    }

    pub fn contains(&self, token: &CsrfToken) -> bool {
        self.0.contains(token)
    }

    pub fn insert(&mut self, token: CsrfToken) {
        if self.contains(&token) {
            return;
        }
        if self.0.len() >= Self::CAPACITY {
            self.0.remove(0);
        }
        self.0.push(token);
    }

    /// The server issued this token again, so it is current after all.
    pub fn remove(&mut self, token: &CsrfToken) {
        self.0.retain(|t| t != token);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for RejectedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RejectedTokens({} tokens)", self.0.len())
    }
}

impl<const N: usize> From<[CsrfToken; N]> for RejectedTokens {
    fn from(tokens: [CsrfToken; N]) -> Self {
        let mut set = Self::new();
        for token in tokens {
            set.insert(token);
        }
        set
    }
}

/// Counts the sessions this tab has seen. It changes when a session is replaced, so work tied to
/// the old one (a job id) knows to start again from the file it still holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionEpoch(pub u64);

impl SessionEpoch {
    pub fn next(self) -> Self {
        Self(self.0.wrapping_add(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: &str) -> CsrfToken {
        CsrfToken::new(v).unwrap()
    }

    #[test]
    fn rejected_set_is_bounded_and_hides_values() {
        let mut set = RejectedTokens::new();
        for i in 0..40 {
            set.insert(t(&format!("tok{i}")));
        }
        set.insert(t("tok39"));
        assert_eq!(set.len(), RejectedTokens::CAPACITY);
        assert!(set.contains(&t("tok39")));
        assert!(!set.contains(&t("tok0")));
        set.remove(&t("tok39"));
        assert!(!set.contains(&t("tok39")));
        assert_eq!(format!("{set:?}"), "RejectedTokens(15 tokens)");
        assert_eq!(SessionEpoch(1).next(), SessionEpoch(2));
    }
}
