//! The queue's downloads: each finished file on its own (a fresh single-use token per click),
//! and "Download all" as one ZIP made in the browser from the outputs read as streams: the
//! archive is a `Blob` of the browser's own chunks with the core's headers between them, and
//! only one chunk at a time passes through wasm memory, for its CRC.

use trustyconvert_core::conversion::archive::{unique_names, Crc32, ZipWriter};
use trustyconvert_core::conversion::queue::{EntryId, EntryState, QueueEvent, DEFAULT_PACING_MS};
use trustyconvert_core::{converted_file_name, ApiError, ApiErrorKind, JobId, SessionEpoch};

use super::driver::QueueDriver;
use super::store::ArchiveState;
use crate::api::endpoints;
use crate::browser::{self, clock};
use crate::toast::ToastMessage;

/// What "Download all" saves.
const ARCHIVE_NAME: &str = "trustyconvert.zip";

/// Why "Download all" stopped.
enum ArchiveStop {
    Api(ApiError),
    /// The output could not be read, or the archive not made.
    Broken,
}

impl QueueDriver {
    /// One click on a finished file's Download. A second click while its token is on the way
    /// does nothing; a person who moved on meanwhile (another file, "Convert another file")
    /// gets nothing of it.
    pub async fn download(&self, id: EntryId) {
        let Some((job, name, epoch)) = self.finished_file(id) else {
            return;
        };
        let already = self.change(|store| {
            let already = store.downloading.contains(&id);
            if !already {
                store.downloading.push(id);
            }
            already
        });
        if already {
            return;
        }
        let outcome = endpoints::download_token(&self.client, &job).await;
        let current = self.change(|store| {
            let current = store.downloading.contains(&id);
            store.downloading.retain(|entry| *entry != id);
            current
        });
        if !current {
            return;
        }
        match outcome {
            Ok(token) => {
                let url = endpoints::download_url(self.client.session().api_base(), &token);
                if browser::download::start(&url) {
                    self.change(|store| store.downloads_started += 1);
                    self.toasts.success(ToastMessage::Downloading { name });
                } else {
                    self.toasts.error(ToastMessage::DownloadNotStarted);
                }
            }
            Err(error) => self.download_failed(epoch, error),
        }
    }

    /// Every finished file in one ZIP, in the queue's order, names made unique.
    pub async fn download_all(&self) {
        let store = self.store.get();
        if store.archive == ArchiveState::Making {
            return;
        }
        let files: Vec<(SessionEpoch, JobId, String)> = store
            .queue
            .entries
            .iter()
            .filter_map(|entry| {
                self.finished_file(entry.id)
                    .map(|(job, name, epoch)| (epoch, job, name))
            })
            .collect();
        if files.is_empty() {
            return;
        }
        self.change(|store| store.archive = ArchiveState::Making);
        let names = unique_names(
            &files
                .iter()
                .map(|(_, _, name)| name.clone())
                .collect::<Vec<_>>(),
        );
        let outcome = self.make_archive(&files, &names).await;
        let saved = match outcome {
            Ok(parts) => browser::download::save_parts(&parts, ARCHIVE_NAME, "application/zip"),
            Err(ArchiveStop::Api(error)) => {
                if let Some((epoch, _, _)) = files.first() {
                    self.download_failed(*epoch, error);
                }
                false
            }
            Err(ArchiveStop::Broken) => false,
        };
        self.change(|store| {
            store.archive = if saved {
                ArchiveState::Idle
            } else {
                ArchiveState::Failed
            }
        });
    }

    async fn make_archive(
        &self,
        files: &[(SessionEpoch, JobId, String)],
        names: &[String],
    ) -> Result<js_sys::Array, ArchiveStop> {
        let parts = js_sys::Array::new();
        let mut zip = ZipWriter::default();
        // One chunk at a time, reused: the CRC needs the bytes, the archive keeps the chunk.
        let mut chunk_bytes = Vec::new();
        for ((_, job, _), name) in files.iter().zip(names) {
            let token = endpoints::download_token(&self.client, job)
                .await
                .map_err(ArchiveStop::Api)?;
            let url = endpoints::download_url(self.client.session().api_base(), &token);
            let header = zip.local_header(name).map_err(|_| ArchiveStop::Broken)?;
            parts.push(&js_sys::Uint8Array::from(header.as_slice()));
            let mut crc = Crc32::default();
            let mut size = 0u64;
            let read = browser::stream::read_chunks(&url, |chunk| {
                chunk_bytes.resize(chunk.length() as usize, 0);
                chunk.copy_to(&mut chunk_bytes);
                crc.update(&chunk_bytes);
                size += chunk_bytes.len() as u64;
                parts.push(&chunk);
            })
            .await;
            if !read {
                return Err(ArchiveStop::Broken);
            }
            let descriptor = zip
                .data_descriptor(size, crc.finish())
                .map_err(|_| ArchiveStop::Broken)?;
            parts.push(&js_sys::Uint8Array::from(descriptor.as_slice()));
        }
        let directory = zip.central_directory().map_err(|_| ArchiveStop::Broken)?;
        parts.push(&js_sys::Uint8Array::from(directory.as_slice()));
        Ok(parts)
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

    /// A download refused for pacing pauses downloads; a job gone with its session (`epoch`,
    /// the job's) is redone, and one file is downloaded once it is done again; anything else
    /// is said in a toast and leaves the file as it is.
    fn download_failed(&self, epoch: SessionEpoch, error: ApiError) {
        match error.kind {
            ApiErrorKind::Cancelled => return,
            ApiErrorKind::RateLimited { retry_after_secs } => {
                let wait =
                    retry_after_secs.map_or(DEFAULT_PACING_MS, |secs| f64::from(secs) * 1000.0);
                let until_ms = clock::now_ms() + wait;
                self.change(|store| store.queue.apply(QueueEvent::DownloadLimited { until_ms }));
            }
            _ => {}
        }
        let session = self.client.session().store();
        if epoch != session.epoch && !session.user_closed {
            self.toasts.info(ToastMessage::RenewedBeforeDownload);
            self.change(|store| {
                store.download_when_done = store.queue.entries.len() == 1;
            });
            return self.session_changed(session.epoch);
        }
        log::warn!("queue: download: {error}");
        self.toasts.api_error(&error);
    }
}
