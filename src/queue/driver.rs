//! `QueueDriver`: carries out what the core's scheduler orders (uploads, conversions) through
//! the one request path, so a session expiry, a token rotation or a server restart is
//! recovered once for every file; reports back with `QueueEvent`s, and wakes the queue when a
//! step paused by the server may go again. One file is a queue of one: it also gets the
//! one-file view's toasts, its choice of file and its wait before a retry.

use std::rc::Rc;
use std::time::Duration;

use trustyconvert_core::conversion::queue::{EntryId, EntryState, Order, QueueEvent, Step};
use trustyconvert_core::conversion::recovery::{
    conversion_accepted, convert_outcome_unknown, retry_not_before_ms, seconds_left,
};
use trustyconvert_core::{
    converted_file_name, validate_file, ApiError, ApiErrorKind, FileRejection, FormatCatalog,
    JobFailure, JobId, JobState, MissingFeature, RemoteStatus, SessionEpoch, ValidatedFile,
};
use wasm_bindgen_futures::spawn_local;
use yewdux::Dispatch;

use super::store::{Announcement, QueueStore};
use crate::api::{endpoints, ApiClient, ApiRequest};
use crate::browser::{self, abort::AbortHandle, clock};
use crate::conversion::polling::{poll_until_done, PollEnd};
use crate::toast::{ToastMessage, ToastService};
use crate::transport::{Body, SharedTransport};

/// Pause before sending `/convert` again after its first answer was lost: a server that just
/// failed gets a moment.
const RESEND_CONVERT_AFTER: Duration = Duration::from_millis(800);

/// A file as validated on its own, with the browser's `File`.
struct Checked {
    file: web_sys::File,
    valid: Result<ValidatedFile, (String, FileRejection)>,
}

/// Cheap to clone; all state is in the store.
#[derive(Clone, PartialEq)]
pub struct QueueDriver {
    pub(super) client: ApiClient,
    pub(super) store: Dispatch<QueueStore>,
    pub(super) toasts: ToastService,
    upload_transport: SharedTransport,
}

impl QueueDriver {
    pub fn new(
        client: ApiClient,
        store: Dispatch<QueueStore>,
        toasts: ToastService,
        upload_transport: SharedTransport,
    ) -> Self {
        Self {
            client,
            store,
            toasts,
            upload_transport,
        }
    }

    /// Files chosen or dropped, each validated on its own before any request. One file where
    /// one can be chosen is the one-file view's choice: it replaces a file chosen and not
    /// started, and a refused one leaves the chosen file as it is. Several files, or any while
    /// a file converts or the queue holds several, join the queue (a refused one shows why).
    pub fn take(&self, files: Vec<web_sys::File>, catalog: &FormatCatalog) {
        let checked: Vec<Checked> = files
            .into_iter()
            .map(|file| {
                let name = browser::file::name_of(&file);
                let valid = validate_file(&name, browser::file::size_of(&file), catalog)
                    .map_err(|rejection| (name, rejection));
                Checked { file, valid }
            })
            .collect();
        let queue = &self.store.get().queue;
        let chooses_one = checked.len() == 1
            && (queue.entries.is_empty()
                || queue.one_file().is_some_and(|job| job.takes_a_new_file()));
        if chooses_one {
            if let Some(Err((_, rejection))) = checked.first().map(|checked| &checked.valid) {
                let rejection = rejection.clone();
                return self.change(|store| store.rejection = Some(rejection));
            }
            self.dismiss_failure_toast();
            self.change(QueueStore::clear);
        }
        self.add(checked, catalog);
    }

    /// Each type gets its default target unless one was chosen already.
    fn add(&self, checked: Vec<Checked>, catalog: &FormatCatalog) {
        self.change(|store| {
            let (files, validated): (Vec<_>, Vec<_>) = checked
                .into_iter()
                .map(|checked| (checked.file, checked.valid))
                .unzip();
            let added = store.queue.add(validated);
            store.over_limit = added.over_limit;
            store.rejection = None;
            // Only the last files are ever over the limit: the added ones are the first.
            for (id, file) in added.entries.iter().zip(files) {
                store.hold_file(*id, file);
                let Some(extension) = store.queue.entry(*id).map(|entry| entry.extension.clone())
                else {
                    continue;
                };
                if store.queue.shared_target(&extension).is_none() {
                    if let Some(target) = catalog.default_target(&extension) {
                        store.queue.set_shared_target(&extension, &target.send_as);
                    }
                }
            }
        });
        self.pump();
    }

    /// "Convert N files" (or Convert, for one file): the queue runs, and so do files added
    /// later; cancelled ones go again (a job the server holds is resumed, not sent again).
    pub fn start(&self) {
        self.dismiss_failure_toast();
        let epoch = self.client.session().store().epoch;
        self.change(|store| {
            // A job held from an older session is gone: that file is sent again.
            store.queue.apply(QueueEvent::SessionReplaced { epoch });
            store.running = true;
            store.download_when_done = false;
            let cancelled: Vec<EntryId> = store
                .queue
                .entries
                .iter()
                .filter(|entry| entry.state == EntryState::Cancelled)
                .map(|entry| entry.id)
                .collect();
            for id in cancelled {
                store.queue.apply(QueueEvent::Retry(id));
            }
        });
        self.pump();
    }

    pub fn set_shared_target(&self, extension: &str, target: &str) {
        self.change(|store| store.queue.set_shared_target(extension, target));
        self.pump();
    }

    pub fn set_target(&self, id: EntryId, target: String) {
        self.change(|store| {
            let shared = store
                .queue
                .entry(id)
                .and_then(|entry| store.queue.shared_target(&entry.extension))
                .map(str::to_owned);
            // Choosing the type's own target again follows the type's choice again.
            let own = (shared.as_deref() != Some(target.as_str())).then_some(target);
            store.queue.set_target(id, own);
        });
        self.pump();
    }

    /// The one-file view's target: its type's, which the file follows again (a file left
    /// alone from a queue may have had its own).
    pub fn choose_target(&self, id: EntryId, target: &str) {
        self.change(|store| {
            let Some(extension) = store.queue.entry(id).map(|entry| entry.extension.clone()) else {
                return;
            };
            store.queue.set_target(id, None);
            store.queue.set_shared_target(&extension, target);
        });
        self.pump();
    }

    pub fn cancel(&self, id: EntryId) {
        let one_file = self.store.get().queue.one_file();
        self.change(|store| {
            store.stop(id);
            store.download_when_done = false;
            store.queue.apply(QueueEvent::Cancel(id));
        });
        match one_file {
            Some(JobState::Uploading { .. }) => self.toasts.info(ToastMessage::Cancelled),
            // The server may well finish it: Convert resumes that job.
            Some(job) if job.is_busy() => self.toasts.info(ToastMessage::StoppedWaiting),
            _ => {}
        }
        self.pump();
    }

    /// "Convert another file": back to the start; the session stays.
    pub fn reset(&self) {
        self.dismiss_failure_toast();
        self.change(QueueStore::clear);
    }

    pub fn remove(&self, id: EntryId) {
        self.change(|store| {
            store.forget(id);
            store.queue.apply(QueueEvent::Remove(id));
            if store.queue.entries.is_empty() {
                store.clear();
            }
        });
        self.pump();
    }

    /// Tries `id` again, not before the server's `Retry-After` has passed (the one-file view's
    /// button counts down; this guards other callers).
    pub fn retry(&self, id: EntryId) {
        let waiting = self.store.get().retry_not_before;
        if waiting.is_some_and(|until| seconds_left(until, clock::now_ms()) > 0) {
            return;
        }
        self.dismiss_failure_toast();
        let epoch = self.client.session().store().epoch;
        self.change(|store| {
            store.queue.apply(QueueEvent::SessionReplaced { epoch });
            store.running = true;
            store.quota_full = false;
            store.retry_not_before = None;
            store.download_when_done = false;
            store.queue.apply(QueueEvent::Retry(id));
        });
        self.pump();
    }

    /// The page has a new session (the panel's effect). Several files: their jobs in the old
    /// one are redone at once, for the whole queue. One file is redone only when a request
    /// finds its job gone, as the one-file app always did, so a finished file is converted
    /// again only if it is downloaded.
    pub fn new_session(&self, epoch: SessionEpoch) {
        if self.store.get().queue.entries.len() > 1 {
            self.redo_jobs_outside(epoch);
        }
    }

    /// Jobs of sessions other than `epoch` are gone: their files go again (a bounded number
    /// of times; past it they fail with the session error). One file says so in a toast.
    pub(super) fn redo_jobs_outside(&self, epoch: SessionEpoch) {
        let before = self.store.get();
        let redone = before.queue.holds_jobs_outside(epoch);
        self.change(|store| store.queue.apply(QueueEvent::SessionReplaced { epoch }));
        let after = self.store.get();
        let one_file = match after.queue.entries.as_slice() {
            [entry] if redone => Some(entry),
            _ => None,
        };
        match one_file.map(|entry| &entry.state) {
            Some(EntryState::Failed(failure)) => self.say_failed(failure.clone()),
            Some(_) if !before.download_when_done => self.toasts.info(ToastMessage::Renewed),
            _ => {}
        }
        self.pump();
    }

    /// The person closed the session: everything stops; nothing restarts by itself.
    pub fn session_closed(&self) {
        self.change(|store| {
            store.stop_all();
            store.running = false;
            store.queue.apply(QueueEvent::SessionClosed);
        });
    }

    /// Starts what the scheduler says may start now, and sets the timer for a paused step.
    pub(super) fn pump(&self) {
        let now = clock::now_ms();
        let orders = self.change(|store| {
            if !store.running {
                return Vec::new();
            }
            store
                .queue
                .start_due(now)
                .into_iter()
                .map(|order| {
                    let id = match &order {
                        Order::Upload(id) | Order::Convert { id, .. } => *id,
                    };
                    (order, store.issue_ticket(id))
                })
                .collect::<Vec<_>>()
        });
        for (order, ticket) in orders {
            let driver = self.clone();
            spawn_local(async move {
                match order {
                    Order::Upload(id) => driver.upload(id, ticket).await,
                    Order::Convert {
                        id,
                        job,
                        target,
                        resume,
                    } => driver.convert(id, ticket, job, target, resume).await,
                }
                driver.pump();
            });
        }
        self.wake_when_unpaused(now);
    }

    fn wake_when_unpaused(&self, now: f64) {
        let store = self.store.get();
        let Some(at) = store.queue.next_wake(now) else {
            return;
        };
        if store.wake_at == Some(at) {
            return;
        }
        self.change(|store| store.wake_at = Some(at));
        let driver = self.clone();
        spawn_local(async move {
            gloo::timers::future::sleep(Duration::from_millis((at - now).max(0.0) as u64 + 1))
                .await;
            driver.change(|store| store.wake_at = None);
            driver.pump();
        });
    }

    /// Changes the store through one instance of yewdux's `reduce_mut`: each closure type would
    /// get its own copy of its borrow, copy-on-write and notify code.
    pub(super) fn change<R>(&self, change: impl FnOnce(&mut QueueStore) -> R) -> R {
        let mut change = Some(change);
        let mut result = None;
        reduce(&self.store, &mut |store| {
            result = change.take().map(|change| change(store));
        });
        result.expect("reduce_mut runs its closure once")
    }

    /// Applies `event` when the task holding `ticket` still speaks for `id`.
    fn report(&self, id: EntryId, ticket: u64, event: QueueEvent) -> bool {
        self.change(|store| {
            let current = store.is_current(id, ticket);
            if current {
                store.queue.apply(event);
            }
            current
        })
    }

    async fn upload(&self, id: EntryId, ticket: u64) {
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
    async fn convert(&self, id: EntryId, ticket: u64, job: JobId, target: String, resume: bool) {
        let source = self
            .store
            .get()
            .queue
            .entry(id)
            .map(|entry| entry.extension.clone())
            .unwrap_or_default();
        let order = (id, ticket);
        let asked = if resume {
            self.resume_conversion(order, &job, &target, &source).await
        } else {
            self.ask_for_conversion(order, &job, &target, &source).await
        };
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
    /// once more (it is not idempotent). Nothing is sent again for a file whose `order` is no
    /// longer current (cancelled, removed, replaced): that would start a conversion the person
    /// stopped, and hold the session's one conversion slot.
    async fn ask_for_conversion(
        &self,
        order: (EntryId, u64),
        job: &JobId,
        target: &str,
        source: &str,
    ) -> Result<(), ApiError> {
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

    /// A job the server already holds: asked again only when it is not running or it failed.
    async fn resume_conversion(
        &self,
        order: (EntryId, u64),
        job: &JobId,
        target: &str,
        source: &str,
    ) -> Result<(), ApiError> {
        let status = endpoints::job_status(&self.client, job).await?;
        if conversion_accepted(status.status) && status.status != RemoteStatus::Failed {
            return Ok(());
        }
        self.still_current(order)?;
        self.ask_for_conversion(order, job, target, source).await
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
    fn say_failed(&self, failure: JobFailure) {
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

    /// The person acted on the last failure: its toast has said its piece (the failure stays
    /// on the page while it is shown).
    fn dismiss_failure_toast(&self) {
        let toast = self.change(|store| store.failure_toast.take());
        if let Some(id) = toast {
            self.toasts.dismiss(id);
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

fn reduce(store: &Dispatch<QueueStore>, change: &mut dyn FnMut(&mut QueueStore)) {
    store.reduce_mut(|queue| change(queue));
}
