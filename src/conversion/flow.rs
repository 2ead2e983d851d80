//! `ConversionFlow`: runs one conversion for the person: choose a file (validated before anything
//! is sent), upload it with progress, convert, poll, and download with a fresh token per click.
//! When the session is replaced mid-way, the job is redone from the `File` the page still holds;
//! after a failure or a cancel while converting, starting again resumes the job the server holds
//! rather than sending it again.

mod download;
mod steps;

use trustyconvert_core::conversion::recovery::{retry_not_before_ms, seconds_left};
use trustyconvert_core::{
    after_failure, validate_file, AfterFailure, ApiError, ApiErrorKind, FormatCatalog, JobEvent,
    JobFailure, JobId, JobSession, JobState, ValidatedFile,
};
use wasm_bindgen_futures::spawn_local;
use yewdux::Dispatch;

use super::store::ConversionStore;
use crate::api::ApiClient;
use crate::browser;
use crate::toast::{ToastMessage, ToastService};
use crate::transport::SharedTransport;

/// Why a run stopped before the job completed.
enum Stop {
    /// Another run (or a cancel, or a reset) took over.
    Stale,
    Api(ApiError),
    /// The server's conversion failed or took too long (already in the job state).
    Job(JobFailure),
}

/// A step of a run, begun synchronously (the job's state has already moved on).
struct Begun {
    job_id: JobId,
    valid: ValidatedFile,
    target: String,
    /// The file and the upload's abort signal; None: the server holds the job already.
    upload: Option<(web_sys::File, web_sys::AbortSignal)>,
}

/// Cheap to clone; all state is in the stores.
#[derive(Clone, PartialEq)]
pub struct ConversionFlow {
    client: ApiClient,
    jobs: Dispatch<ConversionStore>,
    toasts: ToastService,
    upload_transport: SharedTransport,
}

impl ConversionFlow {
    pub fn new(
        client: ApiClient,
        jobs: Dispatch<ConversionStore>,
        toasts: ToastService,
        upload_transport: SharedTransport,
    ) -> Self {
        Self {
            client,
            jobs,
            toasts,
            upload_transport,
        }
    }

    /// Validates `file` against the catalog; an accepted file is held with its default target.
    /// A refused one gets its message and sends nothing; a file already held stays, with its
    /// job, so refusing a second file never costs the first.
    pub fn choose_file(&self, file: web_sys::File, catalog: &FormatCatalog) {
        let size = browser::file::size_of(&file);
        match validate_file(&browser::file::name_of(&file), size, catalog) {
            Ok(valid) => {
                self.dismiss_failure_toast();
                let default = catalog
                    .default_target(&valid.extension)
                    .map(|target| target.send_as);
                self.jobs.reduce_mut(|store| {
                    store.stop_current_run();
                    store.apply(JobEvent::Reset);
                    store.apply(JobEvent::FileChosen(valid));
                    if let Some(target) = default {
                        store.apply(JobEvent::TargetChosen(target));
                    }
                    store.file = Some(file);
                    store.rejection = None;
                    store.job_epoch = None;
                    store.redos = 0;
                    store.downloads_started = 0;
                    store.uploaded_job = None;
                    store.retry_not_before = None;
                });
            }
            Err(rejection) => {
                let held = self.jobs.get().file.is_some();
                if !held {
                    self.dismiss_failure_toast();
                }
                self.jobs.reduce_mut(|store| {
                    if !held {
                        store.stop_current_run();
                        store.apply(JobEvent::Reset);
                    }
                    store.rejection = Some(rejection);
                });
            }
        }
    }

    /// Several files came while one was chosen and not started: the queue takes them all, and
    /// this one first. Back to the start; the session stays.
    pub fn hand_over_chosen_file(&self) -> Option<web_sys::File> {
        let store = self.jobs.get();
        let chosen = matches!(store.job, JobState::FileChosen { .. })
            .then(|| store.file.clone())
            .flatten();
        if store.job.takes_a_new_file() {
            self.reset();
        }
        chosen
    }

    /// Another target: a job uploaded for the previous one cannot be resumed for this one.
    pub fn choose_target(&self, send_as: String) {
        self.jobs.reduce_mut(|store| {
            let changed = !matches!(
                &store.job,
                JobState::FileChosen { target: Some(target), .. } if *target == send_as
            );
            if changed {
                store.uploaded_job = None;
            }
            store.apply(JobEvent::TargetChosen(send_as));
        });
    }

    /// Starts upload → convert → poll for the chosen file and target. Only from a chosen file:
    /// the job leaves that state before this returns, so a second click (a double click, two
    /// clicks in one task, a repeated Enter) finds nothing to start and sends nothing. A job
    /// already uploaded for this file and target in this session (a cancel while converting, a
    /// failure) is resumed, not sent again: the server would refuse a second conversion while
    /// that one still runs.
    pub fn start(&self) {
        if !matches!(
            self.jobs.get().job,
            JobState::FileChosen {
                target: Some(_),
                ..
            }
        ) {
            return;
        }
        self.dismiss_failure_toast();
        let resumable = self.resumable_job();
        let run = self.jobs.reduce_mut(ConversionStore::begin_run);
        let begun = match resumable {
            Some(job_id) => self.begin_resume(job_id),
            None => self.begin_upload(),
        };
        spawn_local(self.clone().run(run, Some(begun), false));
    }

    /// Retries after a failure, from the same file and target (see `start`: the job already
    /// uploaded in this session is resumed). Not before the server's `Retry-After` has passed
    /// (the button counts down; this guards other callers).
    pub fn retry(&self) {
        let store = self.jobs.get();
        if !matches!(store.job, JobState::Failed { plan: Some(_), .. }) {
            return;
        }
        if store
            .retry_not_before
            .is_some_and(|not_before| seconds_left(not_before, browser::clock::now_ms()) > 0)
        {
            return;
        }
        self.jobs.reduce_mut(|store| {
            store.retry_not_before = None;
            store.apply(JobEvent::Retry);
        });
        self.start();
    }

    /// Stops the upload (aborting the request) or stops waiting for the conversion.
    pub fn cancel(&self) {
        // Some(true): the upload was stopped; Some(false): the server holds the job already.
        let stopped = self.jobs.reduce_mut(|store| {
            let stopped = store
                .job
                .is_busy()
                .then_some(matches!(store.job, JobState::Uploading { .. }));
            store.stop_current_run();
            store.apply(JobEvent::Cancelled);
            stopped
        });
        match stopped {
            Some(true) => self.toasts.info(ToastMessage::Cancelled),
            // The server may well finish it: Convert resumes that job (see `start`).
            Some(false) => self.toasts.info(ToastMessage::StoppedWaiting),
            None => {}
        }
    }

    /// "Convert another file": back to the start; the session stays.
    pub fn reset(&self) {
        self.dismiss_failure_toast();
        self.jobs.reduce_mut(|store| {
            store.stop_current_run();
            *store = ConversionStore {
                run: store.run,
                ..ConversionStore::default()
            };
        });
    }

    /// The person closed the session: the server deleted the job, so keep only the file.
    pub fn session_closed(&self) {
        self.jobs.reduce_mut(|store| {
            if store.job.is_busy() || matches!(store.job, JobState::Completed { .. }) {
                store.stop_current_run();
            }
            store.forget_server_job();
        });
    }

    /// The person acted on the last failure: its toast has said its piece (the reference stays
    /// in the failure notice while that is shown).
    fn dismiss_failure_toast(&self) {
        let toast = self.jobs.reduce_mut(|store| store.failure_toast.take());
        if let Some(id) = toast {
            self.toasts.dismiss(id);
        }
    }

    /// The job the server holds for the chosen file and target, when it is still in this session.
    fn resumable_job(&self) -> Option<JobId> {
        let store = self.jobs.get();
        let current_epoch = self.client.session().store().epoch;
        store
            .uploaded_job
            .clone()
            .filter(|_| store.job_epoch == Some(current_epoch))
    }

    fn is_current(&self, run: u64) -> bool {
        self.jobs.get().run == run
    }

    fn check(&self, run: u64) -> Result<(), Stop> {
        if self.is_current(run) {
            Ok(())
        } else {
            Err(Stop::Stale)
        }
    }

    fn job_session(&self) -> JobSession {
        let store = self.jobs.get();
        let session = self.client.session().store();
        JobSession {
            job_epoch: store.job_epoch,
            current_epoch: session.epoch,
            redos: store.redos,
            user_closed: session.user_closed,
        }
    }

    /// Runs the job; redoes it from the file when the session was replaced. `first`: the step
    /// the caller already began (synchronously, so the state moved on before it returned);
    /// None begins an upload from the file. `then_download`: the person had clicked Download,
    /// so download once it is done again.
    async fn run(self, run: u64, mut first: Option<Result<Begun, Stop>>, then_download: bool) {
        loop {
            let begun = first.take().unwrap_or_else(|| self.begin_upload());
            let outcome = match begun {
                Ok(begun) => self.upload_and_convert(run, begun).await,
                Err(stop) => Err(stop),
            };
            let error = match outcome {
                Ok(()) => {
                    if then_download {
                        self.download().await;
                    }
                    return;
                }
                Err(Stop::Stale) => return,
                Err(Stop::Job(failure)) => {
                    let toast = self.toasts.error(ToastMessage::Job(failure));
                    self.jobs
                        .reduce_mut(|store| store.failure_toast = Some(toast));
                    return;
                }
                Err(Stop::Api(error)) => error,
            };
            if !self.is_current(run) {
                return;
            }
            match after_failure(&error, self.job_session()) {
                AfterFailure::RedoFromFile => {
                    log::info!("conversion: the session was replaced; redoing the job");
                    self.jobs.reduce_mut(ConversionStore::redo_from_file);
                    self.toasts.info(ToastMessage::Renewed);
                }
                // `cancel()` already moved the state and said so.
                AfterFailure::Cancelled => return,
                AfterFailure::Report => {
                    log::warn!("conversion: {error}");
                    let not_before = retry_not_before_ms(&error, browser::clock::now_ms());
                    self.jobs.reduce_mut(|store| {
                        store.upload_abort = None;
                        store.retry_not_before = not_before;
                        // The job is gone: a retry must send the file again.
                        if error.kind == ApiErrorKind::NotFound {
                            store.uploaded_job = None;
                        }
                        store.apply(JobEvent::Failed(JobFailure::Api(error.clone())));
                    });
                    let toast = self.toasts.api_error(&error);
                    self.jobs
                        .reduce_mut(|store| store.failure_toast = Some(toast));
                    return;
                }
            }
        }
    }

    async fn upload_and_convert(&self, run: u64, begun: Begun) -> Result<(), Stop> {
        self.check(run)?;
        let Begun {
            job_id,
            valid,
            target,
            upload,
        } = begun;
        match upload {
            Some((file, signal)) => {
                self.upload(run, &file, &job_id, signal).await?;
                self.convert_step(run, &job_id, &target, &valid.extension)
                    .await?;
            }
            None => {
                self.resume_step(run, &job_id, &target, &valid.extension)
                    .await?
            }
        }
        self.check(run)?;
        self.jobs
            .reduce_mut(|store| store.apply(JobEvent::ConversionQueued));
        self.wait_for_result(run, &job_id, &valid.name, &target)
            .await
    }
}
