//! Progress of a running job: the upload (bytes and percent, with Cancel) and the conversion
//! (the server's progress when it gives one).

use trustyconvert_core::i18n::{fill, Catalogue};
use trustyconvert_core::{target_label, upload_progress_text, JobState};
use yew::prelude::*;

use super::progress_bar::{progress_bar, ProgressBarProps};
use crate::language::Language;

/// The arguments of a plain view function (no component, so no `Properties`).
#[derive(PartialEq)]
pub struct JobProgressProps {
    pub job: JobState,
    pub on_cancel: Callback<()>,
    /// On the step's heading, so the panel can move focus there when the step changes.
    pub heading: NodeRef,
    pub language: Language,
}

/// What a running job is doing, in words ("Converting to JPEG…"); None when it is not running.
/// The heading shows it; the panel's status region announces it.
pub fn status_text(job: &JobState, t: &Catalogue) -> Option<String> {
    let target = job
        .plan()
        .map(|plan| target_label(&plan.target, t))
        .unwrap_or_default();
    match job {
        JobState::Uploading { .. } => Some(t.progress.uploading.to_owned()),
        JobState::Uploaded { .. } => Some(fill(t.progress.starting, &[("target", &target)])),
        JobState::Converting { .. } => Some(fill(t.progress.converting, &[("target", &target)])),
        _ => None,
    }
}

/// A plain function, not a component: it has no state of its own, and each component type
/// costs the bundle its own mount, hydrate and update code.
pub fn job_progress(props: &JobProgressProps) -> Html {
    let cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_| on_cancel.emit(()))
    };
    let t = props.language.0;
    let Some(title) = status_text(&props.job, t) else {
        return html! {};
    };
    let bar = match &props.job {
        JobState::Uploading { sent, total, .. } => progress_bar(&ProgressBarProps {
            value: props.job.upload_percent(),
            label: t.progress.upload_label.into(),
            text: Some(upload_progress_text(*sent, *total, t).into()),
            testid: "upload-progress".into(),
        }),
        JobState::Uploaded { .. } => progress_bar(&ProgressBarProps {
            value: None,
            label: t.progress.conversion_label.into(),
            text: None,
            testid: "convert-progress".into(),
        }),
        JobState::Converting {
            progress, queued, ..
        } => {
            let text = match (queued, progress) {
                (true, _) => t.progress.waiting_for_converter.to_owned(),
                (false, Some(percent)) => t.percent(*percent),
                (false, None) => t.progress.working.to_owned(),
            };
            progress_bar(&ProgressBarProps {
                value: *progress,
                label: t.progress.conversion_label.into(),
                text: Some(text.into()),
                testid: "convert-progress".into(),
            })
        }
        _ => return html! {},
    };
    html! {
        <div class="job-progress" data-testid="job-progress">
            // Not a live region itself: that would lose the heading; the panel announces it.
            <h2 class="step-title" tabindex="-1" ref={props.heading.clone()}>{ title }</h2>
            { bar }
            <div class="actions">
                <button type="button" class="button button-quiet" onclick={cancel} data-testid="cancel">
                    { t.progress.cancel }
                </button>
            </div>
        </div>
    }
}
