//! The queue's downloads: each finished file on its own (a fresh single-use token per click),
//! and "Download all": every finished file one after another, each as its own Download would.
//! The browser may ask once whether the site may download several files; the view says so
//! beside the button.

use trustyconvert_core::conversion::queue::{EntryId, EntryState, QueueEvent, Step};
use trustyconvert_core::{converted_file_name, ApiError, ApiErrorKind, JobId, SessionEpoch};

use super::driver::QueueDriver;
use crate::api::endpoints;
use crate::browser::{self, clock};
use crate::toast::ToastMessage;

/// How long a download refused without a `Retry-After` waits.
const DOWNLOAD_PACING_MS: f64 = trustyconvert_core::conversion::queue::DEFAULT_PACING_MS;

impl QueueDriver {
    /// One click on a finished file's Download. A second click while its token is on the way
    /// does nothing; a person who moved on meanwhile (another file, "Convert another file")
    /// gets nothing of it.
    pub async fn download(&self, id: EntryId) {
        self.download_one(id, false).await;
    }

    /// Every finished file, in the queue's order, one after another. A download the server
    /// refused for pacing waits for its `Retry-After` and goes again: no file is left out.
    pub async fn download_all(&self) {
        let store = self.store.get();
        if store.downloading_all {
            return;
        }
        let finished: Vec<EntryId> = store
            .queue
            .entries
            .iter()
            .filter(|entry| matches!(entry.state, EntryState::Done { .. }))
            .map(|entry| entry.id)
            .collect();
        self.change(|store| store.downloading_all = true);
        for id in finished {
            while self.download_one(id, true).await {
                let now = clock::now_ms();
                let until = self.store.get().queue.paused(Step::Download, now);
                let wait = until.map_or(DOWNLOAD_PACING_MS, |until| until - now);
                gloo::timers::future::sleep(std::time::Duration::from_millis(wait as u64 + 1))
                    .await;
            }
        }
        self.change(|store| store.downloading_all = false);
    }

    /// Fetches `id`'s token and starts its download. Refused for pacing: true when `waits`
    /// (it may go again once the pause is over), else said in a toast.
    async fn download_one(&self, id: EntryId, waits: bool) -> bool {
        let Some((job, name, epoch)) = self.finished_file(id) else {
            return false;
        };
        let already = self.change(|store| {
            let already = store.downloading.contains(&id);
            if !already {
                store.downloading.push(id);
            }
            already
        });
        if already {
            return false;
        }
        let outcome = endpoints::download_token(&self.client, &job).await;
        let current = self.change(|store| {
            let current = store.downloading.contains(&id);
            store.downloading.retain(|entry| *entry != id);
            current
        });
        if !current {
            return false;
        }
        match outcome {
            Ok(token) => {
                let url = endpoints::download_url(self.client.session().api_base(), &token);
                if browser::download::start(&url, id.0) {
                    self.change(|store| store.downloaded(id));
                    self.toasts.success(ToastMessage::Downloading { name });
                } else {
                    self.toasts.error(ToastMessage::DownloadNotStarted);
                }
                false
            }
            Err(error) => self.download_failed(epoch, error, waits),
        }
    }

    /// A finished file's job, the name its output is saved under, and the session of its job.
    fn finished_file(&self, id: EntryId) -> Option<(JobId, String, SessionEpoch)> {
        let store = self.store.get();
        let entry = store.queue.entry(id)?;
        let EntryState::Done { job, epoch, .. } = &entry.state else {
            return None;
        };
        let target = store.queue.target_of(id)?;
        Some((
            job.clone(),
            converted_file_name(&entry.name, target),
            *epoch,
        ))
    }

    /// A download refused for pacing pauses downloads (true when it `waits` to go again); a
    /// job gone with its session (`epoch`, the job's) is redone, and one file is downloaded
    /// once it is done again; anything else is said in a toast and leaves the file as it is.
    fn download_failed(&self, epoch: SessionEpoch, error: ApiError, waits: bool) -> bool {
        match error.kind {
            ApiErrorKind::Cancelled => return false,
            ApiErrorKind::RateLimited { retry_after_secs } => {
                let wait =
                    retry_after_secs.map_or(DOWNLOAD_PACING_MS, |secs| f64::from(secs) * 1000.0);
                let until_ms = clock::now_ms() + wait;
                self.change(|store| store.queue.apply(QueueEvent::DownloadLimited { until_ms }));
                if waits {
                    return true;
                }
            }
            _ => {}
        }
        let session = self.client.session().store();
        if epoch != session.epoch && !session.user_closed {
            self.toasts.info(ToastMessage::RenewedBeforeDownload);
            self.change(|store| {
                store.download_when_done = store.queue.entries.len() == 1;
            });
            self.redo_jobs_outside(session.epoch);
            return false;
        }
        log::warn!("queue: download: {error}");
        self.toasts.api_error(&error);
        false
    }
}
