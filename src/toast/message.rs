//! What a toast says, kept as meaning rather than words: it is worded when shown, so a toast on
//! screen follows a change of language like everything else.

use trustyconvert_core::i18n::{fill, Catalogue};
use trustyconvert_core::{ApiError, JobFailure};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToastMessage {
    /// A request failed (the server's own validation message is kept as it sent it).
    Api(ApiError),
    /// The job failed without a request to blame (the conversion itself, the browser).
    Job(JobFailure),
    /// The conversion is done; `name` is the converted file's.
    Done {
        name: String,
    },
    Downloading {
        name: String,
    },
    DownloadNotStarted,
    RenewedBeforeDownload,
    Renewed,
    Cancelled,
    StoppedWaiting,
}

impl ToastMessage {
    pub fn text(&self, t: &Catalogue) -> String {
        let toasts = &t.toasts;
        match self {
            ToastMessage::Api(error) => error.user_message(t),
            ToastMessage::Job(failure) => failure.user_message(t),
            ToastMessage::Done { name } => fill(toasts.done, &[("name", name)]),
            ToastMessage::Downloading { name } => fill(toasts.downloading, &[("name", name)]),
            ToastMessage::DownloadNotStarted => toasts.download_not_started.to_owned(),
            ToastMessage::RenewedBeforeDownload => toasts.renewed_before_download.to_owned(),
            ToastMessage::Renewed => toasts.renewed.to_owned(),
            ToastMessage::Cancelled => toasts.cancelled.to_owned(),
            ToastMessage::StoppedWaiting => toasts.stopped_waiting.to_owned(),
        }
    }
}
