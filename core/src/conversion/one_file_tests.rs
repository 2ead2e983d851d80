//! Tests of the one-file view of a queue of one: each state the file goes through shows as the
//! one conversion a person has always seen.

use super::*;
use crate::api::error::{ApiError, ApiErrorKind};
use crate::conversion::job::tests::plan;
use crate::conversion::job::JobFailure;
use crate::conversion::queue::{Order, QueueEvent, Step};
use crate::conversion::validate::FileRejection;
use crate::ids::JobId;
use crate::session::SessionEpoch;

const NOW: f64 = 1_000_000.0;

fn one_png() -> Queue {
    let mut queue = Queue::default();
    queue.add(vec![Ok(plan().file)]);
    queue
}

#[test]
fn one_file_goes_through_the_states_of_one_conversion() {
    let mut queue = one_png();
    let id = queue.entries[0].id;
    assert_eq!(
        queue.one_file(),
        Some(JobState::FileChosen {
            file: plan().file,
            target: None
        }),
        "no target yet"
    );
    queue.set_shared_target("png", "jpg");
    assert_eq!(
        queue.one_file(),
        Some(JobState::FileChosen {
            file: plan().file,
            target: Some("jpg".into())
        })
    );
    assert_eq!(queue.start_due(NOW), vec![Order::Upload(id)]);
    queue.apply(QueueEvent::UploadProgress {
        id,
        sent: 400,
        total: 1000,
    });
    assert_eq!(
        queue.one_file(),
        Some(JobState::Uploading {
            plan: plan(),
            sent: 400,
            total: 1000
        })
    );
    let job = JobId::from_random_bytes([1; 16]);
    let epoch = SessionEpoch(1);
    queue.apply(QueueEvent::Uploaded { id, job, epoch });
    assert_eq!(queue.one_file(), Some(JobState::Uploaded { plan: plan() }));
    queue.start_due(NOW);
    assert_eq!(
        queue.one_file(),
        Some(JobState::Uploaded { plan: plan() }),
        "asked for, not yet taken: starting"
    );
    queue.apply(QueueEvent::ConversionAccepted { id });
    assert_eq!(
        queue.one_file(),
        Some(JobState::Converting {
            plan: plan(),
            progress: None,
            queued: true
        }),
        "taken, waiting for a worker"
    );
    queue.apply(QueueEvent::ConversionProgress {
        id,
        queued: false,
        progress: Some(40),
    });
    assert_eq!(
        queue.one_file(),
        Some(JobState::Converting {
            plan: plan(),
            progress: Some(40),
            queued: false
        })
    );
    queue.apply(QueueEvent::Completed {
        id,
        output_size: Some(77),
    });
    assert_eq!(
        queue.one_file(),
        Some(JobState::Completed {
            plan: plan(),
            output_size: Some(77)
        })
    );
    queue.apply(QueueEvent::SessionClosed);
    assert!(
        matches!(queue.one_file(), Some(JobState::FileChosen { .. })),
        "a closed session keeps only the file"
    );
}

#[test]
fn a_failure_and_a_cancel_keep_the_file_and_its_target() {
    let mut queue = one_png();
    let id = queue.entries[0].id;
    queue.set_shared_target("png", "jpg");
    queue.start_due(NOW);
    queue.apply(QueueEvent::Cancel(id));
    assert!(matches!(
        queue.one_file(),
        Some(JobState::FileChosen {
            target: Some(_),
            ..
        })
    ));
    queue.apply(QueueEvent::Retry(id));
    queue.start_due(NOW);
    let failure = JobFailure::Conversion {
        message: Some("bad".into()),
    };
    queue.apply(QueueEvent::Failed {
        id,
        step: Step::Upload,
        failure: failure.clone(),
        now_ms: NOW,
    });
    assert_eq!(
        queue.one_file(),
        Some(JobState::Failed {
            plan: Some(plan()),
            failure
        })
    );
}

#[test]
fn one_file_fails_on_a_429_with_its_wait_where_several_pace() {
    let limited = JobFailure::Api(ApiError::new(ApiErrorKind::RateLimited {
        retry_after_secs: Some(7),
    }));
    let mut queue = one_png();
    let id = queue.entries[0].id;
    queue.set_shared_target("png", "jpg");
    queue.start_due(NOW);
    queue.apply(QueueEvent::Failed {
        id,
        step: Step::Upload,
        failure: limited.clone(),
        now_ms: NOW,
    });
    assert!(
        matches!(queue.one_file(), Some(JobState::Failed { failure, .. }) if failure == limited),
        "the person sees the wait and tries again"
    );
    assert_eq!(queue.paused(Step::Upload, NOW), None, "nothing paused");
}

#[test]
fn several_files_or_a_refused_one_are_no_one_file_view() {
    assert_eq!(Queue::default().one_file(), None);
    let mut queue = one_png();
    queue.add(vec![Err((
        "b.exe".into(),
        FileRejection::Empty {
            name: "b.exe".into(),
        },
    ))]);
    assert_eq!(queue.one_file(), None, "two files");
    let first = queue.entries[0].id;
    queue.apply(QueueEvent::Remove(first));
    assert_eq!(queue.one_file(), None, "a refused file shows in the queue");
}
