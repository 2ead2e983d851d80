//! The steps the scheduler orders for one file, carried out by the driver: its upload, its
//! conversion (asked once, resumed, or sent again when its answer was lost), and what the end
//! of either means: done, failed with its reason, or redone with the queue's new session.

use std::rc::Rc;
use std::time::Duration;

use trustyconvert_core::conversion::queue::{EntryId, EntryState, QueueEvent, Step};
use trustyconvert_core::conversion::recovery::{
    conversion_accepted, convert_outcome_unknown, retry_not_before_ms,
};
use trustyconvert_core::{
    converted_file_name, ApiError, ApiErrorKind, JobFailure, JobId, MissingFeature, RemoteStatus,
};
use wasm_bindgen_futures::spawn_local;

use super::driver::QueueDriver;
use super::store::Announcement;
use crate::api::{endpoints, ApiRequest};
use crate::browser::{self, abort::AbortHandle, clock};
use crate::conversion::polling::{poll_until_done, PollEnd};
use crate::toast::ToastMessage;
use crate::transport::Body;

/// Pause before sending `/convert` again after its first answer was lost: a server that just
/// failed gets a moment.
const RESEND_CONVERT_AFTER: Duration = Duration::from_millis(800);

impl QueueDriver {
    /// Sends `id`'s file as a new job; its progress and its end are reported under `ticket`.
    pub(super) async fn upload(&self, id: EntryId, ticket: u64) {
        let Some(file) = self.store.get().file(id) else {
            return;
        };
        let Some(job) = browser::random::random_bytes16().map(JobId::from_random_bytes) else {
            return self.cannot_start(id, ticket, MissingFeature::Crypto);
        };
        let Some(abort) = AbortHandle::new() else {
            return self.cannot_start(id, ticket, MissingFeature::AbortController);
        };
        let mut request = ApiRequest::post("/upload", Body::Empty);
        request.abort = Some(abort.signal());
        request.transport = Some(Rc::clone(&self.upload_transport.0));
        request.on_progress = Some({
            let driver = self.clone();
            Rc::new(move |sent: f64, total: f64| {
                let (sent, total) = (sent.max(0.0) as u64, total.max(0.0) as u64);
                driver.report(id, ticket, QueueEvent::UploadProgress { id, sent, total });
            })
        });
        self.change(|store| store.hold_abort(id, Some(abort)));
        let outcome = endpoints::upload(&self.client, &file, &job, request).await;
        self.change(|store| {
            if store.is_current(id, ticket) {
                store.hold_abort(id, None);
            }
        });
        match outcome {
            Ok(_) => {
                let epoch = self.client.session().store().epoch;
                self.report(id, ticket, QueueEvent::Uploaded { id, job, epoch });
            }
            Err(error) => self.failed(id, ticket, Step::Upload, error),
        }
    }

    fn cannot_start(&self, id: EntryId, ticket: u64, missing: MissingFeature) {
        self.finished(
            id,
            ticket,
            Step::Upload,
            JobFailure::Unsupported { missing },
        );
    }

    /// Converts `job` and waits for it; `resume`: the job ran before a cancel or a failure, so
    /// its status says whether to ask again (it may be running still, or done).
    pub(super) async fn convert(
        &self,
        id: EntryId,
        ticket: u64,
        job: JobId,
        target: String,
        resume: bool,
    ) {
        let source = self
            .store
            .get()
            .queue
            .entry(id)
            .map(|entry| entry.extension.clone())
            .unwrap_or_default();
        let asked = self
            .ask_for_conversion((id, ticket), &job, &target, &source, resume)
            .await;
        if let Err(error) = asked {
            return self.failed(id, ticket, Step::Convert, error);
        }
        self.report(id, ticket, QueueEvent::ConversionAccepted { id });
        let on_status = {
            let driver = self.clone();
            move |status: &trustyconvert_core::RemoteJobStatus| {
                let (queued, progress) = (status.status == RemoteStatus::Queued, status.progress);
                let event = QueueEvent::ConversionProgress {
                    id,
                    queued,
                    progress,
                };
                driver.report(id, ticket, event)
            }
        };
        let is_current = {
            let store = self.store.clone();
            move || store.get().is_current(id, ticket)
        };
        match poll_until_done(&self.client, &job, on_status, is_current).await {
            PollEnd::Finished(status) if status.status == RemoteStatus::Completed => {
                let output_size = status.output_size;
                if self.report(id, ticket, QueueEvent::Completed { id, output_size }) {
                    self.converted(id);
                }
            }
            PollEnd::Finished(status) => self.finished(
                id,
                ticket,
                Step::Convert,
                JobFailure::Conversion {
                    message: status.error,
                },
            ),
            PollEnd::TimedOut => self.finished(id, ticket, Step::Convert, JobFailure::TimedOut),
            PollEnd::Stale => {}
            PollEnd::Error(error) => self.failed(id, ticket, Step::Convert, error),
        }
    }

    /// `POST /convert`; when its answer was lost, the job's status says whether to send it
    /// once more (it is not idempotent). `resume`: the server already holds the job, which is
    /// asked again only when it is not running or it failed. Nothing is sent again for a file
    /// whose `order` is no longer current (cancelled, removed, replaced): that would start a
    /// conversion the person stopped, and hold the session's one conversion slot.
    async fn ask_for_conversion(
        &self,
        order: (EntryId, u64),
        job: &JobId,
        target: &str,
        source: &str,
        resume: bool,
    ) -> Result<(), ApiError> {
        if resume {
            let status = endpoints::job_status(&self.client, job).await?;
            if conversion_accepted(status.status) && status.status != RemoteStatus::Failed {
                return Ok(());
            }
            self.still_current(order)?;
        }
        let error = match endpoints::convert(&self.client, job, target, Some(source)).await {
            Ok(_) => return Ok(()),
            Err(error) if convert_outcome_unknown(&error) => error,
            Err(error) => return Err(error),
        };
        let status = endpoints::job_status(&self.client, job)
            .await
            .map_err(|_| error.clone())?;
        if conversion_accepted(status.status) {
            return Ok(());
        }
        gloo::timers::future::sleep(RESEND_CONVERT_AFTER).await;
        self.still_current(order)?;
        endpoints::convert(&self.client, job, target, Some(source))
            .await
            .map(|_| ())
    }

    /// A cancel (reported as such, so nothing is said) once `order` is no longer the file's.
    fn still_current(&self, (id, ticket): (EntryId, u64)) -> Result<(), ApiError> {
        if self.store.get().is_current(id, ticket) {
            Ok(())
        } else {
            Err(ApiError::cancelled())
        }
    }

    /// A request of `id`'s failed. A cancel said so already; jobs of a replaced session are
    /// redone for the whole queue at once; a 429 is pacing (the scheduler pauses the step);
    /// anything else is the file's failure, with its reason.
    pub(super) fn failed(&self, id: EntryId, ticket: u64, step: Step, error: ApiError) {
        // Cancelled, or another task speaks for the file now: nothing of this is its news.
        if error.kind == ApiErrorKind::Cancelled || !self.store.get().is_current(id, ticket) {
            return;
        }
        let session = self.client.session().store();
        if session.user_closed {
            return;
        }
        if self.store.get().queue.holds_jobs_outside(session.epoch) {
            return self.redo_jobs_outside(session.epoch);
        }
        if error.kind == ApiErrorKind::QuotaFull {
            self.change(|store| store.quota_full = true);
        }
        self.finished(id, ticket, step, JobFailure::Api(error));
    }

    /// Reports a failure; one that is not the server's pacing is announced.
    fn finished(&self, id: EntryId, ticket: u64, step: Step, failure: JobFailure) {
        let now_ms = clock::now_ms();
        let event = QueueEvent::Failed {
            id,
            step,
            failure,
            now_ms,
        };
        if !self.report(id, ticket, event) {
            return;
        }
        let failed = self
            .store
            .get()
            .queue
            .entry(id)
            .and_then(|entry| match &entry.state {
                EntryState::Failed(failure) => Some(failure.clone()),
                _ => None,
            });
        let Some(failure) = failed else {
            return;
        };
        self.announce(id, Some(failure.clone()));
        if self.store.get().queue.entries.len() == 1 {
            self.say_failed(failure);
        }
    }

    /// One file's failure as the one-file view says it: an error toast (gone once the person
    /// acts) and the server's wait before "Try again" can work.
    pub(super) fn say_failed(&self, failure: JobFailure) {
        let (toast, not_before) = match &failure {
            JobFailure::Api(error) => (
                self.toasts.api_error(error),
                retry_not_before_ms(error, clock::now_ms()),
            ),
            _ => (self.toasts.error(ToastMessage::Job(failure)), None),
        };
        self.change(|store| {
            store.failure_toast = Some(toast);
            store.retry_not_before = not_before;
        });
    }

    /// One file converted: the one-file view says so in a toast, and downloads it when the
    /// person had clicked Download before it had to be redone.
    fn converted(&self, id: EntryId) {
        self.announce(id, None);
        let store = self.store.get();
        let (Some(entry), Some(target), 1) = (
            store.queue.entry(id),
            store.queue.target_of(id),
            store.queue.entries.len(),
        ) else {
            return;
        };
        self.toasts.success(ToastMessage::Done {
            name: converted_file_name(&entry.name, target),
        });
        if store.download_when_done {
            self.change(|store| store.download_when_done = false);
            let driver = self.clone();
            spawn_local(async move { driver.download(id).await });
        }
    }

    fn announce(&self, id: EntryId, failure: Option<JobFailure>) {
        self.change(|store| {
            if let Some(entry) = store.queue.entry(id) {
                store.announcement = Some(Announcement {
                    name: entry.name.clone(),
                    failure,
                });
            }
        });
    }
}
