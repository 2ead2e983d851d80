//! Many files at once: the queue's scheduler as a pure state machine. The driver in the app
//! asks [`Queue::start_due`] what to start now, does it through the one request path, and
//! reports back with [`QueueEvent`]s; the queue decides admission, the upload and conversion
//! slots, pauses for the server's limits, retries, cancellation and the files to redo after
//! the session changed.

use super::job::JobFailure;
use super::progress::MAX_SESSION_REDOS;
use super::validate::{FileRejection, ValidatedFile};
use crate::api::error::{ApiError, ApiErrorKind};
use crate::ids::JobId;
use crate::session::SessionEpoch;

/// Most files in the queue at once; the next ones are refused with a message, never dropped.
pub const MAX_FILES: usize = 20;
/// Uploads at once: enough to keep the line busy, few enough for a phone's uplink.
pub const MAX_UPLOADS: usize = 2;

/// A file's place in the queue, stable while it is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryId(pub u64);

/// A step of a file's way through the server. The server limits each endpoint on its own, so
/// each step pauses on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Upload,
    Convert,
    Download,
}

impl Step {
    fn index(self) -> usize {
        match self {
            Step::Upload => 0,
            Step::Convert => 1,
            Step::Download => 2,
        }
    }
}

/// Where one file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryState {
    /// Refused before any request (empty, unknown type, too large): the file shows why.
    Rejected(FileRejection),
    /// Waiting for an upload slot (or for its target).
    Waiting,
    Uploading {
        sent: u64,
        total: u64,
    },
    /// On the server, waiting for the conversion slot.
    Uploaded {
        job: JobId,
        epoch: SessionEpoch,
    },
    /// Asked for (`accepted` once the server took the request), then waiting for a worker
    /// (`queued`) or converting (`progress` when the server reports it).
    Converting {
        job: JobId,
        epoch: SessionEpoch,
        accepted: bool,
        queued: bool,
        progress: Option<u8>,
    },
    Done {
        job: JobId,
        epoch: SessionEpoch,
        output_size: Option<u64>,
    },
    Failed(JobFailure),
    Cancelled,
}

impl EntryState {
    /// Holds a request in flight the driver must abort when the file goes.
    pub fn is_in_flight(&self) -> bool {
        matches!(
            self,
            EntryState::Uploading { .. } | EntryState::Converting { .. }
        )
    }

    /// The job on the server and the session it belongs to.
    pub fn job(&self) -> Option<(&JobId, SessionEpoch)> {
        match self {
            EntryState::Uploaded { job, epoch }
            | EntryState::Converting { job, epoch, .. }
            | EntryState::Done { job, epoch, .. } => Some((job, *epoch)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: EntryId,
    /// The name as chosen; for a rejected file, what is known of it.
    pub name: String,
    /// Canonical extension (`jpg`), empty when the file was refused before it had one.
    pub extension: String,
    pub size: u64,
    /// The largest upload its type allows (for the one-file view's facts).
    pub max_size: u64,
    /// This file's own target, overriding the one shared by its type.
    pub target: Option<String>,
    pub state: EntryState,
    /// How often this file was redone after session changes since the person last started it.
    pub redos: u32,
    /// The job the server holds for this file and its target in the current session: after a
    /// cancel or a failure, trying again converts it instead of sending the file again (the
    /// server allows one conversion per session: a second upload could not be converted while
    /// the first still runs).
    pub held: Option<(JobId, SessionEpoch)>,
    /// Set when trying again picked up `held`: the driver asks for the job's status before
    /// converting, since the server may have finished or still be running it.
    pub resume: bool,
}

/// What the driver must start now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Order {
    /// Upload this file (then report `Uploaded` with the job id and the session epoch).
    Upload(EntryId),
    /// Convert this file's job to `target`.
    Convert {
        id: EntryId,
        job: JobId,
        target: String,
        /// The job was converting before a cancel or a failure: its status decides whether to
        /// ask again.
        resume: bool,
    },
}

/// What happened to a file, or to the queue.
#[derive(Debug, Clone, PartialEq)]
pub enum QueueEvent {
    UploadProgress {
        id: EntryId,
        sent: u64,
        total: u64,
    },
    Uploaded {
        id: EntryId,
        job: JobId,
        epoch: SessionEpoch,
    },
    /// The server took `/convert` (or, for a resumed job, its status shows it running).
    ConversionAccepted {
        id: EntryId,
    },
    /// A status while converting: still waiting for a worker (`queued`), or how far.
    ConversionProgress {
        id: EntryId,
        queued: bool,
        progress: Option<u8>,
    },
    Completed {
        id: EntryId,
        output_size: Option<u64>,
    },
    /// A step failed. A 429 is pacing, not a failure: the step goes back to waiting and the
    /// whole queue's step pauses until `now_ms` + `Retry-After`.
    Failed {
        id: EntryId,
        step: Step,
        failure: JobFailure,
        now_ms: f64,
    },
    /// A download was refused for pacing: downloads pause (the driver asks [`Queue::paused`]).
    DownloadLimited {
        until_ms: f64,
    },
    /// The session was replaced: jobs of older sessions are gone on the server.
    SessionReplaced {
        epoch: SessionEpoch,
    },
    /// The person closed the session: everything not done stops, nothing restarts by itself.
    SessionClosed,
    Cancel(EntryId),
    Remove(EntryId),
    Retry(EntryId),
}

/// How long a step waits when the server said "too many" without a `Retry-After`.
pub const DEFAULT_PACING_MS: f64 = 5_000.0;

/// The result of [`Queue::add`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Added {
    /// Every file taken (rejected ones too: they show why).
    pub entries: Vec<EntryId>,
    /// Files refused because the queue was full.
    pub over_limit: usize,
}

/// The files, their targets and the queue's pauses.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Queue {
    pub entries: Vec<Entry>,
    /// The target chosen for every file of a type: (extension, target).
    shared_targets: Vec<(String, String)>,
    /// Until when each step waits for the server's limit (by [`Step::index`]).
    paused_until: [Option<f64>; 3],
    /// The server's rate as its last `Retry-After` showed it: once a step was paced, its
    /// requests go one at a time that far apart while files wait for it, so the server is
    /// not asked again only to say no.
    spacing_ms: [Option<f64>; 3],
    next_id: u64,
}

impl Queue {
    /// Takes files as validated one by one: up to [`MAX_FILES`] in the queue (a rejected file
    /// counts while it is shown), the rest counted in `over_limit`.
    pub fn add(&mut self, files: Vec<Result<ValidatedFile, (String, FileRejection)>>) -> Added {
        let mut added = Added::default();
        for file in files {
            if self.entries.len() >= MAX_FILES {
                added.over_limit += 1;
                continue;
            }
            self.next_id += 1;
            let id = EntryId(self.next_id);
            let entry = match file {
                Ok(file) => Entry {
                    id,
                    name: file.name,
                    extension: file.extension,
                    size: file.size,
                    max_size: file.max_size,
                    target: None,
                    state: EntryState::Waiting,
                    redos: 0,
                    held: None,
                    resume: false,
                },
                Err((name, rejection)) => Entry {
                    id,
                    name,
                    extension: String::new(),
                    size: 0,
                    max_size: 0,
                    target: None,
                    state: EntryState::Rejected(rejection),
                    redos: 0,
                    held: None,
                    resume: false,
                },
            };
            self.entries.push(entry);
            added.entries.push(id);
        }
        added
    }

    /// Back to no file, no target and no pause. Ids keep counting, so nothing said of a file
    /// that was here is ever taken for one added later.
    pub fn clear(&mut self) {
        *self = Queue {
            next_id: self.next_id,
            ..Queue::default()
        };
    }

    pub fn entry(&self, id: EntryId) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.id == id)
    }

    fn entry_mut(&mut self, id: EntryId) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|entry| entry.id == id)
    }

    /// The target every file of `extension` converts to unless it has its own.
    pub fn set_shared_target(&mut self, extension: &str, target: &str) {
        // A job held for the old target is no job for the new one.
        for entry in &mut self.entries {
            if entry.extension == extension && entry.target.is_none() {
                entry.held = None;
            }
        }
        self.shared_targets.retain(|(ext, _)| ext != extension);
        self.shared_targets
            .push((extension.to_owned(), target.to_owned()));
    }

    pub fn shared_target(&self, extension: &str) -> Option<&str> {
        self.shared_targets
            .iter()
            .find(|(ext, _)| ext == extension)
            .map(|(_, target)| target.as_str())
    }

    /// This file's own target (`None` follows its type's again).
    pub fn set_target(&mut self, id: EntryId, target: Option<String>) {
        if let Some(entry) = self.entry_mut(id) {
            entry.target = target;
            entry.held = None;
        }
    }

    /// The target `id` converts to: its own, else its type's.
    pub fn target_of(&self, id: EntryId) -> Option<&str> {
        let entry = self.entry(id)?;
        entry
            .target
            .as_deref()
            .or_else(|| self.shared_target(&entry.extension))
    }

    /// Whether a file's job belongs to a session other than `epoch` (it is gone with it).
    pub fn holds_jobs_outside(&self, epoch: SessionEpoch) -> bool {
        self.entries
            .iter()
            .any(|entry| entry.state.job().is_some_and(|(_, held)| held != epoch))
    }

    /// Until when `step` waits for the server's limit at `now_ms` (`None`: it may go).
    pub fn paused(&self, step: Step, now_ms: f64) -> Option<f64> {
        self.paused_until[step.index()].filter(|until| *until > now_ms)
    }

    /// The earliest instant a paused step may go again, for the driver's timer.
    pub fn next_wake(&self, now_ms: f64) -> Option<f64> {
        [Step::Upload, Step::Convert, Step::Download]
            .into_iter()
            .filter_map(|step| self.paused(step, now_ms))
            .reduce(f64::min)
    }

    /// Starts what may start at `now_ms` and says what: uploads while fewer than
    /// [`MAX_UPLOADS`] run, one conversion at a time (the server allows one per session), in
    /// the order the files were added, none while its step is paused.
    pub fn start_due(&mut self, now_ms: f64) -> Vec<Order> {
        let mut orders = Vec::new();
        let spacing = self.spacing_ms[Step::Upload.index()];
        if self.paused(Step::Upload, now_ms).is_none() {
            let mut uploading = self.count(|state| matches!(state, EntryState::Uploading { .. }));
            let most = if spacing.is_some() { 1 } else { MAX_UPLOADS };
            let waiting: Vec<EntryId> = self
                .entries
                .iter()
                .filter(|entry| entry.state == EntryState::Waiting)
                .map(|entry| entry.id)
                .collect();
            if waiting.is_empty() {
                self.spacing_ms[Step::Upload.index()] = None;
            }
            for id in waiting {
                if uploading >= most {
                    break;
                }
                if self.target_of(id).is_none() {
                    continue;
                }
                if let Some(entry) = self.entry_mut(id) {
                    entry.state = EntryState::Uploading {
                        sent: 0,
                        total: entry.size,
                    };
                    uploading += 1;
                    orders.push(Order::Upload(id));
                    if let Some(spacing) = spacing {
                        self.pause(Step::Upload, now_ms + spacing);
                    }
                }
            }
        }
        let converting = self.count(|state| matches!(state, EntryState::Converting { .. }));
        if converting == 0 && self.paused(Step::Convert, now_ms).is_none() {
            let next = self.entries.iter().find_map(|entry| match &entry.state {
                EntryState::Uploaded { job, epoch } => Some((entry.id, job.clone(), *epoch)),
                _ => None,
            });
            if let Some((id, job, epoch)) = next {
                let target = self.target_of(id).map(str::to_owned);
                if let (Some(target), Some(entry)) = (target, self.entry_mut(id)) {
                    entry.state = EntryState::Converting {
                        job: job.clone(),
                        epoch,
                        accepted: false,
                        queued: true,
                        progress: None,
                    };
                    let resume = std::mem::take(&mut entry.resume);
                    orders.push(Order::Convert {
                        id,
                        job,
                        target,
                        resume,
                    });
                }
            }
        }
        orders
    }

    fn count(&self, which: impl Fn(&EntryState) -> bool) -> usize {
        self.entries
            .iter()
            .filter(|entry| which(&entry.state))
            .count()
    }

    pub fn apply(&mut self, event: QueueEvent) {
        match event {
            QueueEvent::UploadProgress { id, sent, total } => {
                if let Some(entry) = self.entry_mut(id) {
                    if let EntryState::Uploading { .. } = entry.state {
                        // A browser may count a few bytes of framing past the file's size.
                        let sent = if total > 0 { sent.min(total) } else { sent };
                        entry.state = EntryState::Uploading { sent, total };
                    }
                }
            }
            QueueEvent::Uploaded { id, job, epoch } => {
                if let Some(entry) = self.entry_mut(id) {
                    if let EntryState::Uploading { .. } = entry.state {
                        entry.held = Some((job.clone(), epoch));
                        entry.state = EntryState::Uploaded { job, epoch };
                    }
                }
            }
            QueueEvent::ConversionAccepted { id } => {
                if let Some(EntryState::Converting { accepted, .. }) =
                    self.entry_mut(id).map(|entry| &mut entry.state)
                {
                    *accepted = true;
                }
            }
            QueueEvent::ConversionProgress {
                id,
                queued: now_queued,
                progress: now,
            } => {
                if let Some(EntryState::Converting {
                    accepted,
                    queued,
                    progress,
                    ..
                }) = self.entry_mut(id).map(|entry| &mut entry.state)
                {
                    (*accepted, *queued, *progress) = (true, now_queued, now);
                }
            }
            QueueEvent::Completed { id, output_size } => {
                self.update(id, |state| match state {
                    EntryState::Converting { job, epoch, .. } => Some(EntryState::Done {
                        job: job.clone(),
                        epoch: *epoch,
                        output_size,
                    }),
                    _ => None,
                });
            }
            QueueEvent::Failed {
                id,
                step,
                failure,
                now_ms,
            } => self.failed(id, step, failure, now_ms),
            QueueEvent::DownloadLimited { until_ms } => {
                self.pause(Step::Download, until_ms);
            }
            QueueEvent::SessionReplaced { epoch } => self.session_replaced(epoch),
            QueueEvent::SessionClosed => {
                for entry in &mut self.entries {
                    entry.held = None;
                    if !matches!(
                        entry.state,
                        EntryState::Rejected(_) | EntryState::Failed(_) | EntryState::Cancelled
                    ) {
                        entry.state = EntryState::Cancelled;
                    }
                }
            }
            QueueEvent::Cancel(id) => {
                self.update(id, |state| match state {
                    EntryState::Waiting
                    | EntryState::Uploading { .. }
                    | EntryState::Uploaded { .. }
                    | EntryState::Converting { .. } => Some(EntryState::Cancelled),
                    _ => None,
                });
            }
            QueueEvent::Remove(id) => self.entries.retain(|entry| entry.id != id),
            QueueEvent::Retry(id) => self.retry(id),
        }
    }

    /// The person tries again: the job the server holds is converted (its status first), else
    /// the file is sent again; the redo count starts over, as for a new start.
    fn retry(&mut self, id: EntryId) {
        let Some(entry) = self.entry_mut(id) else {
            return;
        };
        let again = match &entry.state {
            EntryState::Failed(failure) => failure.is_worth_retrying(),
            EntryState::Cancelled => true,
            _ => false,
        };
        if !again {
            return;
        }
        entry.redos = 0;
        entry.state = match entry.held.clone() {
            Some((job, epoch)) => {
                entry.resume = true;
                EntryState::Uploaded { job, epoch }
            }
            None => EntryState::Waiting,
        };
    }

    /// Replaces `id`'s state with what `change` makes of it (`None`: the event does not apply,
    /// e.g. a late report for a cancelled file).
    fn update(&mut self, id: EntryId, change: impl FnOnce(&EntryState) -> Option<EntryState>) {
        if let Some(entry) = self.entry_mut(id) {
            if let Some(state) = change(&entry.state) {
                entry.state = state;
            }
        }
    }

    fn pause(&mut self, step: Step, until_ms: f64) {
        let slot = &mut self.paused_until[step.index()];
        *slot = Some(slot.map_or(until_ms, |already| already.max(until_ms)));
    }

    fn failed(&mut self, id: EntryId, step: Step, failure: JobFailure, now_ms: f64) {
        if !self
            .entry(id)
            .is_some_and(|entry| entry.state.is_in_flight())
        {
            // Cancelled or removed meanwhile: its late failure changes nothing.
            return;
        }
        // A queue of one is the one-file view, where a 429 fails with the server's wait and
        // "Try again" counts it down; several files pace instead and go on by themselves.
        let several = self.entries.len() > 1;
        let Some(entry) = self.entry_mut(id) else {
            return;
        };
        if let Some(until_ms) = pacing(&failure, now_ms).filter(|_| several) {
            // The queue's normal pacing: back to waiting for the same step.
            entry.state = match std::mem::replace(&mut entry.state, EntryState::Waiting) {
                EntryState::Converting { job, epoch, .. } => EntryState::Uploaded { job, epoch },
                _ => EntryState::Waiting,
            };
            self.pause(step, until_ms);
            self.spacing_ms[step.index()] = Some(until_ms - now_ms);
            return;
        }
        // The server no longer has the job: trying again must send the file.
        if matches!(&failure, JobFailure::Api(error) if error.kind == ApiErrorKind::NotFound) {
            entry.held = None;
        }
        entry.state = EntryState::Failed(failure);
    }

    /// Files whose job belonged to another session are gone on the server: redone from the
    /// file the page still holds, a bounded number of times.
    fn session_replaced(&mut self, epoch: SessionEpoch) {
        for entry in &mut self.entries {
            if entry.held.as_ref().is_some_and(|(_, held)| *held != epoch) {
                entry.held = None;
            }
            let Some((_, job_epoch)) = entry.state.job() else {
                continue;
            };
            if job_epoch == epoch {
                continue;
            }
            entry.redos += 1;
            entry.state = if entry.redos > MAX_SESSION_REDOS {
                EntryState::Failed(JobFailure::Api(ApiError::new(ApiErrorKind::Session)))
            } else {
                EntryState::Waiting
            };
        }
    }
}

/// When a failure is the server's pacing (429), until when its step waits.
fn pacing(failure: &JobFailure, now_ms: f64) -> Option<f64> {
    let JobFailure::Api(error) = failure else {
        return None;
    };
    match error.kind {
        ApiErrorKind::RateLimited { retry_after_secs }
        | ApiErrorKind::TaskLimit { retry_after_secs } => Some(
            now_ms + retry_after_secs.map_or(DEFAULT_PACING_MS, |secs| f64::from(secs) * 1000.0),
        ),
        _ => None,
    }
}

#[cfg(test)]
#[path = "queue_tests.rs"]
mod tests;
