//! `ConversionFlow`: runs one conversion for the person: choose a file (validated before anything
//! is sent), upload it with progress, convert, poll, and download with a fresh token per click.
//! When the session is replaced mid-way, the job is redone from the `File` the page still holds.

use std::rc::Rc;

use trustyconvert_core::{
    after_failure, converted_file_name, target_label, validate_file, AfterFailure, ApiError,
    FormatCatalog, JobEvent, JobFailure, JobId, JobSession, JobState, RemoteStatus,
};
use wasm_bindgen_futures::spawn_local;
use yewdux::Dispatch;

use super::polling::{poll_until_done, PollEnd};
use super::store::ConversionStore;
use crate::api::transport::{Body, Transport};
use crate::api::{endpoints, ApiClient, ApiRequest};
use crate::browser;
use crate::toast::ToastService;

/// The transport uploads go through (XHR in the app; tests put their scripted server here).
#[derive(Clone)]
pub struct UploadTransport(pub Rc<dyn Transport>);

impl PartialEq for UploadTransport {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Why a run stopped before the job completed.
enum Stop {
    /// Another run (or a cancel, or a reset) took over.
    Stale,
    Api(ApiError),
    /// The server's conversion failed or took too long (already in the job state).
    Job(JobFailure),
}

/// Cheap to clone; all state is in the stores.
#[derive(Clone, PartialEq)]
pub struct ConversionFlow {
    client: ApiClient,
    jobs: Dispatch<ConversionStore>,
    toasts: ToastService,
    upload_transport: UploadTransport,
}

impl ConversionFlow {
    pub fn new(
        client: ApiClient,
        jobs: Dispatch<ConversionStore>,
        toasts: ToastService,
        upload_transport: UploadTransport,
    ) -> Self {
        Self {
            client,
            jobs,
            toasts,
            upload_transport,
        }
    }

    /// Validates `file` against the catalog; an accepted file is held with its default target.
    /// A refused one gets its message and sends nothing.
    pub fn choose_file(&self, file: web_sys::File, catalog: &FormatCatalog) {
        let size = browser::file::size_of(&file);
        match validate_file(&file.name(), size, catalog) {
            Ok(valid) => {
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
                });
            }
            Err(rejection) => self.jobs.reduce_mut(|store| {
                store.stop_current_run();
                store.apply(JobEvent::Reset);
                store.file = None;
                store.rejection = Some(rejection.user_message());
            }),
        }
    }

    pub fn choose_target(&self, send_as: String) {
        self.jobs
            .reduce_mut(|store| store.apply(JobEvent::TargetChosen(send_as)));
    }

    /// Starts upload → convert → poll for the chosen file and target.
    pub fn start(&self) {
        let run = self.jobs.reduce_mut(|store| {
            store.stop_current_run();
            store.redos = 0;
            store.run
        });
        spawn_local(self.clone().run(run, false));
    }

    /// Retries after a failure, from the same file and target.
    pub fn retry(&self) {
        self.jobs.reduce_mut(|store| store.apply(JobEvent::Retry));
        self.start();
    }

    /// Stops the upload (aborting the request) or stops waiting for the conversion.
    pub fn cancel(&self) {
        let was_busy = self.jobs.reduce_mut(|store| {
            let busy = store.job.is_busy();
            store.stop_current_run();
            store.apply(JobEvent::Cancelled);
            busy
        });
        if was_busy {
            self.toasts
                .info("Cancelled. Your file was not converted; you can start again.");
        }
    }

    /// "Convert another file": back to the start; the session stays.
    pub fn reset(&self) {
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
                store.apply(JobEvent::SessionChanged);
                store.job_epoch = None;
            }
        });
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

    /// Runs the job; redoes it from the file when the session was replaced. `then_download`: the
    /// person had clicked Download, so download once it is done again.
    async fn run(self, run: u64, then_download: bool) {
        loop {
            let error = match self.upload_and_convert(run).await {
                Ok(()) => {
                    if then_download {
                        self.download().await;
                    }
                    return;
                }
                Err(Stop::Stale) => return,
                Err(Stop::Job(failure)) => {
                    self.toasts.error(failure.user_message());
                    return;
                }
                Err(Stop::Api(error)) => error,
            };
            match after_failure(&error, self.job_session()) {
                AfterFailure::RedoFromFile => {
                    log::info!("conversion: the session was replaced; redoing the job");
                    self.jobs.reduce_mut(|store| {
                        store.apply(JobEvent::SessionChanged);
                        store.job_epoch = None;
                        store.redos += 1;
                        store.upload_abort = None;
                    });
                    self.toasts
                        .info("Your session was renewed. Converting your file again…");
                }
                // `cancel()` already moved the state and said so.
                AfterFailure::Cancelled => return,
                AfterFailure::Report => {
                    log::warn!("conversion: {error}");
                    self.jobs.reduce_mut(|store| {
                        store.upload_abort = None;
                        store.apply(JobEvent::Failed(JobFailure::Api(error.clone())));
                    });
                    self.toasts.api_error(&error);
                    return;
                }
            }
        }
    }

    async fn upload_and_convert(&self, run: u64) -> Result<(), Stop> {
        self.check(run)?;
        let store = self.jobs.get();
        let (
            Some(file),
            JobState::FileChosen {
                file: valid,
                target: Some(target),
            },
        ) = (store.file.clone(), store.job.clone())
        else {
            return Err(Stop::Stale);
        };
        let job_id = browser::random::random_bytes16()
            .map(JobId::from_random_bytes)
            .ok_or_else(|| {
                Stop::Api(ApiError::network().with_server_message(Some(
                    "This browser cannot make random ids (no crypto).".to_owned(),
                )))
            })?;
        let controller = web_sys::AbortController::new().map_err(|_| Stop::Stale)?;
        let signal = controller.signal();
        self.jobs.reduce_mut(|store| {
            store.apply(JobEvent::UploadStarted {
                job_id: job_id.clone(),
            });
            store.upload_abort = Some(controller);
        });

        let mut request = ApiRequest::post("/upload", Body::Empty);
        let jobs = self.jobs.clone();
        request.on_progress = Some(Rc::new(move |sent: f64, total: f64| {
            if jobs.get().run == run {
                jobs.reduce_mut(|store| {
                    store.apply(JobEvent::UploadProgress {
                        sent: sent.max(0.0) as u64,
                        total: total.max(0.0) as u64,
                    })
                });
            }
        }));
        request.abort = Some(signal);
        request.transport = Some(Rc::clone(&self.upload_transport.0));
        endpoints::upload(&self.client, &file, &job_id, request)
            .await
            .map_err(Stop::Api)?;
        self.check(run)?;
        let epoch = self.client.session().store().epoch;
        self.jobs.reduce_mut(|store| {
            store.upload_abort = None;
            store.job_epoch = Some(epoch);
            store.apply(JobEvent::UploadFinished);
        });

        endpoints::convert(&self.client, &job_id, &target, Some(&valid.extension))
            .await
            .map_err(Stop::Api)?;
        self.check(run)?;
        self.jobs
            .reduce_mut(|store| store.apply(JobEvent::ConversionQueued));

        let jobs = self.jobs.clone();
        let on_status = move |status: &trustyconvert_core::RemoteJobStatus| {
            if jobs.get().run != run {
                return false;
            }
            jobs.reduce_mut(|store| store.apply(JobEvent::StatusReported(status.clone())));
            true
        };
        let is_current = {
            let jobs = self.jobs.clone();
            move || jobs.get().run == run
        };
        match poll_until_done(&self.client, &job_id, on_status, is_current).await {
            PollEnd::Finished(status) if status.status == RemoteStatus::Completed => {
                self.toasts.success(format!(
                    "Done: {} is ready to download.",
                    converted_file_name(&valid.name, &target)
                ));
                Ok(())
            }
            PollEnd::Finished(status) => Err(Stop::Job(JobFailure::Conversion {
                message: status.error,
            })),
            PollEnd::TimedOut => {
                self.jobs
                    .reduce_mut(|store| store.apply(JobEvent::TimedOut));
                Err(Stop::Job(JobFailure::TimedOut))
            }
            PollEnd::Stale => Err(Stop::Stale),
            PollEnd::Error(error) => Err(Stop::Api(error)),
        }
    }

    /// One click on Download: a fresh single-use token, then the browser downloads in place.
    /// Errors leave the result, the file and the page as they are.
    pub async fn download(&self) {
        let store = self.jobs.get();
        let JobState::Completed { job_id, plan, .. } = store.job.clone() else {
            return;
        };
        if store.download_pending {
            return;
        }
        self.jobs.reduce_mut(|store| store.download_pending = true);
        let outcome = endpoints::download_token(&self.client, &job_id).await;
        self.jobs.reduce_mut(|store| store.download_pending = false);
        let error = match outcome {
            Ok(token) => {
                let url = endpoints::download_url(self.client.session().api_base(), &token);
                if browser::download::start(&url) {
                    self.jobs.reduce_mut(|store| store.downloads_started += 1);
                    self.toasts.success(format!(
                        "Downloading {}.",
                        converted_file_name(&plan.file.name, &plan.target)
                    ));
                } else {
                    self.toasts
                        .error("The download could not be started in this page. Please reload and try again.");
                }
                return;
            }
            Err(error) => error,
        };
        match after_failure(&error, self.job_session()) {
            AfterFailure::RedoFromFile => {
                let run = self.jobs.reduce_mut(|store| {
                    store.stop_current_run();
                    store.apply(JobEvent::SessionChanged);
                    store.job_epoch = None;
                    store.redos += 1;
                    store.run
                });
                self.toasts.info(
                    "Your session was renewed. Converting your file again before the download…",
                );
                spawn_local(self.clone().run(run, true));
            }
            AfterFailure::Cancelled => {}
            AfterFailure::Report => {
                log::warn!("download: {error}");
                self.toasts.api_error(&error);
            }
        }
    }

    /// "Converting to JPEG" for the current job.
    pub fn target_label(&self) -> Option<String> {
        self.jobs
            .get()
            .job
            .plan()
            .map(|plan| target_label(&plan.target))
    }
}
