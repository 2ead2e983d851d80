//! How the conversion flow reports its progress to people, and what it does when a step fails:
//! percent and "3.1 MB of 20 MB" texts, the converted file's name, and whether a failure means
//! "the session was replaced, redo the job from the file" or "show the error".

use super::formats::format_label;
use crate::api::error::{ApiError, ApiErrorKind};
use crate::i18n::{fill, Catalogue};
use crate::session::SessionEpoch;

/// How many times one job is redone after session changes before the flow gives up.
pub const MAX_SESSION_REDOS: u32 = 2;

/// 0–100, rounded down; 0 when the total is unknown.
pub fn percent(sent: u64, total: u64) -> u8 {
    if total == 0 {
        return 0;
    }
    ((u128::from(sent.min(total)) * 100) / u128::from(total)) as u8
}

/// Whether an upload progress report of `sent` bytes, after `previous_sent`, comes from a new
/// attempt at the same upload (the API client sends it again after a CSRF or session recovery).
/// A browser's progress never goes back within one request, so a drop can only mean that.
pub fn upload_restarted(previous_sent: u64, sent: u64) -> bool {
    sent < previous_sent
}

/// "3.1 MB of 20 MB (15%)", or "3.1 MB sent" when the total is unknown.
pub fn upload_progress_text(sent: u64, total: u64, t: &Catalogue) -> String {
    if total == 0 {
        return fill(t.progress.sent, &[("sent", &t.size(sent))]);
    }
    fill(
        t.progress.sent_of_total,
        &[
            ("sent", &t.size(sent.min(total))),
            ("total", &t.size(total)),
            ("percent", &t.percent(percent(sent, total))),
        ],
    )
}

/// The name the converted file will likely have: the original stem with the target extension.
pub fn converted_file_name(original: &str, target: &str) -> String {
    let base = original.rsplit(['/', '\\']).next().unwrap_or(original);
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    };
    format!("{stem}.{}", target.trim_start_matches('.'))
}

/// "Converting to JPEG" and friends name the target by its label.
pub fn target_label(target: &str, t: &Catalogue) -> String {
    format_label(
        &super::formats::canonical_format(target).unwrap_or_else(|| target.to_owned()),
        t,
    )
}

/// What the flow does after a step (upload, convert, status, download token) failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// The session was replaced since the job started: upload and convert again from the file
    /// the page still holds, without asking.
    RedoFromFile,
    /// The person cancelled: nothing to report as an error.
    Cancelled,
    /// Show the error.
    Report,
}

/// Where the job stands against the session when a step fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobSession {
    /// The session epoch the job's upload succeeded in (None before that).
    pub job_epoch: Option<SessionEpoch>,
    pub current_epoch: SessionEpoch,
    /// How often this job was already redone.
    pub redos: u32,
    /// The person closed the session: their files are deleted and nothing is re-sent unasked.
    pub user_closed: bool,
}

/// Decides after a failure.
pub fn after_failure(error: &ApiError, session: JobSession) -> AfterFailure {
    if error.kind == ApiErrorKind::Cancelled {
        return AfterFailure::Cancelled;
    }
    let session_replaced = session
        .job_epoch
        .is_some_and(|epoch| epoch != session.current_epoch);
    if session_replaced && !session.user_closed && session.redos < MAX_SESSION_REDOS {
        AfterFailure::RedoFromFile
    } else {
        AfterFailure::Report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::default_language as en;

    #[test]
    fn percentages_and_texts() {
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(50, 200), 25);
        assert_eq!(percent(300, 200), 100);
        assert_eq!(percent(u64::MAX, u64::MAX), 100);
        assert_eq!(
            upload_progress_text(5 * 1024 * 1024, 20 * 1024 * 1024, en()),
            "5 MB of 20 MB (25%)"
        );
        assert_eq!(upload_progress_text(2048, 0, en()), "2 KB sent");
        assert_eq!(
            upload_progress_text(30, 20, en()),
            "20 bytes of 20 bytes (100%)"
        );
        let de = crate::i18n::catalogue("de").expect("German");
        assert!(upload_progress_text(1536, 3072, de).starts_with("1,5 KB"));
    }

    #[test]
    fn progress_that_drops_is_a_new_attempt() {
        assert!(upload_restarted(5_000, 0));
        assert!(upload_restarted(5_000, 64));
        assert!(!upload_restarted(5_000, 5_000), "a repeated report");
        assert!(!upload_restarted(5_000, 6_000));
        assert!(!upload_restarted(0, 0), "the first report");
    }

    #[test]
    fn converted_names_keep_the_stem() {
        assert_eq!(converted_file_name("photo.png", "jpg"), "photo.jpg");
        assert_eq!(converted_file_name("a.b.csv", ".json"), "a.b.json");
        assert_eq!(converted_file_name("C:\\x\\notes.md", "html"), "notes.html");
        assert_eq!(converted_file_name("README", "pdf"), "README.pdf");
        assert_eq!(converted_file_name(".bashrc", "txt"), ".bashrc.txt");
        assert_eq!(target_label("jpeg", en()), "JPEG");
        assert_eq!(target_label("pdf", en()), "PDF");
    }

    #[test]
    fn a_replaced_session_redoes_the_job_a_bounded_number_of_times() {
        let first = SessionEpoch::default();
        let second = first.next();
        let replaced = JobSession {
            job_epoch: Some(first),
            current_epoch: second,
            redos: 0,
            user_closed: false,
        };
        let not_found = ApiError::new(ApiErrorKind::NotFound);
        assert_eq!(
            after_failure(&not_found, replaced),
            AfterFailure::RedoFromFile
        );
        let exhausted = JobSession {
            redos: MAX_SESSION_REDOS,
            ..replaced
        };
        assert_eq!(after_failure(&not_found, exhausted), AfterFailure::Report);
        // Same session: the error is real.
        let same = JobSession {
            current_epoch: first,
            ..replaced
        };
        assert_eq!(after_failure(&not_found, same), AfterFailure::Report);
        // Before the upload succeeded there is no job to redo.
        let before_upload = JobSession {
            job_epoch: None,
            ..replaced
        };
        assert_eq!(
            after_failure(&not_found, before_upload),
            AfterFailure::Report
        );
        // The person closed the session: never re-send their file unasked.
        let closed = JobSession {
            user_closed: true,
            ..replaced
        };
        assert_eq!(after_failure(&not_found, closed), AfterFailure::Report);
        assert_eq!(
            after_failure(&ApiError::cancelled(), replaced),
            AfterFailure::Cancelled
        );
    }
}
