//! When and how long to wait before retrying an idempotent request (GET, `/session/init`) that
//! failed for a transient reason. Mutating requests are never retried here.

use super::error::ApiError;
use crate::backoff::capped_backoff_ms;

/// Retry settings for idempotent requests: capped exponential backoff with jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdempotentRetry {
    /// Total attempts, the first one included.
    pub max_attempts: u32,
    pub base_ms: u64,
    pub cap_ms: u64,
}

impl Default for IdempotentRetry {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_ms: 400,
            cap_ms: 5_000,
        }
    }
}

impl IdempotentRetry {
    /// After attempt number `attempts_made` (1 = the first try) failed with `error`: the delay
    /// before the next attempt, or `None` to stop.
    pub fn delay_after_failure(
        &self,
        attempts_made: u32,
        error: &ApiError,
        jitter_0_to_1: f64,
    ) -> Option<u64> {
        if attempts_made >= self.max_attempts || !error.is_retryable_idempotent() {
            return None;
        }
        Some(capped_backoff_ms(
            self.base_ms,
            self.cap_ms,
            attempts_made,
            jitter_0_to_1,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::ApiErrorKind;

    #[test]
    fn retries_transient_failures_a_bounded_number_of_times() {
        let policy = IdempotentRetry::default();
        let net = ApiError::network();
        assert_eq!(policy.delay_after_failure(1, &net, 1.0), Some(400));
        assert_eq!(policy.delay_after_failure(2, &net, 1.0), Some(800));
        assert_eq!(policy.delay_after_failure(3, &net, 1.0), None);
        let server = ApiError::new(ApiErrorKind::Server { status: 502 });
        assert_eq!(policy.delay_after_failure(1, &server, 0.0), Some(200));
    }

    #[test]
    fn never_retries_client_errors() {
        let policy = IdempotentRetry::default();
        for kind in [
            ApiErrorKind::Csrf,
            ApiErrorKind::Session,
            ApiErrorKind::NotFound,
            ApiErrorKind::Offline,
            ApiErrorKind::Cancelled,
            ApiErrorKind::SessionClosed,
            ApiErrorKind::RateLimited {
                retry_after_secs: Some(1),
            },
        ] {
            assert_eq!(
                policy.delay_after_failure(1, &ApiError::new(kind), 0.5),
                None
            );
        }
    }
}
