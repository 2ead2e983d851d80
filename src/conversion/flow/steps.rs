//! The steps of one run: begin it (synchronously, so the state moves on at once), upload the
//! file with progress, ask for the conversion (finding out, when its answer is lost or garbled,
//! whether the server started it before asking again), resume a job the server already holds,
//! and wait for the result.

use std::rc::Rc;
use std::time::Duration;

use trustyconvert_core::conversion::progress::upload_restarted;
use trustyconvert_core::conversion::recovery::{conversion_accepted, convert_outcome_unknown};
use trustyconvert_core::{
    converted_file_name, JobEvent, JobFailure, JobId, JobState, MissingFeature, RemoteStatus,
};

use super::{Begun, ConversionFlow, Stop};
use crate::api::{endpoints, ApiRequest};
use crate::browser;
use crate::browser::abort::AbortHandle;
use crate::conversion::polling::{poll_until_done, PollEnd};
use crate::toast::ToastMessage;
use crate::transport::Body;

/// Pause before sending `/convert` again after its first answer was lost: a server that just
/// failed gets a moment.
const RESEND_CONVERT_AFTER: Duration = Duration::from_millis(800);

impl ConversionFlow {
    /// Moves a chosen file to "uploading" under a fresh job id, synchronously.
    pub(super) fn begin_upload(&self) -> Result<Begun, Stop> {
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
        let Some(job_id) = browser::random::random_bytes16().map(JobId::from_random_bytes) else {
            return Err(self.cannot_start(MissingFeature::Crypto));
        };
        let Some(abort) = AbortHandle::new() else {
            return Err(self.cannot_start(MissingFeature::AbortController));
        };
        let signal = abort.signal();
        self.jobs.reduce_mut(|store| {
            store.apply(JobEvent::UploadStarted {
                job_id: job_id.clone(),
            });
            store.upload_abort = Some(abort);
            store.uploaded_job = None;
        });
        Ok(Begun {
            job_id,
            valid,
            target,
            upload: Some((file, signal)),
        })
    }

    /// The browser lacks what an upload needs: the job fails where the person sees it (with a
    /// message), instead of a Convert button that does nothing.
    fn cannot_start(&self, missing: MissingFeature) -> Stop {
        let failure = JobFailure::Unsupported { missing };
        log::warn!("conversion: cannot start: the browser lacks what an upload needs");
        self.jobs
            .reduce_mut(|store| store.apply(JobEvent::Failed(failure.clone())));
        Stop::Job(failure)
    }

    /// Moves a chosen file back to "uploaded" as the job the server already holds.
    pub(super) fn begin_resume(&self, job_id: JobId) -> Result<Begun, Stop> {
        let JobState::FileChosen {
            file: valid,
            target: Some(target),
        } = self.jobs.get().job.clone()
        else {
            return Err(Stop::Stale);
        };
        self.jobs.reduce_mut(|store| {
            store.apply(JobEvent::UploadStarted {
                job_id: job_id.clone(),
            });
            store.apply(JobEvent::UploadFinished);
        });
        Ok(Begun {
            job_id,
            valid,
            target,
            upload: None,
        })
    }

    /// `POST /upload` through the upload transport, with progress and abort.
    pub(super) async fn upload(
        &self,
        run: u64,
        file: &web_sys::File,
        job_id: &JobId,
        signal: web_sys::AbortSignal,
    ) -> Result<(), Stop> {
        let mut request = ApiRequest::post("/upload", Body::Empty);
        let jobs = self.jobs.clone();
        request.on_progress = Some(Rc::new(move |sent: f64, total: f64| {
            if jobs.get().run != run {
                return;
            }
            let (sent, total) = (sent.max(0.0) as u64, total.max(0.0) as u64);
            jobs.reduce_mut(|store| {
                // The client sent the file again after a CSRF or session recovery: show that
                // attempt's progress, not the last one's frozen at its end.
                if let JobState::Uploading { sent: before, .. } = store.job {
                    if upload_restarted(before, sent) {
                        store.apply(JobEvent::UploadRestarted);
                    }
                }
                store.apply(JobEvent::UploadProgress { sent, total });
            });
        }));
        request.abort = Some(signal);
        request.transport = Some(Rc::clone(&self.upload_transport.0));
        endpoints::upload(&self.client, file, job_id, request)
            .await
            .map_err(Stop::Api)?;
        self.check(run)?;
        let epoch = self.client.session().store().epoch;
        self.jobs.reduce_mut(|store| {
            store.upload_abort = None;
            store.job_epoch = Some(epoch);
            store.uploaded_job = Some(job_id.clone());
            store.apply(JobEvent::UploadFinished);
        });
        Ok(())
    }

    /// `POST /convert` for an uploaded job. `/convert` is not idempotent by contract, so a
    /// failure that leaves its outcome unknown is not blindly repeated: the job's status says
    /// whether the server started it; only if not is it sent once more.
    pub(super) async fn convert_step(
        &self,
        run: u64,
        job_id: &JobId,
        target: &str,
        source: &str,
    ) -> Result<(), Stop> {
        let mut sent_again = false;
        loop {
            let error = match endpoints::convert(&self.client, job_id, target, Some(source)).await {
                Ok(_) => return Ok(()),
                Err(error) => error,
            };
            self.check(run)?;
            if sent_again || !convert_outcome_unknown(&error) {
                return Err(Stop::Api(error));
            }
            log::info!("convert: {error}; checking whether the job started");
            // The status check failing too: report what happened to the conversion request.
            let status = endpoints::job_status(&self.client, job_id)
                .await
                .map_err(|_| Stop::Api(error.clone()))?;
            self.check(run)?;
            if conversion_accepted(status.status) {
                return Ok(());
            }
            gloo::timers::future::sleep(RESEND_CONVERT_AFTER).await;
            self.check(run)?;
            sent_again = true;
        }
    }

    /// A retry of a job the server already holds: its status says whether the conversion is
    /// still on (then only wait for it) or must be asked for again (not started, or failed).
    pub(super) async fn resume_step(
        &self,
        run: u64,
        job_id: &JobId,
        target: &str,
        source: &str,
    ) -> Result<(), Stop> {
        let status = endpoints::job_status(&self.client, job_id)
            .await
            .map_err(Stop::Api)?;
        self.check(run)?;
        if conversion_accepted(status.status) && status.status != RemoteStatus::Failed {
            return Ok(());
        }
        self.convert_step(run, job_id, target, source).await
    }

    /// Polls until the job is done; a completed one is announced.
    pub(super) async fn wait_for_result(
        &self,
        run: u64,
        job_id: &JobId,
        file_name: &str,
        target: &str,
    ) -> Result<(), Stop> {
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
        match poll_until_done(&self.client, job_id, on_status, is_current).await {
            PollEnd::Finished(status) if status.status == RemoteStatus::Completed => {
                self.toasts.success(ToastMessage::Done {
                    name: converted_file_name(file_name, target),
                });
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
}
