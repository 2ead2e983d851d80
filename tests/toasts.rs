//! The toasts in the browser: live regions that are always there (errors assertive, the rest
//! polite), one toast per event however often it is reported, errors with their reference and a
//! Copy button, and a repeated toast that stays its full time from the latest report.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::rc::Rc;

use support::dom::all;
use support::*;
use trustyconvert_core::{ApiError, ApiErrorKind};
use trustyconvert_web::components::toasts::Toasts;
use trustyconvert_web::toast::{ToastMessage, ToastService, ToastStore, ToastTone};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::prelude::*;
use yewdux::{use_dispatch, YewduxRoot};

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Properties, Clone)]
struct HarnessProps {
    service: Rc<RefCell<Option<ToastService>>>,
}

impl PartialEq for HarnessProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.service, &other.service)
    }
}

#[component]
fn Capture(props: &HarnessProps) -> Html {
    let dispatch = use_dispatch::<ToastStore>();
    *props.service.borrow_mut() = Some(ToastService::new(dispatch));
    html! {}
}

#[component]
fn Harness(props: &HarnessProps) -> Html {
    html! {
        <YewduxRoot>
            <Capture service={props.service.clone()} />
            <Toasts language={english()} />
        </YewduxRoot>
    }
}

fn rate_limited() -> ApiError {
    ApiError::new(ApiErrorKind::RateLimited {
        retry_after_secs: Some(7),
    })
    .with_status(429)
    .with_correlation_id(Some("c-429-abc".to_owned()))
}

#[wasm_bindgen_test]
async fn one_toast_per_event_in_the_live_region_that_fits_it() {
    let (root, handle, service) = mount().await;
    assert_eq!(all(&root, "[data-testid=toasts]").len(), 1);
    let alerts = all(&root, "[data-testid=toasts-alerts]");
    let polite = all(&root, "[data-testid=toasts-polite]");
    assert_eq!(
        (alerts.len(), polite.len()),
        (1, 1),
        "both live regions exist before any toast"
    );
    assert_eq!(alerts[0].get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(
        polite[0].get_attribute("aria-live").as_deref(),
        Some("polite")
    );
    assert!(all(&root, "[data-testid=toast]").is_empty());

    service.api_error(&rate_limited());
    service.api_error(&rate_limited());
    service.info(ToastMessage::Cancelled);
    settle().await;
    let toasts = all(&root, "[data-testid=toast]");
    assert_eq!(toasts.len(), 2, "the same error twice is one toast");

    let error = &toasts[0];
    assert!(
        alerts[0].contains(Some(error)),
        "an error is announced assertively"
    );
    assert_eq!(
        error.get_attribute("role"),
        None,
        "not an alert inside the alert region: that would announce it twice"
    );
    let text = error.text_content().unwrap_or_default();
    assert!(text.contains("wait 7 seconds"), "429 says how long: {text}");
    assert!(text.contains("c-429-abc"), "the reference: {text}");
    assert_eq!(all(error, "[data-testid=copy-reference]").len(), 1);

    let info = &toasts[1];
    assert!(polite[0].contains(Some(info)), "non-errors are polite");
    assert_eq!(info.get_attribute("role"), None);
    assert!(all(info, "[data-testid=copy-reference]").is_empty());

    // Dismissing removes exactly that toast.
    let close: web_sys::HtmlElement = all(error, ".toast-close")
        .pop()
        .expect("a close button")
        .unchecked_into();
    close.click();
    settle().await;
    let left = all(&root, "[data-testid=toast]");
    assert_eq!(left.len(), 1);
    assert!(left[0]
        .text_content()
        .unwrap_or_default()
        .contains("Cancelled"));
    handle.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn the_copy_button_answers() {
    let (root, handle, service) = mount().await;
    service.api_error(&rate_limited());
    settle().await;
    let copy: web_sys::HtmlElement = all(&root, "[data-testid=copy-reference]")
        .pop()
        .expect("a copy button")
        .unchecked_into();
    assert_eq!(copy.text_content().as_deref(), Some("Copy"));
    copy.click();
    // Headless Chromium may refuse clipboard access; either way the button says what happened.
    for _ in 0..20 {
        settle().await;
        if copy.text_content().as_deref() != Some("Copy") {
            break;
        }
    }
    let label = copy.text_content().unwrap_or_default();
    assert!(label == "Copied" || label == "Copy failed", "{label}");
    handle.destroy();
    root.remove();
}

#[wasm_bindgen_test]
fn a_timer_from_an_earlier_report_leaves_a_repeated_toast() {
    let mut store = ToastStore::default();
    let id = store.push(ToastTone::Info, ToastMessage::Cancelled, None);
    let first = store.stamp_of(id).expect("shown");
    // Reported again before its timer ran out: the same toast, a fresh stamp.
    assert_eq!(
        store.push(ToastTone::Info, ToastMessage::Cancelled, None),
        id
    );
    let second = store.stamp_of(id).expect("shown");
    assert_ne!(first, second);
    store.expire(id, first);
    assert_eq!(
        store.toasts.len(),
        1,
        "the first timer must not cut it short"
    );
    store.expire(id, second);
    assert!(
        store.toasts.is_empty(),
        "the latest report's timer removes it"
    );
}

/// Mounts the toasts under their own store root and returns the service bound to it.
async fn mount() -> (web_sys::Element, yew::AppHandle<Harness>, ToastService) {
    let service = Rc::new(RefCell::new(None));
    let root = mount_point();
    let handle = yew::Renderer::<Harness>::with_root_and_props(
        root.clone(),
        HarnessProps {
            service: service.clone(),
        },
    )
    .render();
    settle().await;
    let captured = service.borrow().clone();
    (root, handle, captured.expect("the harness rendered"))
}
