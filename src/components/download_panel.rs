//! The finished conversion: Download (a fresh token per click, the page stays) and
//! "Convert another file".

use trustyconvert_core::i18n::fill;
use trustyconvert_core::{converted_file_name, target_label, JobState};
use yew::prelude::*;

use crate::language::Language;

/// The arguments of a plain view function (no component, so no `Properties`).
#[derive(PartialEq)]
pub struct DownloadPanelProps {
    pub job: JobState,
    pub pending: bool,
    pub online: bool,
    pub downloads_started: u32,
    pub on_download: Callback<()>,
    pub on_reset: Callback<()>,
    /// On the step's heading, so the panel can move focus there when the step changes.
    pub heading: NodeRef,
    pub language: Language,
}

/// A plain function, not a component: it has no state of its own, and each component type
/// costs the bundle its own mount, hydrate and update code.
pub fn download_panel(props: &DownloadPanelProps) -> Html {
    let JobState::Completed {
        plan, output_size, ..
    } = &props.job
    else {
        return html! {};
    };
    let download = {
        let on_download = props.on_download.clone();
        Callback::from(move |_| on_download.emit(()))
    };
    let reset = {
        let on_reset = props.on_reset.clone();
        Callback::from(move |_| on_reset.emit(()))
    };
    let name = converted_file_name(&plan.file.name, &plan.target);
    let t = props.language.0;
    let size = output_size.map(|size| format!(" · {}", t.size(size)));
    let label = match (props.online, props.pending, props.downloads_started) {
        (false, _, _) => t.done.offline.to_owned(),
        (true, true, _) => t.done.preparing.to_owned(),
        (true, false, 0) => fill(
            t.done.download,
            &[("target", &target_label(&plan.target, t))],
        ),
        (true, false, _) => t.done.download_again.to_owned(),
    };
    html! {
        <div class="result" data-testid="result">
            <h2 class="step-title" tabindex="-1" ref={props.heading.clone()}>
                <span class="done-mark" aria-hidden="true">{ "✓" }</span>
                { t.done.heading }
            </h2>
            <p class="result-name" data-testid="result-name">{ name }{ size }</p>
            <div class="actions">
                <button type="button" class="button button-primary" onclick={download}
                    disabled={props.pending || !props.online} data-testid="download">
                    { label }
                </button>
                <button type="button" class="button button-quiet" onclick={reset} data-testid="convert-another">
                    { t.done.another }
                </button>
            </div>
        </div>
    }
}
