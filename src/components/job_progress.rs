//! Progress of a running job: the upload (bytes and percent, with Cancel) and the conversion
//! (the server's progress when it gives one).

use trustyconvert_core::{target_label, upload_progress_text, JobState};
use yew::prelude::*;

use super::progress_bar::{progress_bar, ProgressBarProps};

/// The arguments of a plain view function (no component, so no `Properties`).
#[derive(PartialEq)]
pub struct JobProgressProps {
    pub job: JobState,
    pub on_cancel: Callback<()>,
    /// On the step's heading, so the panel can move focus there when the step changes.
    pub heading: NodeRef,
}

/// What a running job is doing, in words ("Converting to JPEG…"); None when it is not running.
/// The heading shows it; the panel's status region announces it.
pub fn status_text(job: &JobState) -> Option<String> {
    let target = job
        .plan()
        .map(|plan| target_label(&plan.target))
        .unwrap_or_default();
    match job {
        JobState::Uploading { .. } => Some("Uploading…".to_owned()),
        JobState::Uploaded { .. } => Some(format!("Starting the conversion to {target}…")),
        JobState::Converting { .. } => Some(format!("Converting to {target}…")),
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
    let Some(title) = status_text(&props.job) else {
        return html! {};
    };
    let bar = match &props.job {
        JobState::Uploading { sent, total, .. } => progress_bar(&ProgressBarProps {
            value: props.job.upload_percent(),
            label: "Upload progress".into(),
            text: Some(upload_progress_text(*sent, *total).into()),
            testid: "upload-progress".into(),
        }),
        JobState::Uploaded { .. } => progress_bar(&ProgressBarProps {
            value: None,
            label: "Conversion progress".into(),
            text: None,
            testid: "convert-progress".into(),
        }),
        JobState::Converting {
            progress, queued, ..
        } => {
            let text = match (queued, progress) {
                (true, _) => "Waiting for a free converter…".to_owned(),
                (false, Some(percent)) => format!("{percent}%"),
                (false, None) => "Working…".to_owned(),
            };
            progress_bar(&ProgressBarProps {
                value: *progress,
                label: "Conversion progress".into(),
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
                    { "Cancel" }
                </button>
            </div>
        </div>
    }
}
