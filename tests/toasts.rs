//! The toasts in the browser: a live region that is always there, one toast per event however
//! often it is reported, errors as alerts with their reference and a Copy button.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::rc::Rc;

use support::*;
use trustyconvert_core::{ApiError, ApiErrorKind};
use trustyconvert_web::components::toasts::Toasts;
use trustyconvert_web::toast::{ToastService, ToastStore};
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
            <Toasts />
        </YewduxRoot>
    }
}

fn all(root: &web_sys::Element, css: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(css).expect("a selector");
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
        .collect()
}

fn rate_limited() -> ApiError {
    ApiError::new(ApiErrorKind::RateLimited {
        retry_after_secs: Some(7),
    })
    .with_status(429)
    .with_correlation_id(Some("c-429-abc".to_owned()))
}

#[wasm_bindgen_test]
async fn one_toast_per_event_in_a_polite_live_region() {
    let (root, handle, service) = mount().await;
    let region = all(&root, "[data-testid=toasts]");
    assert_eq!(region.len(), 1, "the live region exists before any toast");
    assert_eq!(
        region[0].get_attribute("aria-live").as_deref(),
        Some("polite")
    );
    assert!(all(&root, "[data-testid=toast]").is_empty());

    service.api_error(&rate_limited());
    service.api_error(&rate_limited());
    service.info("Cancelled.");
    settle().await;
    let toasts = all(&root, "[data-testid=toast]");
    assert_eq!(toasts.len(), 2, "the same error twice is one toast");

    let error = &toasts[0];
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
    let text = error.text_content().unwrap_or_default();
    assert!(text.contains("wait 7 seconds"), "429 says how long: {text}");
    assert!(text.contains("c-429-abc"), "the reference: {text}");
    assert_eq!(all(error, "[data-testid=copy-reference]").len(), 1);

    let info = &toasts[1];
    assert_eq!(
        info.get_attribute("role"),
        None,
        "non-errors are polite, not alerts"
    );
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
