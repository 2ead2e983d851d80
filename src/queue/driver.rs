//! `QueueDriver`: what the person does to the queue (add files, targets, start, cancel, retry,
//! remove), what a new or closed session does to it, and the pump that starts what the core's
//! scheduler orders (the steps themselves are in `steps`) and wakes the queue when a step paused
//! by the server may go again. Every request goes through the one request path, so a session
//! expiry, a token rotation or a server restart is recovered once for every file. One file is a
//! queue of one: it also gets the one-file view's toasts, its choice of file and its wait before
//! a retry.

use std::time::Duration;

use trustyconvert_core::conversion::queue::{EntryId, EntryState, Order, QueueEvent};
use trustyconvert_core::conversion::recovery::seconds_left;
use trustyconvert_core::{
    validate_file, FileRejection, FormatCatalog, JobState, SessionEpoch, ValidatedFile,
};
use wasm_bindgen_futures::spawn_local;
use yewdux::Dispatch;

use super::store::QueueStore;
use crate::api::ApiClient;
use crate::browser::{self, clock};
use crate::toast::{ToastMessage, ToastService};
use crate::transport::SharedTransport;

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
    pub(super) upload_transport: SharedTransport,
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
    pub(super) fn report(&self, id: EntryId, ticket: u64, event: QueueEvent) -> bool {
        self.change(|store| {
            let current = store.is_current(id, ticket);
            if current {
                store.queue.apply(event);
            }
            current
        })
    }

    /// The person acted on the last failure: its toast has said its piece (the failure stays
    /// on the page while it is shown).
    fn dismiss_failure_toast(&self) {
        let toast = self.change(|store| store.failure_toast.take());
        if let Some(id) = toast {
            self.toasts.dismiss(id);
        }
    }
}

fn reduce(store: &Dispatch<QueueStore>, change: &mut dyn FnMut(&mut QueueStore)) {
    store.reduce_mut(|queue| change(queue));
}
