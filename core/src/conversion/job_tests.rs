//! Tests of the job state machine, the status reader and the polling interval.

use super::*;
use crate::api::error::ApiErrorKind;
use crate::i18n::default_language as en;
use serde_json::json;

fn file() -> ValidatedFile {
    ValidatedFile {
        name: "a.png".into(),
        extension: "png".into(),
        size: 1000,
        max_size: 10_000,
    }
}

fn id() -> JobId {
    JobId::from_random_bytes([7; 16])
}

fn status(s: RemoteStatus, progress: Option<u8>) -> JobEvent {
    JobEvent::StatusReported(RemoteJobStatus {
        status: s,
        progress,
        output_size: Some(42),
        error: Some("boom".into()),
    })
}

fn run(events: Vec<JobEvent>) -> JobState {
    events.into_iter().fold(JobState::Idle, next)
}

fn to_converting() -> Vec<JobEvent> {
    vec![
        JobEvent::FileChosen(file()),
        JobEvent::TargetChosen("jpg".into()),
        JobEvent::UploadStarted { job_id: id() },
        JobEvent::UploadProgress {
            sent: 500,
            total: 1000,
        },
        JobEvent::UploadFinished,
        JobEvent::ConversionQueued,
    ]
}

fn plan() -> JobPlan {
    JobPlan {
        file: file(),
        target: "jpg".into(),
    }
}

#[test]
fn happy_path() {
    let mut events = to_converting();
    assert!(matches!(
        run(events.clone()),
        JobState::Converting {
            queued: true,
            progress: None,
            ..
        }
    ));
    events.push(status(RemoteStatus::Processing, Some(40)));
    assert!(matches!(
        run(events.clone()),
        JobState::Converting {
            queued: false,
            progress: Some(40),
            ..
        }
    ));
    events.push(status(RemoteStatus::Completed, None));
    assert_eq!(
        run(events),
        JobState::Completed {
            plan: plan(),
            job_id: id(),
            output_size: Some(42)
        }
    );
}

#[test]
fn upload_progress_is_clamped_and_monotonic() {
    let mut events = to_converting();
    events.truncate(4);
    let state = run(events.clone());
    assert_eq!(state.upload_percent(), Some(50));
    events.push(JobEvent::UploadProgress {
        sent: 100,
        total: 1000,
    });
    assert_eq!(run(events.clone()).upload_percent(), Some(50));
    events.push(JobEvent::UploadProgress {
        sent: 5000,
        total: 0,
    });
    assert_eq!(run(events).upload_percent(), Some(100));
}

#[test]
fn no_upload_without_a_target() {
    let state = run(vec![
        JobEvent::FileChosen(file()),
        JobEvent::UploadStarted { job_id: id() },
    ]);
    assert_eq!(
        state,
        JobState::FileChosen {
            file: file(),
            target: None
        }
    );
}

#[test]
fn failures_keep_the_plan_and_retry_returns_to_the_choice() {
    let mut events = to_converting();
    events.push(status(RemoteStatus::Failed, None));
    let failed = run(events.clone());
    let JobState::Failed {
        plan: Some(_),
        failure,
    } = &failed
    else {
        panic!("{failed:?}")
    };
    assert_eq!(failure.user_message(en()), "The conversion failed: boom");
    events.push(JobEvent::Retry);
    assert_eq!(
        run(events),
        JobState::FileChosen {
            file: file(),
            target: Some("jpg".into())
        }
    );
    let mut events = to_converting();
    events.push(JobEvent::Failed(JobFailure::Api(ApiError::new(
        ApiErrorKind::TaskLimit {
            retry_after_secs: Some(3),
        },
    ))));
    assert!(matches!(run(events), JobState::Failed { .. }));
}

#[test]
fn timeout_and_session_change() {
    let mut events = to_converting();
    events.push(JobEvent::TimedOut);
    assert_eq!(
        run(events),
        JobState::Failed {
            plan: Some(plan()),
            failure: JobFailure::TimedOut
        }
    );
    // A new session: the job is gone, redo from the file still held.
    for cut in 3..=6 {
        let mut events = to_converting();
        events.truncate(cut);
        events.push(JobEvent::SessionChanged);
        assert_eq!(
            run(events),
            JobState::FileChosen {
                file: file(),
                target: Some("jpg".into())
            },
            "after {cut} events"
        );
    }
    // Nothing to redo when nothing was started.
    assert_eq!(run(vec![JobEvent::SessionChanged]), JobState::Idle);
}

#[test]
fn late_or_senseless_events_change_nothing() {
    let done = {
        let mut events = to_converting();
        events.push(status(RemoteStatus::Completed, None));
        run(events)
    };
    for event in [
        JobEvent::UploadProgress { sent: 1, total: 2 },
        JobEvent::UploadFinished,
        JobEvent::ConversionQueued,
        status(RemoteStatus::Processing, Some(10)),
        JobEvent::TimedOut,
        JobEvent::Retry,
    ] {
        assert_eq!(next(done.clone(), event.clone()), done, "{event:?}");
    }
    // Choosing another file while busy is ignored; when done it starts over.
    let busy = run(to_converting());
    assert_eq!(next(busy.clone(), JobEvent::FileChosen(file())), busy);
    assert!(matches!(
        next(done, JobEvent::FileChosen(file())),
        JobState::FileChosen { target: None, .. }
    ));
    assert_eq!(next(busy, JobEvent::Reset), JobState::Idle);
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
fn cancelling_goes_back_to_the_chosen_file_and_target() {
    let chosen = [
        JobEvent::FileChosen(file()),
        JobEvent::TargetChosen("jpg".into()),
        JobEvent::UploadStarted { job_id: id() },
    ]
    .into_iter()
    .fold(JobState::Idle, next);
    assert!(matches!(chosen, JobState::Uploading { .. }));
    let cancelled = next(chosen, JobEvent::Cancelled);
    assert_eq!(
        cancelled,
        JobState::FileChosen {
            file: file(),
            target: Some("jpg".into())
        }
    );
    // Nothing to cancel once idle or chosen.
    assert_eq!(next(JobState::Idle, JobEvent::Cancelled), JobState::Idle);
    assert_eq!(next(cancelled.clone(), JobEvent::Cancelled), cancelled);
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
fn a_resent_upload_starts_its_progress_over() {
    let mut events = to_converting();
    events.truncate(4);
    assert_eq!(run(events.clone()).upload_percent(), Some(50));
    events.push(JobEvent::UploadRestarted);
    let restarted = run(events.clone());
    assert!(
        matches!(
            restarted,
            JobState::Uploading {
                sent: 0,
                total: 1000,
                ..
            }
        ),
        "{restarted:?}"
    );
    assert_eq!(restarted.upload_percent(), Some(0));
    events.push(JobEvent::UploadProgress {
        sent: 200,
        total: 1000,
    });
    assert_eq!(run(events).upload_percent(), Some(20), "rises again");
    // Only an upload can start over.
    let converting = run(to_converting());
    assert_eq!(
        next(converting.clone(), JobEvent::UploadRestarted),
        converting
    );
}

#[test]
fn a_job_that_cannot_start_fails_visibly() {
    let chosen = run(vec![
        JobEvent::FileChosen(file()),
        JobEvent::TargetChosen("jpg".into()),
    ]);
    let failure = JobFailure::Unsupported {
        missing: MissingFeature::Crypto,
    };
    assert_eq!(
        next(chosen, JobEvent::Failed(failure.clone())),
        JobState::Failed {
            plan: Some(plan()),
            failure: failure.clone()
        }
    );
    assert!(!failure.is_worth_retrying(), "the same browser fails again");
    assert!(failure.user_message(en()).contains("no crypto"));
    assert_eq!(failure.title(en()), "This browser cannot start the upload");
    // Without a target nothing was started, so nothing failed.
    let no_target = run(vec![JobEvent::FileChosen(file())]);
    assert_eq!(
        next(no_target.clone(), JobEvent::Failed(failure)),
        no_target
    );
}

#[test]
fn a_new_file_is_taken_only_where_one_can_be_chosen() {
    assert!(JobState::Idle.takes_a_new_file());
    assert!(run(vec![JobEvent::FileChosen(file())]).takes_a_new_file());
    let refused_before_upload = JobState::Failed {
        plan: None,
        failure: JobFailure::TimedOut,
    };
    assert!(refused_before_upload.takes_a_new_file());

    let converting = run(to_converting());
    assert!(!converting.takes_a_new_file(), "{converting:?}");
    let mut events = to_converting();
    events.push(status(RemoteStatus::Completed, None));
    assert!(!run(events).takes_a_new_file());
    assert!(
        converting.plan().is_some(),
        "the failure below holds a file"
    );
    let failed_with_its_file = JobState::Failed {
        plan: converting.plan().cloned(),
        failure: JobFailure::TimedOut,
    };
    assert!(!failed_with_its_file.takes_a_new_file());
}
