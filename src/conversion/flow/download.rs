//! One click on Download: a fresh single-use token per click, at most one token request at a
//! time (a second click while one is in flight does nothing), and a job gone with a replaced
//! session redone from the file before the download.

use trustyconvert_core::{after_failure, converted_file_name, AfterFailure, JobState};
use wasm_bindgen_futures::spawn_local;

use super::ConversionFlow;
use crate::api::endpoints;
use crate::browser;
use crate::toast::ToastMessage;

impl ConversionFlow {
    /// One click on Download: a fresh single-use token, then the browser downloads in place.
    /// Errors leave the result, the file and the page as they are. A person who moved on while
    /// the token was on its way (another file, "Convert another file") gets nothing of it.
    pub async fn download(&self) {
        let store = self.jobs.get();
        let run = store.run;
        let JobState::Completed { job_id, plan, .. } = store.job.clone() else {
            return;
        };
        if store.download_pending {
            return;
        }
        self.jobs.reduce_mut(|store| store.download_pending = true);
        let outcome = endpoints::download_token(&self.client, &job_id).await;
        // Another run owns the store now: no download, no toast, no redo of its job.
        if !self.is_current(run) {
            return;
        }
        self.jobs.reduce_mut(|store| store.download_pending = false);
        let error = match outcome {
            Ok(token) => {
                let url = endpoints::download_url(self.client.session().api_base(), &token);
                if browser::download::start(&url) {
                    self.jobs.reduce_mut(|store| store.downloads_started += 1);
                    self.toasts.success(ToastMessage::Downloading {
                        name: converted_file_name(&plan.file.name, &plan.target),
                    });
                } else {
                    self.toasts.error(ToastMessage::DownloadNotStarted);
                }
                return;
            }
            Err(error) => error,
        };
        match after_failure(&error, self.job_session()) {
            AfterFailure::RedoFromFile => {
                let run = self.jobs.reduce_mut(|store| {
                    store.stop_current_run();
                    store.redo_from_file();
                    store.run
                });
                self.toasts.info(ToastMessage::RenewedBeforeDownload);
                spawn_local(self.clone().run(run, None, true));
            }
            AfterFailure::Cancelled => {}
            AfterFailure::Report => {
                log::warn!("download: {error}");
                self.toasts.api_error(&error);
            }
        }
    }
}
