//! The queue: every file with its state, its own target (or its type's), and the controls that
//! apply to it; the server's pauses and the session's storage said plainly; "Convert N files"
//! and "Download all". A list, with one announcement per file that is done or failed (the
//! panel's live region), never per progress tick.

use std::rc::Rc;

use trustyconvert_core::conversion::progress::percent;
use trustyconvert_core::conversion::queue::{Entry, EntryId, EntryState};
use trustyconvert_core::i18n::{fill, Catalogue};
use trustyconvert_core::{format_label, target_label, FormatCatalog};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::progress_bar::{progress_bar, ProgressBarProps};
use super::target_picker::{target_picker, TargetPickerProps};
use crate::browser;
use crate::language::Language;
use crate::queue::{Announcement, QueueDriver, QueueStore};

/// The arguments of a plain view function (no component, so no `Properties`).
pub struct QueueViewProps {
    pub store: Rc<QueueStore>,
    pub driver: QueueDriver,
    pub catalog: Rc<FormatCatalog>,
    /// Seconds until a step paused by the server may go again (0: none is paused).
    pub paused_seconds: u32,
    /// Where more files are added.
    pub drop_zone: Html,
    pub language: Language,
}

/// A file's state as a word, for styling and for tests to wait on.
pub fn state_name(state: &EntryState) -> &'static str {
    match state {
        EntryState::Rejected(_) => "rejected",
        EntryState::Waiting => "waiting",
        EntryState::Uploading { .. } => "uploading",
        EntryState::Uploaded { .. } | EntryState::Converting { .. } => "converting",
        EntryState::Done { .. } => "done",
        EntryState::Failed(_) => "failed",
        EntryState::Cancelled => "cancelled",
    }
}

/// What the live region says: the last file done or failed.
pub fn announcement_text(announcement: &Announcement, t: &Catalogue) -> String {
    let name = announcement.name.as_str();
    match &announcement.failure {
        None => fill(t.queue.announce_done, &[("name", name)]),
        Some(failure) => fill(
            t.queue.announce_failed,
            &[("name", name), ("reason", &failure.user_message(t))],
        ),
    }
}

fn status_text(entry: &Entry, t: &Catalogue) -> String {
    let q = &t.queue;
    match &entry.state {
        EntryState::Rejected(rejection) => rejection.user_message(t),
        EntryState::Waiting => q.waiting.to_owned(),
        EntryState::Uploading { sent, total } => fill(
            q.uploading,
            &[("percent", &t.percent(percent(*sent, (*total).max(1))))],
        ),
        EntryState::Uploaded { .. } => q.queued.to_owned(),
        EntryState::Converting {
            queued: true,
            accepted: true,
            ..
        } => q.queued.to_owned(),
        EntryState::Converting { progress, .. } => match progress {
            Some(progress) => format!("{} {}", q.converting, t.percent(*progress)),
            None => q.converting.to_owned(),
        },
        EntryState::Done { output_size, .. } => match output_size {
            Some(size) => format!("{} ({})", q.done, t.size(*size)),
            None => q.done.to_owned(),
        },
        EntryState::Failed(failure) => failure.user_message(t),
        EntryState::Cancelled => q.cancelled.to_owned(),
    }
}

pub fn queue_view(props: &QueueViewProps) -> Html {
    let t = props.language.0;
    let q = &t.queue;
    let queue = &props.store.queue;
    let entries = &queue.entries;
    let done = entries
        .iter()
        .filter(|entry| matches!(entry.state, EntryState::Done { .. }))
        .count();
    let ready = entries
        .iter()
        .filter(|entry| {
            matches!(entry.state, EntryState::Waiting | EntryState::Cancelled)
                && queue.target_of(entry.id).is_some()
        })
        .count();

    let start = {
        let driver = props.driver.clone();
        Callback::from(move |_: MouseEvent| driver.start())
    };
    let download_all = {
        let driver = props.driver.clone();
        Callback::from(move |_: MouseEvent| {
            let driver = driver.clone();
            spawn_local(async move { driver.download_all().await });
        })
    };
    let downloading = props.store.downloading_all;

    html! {
        <div class="queue" data-testid="queue">
            <h2 class="step-title">{ q.heading }</h2>
            <p class="queue-summary" data-testid="queue-summary">
                { fill(q.summary, &[("done", &done.to_string()), ("total", &entries.len().to_string())]) }
            </p>
            if props.store.over_limit > 0 {
                <p class="field-error" role="alert" data-testid="queue-over-limit">
                    { fill(&t.count(&q.over_limit, props.store.over_limit as u64),
                        &[("max", &trustyconvert_core::conversion::queue::MAX_FILES.to_string())]) }
                </p>
            }
            if props.paused_seconds > 0 {
                <p class="notice" data-testid="queue-paused">
                    { fill(q.paused, &[("seconds", &props.paused_seconds.to_string())]) }
                </p>
            }
            if props.store.quota_full {
                <p class="notice notice-error" role="alert" data-testid="queue-quota-full">{ q.quota_full }</p>
            }
            { shared_targets(props) }
            <ul class="queue-list" data-testid="queue-list" onclick={on_list_click(&props.driver)}
                onchange={on_list_change(&props.driver)}>
                { for entries.iter().map(|entry| entry_view(props, entry)) }
            </ul>
            <div class="actions">
                if !props.store.running && ready > 0 {
                    <button type="button" class="button button-primary" onclick={start}
                        data-testid="queue-start">
                        { t.count(&q.start, ready as u64) }
                    </button>
                }
                if done > 0 {
                    <button type="button" class="button button-secondary" onclick={download_all}
                        disabled={downloading} aria-describedby={(done > 1).then_some("download-all-hint")}
                        data-testid="download-all">
                        { if downloading { q.downloading_all } else { q.download_all } }
                    </button>
                }
            </div>
            if done > 1 {
                // Chromium asks once whether the site may download several files.
                <p class="queue-hint" id="download-all-hint" data-testid="download-all-hint">{ q.allow_downloads }</p>
            }
            { props.drop_zone.clone() }
        </div>
    }
}

/// "Convert all PNG to …" for every type of which two or more files have yet to start.
fn shared_targets(props: &QueueViewProps) -> Html {
    let t = props.language.0;
    let queue = &props.store.queue;
    let mut types: Vec<&str> = Vec::new();
    for entry in &queue.entries {
        let waiting = matches!(entry.state, EntryState::Waiting | EntryState::Cancelled);
        let same_type = queue
            .entries
            .iter()
            .filter(|other| other.extension == entry.extension)
            .count();
        if waiting && same_type > 1 && !types.contains(&entry.extension.as_str()) {
            types.push(&entry.extension);
        }
    }
    types
        .into_iter()
        .map(|extension| {
            let on_change = {
                let (driver, extension) = (props.driver.clone(), extension.to_owned());
                Callback::from(move |target: String| driver.set_shared_target(&extension, &target))
            };
            let label = fill(
                t.queue.convert_all_of_type,
                &[("type", &format_label(extension, t))],
            );
            target_picker(&TargetPickerProps {
                targets: props.catalog.targets_for(extension),
                selected: queue
                    .shared_target(extension)
                    .map(|target| AttrValue::from(target.to_owned())),
                disabled: false,
                on_change,
                language: props.language,
                id: Some(AttrValue::from(format!("target-type-{extension}"))),
                label: Some(AttrValue::from(label)),
            })
        })
        .collect()
}

/// What a file's button does (its `data-act`): one listener on the list serves them all.
const CANCEL: &str = "cancel";
const DOWNLOAD: &str = "download";
const RETRY: &str = "retry";
const REMOVE: &str = "remove";
/// A file's own target select.
const TARGET: &str = "target";

/// The list's one click listener: the button's `data-act` on the file of its `data-id`.
fn on_list_click(driver: &QueueDriver) -> Callback<MouseEvent> {
    let driver = driver.clone();
    Callback::from(move |event: MouseEvent| {
        let Some((act, id)) = browser::dom::acted_on(&event) else {
            return;
        };
        let Ok(id) = id.parse().map(EntryId) else {
            return;
        };
        match act.as_str() {
            CANCEL => driver.cancel(id),
            RETRY => driver.retry(id),
            REMOVE => driver.remove(id),
            DOWNLOAD => {
                let driver = driver.clone();
                spawn_local(async move { driver.download(id).await });
            }
            _ => {}
        }
    })
}

/// The list's one change listener: a file's own target.
fn on_list_change(driver: &QueueDriver) -> Callback<Event> {
    let driver = driver.clone();
    Callback::from(move |event: Event| {
        let Some((act, id)) = browser::dom::acted_on(&event) else {
            return;
        };
        let (Some(target), Ok(id)) = (browser::dom::select_value(&event), id.parse()) else {
            return;
        };
        if act == TARGET {
            driver.set_target(EntryId(id), target);
        }
    })
}

/// A file's button: its visible text is its name, and the file's name describes it (so the
/// many "Remove" buttons of a list are told apart without a name that differs from the text).
fn action(act: &'static str, id: EntryId, text: AttrValue, primary: bool) -> Html {
    let class = if primary {
        "button button-primary"
    } else {
        "button button-secondary"
    };
    html! {
        <button type="button" {class} data-act={act} data-id={id.0.to_string()}
            aria-describedby={format!("queue-name-{}", id.0)}
            data-testid={format!("queue-{act}")}>
            { text }
        </button>
    }
}

fn entry_view(props: &QueueViewProps, entry: &Entry) -> Html {
    let t = props.language.0;
    let q = &t.queue;
    let id = entry.id;
    let name = entry.name.as_str();
    let state = &entry.state;
    let busy = state.is_in_flight() || matches!(state, EntryState::Uploaded { .. });
    let retryable = match state {
        EntryState::Failed(failure) => failure.is_worth_retrying(),
        EntryState::Cancelled => true,
        _ => false,
    };
    let mut actions = Vec::new();
    if busy {
        actions.push(action(CANCEL, id, t.progress.cancel.into(), false));
    }
    let target = props.store.queue.target_of(id);
    if let (EntryState::Done { .. }, Some(target), false) =
        (state, target, props.store.downloading.contains(&id))
    {
        let text = fill(t.done.download, &[("target", &target_label(target, t))]);
        actions.push(action(DOWNLOAD, id, text.into(), true));
    }
    if retryable {
        actions.push(action(RETRY, id, t.failure.try_again.into(), false));
    }
    if !busy {
        actions.push(action(REMOVE, id, q.remove.into(), false));
    }
    let refused = matches!(state, EntryState::Failed(_) | EntryState::Rejected(_));
    html! {
        <li class="queue-item" data-testid="queue-item" data-state={state_name(state)} data-name={name.to_owned()}>
            <p class="queue-file">
                <span class="queue-name" id={format!("queue-name-{}", id.0)}>{ name }</span>
                { " " }
                <span class="queue-size">{ t.size(entry.size) }</span>
            </p>
            <p class={if refused { "queue-status field-error" } else { "queue-status" }}
                data-testid="queue-item-status">{ status_text(entry, t) }</p>
            if let EntryState::Uploading { sent, total } = state {
                { progress_bar(&ProgressBarProps {
                    value: Some(percent(*sent, (*total).max(1))),
                    label: AttrValue::from(name.to_owned()),
                    text: None,
                    testid: "queue-item-progress".into(),
                }) }
            }
            if matches!(state, EntryState::Waiting | EntryState::Cancelled) {
                <div data-act={TARGET} data-id={id.0.to_string()}>
                    { target_picker(&TargetPickerProps {
                        targets: props.catalog.targets_for(&entry.extension),
                        selected: props.store.queue.target_of(id).map(|target| AttrValue::from(target.to_owned())),
                        disabled: false,
                        on_change: Callback::noop(),
                        language: props.language,
                        id: Some(AttrValue::from(format!("target-{}", id.0))),
                        label: Some(AttrValue::from(fill(q.target_for, &[("name", name)]))),
                    }) }
                </div>
            }
            <div class="queue-actions">{ for actions }</div>
        </li>
    }
}
