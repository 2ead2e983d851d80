//! The queue: every file with its state, its own target (or its type's), and the controls that
//! apply to it; the server's pauses and the session's storage said plainly; "Convert N files"
//! and "Download all". A list, with one announcement per file that is done or failed (the
//! panel's live region), never per progress tick.

use std::rc::Rc;

use trustyconvert_core::conversion::progress::percent;
use trustyconvert_core::conversion::queue::{Entry, EntryId, EntryState};
use trustyconvert_core::i18n::{fill, Catalogue};
use trustyconvert_core::{format_label, FormatCatalog};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::progress_bar::{progress_bar, ProgressBarProps};
use super::target_picker::{target_picker, TargetPickerProps};
use crate::language::Language;
use crate::queue::{Announcement, ArchiveState, QueueDriver, QueueStore};

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
    let making = props.store.archive == ArchiveState::Making;

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
            <ul class="queue-list" data-testid="queue-list">
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
                        disabled={making} data-testid="download-all">
                        { if making { q.zipping } else { q.download_all } }
                    </button>
                }
            </div>
            if props.store.archive == ArchiveState::Failed {
                <p class="field-error" role="alert" data-testid="download-all-failed">{ q.zip_failed }</p>
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

fn entry_view(props: &QueueViewProps, entry: &Entry) -> Html {
    let t = props.language.0;
    let q = &t.queue;
    let id = entry.id;
    let name = entry.name.as_str();
    let driver = &props.driver;
    let on = |act: fn(&QueueDriver, EntryId)| {
        let driver = driver.clone();
        Callback::from(move |_: MouseEvent| act(&driver, id))
    };
    let download = {
        let driver = driver.clone();
        Callback::from(move |_: MouseEvent| {
            let driver = driver.clone();
            spawn_local(async move { driver.download(id).await });
        })
    };
    let label = |text: &str| AttrValue::from(fill(text, &[("name", name)]));
    let state = &entry.state;
    let picks_target = matches!(state, EntryState::Waiting | EntryState::Cancelled);
    let retryable = match state {
        EntryState::Failed(failure) => failure.is_worth_retrying(),
        EntryState::Cancelled => true,
        _ => false,
    };
    let removable = !state.is_in_flight() && !matches!(state, EntryState::Uploaded { .. });
    let downloading = props.store.downloading.contains(&id);
    html! {
        <li class="queue-item" data-testid="queue-item" data-state={state_name(state)} data-name={name.to_owned()}>
            <p class="queue-file">
                <span class="queue-name">{ name }</span>
                if entry.size > 0 {
                    <span class="queue-size">{ t.size(entry.size) }</span>
                }
            </p>
            <p class={classes!("queue-status", matches!(state, EntryState::Failed(_) | EntryState::Rejected(_)).then_some("field-error"))}
                data-testid="queue-item-status">{ status_text(entry, t) }</p>
            if let EntryState::Uploading { sent, total } = state {
                { progress_bar(&ProgressBarProps {
                    value: Some(percent(*sent, (*total).max(1))),
                    label: AttrValue::from(name.to_owned()),
                    text: None,
                    testid: "queue-item-progress".into(),
                }) }
            }
            if picks_target {
                { target_picker(&TargetPickerProps {
                    targets: props.catalog.targets_for(&entry.extension),
                    selected: props.store.queue.target_of(id).map(|target| AttrValue::from(target.to_owned())),
                    disabled: false,
                    on_change: {
                        let driver = driver.clone();
                        Callback::from(move |target: String| driver.set_target(id, target))
                    },
                    language: props.language,
                    id: Some(AttrValue::from(format!("target-{}", id.0))),
                    label: Some(label(q.target_for)),
                }) }
            }
            <div class="queue-actions">
                if state.is_in_flight() || matches!(state, EntryState::Uploaded { .. }) {
                    <button type="button" class="button button-secondary" onclick={on(QueueDriver::cancel)}
                        aria-label={label(q.cancel_label)} data-testid="queue-cancel">{ t.progress.cancel }</button>
                }
                if let EntryState::Done { .. } = state {
                    <button type="button" class="button button-primary" onclick={download}
                        disabled={downloading} aria-label={label(q.download_label)}
                        data-testid="queue-download">{ t.done.download }</button>
                }
                if retryable {
                    <button type="button" class="button button-secondary" onclick={on(QueueDriver::retry)}
                        aria-label={label(q.retry_label)} data-testid="queue-retry">{ t.failure.try_again }</button>
                }
                if removable {
                    <button type="button" class="button button-tertiary" onclick={on(QueueDriver::remove)}
                        aria-label={label(q.remove_label)} data-testid="queue-remove">{ q.remove }</button>
                }
            </div>
        </li>
    }
}
