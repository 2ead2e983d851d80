//! The toasts: a polite live region, errors as alerts with their reference and a Copy button.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yewdux::{use_dispatch, use_store_value};

use crate::browser::clipboard;
use crate::toast::{Toast, ToastService, ToastStore, ToastTone};

#[component]
pub fn Toasts() -> Html {
    let store = use_store_value::<ToastStore>();
    let service = ToastService::new(use_dispatch::<ToastStore>());
    html! {
        // Always in the DOM, so screen readers hear what is added to it.
        <section class="toasts" aria-live="polite" aria-label="Notifications" data-testid="toasts">
            { for store.toasts.iter().map(|toast| html! {
                <ToastItem key={toast.id} toast={toast.clone()} service={service.clone()} />
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ToastItemProps {
    toast: Toast,
    service: ToastService,
}

#[component]
fn ToastItem(props: &ToastItemProps) -> Html {
    let copied = use_state(|| None::<bool>);
    let toast = &props.toast;
    let dismiss = {
        let (service, id) = (props.service.clone(), toast.id);
        Callback::from(move |_: MouseEvent| service.dismiss(id))
    };
    let (class, role) = match toast.tone {
        ToastTone::Info => ("toast toast-info", None),
        ToastTone::Success => ("toast toast-success", None),
        ToastTone::Error => ("toast toast-error", Some("alert")),
    };
    let reference = toast.correlation_id.clone().map(|id| {
        let copy = {
            let (copied, id) = (copied.clone(), id.clone());
            Callback::from(move |_: MouseEvent| {
                let (copied, id) = (copied.clone(), id.clone());
                spawn_local(async move { copied.set(Some(clipboard::copy_text(&id).await)) });
            })
        };
        let copy_label = match *copied {
            None => "Copy",
            Some(true) => "Copied",
            Some(false) => "Copy failed",
        };
        html! {
            <p class="toast-reference">
                <span>{ "Reference: " }<code data-testid="toast-reference">{ id }</code></span>
                <button type="button" class="button button-small" onclick={copy} data-testid="copy-reference"
                    aria-label="Copy the reference">{ copy_label }</button>
            </p>
        }
    });
    html! {
        <div {class} {role} data-testid="toast">
            <div class="toast-body">
                <p class="toast-message">{ toast.message.clone() }</p>
                { for reference }
            </div>
            <button type="button" class="toast-close" onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
        </div>
    }
}
