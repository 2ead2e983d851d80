//! `ConversionStore`: the job's state (the core's state machine) and what the page holds for it:
//! the chosen `File` (kept so a job can be redone after a session change), the upload's abort
//! handle, which run of the flow is current, the job a retry can resume, and how long the server
//! asked to wait before one.

use trustyconvert_core::{next_job_state, FileRejection, JobEvent, JobId, JobState, SessionEpoch};
use yewdux::Store;

use crate::browser::abort::AbortHandle;

#[derive(Debug, Clone, PartialEq, Store)]
pub struct ConversionStore {
    pub job: JobState,
    /// The browser's own `File`: never read into wasm memory, sent as is in `FormData`.
    pub file: Option<web_sys::File>,
    /// Why the last chosen file was refused before any upload (shown at the drop zone).
    pub rejection: Option<FileRejection>,
    /// Increases with every start, cancel and reset: a run that sees another number stops.
    pub run: u64,
    /// Aborts the upload in flight.
    pub upload_abort: Option<AbortHandle>,
    /// The session epoch the upload succeeded in: another one means the job is gone.
    pub job_epoch: Option<SessionEpoch>,
    /// How often this job was redone after session changes.
    pub redos: u32,
    /// A download token is being fetched.
    pub download_pending: bool,
    /// Downloads started for this result (each click is one).
    pub downloads_started: u32,
    /// The job uploaded for the file and target now chosen: starting again (a retry, or Convert
    /// after a cancel) resumes it in the same session epoch instead of sending the file again,
    /// which the server would refuse while that job still runs (one conversion per session).
    pub uploaded_job: Option<JobId>,
    /// The server asked to wait (`Retry-After`) until this time (ms since the epoch) before
    /// the next try; "Try again" counts down to it.
    pub retry_not_before: Option<f64>,
    /// The error toast of the last failure: it goes when the person acts (retries, starts
    /// again, chooses another file), so stale errors do not pile up over the page.
    pub failure_toast: Option<u64>,
}

impl Default for ConversionStore {
    fn default() -> Self {
        Self {
            job: JobState::Idle,
            file: None,
            rejection: None,
            run: 0,
            upload_abort: None,
            job_epoch: None,
            redos: 0,
            download_pending: false,
            downloads_started: 0,
            uploaded_job: None,
            retry_not_before: None,
            failure_toast: None,
        }
    }
}

impl ConversionStore {
    /// Applies a job event through the core's transition function.
    pub fn apply(&mut self, event: JobEvent) {
        let state = std::mem::replace(&mut self.job, JobState::Idle);
        self.job = next_job_state(state, event);
    }

    /// Makes every run in progress stale and aborts an upload in flight. A download token
    /// still on its way belongs to the stale run: it will be dropped, so nothing is pending.
    pub fn stop_current_run(&mut self) {
        self.run += 1;
        self.download_pending = false;
        if let Some(abort) = self.upload_abort.take() {
            abort.abort();
        }
    }

    /// Stops whatever runs and begins a new run of a job the person started; returns its number.
    pub fn begin_run(&mut self) -> u64 {
        self.stop_current_run();
        self.redos = 0;
        self.run
    }

    /// The server's job is gone with its session (replaced or closed): back to the chosen file,
    /// with nothing left to resume.
    pub fn forget_server_job(&mut self) {
        self.apply(JobEvent::SessionChanged);
        self.job_epoch = None;
        self.uploaded_job = None;
        self.upload_abort = None;
    }

    /// The session was replaced under the job: forget the server's job and count one more redo
    /// from the file (the core bounds how many).
    pub fn redo_from_file(&mut self) {
        self.forget_server_job();
        self.redos += 1;
    }
}
