//! The main area: choose files, pick targets, convert, follow progress, download. One file is a
//! queue of one and shows as one conversion; several show as the queue. Thin: the state is in
//! `QueueStore`, the steps in `QueueDriver`, the rules in the core.

use std::rc::Rc;

use trustyconvert_core::i18n::{fill, Catalogue};
use trustyconvert_core::{FormatCatalog, JobState};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yewdux::use_store_value;

use super::download_panel::{download_panel, DownloadPanelProps};
use super::drop_zone::{self, use_drop_zone, DropZoneProps};
use super::failure_notice::{failure_notice, use_countdown, FailureNoticeProps};
use super::file_summary::{file_summary, FileSummaryProps};
use super::job_progress::{job_progress, status_text, JobProgressProps};
use super::queue_panel::{announcement_text, queue_view, QueueViewProps};
use super::target_picker::{target_picker, TargetPickerProps};
use crate::browser;
use crate::conversion::{use_formats, use_online, use_queue_driver, FormatsState};
use crate::language::Language;
use crate::queue::{QueueDriver, QueueStore};
use crate::session::{use_session, SessionPhase};
use trustyconvert_core::conversion::queue::EntryId;

/// "PNG, JPEG, … up to 100 MB", or what is happening to the list.
fn hint(formats: &FormatsState, catalog: &FormatCatalog, t: &Catalogue) -> String {
    match formats {
        FormatsState::Loaded(_) => fill(
            t.convert.accepted_hint,
            &[
                ("formats", &t.list(&catalog.accepted_labels(t))),
                ("size", &t.size(catalog.largest_upload())),
            ],
        ),
        FormatsState::Failed(_) => t.convert.formats_failed.to_owned(),
        FormatsState::NotLoaded | FormatsState::Loading => t.convert.formats_loading.to_owned(),
    }
}

#[derive(Properties, PartialEq)]
pub struct ConversionPanelProps {
    pub language: Language,
}

#[component]
pub fn ConversionPanel(props: &ConversionPanelProps) -> Html {
    let language = props.language;
    let t = language.0;
    let (formats, reload_formats) = use_formats();
    let online = use_online();
    let session = use_session();
    let driver = use_queue_driver();
    let store = use_store_value::<QueueStore>();
    let queue = &store.queue;
    let one_file = queue.one_file();
    let queued = !queue.entries.is_empty() && one_file.is_none();
    let job = one_file.unwrap_or(JobState::Idle);
    // The one file's place in the queue (there is none while no file is chosen).
    let id = queue.entries.first().map(|entry| entry.id);
    let headings = use_step_headings(state_name(&job));
    // One countdown: the queue's pause for the server's limit, or one file's wait before a
    // retry. Only a queue reads the clock here (the prerender, which has none, has no clock).
    let wait = use_countdown(if queued {
        queue.next_wake(browser::clock::now_ms())
    } else {
        store.retry_not_before
    });
    let (retry_wait, paused_seconds) = if queued { (0, wait) } else { (wait, 0) };

    {
        // Closing the session deleted the jobs on the server: keep only the files. A new
        // session: the jobs of the old one are gone.
        let driver = driver.clone();
        let closed = session.state.phase == SessionPhase::Closed;
        use_effect_with((closed, session.state.epoch), move |(closed, epoch)| {
            if *closed {
                driver.session_closed();
            } else {
                driver.new_session(*epoch);
            }
        });
    }

    let catalog = formats.catalog();
    let on_files = use_files_once_formats_load(&driver, &formats.state);
    use_files_dropped_on_page(queued || job.takes_a_new_file(), on_files.clone());
    let zone = use_drop_zone(on_files.clone());
    // What one file's controls do to it.
    let act = |action: fn(&QueueDriver, EntryId)| {
        let driver = driver.clone();
        Callback::from(move |()| {
            if let Some(id) = id {
                action(&driver, id);
            }
        })
    };
    let on_target = {
        let driver = driver.clone();
        Callback::from(move |target: String| {
            if let Some(id) = id {
                driver.choose_target(id, &target);
            }
        })
    };
    let start = {
        let driver = driver.clone();
        Callback::from(move |_: MouseEvent| driver.start())
    };
    let cancel = act(QueueDriver::cancel);
    let retry = act(QueueDriver::retry);
    let reset = {
        let driver = driver.clone();
        Callback::from(move |()| driver.reset())
    };
    let download = act(|driver, id| {
        let driver = driver.clone();
        spawn_local(async move { driver.download(id).await });
    });
    let retry_formats = Callback::from(move |_: MouseEvent| reload_formats.emit(()));

    let formats_notice = match &formats.state {
        FormatsState::Failed(error) => html! {
            <div class="notice notice-error" role="alert" data-testid="formats-error">
                <p>{ t.convert.formats_failed_lead }{ " " }{ error.user_message(t) }</p>
                if let Some(reference) = error.reference(t) {
                    <p class="reference">{ reference }</p>
                }
                <button type="button" class="button button-secondary" onclick={retry_formats}
                    disabled={!online} data-testid="formats-retry">{ t.convert.retry }</button>
            </div>
        },
        _ => html! {},
    };

    // One drop zone, where the step shows it: full size while no file is chosen, compact beside
    // a chosen file or under the queue (which says "drop more").
    let compact = queued || matches!(job, JobState::FileChosen { .. });
    let drop_zone = drop_zone::drop_zone(
        &zone,
        &DropZoneProps {
            accept: catalog.accept_attribute().into(),
            hint: hint(&formats.state, &catalog, t).into(),
            rejection: store
                .rejection
                .as_ref()
                .filter(|_| !queued)
                .map(|rejection| AttrValue::from(rejection.user_message(t))),
            compact,
            lead: queued.then_some(AttrValue::Static(t.queue.drop_more)),
            disabled: false,
            on_files: on_files.clone(),
            language,
        },
    );

    let body = match &job {
        _ if queued => queue_view(&QueueViewProps {
            store: store.clone(),
            driver: driver.clone(),
            catalog: catalog.clone(),
            paused_seconds,
            drop_zone: drop_zone.clone(),
            language,
        }),
        JobState::Idle => drop_zone,
        JobState::FileChosen { file, target } => {
            let targets = catalog.targets_for(&file.extension);
            let mime = id
                .and_then(|id| store.file(id))
                .map(|file| AttrValue::from(browser::file::mime_of(&file)));
            let convert_label = match (online, target) {
                (false, _) => t.convert.offline_convert.to_owned(),
                (true, Some(target)) => fill(
                    t.convert.convert_to,
                    &[("target", &trustyconvert_core::target_label(target, t))],
                ),
                (true, None) => t.convert.convert.to_owned(),
            };
            html! {
                <>
                    <h2 class="step-title" tabindex="-1" ref={headings.chosen.clone()}>{ t.convert.ready_heading }</h2>
                    { file_summary(&FileSummaryProps { file: file.clone(), mime, language }) }
                    { target_picker(&TargetPickerProps {
                        targets,
                        selected: target.clone().map(AttrValue::from),
                        disabled: false,
                        on_change: on_target,
                        language,
                        id: None,
                        label: None,
                    }) }
                    <div class="actions">
                        <button type="button" class="button button-primary" onclick={start}
                            disabled={!online || target.is_none()} data-testid="convert">
                            { convert_label }
                        </button>
                    </div>
                    { drop_zone }
                </>
            }
        }
        job @ (JobState::Uploading { .. }
        | JobState::Uploaded { .. }
        | JobState::Converting { .. }) => {
            html! {
                <>
                    if let Some(plan) = job.plan() {
                        { file_summary(&FileSummaryProps { file: plan.file.clone(), mime: None, language }) }
                    }
                    { job_progress(&JobProgressProps {
                        job: job.clone(),
                        on_cancel: cancel,
                        heading: headings.progress.clone(),
                        language,
                    }) }
                </>
            }
        }
        job @ JobState::Completed { .. } => download_panel(&DownloadPanelProps {
            job: job.clone(),
            pending: id.is_some_and(|id| store.downloading.contains(&id)),
            online,
            downloads_started: id.map_or(0, |id| store.downloads_of(id)),
            on_download: download,
            on_reset: reset,
            heading: headings.done.clone(),
            language,
        }),
        job @ JobState::Failed { plan, .. } => html! {
            <>
                // The file is still held: say which one "Try again" will convert.
                if let Some(plan) = plan {
                    { file_summary(&FileSummaryProps { file: plan.file.clone(), mime: None, language }) }
                }
                { failure_notice(&FailureNoticeProps {
                    job: job.clone(),
                    online,
                    wait: retry_wait,
                    on_retry: retry,
                    on_reset: reset,
                    heading: headings.failed.clone(),
                    language,
                }) }
                if plan.is_none() { { drop_zone } }
            </>
        },
    };

    html! {
        <section class="panel conversion-panel" aria-labelledby="convert-title" data-testid="conversion-panel"
            data-state={if queued { "queue" } else { state_name(&job) }}>
            <h1 id="convert-title" class="panel-title" tabindex="-1" ref={headings.idle.clone()}>{ t.convert.heading }</h1>
            // Always in the page, so what a running job is doing is announced as it changes.
            <p class="visually-hidden" role="status" data-testid="job-status">
                if queued {
                    { store.announcement.as_ref().map(|said| announcement_text(said, t)).unwrap_or_default() }
                } else {
                    { status_text(&job, t).unwrap_or_default() }
                }
            </p>
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

/// The heading of each step, where focus goes when the step changes.
#[derive(Clone, Default)]
struct StepHeadings {
    idle: NodeRef,
    chosen: NodeRef,
    progress: NodeRef,
    done: NodeRef,
    failed: NodeRef,
}

impl StepHeadings {
    fn for_state(&self, state: &str) -> &NodeRef {
        match state {
            "chosen" => &self.chosen,
            "uploading" | "converting" => &self.progress,
            "completed" => &self.done,
            "failed" => &self.failed,
            _ => &self.idle,
        }
    }
}

/// When the step changes, the control that had focus (Convert, Cancel, Try again…) is usually
/// gone with its step and focus falls to the page's body: it moves to the new step's heading,
/// so keyboard and screen-reader users continue from there. Focus that is still somewhere
/// (the Cancel button across upload → conversion, the header) is left alone, and so is the
/// first render: nothing was lost at page load.
#[hook]
fn use_step_headings(state: &'static str) -> StepHeadings {
    let headings = use_memo((), |_| StepHeadings::default());
    let previous = use_mut_ref(|| None::<&'static str>);
    {
        let headings = headings.clone();
        use_effect_with(state, move |state| {
            let changed = previous.borrow_mut().replace(*state).is_some();
            if changed && browser::dom::focus_is_lost() {
                if let Some(heading) = headings.for_state(state).cast::<web_sys::Element>() {
                    browser::dom::focus(&heading);
                }
            }
        });
    }
    (*headings).clone()
}

/// Hands chosen files to the queue once the format list is there (files chosen or dropped
/// before the app started wait for it).
#[hook]
fn use_files_once_formats_load(
    driver: &QueueDriver,
    formats: &FormatsState,
) -> Callback<Vec<web_sys::File>> {
    let waiting = use_state(Vec::<web_sys::File>::new);
    let catalog = match formats {
        FormatsState::Loaded(catalog) => Some(Rc::clone(catalog)),
        _ => None,
    };
    {
        let (driver, waiting) = (driver.clone(), waiting.clone());
        use_effect_with(
            (catalog.clone(), (*waiting).clone()),
            move |(catalog, files)| {
                if let (Some(catalog), false) = (catalog, files.is_empty()) {
                    driver.take(files.clone(), catalog);
                    waiting.set(Vec::new());
                }
            },
        );
    }
    let driver = driver.clone();
    Callback::from(move |files: Vec<web_sys::File>| match &catalog {
        Some(catalog) => driver.take(files, catalog),
        None => {
            let mut all = (*waiting).clone();
            all.extend(files);
            waiting.set(all);
        }
    })
}

/// Files dropped on the page outside the drop zone (held by the boot script, also before the
/// app started) are taken while files can be added, and dropped while the one file converts.
#[hook]
fn use_files_dropped_on_page(accepting: bool, on_files: Callback<Vec<web_sys::File>>) {
    use_effect_with(accepting, move |accepting| {
        let accepting = *accepting;
        let take = move || {
            let dropped = browser::file::take_dropped_on_page();
            if accepting && !dropped.is_empty() {
                on_files.emit(dropped);
            }
        };
        take();
        let listener = browser::file::on_dropped_on_page(take);
        move || drop(listener)
    });
}
