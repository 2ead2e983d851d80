//! Tests of the queue's scheduler: admission, the upload and conversion slots, pacing, retry,
//! cancellation and the files redone after a session change.

use super::*;

const NOW: f64 = 1_000_000.0;

fn file(name: &str, extension: &str) -> Result<ValidatedFile, (String, FileRejection)> {
    Ok(ValidatedFile {
        name: name.to_owned(),
        extension: extension.to_owned(),
        size: 1_000,
        max_size: 10_000,
    })
}

fn job(n: u64) -> JobId {
    JobId::from_random_bytes([n as u8; 16])
}

/// A queue of `count` PNGs, all to JPEG.
fn pngs(count: usize) -> (Queue, Vec<EntryId>) {
    let mut queue = Queue::default();
    let files = (0..count)
        .map(|i| file(&format!("photo-{i}.png"), "png"))
        .collect();
    let added = queue.add(files);
    queue.set_shared_target("png", "jpg");
    (queue, added.entries)
}

fn state(queue: &Queue, id: EntryId) -> EntryState {
    queue.entry(id).expect("in the queue").state.clone()
}

fn uploads(orders: &[Order]) -> Vec<EntryId> {
    orders
        .iter()
        .filter_map(|order| match order {
            Order::Upload(id) => Some(*id),
            Order::Convert { .. } => None,
        })
        .collect()
}

fn converts(orders: &[Order]) -> Vec<EntryId> {
    orders
        .iter()
        .filter_map(|order| match order {
            Order::Convert { id, .. } => Some(*id),
            Order::Upload(_) => None,
        })
        .collect()
}

fn limited(kind: ApiErrorKind) -> JobFailure {
    JobFailure::Api(ApiError::new(kind))
}

fn uploaded(queue: &mut Queue, id: EntryId, n: u64) {
    queue.apply(QueueEvent::Uploaded {
        id,
        job: job(n),
        epoch: SessionEpoch(1),
    });
}

#[test]
fn admits_twenty_files_and_counts_the_rest_rejected_files_included() {
    let mut queue = Queue::default();
    let refused = Err((
        "empty.png".to_owned(),
        FileRejection::Empty {
            name: "empty.png".to_owned(),
        },
    ));
    let mut files = vec![refused];
    files.extend((0..21).map(|i| file(&format!("{i}.png"), "png")));
    let added = queue.add(files);
    assert_eq!(added.entries.len(), MAX_FILES);
    assert_eq!(added.over_limit, 2);
    assert!(matches!(
        state(&queue, added.entries[0]),
        EntryState::Rejected(_)
    ));
    // A rejected file never starts; the others do.
    queue.set_shared_target("png", "jpg");
    let started = uploads(&queue.start_due(NOW));
    assert!(!started.contains(&added.entries[0]));
    assert_eq!(started.len(), MAX_UPLOADS);
}

#[test]
fn two_uploads_at_a_time_in_the_order_added_and_one_conversion_at_a_time() {
    let (mut queue, ids) = pngs(4);
    assert_eq!(uploads(&queue.start_due(NOW)), ids[..2]);
    assert!(queue.start_due(NOW).is_empty(), "both slots are taken");

    uploaded(&mut queue, ids[0], 1);
    let orders = queue.start_due(NOW);
    assert_eq!(
        uploads(&orders),
        [ids[2]],
        "the freed slot goes to the next"
    );
    assert_eq!(converts(&orders), [ids[0]]);
    assert_eq!(
        orders[1],
        Order::Convert {
            id: ids[0],
            job: job(1),
            target: "jpg".to_owned(),
            resume: false,
        }
    );

    uploaded(&mut queue, ids[1], 2);
    let orders = queue.start_due(NOW);
    assert!(converts(&orders).is_empty(), "one conversion per session");
    assert_eq!(uploads(&orders), [ids[3]]);

    queue.apply(QueueEvent::Completed {
        id: ids[0],
        output_size: Some(10),
    });
    assert_eq!(converts(&queue.start_due(NOW)), [ids[1]]);
}

#[test]
fn a_file_without_a_target_waits_and_an_override_wins_over_its_type() {
    let mut queue = Queue::default();
    let ids = queue
        .add(vec![
            file("a.csv", "csv"),
            file("b.png", "png"),
            file("c.png", "png"),
        ])
        .entries;
    queue.set_shared_target("png", "jpg");
    queue.set_target(ids[2], Some("webp".to_owned()));
    assert_eq!(queue.target_of(ids[1]), Some("jpg"));
    assert_eq!(queue.target_of(ids[2]), Some("webp"));
    assert_eq!(queue.target_of(ids[0]), None);
    assert_eq!(uploads(&queue.start_due(NOW)), [ids[1], ids[2]]);
    queue.set_target(ids[2], None);
    assert_eq!(queue.target_of(ids[2]), Some("jpg"), "back to its type's");
}

#[test]
fn a_rate_limit_pauses_the_step_for_the_whole_queue_and_fails_no_file() {
    let (mut queue, ids) = pngs(4);
    queue.start_due(NOW);
    queue.apply(QueueEvent::Failed {
        id: ids[1],
        step: Step::Upload,
        failure: limited(ApiErrorKind::RateLimited {
            retry_after_secs: Some(12),
        }),
        now_ms: NOW,
    });
    assert_eq!(state(&queue, ids[1]), EntryState::Waiting);
    assert_eq!(queue.paused(Step::Upload, NOW), Some(NOW + 12_000.0));
    assert_eq!(queue.next_wake(NOW), Some(NOW + 12_000.0));
    assert!(
        queue.start_due(NOW + 11_999.0).is_empty(),
        "no upload while paused"
    );
    // Conversions are another endpoint: they go on.
    uploaded(&mut queue, ids[0], 1);
    assert_eq!(converts(&queue.start_due(NOW + 1.0)), [ids[0]]);
    // The pause ends by itself; the paced file goes first, alone, and the next one a
    // Retry-After later: the server's rate, learnt from its answer, is not asked again.
    assert_eq!(uploads(&queue.start_due(NOW + 12_000.0)), [ids[1]]);
    assert!(uploads(&queue.start_due(NOW + 12_001.0)).is_empty());
    assert_eq!(queue.next_wake(NOW + 12_001.0), Some(NOW + 24_000.0));
    uploaded(&mut queue, ids[1], 2);
    assert_eq!(uploads(&queue.start_due(NOW + 24_000.0)), [ids[2]]);
    uploaded(&mut queue, ids[2], 3);
    assert_eq!(uploads(&queue.start_due(NOW + 36_000.0)), [ids[3]]);
    uploaded(&mut queue, ids[3], 4);
    // Once no file waits for an upload, the next ones go two at a time again.
    queue.start_due(NOW + 48_000.0);
    queue.add(vec![file("e.png", "png"), file("f.png", "png")]);
    assert_eq!(uploads(&queue.start_due(NOW + 48_001.0)).len(), 2);
}

#[test]
fn a_busy_conversion_slot_puts_the_job_back_and_waits() {
    // Two files: one file alone fails with the wait instead (see one_file_tests).
    let (mut queue, ids) = pngs(2);
    queue.start_due(NOW);
    uploaded(&mut queue, ids[0], 1);
    queue.start_due(NOW);
    queue.apply(QueueEvent::Failed {
        id: ids[0],
        step: Step::Convert,
        failure: limited(ApiErrorKind::TaskLimit {
            retry_after_secs: None,
        }),
        now_ms: NOW,
    });
    assert_eq!(
        state(&queue, ids[0]),
        EntryState::Uploaded {
            job: job(1),
            epoch: SessionEpoch(1)
        },
        "the uploaded job is kept"
    );
    assert!(queue.start_due(NOW + DEFAULT_PACING_MS - 1.0).is_empty());
    assert_eq!(
        converts(&queue.start_due(NOW + DEFAULT_PACING_MS)),
        [ids[0]]
    );
}

#[test]
fn downloads_pause_on_their_own() {
    let (mut queue, _) = pngs(1);
    queue.apply(QueueEvent::DownloadLimited {
        until_ms: NOW + 3_000.0,
    });
    assert_eq!(queue.paused(Step::Download, NOW), Some(NOW + 3_000.0));
    assert_eq!(queue.paused(Step::Upload, NOW), None);
    assert_eq!(uploads(&queue.start_due(NOW)).len(), 1);
}

#[test]
fn a_failed_file_shows_why_the_others_go_on_and_try_again_restarts_it() {
    let (mut queue, ids) = pngs(3);
    queue.start_due(NOW);
    uploaded(&mut queue, ids[0], 1);
    queue.start_due(NOW);
    let broken = JobFailure::Conversion {
        message: Some("not a PNG".to_owned()),
    };
    queue.apply(QueueEvent::Failed {
        id: ids[0],
        step: Step::Convert,
        failure: broken.clone(),
        now_ms: NOW,
    });
    assert_eq!(state(&queue, ids[0]), EntryState::Failed(broken));
    uploaded(&mut queue, ids[1], 2);
    assert_eq!(converts(&queue.start_due(NOW)), [ids[1]]);

    queue.apply(QueueEvent::Retry(ids[0]));
    assert_eq!(
        state(&queue, ids[0]),
        EntryState::Uploaded {
            job: job(1),
            epoch: SessionEpoch(1)
        },
        "the job the server holds is converted again, the file not sent again"
    );
    // A file the server refused for what it is stays failed.
    let refused = JobFailure::Api(ApiError::new(ApiErrorKind::TooLarge));
    queue.apply(QueueEvent::Failed {
        id: ids[2],
        step: Step::Upload,
        failure: refused.clone(),
        now_ms: NOW,
    });
    queue.apply(QueueEvent::Retry(ids[2]));
    assert_eq!(state(&queue, ids[2]), EntryState::Failed(refused));
}

#[test]
fn cancelled_and_removed_files_free_their_slot_and_late_reports_change_nothing() {
    let (mut queue, ids) = pngs(4);
    queue.start_due(NOW);
    queue.apply(QueueEvent::Cancel(ids[0]));
    queue.apply(QueueEvent::Remove(ids[2]));
    assert_eq!(state(&queue, ids[0]), EntryState::Cancelled);
    assert!(queue.entry(ids[2]).is_none());
    assert_eq!(
        uploads(&queue.start_due(NOW)),
        [ids[3]],
        "the next waiting file"
    );
    // The cancelled upload's late answers.
    uploaded(&mut queue, ids[0], 9);
    queue.apply(QueueEvent::Failed {
        id: ids[0],
        step: Step::Upload,
        failure: limited(ApiErrorKind::RateLimited {
            retry_after_secs: Some(60),
        }),
        now_ms: NOW,
    });
    assert_eq!(state(&queue, ids[0]), EntryState::Cancelled);
    assert_eq!(queue.paused(Step::Upload, NOW), None);
    assert!(
        converts(&queue.start_due(NOW)).is_empty(),
        "no convert for a cancelled file"
    );
    // Cancelled can start again.
    queue.apply(QueueEvent::Retry(ids[0]));
    assert_eq!(state(&queue, ids[0]), EntryState::Waiting);
}

#[test]
fn a_new_session_redoes_exactly_the_files_whose_jobs_were_in_the_old_one() {
    let (mut queue, ids) = pngs(5);
    queue.start_due(NOW);
    uploaded(&mut queue, ids[0], 1);
    queue.start_due(NOW);
    uploaded(&mut queue, ids[1], 2);
    queue.start_due(NOW);
    // ids[0] converting, ids[1] uploaded, ids[2] and ids[3] uploading, ids[4] waiting; and a
    // file done in the old session.
    let done = queue.add(vec![file("done.png", "png")]).entries[0];
    if let Some(entry) = queue.entries.last_mut() {
        entry.state = EntryState::Done {
            job: job(7),
            epoch: SessionEpoch(1),
            output_size: None,
        };
    }

    queue.apply(QueueEvent::SessionReplaced {
        epoch: SessionEpoch(2),
    });
    for id in [ids[0], ids[1], done] {
        assert_eq!(state(&queue, id), EntryState::Waiting, "{id:?} is redone");
        assert_eq!(queue.entry(id).map(|entry| entry.redos), Some(1));
    }
    for id in [ids[2], ids[3]] {
        // Their upload goes through the request path, which recovers it in the new session.
        assert!(
            matches!(state(&queue, id), EntryState::Uploading { .. }),
            "{id:?}"
        );
    }
    assert_eq!(state(&queue, ids[4]), EntryState::Waiting);

    // A job of the current session stays; the next change redoes it.
    queue.apply(QueueEvent::Uploaded {
        id: ids[2],
        job: job(3),
        epoch: SessionEpoch(2),
    });
    queue.apply(QueueEvent::SessionReplaced {
        epoch: SessionEpoch(2),
    });
    assert!(matches!(state(&queue, ids[2]), EntryState::Uploaded { .. }));
    queue.apply(QueueEvent::SessionReplaced {
        epoch: SessionEpoch(3),
    });
    assert_eq!(state(&queue, ids[2]), EntryState::Waiting);
}

#[test]
fn a_file_redone_too_often_fails_with_the_session_error() {
    let (mut queue, ids) = pngs(1);
    for round in 0..=MAX_SESSION_REDOS {
        queue.start_due(NOW);
        queue.apply(QueueEvent::Uploaded {
            id: ids[0],
            job: job(1),
            epoch: SessionEpoch(u64::from(round)),
        });
        queue.apply(QueueEvent::SessionReplaced {
            epoch: SessionEpoch(u64::from(round) + 1),
        });
    }
    assert_eq!(
        state(&queue, ids[0]),
        EntryState::Failed(JobFailure::Api(ApiError::new(ApiErrorKind::Session)))
    );
}

#[test]
fn closing_the_session_cancels_everything_not_finished_and_nothing_restarts() {
    let (mut queue, ids) = pngs(4);
    queue.start_due(NOW);
    uploaded(&mut queue, ids[0], 1);
    queue.apply(QueueEvent::SessionClosed);
    for id in &ids {
        assert_eq!(state(&queue, *id), EntryState::Cancelled);
    }
    assert!(queue.start_due(NOW).is_empty());
}

#[test]
fn progress_is_kept_per_file() {
    let (mut queue, ids) = pngs(2);
    queue.start_due(NOW);
    queue.apply(QueueEvent::UploadProgress {
        id: ids[1],
        sent: 400,
        total: 1_000,
    });
    assert_eq!(
        state(&queue, ids[1]),
        EntryState::Uploading {
            sent: 400,
            total: 1_000
        }
    );
    uploaded(&mut queue, ids[0], 1);
    queue.start_due(NOW);
    // Starting, then waiting for a worker, then converting: what the one-file view says.
    let stage = |queue: &Queue| match state(queue, ids[0]) {
        EntryState::Converting {
            accepted,
            queued,
            progress,
            ..
        } => (accepted, queued, progress),
        other => panic!("{other:?}"),
    };
    assert_eq!(stage(&queue), (false, true, None));
    queue.apply(QueueEvent::ConversionAccepted { id: ids[0] });
    assert_eq!(stage(&queue), (true, true, None));
    queue.apply(QueueEvent::ConversionProgress {
        id: ids[0],
        queued: false,
        progress: Some(40),
    });
    assert_eq!(stage(&queue), (true, false, Some(40)));
    queue.apply(QueueEvent::Completed {
        id: ids[0],
        output_size: Some(77),
    });
    assert!(matches!(
        state(&queue, ids[0]),
        EntryState::Done {
            output_size: Some(77),
            ..
        }
    ));
}

/// The order `start_due` gives `id` now, if any.
fn order_for(queue: &mut Queue, id: EntryId, now: f64) -> Option<Order> {
    queue.start_due(now).into_iter().find(|order| match order {
        Order::Upload(of) | Order::Convert { id: of, .. } => *of == id,
    })
}

fn conversion_failed(queue: &mut Queue, id: EntryId, failure: JobFailure) {
    queue.apply(QueueEvent::Failed {
        id,
        step: Step::Convert,
        failure,
        now_ms: NOW,
    });
}

#[test]
fn trying_again_after_a_cancel_or_a_failed_conversion_resumes_the_servers_job() {
    let (mut queue, ids) = pngs(1);
    let id = ids[0];
    queue.start_due(NOW);
    uploaded(&mut queue, id, 7);
    queue.start_due(NOW);
    queue.apply(QueueEvent::Cancel(id));
    assert_eq!(state(&queue, id), EntryState::Cancelled);

    queue.apply(QueueEvent::Retry(id));
    let resumed = Order::Convert {
        id,
        job: job(7),
        target: "jpg".to_owned(),
        resume: true,
    };
    assert_eq!(
        order_for(&mut queue, id, NOW),
        Some(resumed.clone()),
        "not sent again"
    );

    conversion_failed(&mut queue, id, JobFailure::Conversion { message: None });
    queue.apply(QueueEvent::Retry(id));
    assert_eq!(order_for(&mut queue, id, NOW), Some(resumed));

    // A job the server no longer has is sent again from the file.
    conversion_failed(&mut queue, id, limited(ApiErrorKind::NotFound));
    queue.apply(QueueEvent::Retry(id));
    assert_eq!(order_for(&mut queue, id, NOW), Some(Order::Upload(id)));
}

#[test]
fn another_target_or_another_session_forgets_the_held_job() {
    let (mut queue, ids) = pngs(3);
    for (n, id) in ids.iter().enumerate() {
        queue.start_due(NOW);
        uploaded(&mut queue, *id, n as u64 + 1);
        queue.apply(QueueEvent::Cancel(*id));
    }
    queue.set_target(ids[0], Some("pdf".to_owned()));
    queue.set_shared_target("png", "webp");
    assert!(ids
        .iter()
        .all(|id| queue.entry(*id).is_some_and(|e| e.held.is_none())));

    let (mut queue, ids) = pngs(1);
    queue.start_due(NOW);
    uploaded(&mut queue, ids[0], 1);
    queue.apply(QueueEvent::Cancel(ids[0]));
    queue.apply(QueueEvent::SessionReplaced {
        epoch: SessionEpoch(2),
    });
    queue.apply(QueueEvent::Retry(ids[0]));
    assert_eq!(
        order_for(&mut queue, ids[0], NOW),
        Some(Order::Upload(ids[0]))
    );
}

#[test]
fn trying_again_starts_the_redo_count_over() {
    let (mut queue, ids) = pngs(1);
    let id = ids[0];
    for epoch in 2..=(MAX_SESSION_REDOS + 2) {
        queue.start_due(NOW);
        uploaded(&mut queue, id, 1);
        queue.apply(QueueEvent::SessionReplaced {
            epoch: SessionEpoch(u64::from(epoch)),
        });
    }
    assert!(
        matches!(state(&queue, id), EntryState::Failed(_)),
        "bounded"
    );
    queue.apply(QueueEvent::Retry(id));
    assert_eq!(queue.entry(id).map(|entry| entry.redos), Some(0));
    assert_eq!(order_for(&mut queue, id, NOW), Some(Order::Upload(id)));
}

#[test]
fn upload_progress_never_shows_more_than_the_file() {
    let (mut queue, ids) = pngs(1);
    queue.start_due(NOW);
    queue.apply(QueueEvent::UploadProgress {
        id: ids[0],
        sent: 1_200,
        total: 1_000,
    });
    assert_eq!(
        state(&queue, ids[0]),
        EntryState::Uploading {
            sent: 1_000,
            total: 1_000
        }
    );
}

#[test]
fn a_cleared_queue_never_gives_an_id_again() {
    let (mut queue, ids) = pngs(2);
    queue.clear();
    assert!(queue.entries.is_empty());
    assert_eq!(queue.shared_target("png"), None, "targets go too");
    let again = queue.add(vec![file("new.png", "png")]).entries;
    assert!(
        again.iter().all(|id| !ids.contains(id)),
        "{again:?} {ids:?}"
    );
}
