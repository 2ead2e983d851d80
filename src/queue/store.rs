//! `QueueStore`: the queue's state (the core's scheduler) and what the page holds for it: each
//! file's browser `File` (kept so it can be sent again after a session change), the aborts of
//! the uploads in flight, which task may still report for each file, and what the one-file
//! view needs besides (a refused file's reason, the wait before a retry, its error toast).

use trustyconvert_core::conversion::queue::{EntryId, Queue};
use trustyconvert_core::{FileRejection, JobFailure};
use yewdux::Store;

use crate::browser::abort::AbortHandle;

/// A state change worth saying out loud (done, failed), once; progress ticks are not.
#[derive(Debug, Clone, PartialEq)]
pub struct Announcement {
    pub name: String,
    /// None: converted.
    pub failure: Option<JobFailure>,
}

#[derive(Debug, Clone, Default)]
pub struct QueueStore {
    pub queue: Queue,
    /// The browser's own files: never read into wasm memory, sent as they are.
    files: Vec<(EntryId, web_sys::File)>,
    aborts: Vec<(EntryId, AbortHandle)>,
    /// The number of each file's latest order: a task holding an older one reports nothing.
    tickets: Vec<(EntryId, u64)>,
    last_ticket: u64,
    /// The person started the queue: files start as slots free up, new ones too.
    pub running: bool,
    /// Files refused by the last add because the queue was full.
    pub over_limit: usize,
    pub announcement: Option<Announcement>,
    /// The server said the session's storage is full.
    pub quota_full: bool,
    /// Files whose download token is on its way (one request per file at a time).
    pub downloading: Vec<EntryId>,
    /// "Download all" is going through the finished files.
    pub downloading_all: bool,
    /// When the driver's timer next wakes the queue (a paused step may go again).
    pub wake_at: Option<f64>,
    /// One file: why the file chosen last was refused (shown at the drop zone; a file already
    /// chosen stays).
    pub rejection: Option<FileRejection>,
    /// One file: the server asked to wait (`Retry-After`) until this time (ms since the epoch);
    /// "Try again" counts down to it.
    pub retry_not_before: Option<f64>,
    /// One file: the error toast of its last failure; it goes when the person acts, so stale
    /// errors do not pile up over the page.
    pub failure_toast: Option<u64>,
    /// One file: downloads started for its result (each click is one).
    pub downloads_started: u32,
    /// One file: Download found the job gone with its session; it downloads once redone.
    pub download_when_done: bool,
}

/// Notifies on every change: comparing the whole queue (each file, its state, its failure) first
/// costs the bundle more code than the few renders it would spare.
impl Store for QueueStore {
    fn new(_: &yewdux::Context) -> Self {
        Self::default()
    }

    fn should_notify(&self, _: &Self) -> bool {
        true
    }
}

impl QueueStore {
    pub fn hold_file(&mut self, id: EntryId, file: web_sys::File) {
        self.files.push((id, file));
    }

    pub fn file(&self, id: EntryId) -> Option<web_sys::File> {
        find(&self.files, id).cloned()
    }

    /// A new order for `id`: any task still running an older one goes stale.
    pub fn issue_ticket(&mut self, id: EntryId) -> u64 {
        self.last_ticket += 1;
        self.tickets.retain(|(entry, _)| *entry != id);
        self.tickets.push((id, self.last_ticket));
        self.last_ticket
    }

    pub fn is_current(&self, id: EntryId, ticket: u64) -> bool {
        find(&self.tickets, id) == Some(&ticket)
    }

    pub fn hold_abort(&mut self, id: EntryId, abort: AbortHandle) {
        self.aborts.push((id, abort));
    }

    pub fn release_abort(&mut self, id: EntryId) {
        self.aborts.retain(|(entry, _)| *entry != id);
    }

    /// Stops `id`'s upload, if one runs, and whatever task works for it.
    pub fn stop(&mut self, id: EntryId) {
        if let Some(abort) = find(&self.aborts, id) {
            abort.abort();
        }
        self.release_abort(id);
        self.tickets.retain(|(entry, _)| *entry != id);
        self.downloading.retain(|entry| *entry != id);
    }

    pub fn stop_all(&mut self) {
        let ids: Vec<EntryId> = self.queue.entries.iter().map(|entry| entry.id).collect();
        for id in ids {
            self.stop(id);
        }
    }

    /// Back to no file at all. Tickets keep counting, so a task of a file that was here never
    /// speaks for one added later.
    pub fn clear(&mut self) {
        self.stop_all();
        *self = QueueStore {
            last_ticket: self.last_ticket,
            ..QueueStore::default()
        };
    }

    /// Forgets `id` altogether (the person removed it).
    pub fn forget(&mut self, id: EntryId) {
        self.stop(id);
        self.files.retain(|(entry, _)| *entry != id);
    }
}

fn find<T>(pairs: &[(EntryId, T)], id: EntryId) -> Option<&T> {
    pairs
        .iter()
        .find(|(entry, _)| *entry == id)
        .map(|(_, value)| value)
}
