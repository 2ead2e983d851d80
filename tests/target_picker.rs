//! The target picker: only the targets the catalog allows, aliases merged, grouped, labelled,
//! the default preselected, and a change reported as the server's spelling.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::json;
use support::*;
use trustyconvert_core::FormatCatalog;
use trustyconvert_web::components::target_picker::{target_picker, TargetPickerProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The picker is a plain function in the app; a component lets a test mount it alone.
#[component]
fn TargetPicker(props: &TargetPickerProps) -> Html {
    target_picker(props)
}

fn catalog() -> FormatCatalog {
    FormatCatalog::from_data(&json!([
        {"id": "image", "inputFormats": ["png", "jpeg"], "outputFormats": ["jpeg", "png", "webp", "pdf"]},
        {"id": "legacy", "input_formats": ["jpg"], "output_formats": ["JPG", "bmp", "tif"]},
        {"id": "text", "inputFormats": ["md"], "outputFormats": ["html"]}
    ]))
    .expect("a catalog")
}

fn option_values(root: &web_sys::Element) -> Vec<String> {
    let options = root.query_selector_all("select option").expect("options");
    (0..options.length())
        .filter_map(|i| options.get(i))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlOptionElement>().ok())
        .map(|option| option.value())
        .collect()
}

#[wasm_bindgen_test]
async fn offers_only_valid_targets_once_with_the_default_selected() {
    let chosen = Rc::new(RefCell::new(Vec::<String>::new()));
    let sink = chosen.clone();
    let targets = catalog().targets_for("png");
    let root = mount_point();
    let props = TargetPickerProps {
        targets,
        selected: None,
        disabled: false,
        on_change: Callback::from(move |value: String| sink.borrow_mut().push(value)),
        language: english(),
        id: None,
        label: None,
    };
    let handle = yew::Renderer::<TargetPicker>::with_root_and_props(root.clone(), props).render();
    settle().await;

    let values = option_values(&root);
    // PNG itself is not offered; JPEG once although listed as jpeg and JPG.
    assert!(!values.iter().any(|v| v == "png"), "{values:?}");
    assert_eq!(
        values
            .iter()
            .filter(|v| v.eq_ignore_ascii_case("jpeg") || v.eq_ignore_ascii_case("jpg"))
            .count(),
        1,
        "{values:?}"
    );
    assert!(
        values.contains(&"pdf".to_owned()) && values.contains(&"webp".to_owned()),
        "{values:?}"
    );
    assert!(
        !values.contains(&"html".to_owned()),
        "Markdown's target is not PNG's: {values:?}"
    );

    let select: web_sys::HtmlSelectElement = root
        .query_selector("select#target-format")
        .ok()
        .flatten()
        .expect("the select")
        .unchecked_into();
    assert_eq!(
        select.value(),
        "jpeg",
        "JPEG is PNG's default, sent as the server spells it"
    );
    let label = root
        .query_selector("label[for=target-format]")
        .ok()
        .flatten()
        .expect("a label");
    assert_eq!(label.text_content().as_deref(), Some("Convert to"));
    let groups = root.query_selector_all("optgroup").expect("groups");
    let labels: Vec<String> = (0..groups.length())
        .filter_map(|i| groups.get(i))
        .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
        .filter_map(|group| group.get_attribute("label"))
        .collect();
    assert_eq!(
        labels,
        vec!["Image", "Document"],
        "the source's own group first"
    );

    select.set_value("pdf");
    select
        .dispatch_event(&web_sys::Event::new("change").expect("an event"))
        .expect("dispatched");
    settle().await;
    assert_eq!(*chosen.borrow(), vec!["pdf".to_owned()]);
    handle.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_source_without_targets_says_so() {
    let root = mount_point();
    let props = TargetPickerProps {
        targets: catalog().targets_for("exe"),
        selected: None,
        disabled: false,
        on_change: Callback::noop(),
        language: english(),
        id: None,
        label: None,
    };
    let handle = yew::Renderer::<TargetPicker>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert!(root.query_selector("select").ok().flatten().is_none());
    assert!(root
        .text_content()
        .unwrap_or_default()
        .contains("No conversion"));
    handle.destroy();
    root.remove();
}
