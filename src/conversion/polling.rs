//! Waiting for a conversion: polls `/job_status` at the core's backing-off interval, pauses while
//! the page is hidden, rides out a few failed status checks, and gives up after
//! `CONVERSION_TIMEOUT_MS` of visible time.

use std::time::Duration;

use futures::channel::oneshot;
use trustyconvert_core::conversion::job::conversion_timed_out;
use trustyconvert_core::conversion::recovery::poll_retry_delay_ms;
use trustyconvert_core::{poll_interval_ms, ApiError, JobId, RemoteJobStatus, RemoteStatus};

use crate::api::{endpoints, ApiClient};
use crate::browser::{clock, visibility};

/// How polling ended.
#[derive(Debug)]
pub enum PollEnd {
    /// Completed or failed, as the server said.
    Finished(RemoteJobStatus),
    TimedOut,
    /// The caller's run is no longer current.
    Stale,
    Error(ApiError),
}

/// Polls until the job is completed or failed. `on_status` sees every answer and returns false
/// when the run has become stale.
pub async fn poll_until_done(
    client: &ApiClient,
    job_id: &JobId,
    mut on_status: impl FnMut(&RemoteJobStatus) -> bool,
    is_current: impl Fn() -> bool,
) -> PollEnd {
    let started = clock::now_ms();
    let mut hidden_ms = 0.0;
    let mut answers = 0;
    let mut failures = 0;
    let mut wait = poll_interval_ms(0);
    loop {
        gloo::timers::future::sleep(Duration::from_millis(wait)).await;
        hidden_ms += wait_until_visible().await;
        if !is_current() {
            return PollEnd::Stale;
        }
        // Time the page spent hidden does not count: the person was not waiting then.
        if conversion_timed_out(started + hidden_ms, clock::now_ms()) {
            return PollEnd::TimedOut;
        }
        let status = match endpoints::job_status(client, job_id).await {
            Ok(status) => status,
            Err(error) => {
                // A status check that failed says nothing about the job: a server struggling
                // for a moment must not cost the person their conversion. Bounded by the core.
                failures += 1;
                match poll_retry_delay_ms(&error, failures) {
                    Some(delay) => {
                        log::info!("polling: status check failed ({error}); again in {delay} ms");
                        wait = delay;
                        continue;
                    }
                    None => return PollEnd::Error(error),
                }
            }
        };
        failures = 0;
        if !on_status(&status) {
            return PollEnd::Stale;
        }
        if matches!(
            status.status,
            RemoteStatus::Completed | RemoteStatus::Failed
        ) {
            return PollEnd::Finished(status);
        }
        answers += 1;
        wait = poll_interval_ms(answers);
    }
}

/// Returns at once when the page is visible, else when it becomes visible; the time waited, ms.
async fn wait_until_visible() -> f64 {
    if visibility::is_visible() {
        return 0.0;
    }
    let since = clock::now_ms();
    let (sender, receiver) = oneshot::channel::<()>();
    let mut sender = Some(sender);
    let _listener = visibility::on_change(move |visible| {
        if visible {
            if let Some(sender) = sender.take() {
                // Nobody waiting any more is fine.
                let _ = sender.send(());
            }
        }
    });
    log::debug!("polling paused while the page is hidden");
    // A dropped listener (no document) ends the wait too.
    let _ = receiver.await;
    clock::now_ms() - since
}
