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

/// What the page holds for one file.
#[derive(Debug, Clone)]
struct Held {
    id: EntryId,
    /// The browser's own file: never read into wasm memory, sent as it is.
    file: web_sys::File,
    /// Aborts its upload in flight.
    abort: Option<AbortHandle>,
    /// The number of its latest order (0: none): a task holding an older one reports nothing.
    ticket: u64,
    /// Downloads of its result started (each click is one).
    downloads: u32,
}

#[derive(Debug, Clone, Default)]
pub struct QueueStore {
    pub queue: Queue,
    /// What the page holds for each file.
    held: Vec<Held>,
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
        self.held.push(Held {
            id,
            file,
            abort: None,
            ticket: 0,
            downloads: 0,
        });
    }

    pub fn downloaded(&mut self, id: EntryId) {
        if let Some(held) = self.held(id) {
            held.downloads += 1;
        }
    }

    /// How many downloads of `id`'s result started.
    pub fn downloads_of(&self, id: EntryId) -> u32 {
        self.held_ref(id).map_or(0, |held| held.downloads)
    }

    fn held(&mut self, id: EntryId) -> Option<&mut Held> {
        self.held.iter_mut().find(|held| held.id == id)
    }

    fn held_ref(&self, id: EntryId) -> Option<&Held> {
        self.held.iter().find(|held| held.id == id)
    }

    pub fn file(&self, id: EntryId) -> Option<web_sys::File> {
        self.held_ref(id).map(|held| held.file.clone())
    }

    /// A new order for `id`: any task still running an older one goes stale.
    pub fn issue_ticket(&mut self, id: EntryId) -> u64 {
        self.last_ticket += 1;
        let ticket = self.last_ticket;
        if let Some(held) = self.held(id) {
            held.ticket = ticket;
        }
        ticket
    }

    pub fn is_current(&self, id: EntryId, ticket: u64) -> bool {
        self.held_ref(id).is_some_and(|held| held.ticket == ticket)
    }

    pub fn hold_abort(&mut self, id: EntryId, abort: Option<AbortHandle>) {
        if let Some(held) = self.held(id) {
            held.abort = abort;
        }
    }

    /// Stops `id`'s upload, if one runs, and whatever task works for it.
    pub fn stop(&mut self, id: EntryId) {
        if let Some(held) = self.held(id) {
            stop(held);
        }
        self.downloading.retain(|entry| *entry != id);
    }

    pub fn stop_all(&mut self) {
        self.held.iter_mut().for_each(stop);
        self.downloading.clear();
    }

    /// Back to no file at all. Ids and tickets keep counting, so a task of a file that was
    /// here never speaks for one added later.
    pub fn clear(&mut self) {
        self.stop_all();
        let mut queue = std::mem::take(&mut self.queue);
        queue.clear();
        *self = QueueStore {
            queue,
            last_ticket: self.last_ticket,
            ..QueueStore::default()
        };
    }

    /// Forgets `id` altogether (the person removed it).
    pub fn forget(&mut self, id: EntryId) {
        self.stop(id);
        self.held.retain(|held| held.id != id);
    }
}

fn stop(held: &mut Held) {
    if let Some(abort) = held.abort.take() {
        abort.abort();
    }
    held.ticket = 0;
}
