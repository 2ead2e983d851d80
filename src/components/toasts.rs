//! The toasts: one region with two live parts, so each toast is announced once and as urgently
//! as it deserves: errors in an assertive part (`role=alert`) with their reference and a Copy
//! button, everything else in a polite part.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yewdux::{use_dispatch, use_store_value};

use trustyconvert_core::i18n::Catalogue;

use crate::browser::clipboard;
use crate::language::Language;
use crate::toast::{Toast, ToastService, ToastStore, ToastTone};

#[derive(Properties, PartialEq)]
pub struct ToastsProps {
    pub language: Language,
}

#[component]
pub fn Toasts(props: &ToastsProps) -> Html {
    let store = use_store_value::<ToastStore>();
    let t = props.language.0;
    let service = ToastService::new(use_dispatch::<ToastStore>());
    // Whether copying each toast's reference worked, by toast id (kept here, not in a component
    // per toast: each component type costs the bundle its own mount, hydrate and update code).
    let copied = use_state(Vec::<(u64, bool)>::new);
    let list = |errors: bool| {
        html! {
            { for store.toasts.iter().filter(|toast| (toast.tone == ToastTone::Error) == errors).map(|toast| {
                toast_item(toast, &service, &copied, t)
            }) }
        }
    };
    html! {
        // Both parts always in the DOM, so screen readers hear what is added to them. The
        // toasts themselves carry no role: inside a live region that would announce them twice.
        <section class="toasts" aria-label={t.toasts.region} data-testid="toasts">
            <div class="toasts-list" role="alert" data-testid="toasts-alerts">{ list(true) }</div>
            <div class="toasts-list" aria-live="polite" data-testid="toasts-polite">{ list(false) }</div>
        </section>
    }
}

fn toast_item(
    toast: &Toast,
    service: &ToastService,
    copied: &UseStateHandle<Vec<(u64, bool)>>,
    t: &Catalogue,
) -> Html {
    let dismiss = {
        let (service, id) = (service.clone(), toast.id);
        Callback::from(move |_: MouseEvent| service.dismiss(id))
    };
    let class = match toast.tone {
        ToastTone::Info => "toast toast-info",
        ToastTone::Success => "toast toast-success",
        ToastTone::Error => "toast toast-error",
    };
    let reference = toast.correlation_id.clone().map(|reference| {
        let copy = {
            let (copied, reference, id) = (copied.clone(), reference.clone(), toast.id);
            Callback::from(move |_: MouseEvent| {
                let (copied, reference) = (copied.clone(), reference.clone());
                spawn_local(async move {
                    let worked = clipboard::copy_text(&reference).await;
                    let mut results: Vec<(u64, bool)> = (*copied).clone();
                    results.retain(|(other, _)| *other != id);
                    results.push((id, worked));
                    copied.set(results);
                });
            })
        };
        let copy_label = match copied.iter().find(|(id, _)| *id == toast.id) {
            None => t.toasts.copy,
            Some((_, true)) => t.toasts.copied,
            Some((_, false)) => t.toasts.copy_failed,
        };
        html! {
            <p class="toast-reference">
                <span>{ reference_line(t, reference) }</span>
                <button type="button" class="button button-small" onclick={copy} data-testid="copy-reference"
                    aria-label={t.toasts.copy_label}>{ copy_label }</button>
            </p>
        }
    });
    html! {
        <div key={toast.id} {class} data-testid="toast">
            <div class="toast-body">
                <p class="toast-message">{ toast.message.text(t) }</p>
                { for reference }
            </div>
            <button type="button" class="toast-close" onclick={dismiss} aria-label={t.toasts.dismiss}>{ "×" }</button>
        </div>
    }
}

/// "Reference: c-…" with the id in a `<code>` wherever the language puts it.
fn reference_line(t: &Catalogue, reference: String) -> Html {
    let template = t.toasts.reference;
    let (before, after) = template.split_once("{id}").unwrap_or((template, ""));
    html! {
        <>{ before }<code data-testid="toast-reference">{ reference }</code>{ after }</>
    }
}
