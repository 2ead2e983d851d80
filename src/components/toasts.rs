//! The toasts: one region with two live parts, so each toast is announced once and as urgently
//! as it deserves: errors in an assertive part (`role=alert`) with their reference and a Copy
//! button, everything else in a polite part.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yewdux::{use_dispatch, use_store_value};

use crate::browser::clipboard;
use crate::toast::{Toast, ToastService, ToastStore, ToastTone};

#[component]
pub fn Toasts() -> Html {
    let store = use_store_value::<ToastStore>();
    let service = ToastService::new(use_dispatch::<ToastStore>());
    let list = |errors: bool| {
        html! {
            { for store.toasts.iter().filter(|toast| (toast.tone == ToastTone::Error) == errors).map(|toast| html! {
                <ToastItem key={toast.id} toast={toast.clone()} service={service.clone()} />
            }) }
        }
    };
    html! {
        // Both parts always in the DOM, so screen readers hear what is added to them. The
        // toasts themselves carry no role: inside a live region that would announce them twice.
        <section class="toasts" aria-label="Notifications" data-testid="toasts">
            <div class="toasts-list" role="alert" data-testid="toasts-alerts">{ list(true) }</div>
            <div class="toasts-list" aria-live="polite" data-testid="toasts-polite">{ list(false) }</div>
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
    let class = match toast.tone {
        ToastTone::Info => "toast toast-info",
        ToastTone::Success => "toast toast-success",
        ToastTone::Error => "toast toast-error",
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
        <div {class} data-testid="toast">
            <div class="toast-body">
                <p class="toast-message">{ toast.message.clone() }</p>
                { for reference }
            </div>
            <button type="button" class="toast-close" onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
        </div>
    }
}
