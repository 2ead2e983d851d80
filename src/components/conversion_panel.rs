//! The main area: choose a file, pick the target, convert, follow progress, download. Thin: the
//! state is in `ConversionStore`, the steps in `ConversionFlow`, the rules in the core.

use trustyconvert_core::{human_size, FormatCatalog, JobState, DEFAULT_MAX_UPLOAD_BYTES};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yewdux::use_store_value;

use super::download_panel::DownloadPanel;
use super::drop_zone::DropZone;
use super::failure_notice::FailureNotice;
use super::file_summary::FileSummary;
use super::job_progress::JobProgress;
use super::target_picker::TargetPicker;
use crate::conversion::{
    use_conversion_flow, use_formats, use_online, ConversionStore, FormatsState,
};
use crate::session::{use_session, SessionPhase};

/// "PNG, JPEG, … up to 100 MB", or what is happening to the list.
fn hint(formats: &FormatsState, catalog: &FormatCatalog) -> String {
    match formats {
        FormatsState::Loaded(_) => {
            let limit = catalog
                .converters()
                .iter()
                .filter_map(|converter| converter.max_size)
                .max()
                .unwrap_or(DEFAULT_MAX_UPLOAD_BYTES);
            format!(
                "{}. Up to {}.",
                catalog.accepted_labels().join(", "),
                human_size(limit)
            )
        }
        FormatsState::Failed(_) => "The list of formats could not be loaded.".to_owned(),
        FormatsState::NotLoaded | FormatsState::Loading => {
            "Loading the supported formats…".to_owned()
        }
    }
}

#[component]
pub fn ConversionPanel() -> Html {
    let flow = use_conversion_flow();
    let (formats, reload_formats) = use_formats();
    let store = use_store_value::<ConversionStore>();
    let online = use_online();
    let session = use_session();

    {
        // Closing the session deleted the job on the server; keep only the file.
        let flow = flow.clone();
        let closed = session.state.phase == SessionPhase::Closed;
        use_effect_with(closed, move |closed| {
            if *closed {
                flow.session_closed();
            }
        });
    }

    let catalog = formats.catalog();
    let on_file = {
        let (flow, catalog) = (flow.clone(), catalog.clone());
        Callback::from(move |file: web_sys::File| flow.choose_file(file, &catalog))
    };
    let on_target = {
        let flow = flow.clone();
        Callback::from(move |target: String| flow.choose_target(target))
    };
    let start = {
        let flow = flow.clone();
        Callback::from(move |_: MouseEvent| flow.start())
    };
    let cancel = {
        let flow = flow.clone();
        Callback::from(move |()| flow.cancel())
    };
    let retry = {
        let flow = flow.clone();
        Callback::from(move |()| flow.retry())
    };
    let reset = {
        let flow = flow.clone();
        Callback::from(move |()| flow.reset())
    };
    let download = {
        let flow = flow.clone();
        Callback::from(move |()| {
            let flow = flow.clone();
            spawn_local(async move { flow.download().await });
        })
    };
    let retry_formats = Callback::from(move |_: MouseEvent| reload_formats.emit(()));

    let formats_notice = match &formats.state {
        FormatsState::Failed(error) => html! {
            <div class="notice notice-error" role="alert" data-testid="formats-error">
                <p>{ "The list of supported formats could not be loaded. " }{ error.user_message() }</p>
                if let Some(reference) = error.reference() {
                    <p class="reference">{ reference }</p>
                }
                <button type="button" class="button button-secondary" onclick={retry_formats}
                    disabled={!online} data-testid="formats-retry">{ "Retry" }</button>
            </div>
        },
        _ => html! {},
    };

    let drop_zone = |compact: bool| {
        html! {
            <DropZone accept={catalog.accept_attribute()} hint={hint(&formats.state, &catalog)}
                rejection={store.rejection.clone().map(AttrValue::from)} {compact}
                on_file={on_file.clone()} />
        }
    };

    let body = match &store.job {
        JobState::Idle => drop_zone(false),
        JobState::FileChosen { file, target } => {
            let targets = catalog.targets_for(&file.extension);
            let mime = store
                .file
                .as_ref()
                .map(|file| AttrValue::from(file.type_()));
            let convert_label = match (online, target) {
                (false, _) => "Offline: connect to convert".to_owned(),
                (true, Some(target)) => {
                    format!("Convert to {}", trustyconvert_core::target_label(target))
                }
                (true, None) => "Convert".to_owned(),
            };
            html! {
                <>
                    <FileSummary file={file.clone()} {mime} />
                    <TargetPicker {targets} selected={target.clone().map(AttrValue::from)} on_change={on_target} />
                    <div class="actions">
                        <button type="button" class="button button-primary" onclick={start}
                            disabled={!online || target.is_none()} data-testid="convert">
                            { convert_label }
                        </button>
                    </div>
                    { drop_zone(true) }
                </>
            }
        }
        job @ (JobState::Uploading { .. }
        | JobState::Uploaded { .. }
        | JobState::Converting { .. }) => {
            html! {
                <>
                    if let Some(plan) = job.plan() {
                        <FileSummary file={plan.file.clone()} />
                    }
                    <JobProgress job={job.clone()} on_cancel={cancel} />
                </>
            }
        }
        job @ JobState::Completed { .. } => html! {
            <DownloadPanel job={job.clone()} pending={store.download_pending} {online}
                downloads_started={store.downloads_started} on_download={download} on_reset={reset} />
        },
        job @ JobState::Failed { plan, .. } => html! {
            <>
                // The file is still held: say which one "Try again" will convert.
                if let Some(plan) = plan {
                    <FileSummary file={plan.file.clone()} />
                }
                <FailureNotice job={job.clone()} {online} retry_not_before={store.retry_not_before}
                    on_retry={retry} on_reset={reset} />
                if plan.is_none() { { drop_zone(false) } }
            </>
        },
    };

    html! {
        <section class="panel conversion-panel" aria-labelledby="convert-title" data-testid="conversion-panel"
            data-state={state_name(&store.job)}>
            <h1 id="convert-title" class="panel-title">{ "Convert a file" }</h1>
            { formats_notice }
            { body }
        </section>
    }
}

/// The job's state as a word, for styling and for tests to wait on.
fn state_name(job: &JobState) -> &'static str {
    match job {
        JobState::Idle => "idle",
        JobState::FileChosen { .. } => "chosen",
        JobState::Uploading { .. } => "uploading",
        JobState::Uploaded { .. } | JobState::Converting { .. } => "converting",
        JobState::Completed { .. } => "completed",
        JobState::Failed { .. } => "failed",
    }
}
