//! How a conversion rides out a misbehaving server without losing the file or looping:
//! polling that survives a few failed status checks, a `/convert` whose answer was lost or
//! garbled (did the server start the job or not?), and the wait a 429's `Retry-After` imposes
//! before the person may try again.

use super::job::{poll_interval_ms, RemoteStatus};
use crate::api::error::{ApiError, ApiErrorKind};

/// Consecutive failed status checks (each already retried by the API client) after which
/// polling gives up and the person gets the error with a "Try again".
pub const MAX_POLL_FAILURES: u32 = 4;

/// After `consecutive_failures` status checks in a row failed (the last with `error`): how long
/// to wait before polling again, or `None` to stop and report. Only failures that say nothing
/// about the job (5xx, network, timeout, an unreadable answer) are ridden out; the wait grows
/// like the polling interval itself, so a struggling server is asked less often.
pub fn poll_retry_delay_ms(error: &ApiError, consecutive_failures: u32) -> Option<u64> {
    let transient = error.is_retryable_idempotent() || error.kind == ApiErrorKind::Decode;
    if !transient || consecutive_failures >= MAX_POLL_FAILURES {
        return None;
    }
    // Skip the quick first intervals: the client already retried this check a few times.
    Some(poll_interval_ms(consecutive_failures.saturating_add(2)))
}

/// Whether a failed `/convert` may nevertheless have reached the server and started the job:
/// the answer was lost (network, timeout), garbled (a 2xx that could not be read, an unexpected
/// status) or a 5xx from somewhere on the way. Then the job's status, not the error, says
/// whether to send it again; an error the server itself gave (4xx) means it did not start.
pub fn convert_outcome_unknown(error: &ApiError) -> bool {
    matches!(
        error.kind,
        ApiErrorKind::Server { .. }
            | ApiErrorKind::Network
            | ApiErrorKind::Redirected
            | ApiErrorKind::Timeout
            | ApiErrorKind::Decode
            | ApiErrorKind::Unexpected { .. }
    )
}

/// Whether the job's status shows its conversion was accepted (queued or further): then
/// sending `/convert` again would at best repeat and at worst convert twice.
pub fn conversion_accepted(status: RemoteStatus) -> bool {
    status != RemoteStatus::Uploaded
}

/// When the person may retry after `error` failed at `now_ms`: the server's `Retry-After`
/// from now, or `None` when it asked for no wait.
pub fn retry_not_before_ms(error: &ApiError, now_ms: f64) -> Option<f64> {
    error
        .retry_after_secs()
        .filter(|secs| *secs > 0)
        .map(|secs| now_ms + f64::from(secs) * 1000.0)
}

/// Whole seconds left until `not_before_ms` (rounded up, so "1 s" shows until the wait is over),
/// 0 once it has passed.
pub fn seconds_left(not_before_ms: f64, now_ms: f64) -> u32 {
    let left = ((not_before_ms - now_ms) / 1000.0).ceil();
    if left.is_nan() || left <= 0.0 {
        0
    } else {
        // Saturating: a wait longer than u32 seconds is no wait a person will sit through anyway.
        left.min(f64::from(u32::MAX)) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polling_rides_out_a_few_transient_failures_then_reports() {
        let busy = ApiError::new(ApiErrorKind::Server { status: 503 }).with_status(503);
        let delays: Vec<_> = (1..=MAX_POLL_FAILURES)
            .map(|n| poll_retry_delay_ms(&busy, n))
            .collect();
        assert!(delays[..delays.len() - 1].iter().all(Option::is_some));
        assert_eq!(delays.last(), Some(&None), "bounded: {delays:?}");
        // The wait grows and stays within the polling cap.
        let waits: Vec<u64> = delays.iter().flatten().copied().collect();
        assert!(waits.windows(2).all(|w| w[0] <= w[1]), "{waits:?}");
        assert!(waits.iter().all(|w| *w <= super::super::job::POLL_MAX_MS));
        assert!(poll_retry_delay_ms(&ApiError::decode(), 1).is_some());
        assert!(poll_retry_delay_ms(&ApiError::network(), 1).is_some());
    }

    #[test]
    fn polling_stops_at_once_on_errors_about_the_job_or_the_person() {
        for error in [
            ApiError::new(ApiErrorKind::NotFound),
            ApiError::new(ApiErrorKind::Session),
            ApiError::new(ApiErrorKind::Csrf),
            ApiError::cancelled(),
            ApiError::offline(),
            ApiError::new(ApiErrorKind::RateLimited {
                retry_after_secs: Some(3),
            }),
        ] {
            assert_eq!(poll_retry_delay_ms(&error, 1), None, "{error}");
        }
    }

    #[test]
    fn a_lost_or_garbled_convert_answer_is_checked_before_sending_again() {
        for error in [
            ApiError::new(ApiErrorKind::Server { status: 500 }),
            ApiError::new(ApiErrorKind::Server { status: 502 }),
            ApiError::network(),
            ApiError::timeout(),
            ApiError::decode().with_status(200),
            ApiError::new(ApiErrorKind::Unexpected { status: 302 }),
        ] {
            assert!(convert_outcome_unknown(&error), "{error}");
        }
        for error in [
            ApiError::new(ApiErrorKind::RateLimited {
                retry_after_secs: Some(3),
            }),
            ApiError::new(ApiErrorKind::TaskLimit {
                retry_after_secs: None,
            }),
            ApiError::new(ApiErrorKind::Validation {
                server_type: "ValidationError".into(),
                message: None,
            }),
            ApiError::new(ApiErrorKind::NotFound),
            ApiError::cancelled(),
            ApiError::offline(),
        ] {
            assert!(!convert_outcome_unknown(&error), "{error}");
        }
        assert!(!conversion_accepted(RemoteStatus::Uploaded));
        for status in [
            RemoteStatus::Queued,
            RemoteStatus::Processing,
            RemoteStatus::Completed,
            RemoteStatus::Failed,
        ] {
            assert!(conversion_accepted(status), "{status:?}");
        }
    }

    #[test]
    fn retry_after_becomes_a_countdown() {
        let limited = ApiError::new(ApiErrorKind::RateLimited {
            retry_after_secs: Some(3),
        });
        let not_before = retry_not_before_ms(&limited, 10_000.0);
        assert_eq!(not_before, Some(13_000.0));
        let not_before = not_before.unwrap_or_default();
        assert_eq!(seconds_left(not_before, 10_000.0), 3);
        assert_eq!(seconds_left(not_before, 10_001.0), 3);
        assert_eq!(seconds_left(not_before, 12_000.0), 1);
        assert_eq!(seconds_left(not_before, 12_999.0), 1);
        assert_eq!(seconds_left(not_before, 13_000.0), 0);
        assert_eq!(seconds_left(not_before, 99_000.0), 0);
        assert_eq!(seconds_left(f64::NAN, 0.0), 0);
        let no_wait = ApiError::new(ApiErrorKind::RateLimited {
            retry_after_secs: Some(0),
        });
        assert_eq!(retry_not_before_ms(&no_wait, 1.0), None);
        assert_eq!(retry_not_before_ms(&ApiError::network(), 1.0), None);
    }
}
