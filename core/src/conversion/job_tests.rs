//! Tests of what a failure says, the status reader, the polling interval and which one-file
//! states take a new file.

use super::*;
use crate::api::error::ApiErrorKind;
use crate::i18n::default_language as en;
use serde_json::json;

/// A small PNG to JPEG, for the tests of the one-file view too.
pub(crate) fn plan() -> JobPlan {
    JobPlan {
        file: ValidatedFile {
            name: "a.png".into(),
            extension: "png".into(),
            size: 1000,
            max_size: 10_000,
        },
        target: "jpg".into(),
    }
}

#[test]
fn remote_status_is_read_tolerantly() {
    let s =
        RemoteJobStatus::from_data(&json!({"status": "PROCESSING", "progress": "55.4"})).unwrap();
    assert_eq!((s.status, s.progress), (RemoteStatus::Processing, Some(55)));
    let s = RemoteJobStatus::from_data(&json!({"status": "completed", "output_size": 10})).unwrap();
    assert_eq!(
        (s.status, s.output_size),
        (RemoteStatus::Completed, Some(10))
    );
    let s = RemoteJobStatus::from_data(&json!({"status": "failed", "error": {"message": "bad"}}))
        .unwrap();
    assert_eq!(s.error.as_deref(), Some("bad"));
    let s = RemoteJobStatus::from_data(&json!({"status": "pending", "progress": 900})).unwrap();
    assert_eq!((s.status, s.progress), (RemoteStatus::Queued, Some(100)));
    assert_eq!(
        RemoteJobStatus::from_data(&json!({"status": "weird"})),
        None
    );
    assert_eq!(RemoteJobStatus::from_data(&json!({})), None);
    assert_eq!(RemoteJobStatus::from_data(&json!(null)), None);
    let s = RemoteJobStatus::from_data(&json!({"status": "queued", "progress": -5})).unwrap();
    assert_eq!(s.progress, None);
}

#[test]
fn polling_backs_off_and_caps() {
    assert_eq!(poll_interval_ms(0), 500);
    assert_eq!(poll_interval_ms(1), 750);
    assert_eq!(poll_interval_ms(2), 1125);
    assert_eq!(poll_interval_ms(6), 5000);
    assert_eq!(poll_interval_ms(u32::MAX), POLL_MAX_MS);
    let mut last = 0;
    for attempt in 0..100 {
        let d = poll_interval_ms(attempt);
        assert!(d >= last && d <= POLL_MAX_MS);
        last = d;
    }
    assert!(!conversion_timed_out(1_000.0, 1_000.0 + 60_000.0));
    assert!(conversion_timed_out(0.0, CONVERSION_TIMEOUT_MS as f64));
}

#[test]
fn a_refused_file_is_not_worth_retrying_but_a_failed_request_is() {
    let refused = JobFailure::Api(ApiError::new(ApiErrorKind::Validation {
        server_type: "FileValidationError".to_owned(),
        message: Some("The file is named .csv but its content is png.".to_owned()),
    }));
    assert!(!refused.is_worth_retrying());
    assert_eq!(refused.title(en()), "This file cannot be converted");
    assert!(!JobFailure::Api(ApiError::new(ApiErrorKind::TooLarge)).is_worth_retrying());
    for transient in [
        JobFailure::Api(ApiError::network()),
        JobFailure::Api(ApiError::new(ApiErrorKind::Server { status: 502 })),
        JobFailure::Conversion { message: None },
        JobFailure::TimedOut,
    ] {
        assert!(transient.is_worth_retrying(), "{transient:?}");
        assert_eq!(transient.title(en()), "The conversion did not work");
    }
}

#[test]
fn a_rate_limit_asks_to_wait_rather_than_reporting_a_failure() {
    let limited = JobFailure::Api(ApiError::new(ApiErrorKind::RateLimited {
        retry_after_secs: Some(3),
    }));
    assert!(limited.is_worth_retrying());
    assert_eq!(limited.title(en()), "Please wait a moment");
}

#[test]
fn a_job_that_cannot_start_says_why_and_is_not_retried() {
    let failure = JobFailure::Unsupported {
        missing: MissingFeature::Crypto,
    };
    assert!(!failure.is_worth_retrying(), "the same browser fails again");
    assert!(failure.user_message(en()).contains("no crypto"));
    assert_eq!(failure.title(en()), "This browser cannot start the upload");
}

#[test]
fn a_new_file_is_taken_only_where_one_can_be_chosen() {
    assert!(JobState::Idle.takes_a_new_file());
    let chosen = JobState::FileChosen {
        file: plan().file,
        target: None,
    };
    assert!(chosen.takes_a_new_file());
    let refused_before_upload = JobState::Failed {
        plan: None,
        failure: JobFailure::TimedOut,
    };
    assert!(refused_before_upload.takes_a_new_file());

    let converting = JobState::Converting {
        plan: plan(),
        progress: Some(5),
        queued: false,
    };
    assert!(converting.is_busy() && !converting.takes_a_new_file());
    let completed = JobState::Completed {
        plan: plan(),
        output_size: None,
    };
    assert!(!completed.takes_a_new_file());
    let failed_with_its_file = JobState::Failed {
        plan: Some(plan()),
        failure: JobFailure::TimedOut,
    };
    assert!(!failed_with_its_file.takes_a_new_file());
    assert_eq!(failed_with_its_file.plan(), Some(&plan()));
}
