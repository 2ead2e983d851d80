//! The prerendered first view in the browser: hydration takes over the server renderer's markup
//! without replacing a node or changing a text (Yew replaces or panics on a mismatch without a
//! warning, so this is the check), and a file chosen on the prerendered input or dropped on the
//! page before the app started is picked up once the format list has loaded.
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use support::dom::*;
use support::*;
use trustyconvert_core::i18n;
use trustyconvert_web::components::app::{App, AppProps};
use trustyconvert_web::config::AppConfig;
use trustyconvert_web::first_view;
use trustyconvert_web::language::Language;
use trustyconvert_web::transport::SharedTransport;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Where a test writes on each element, to find the same node again after hydration.
const MARK: &str = "__firstViewMark";

/// The format list and the session answered after `latency`, so that what hydration produces
/// can be looked at before any answer changes it.
fn slow_server(latency: Duration) -> Rc<ScriptedServer> {
    server_with_formats(latency, 1000)
}

fn props(server: &Rc<ScriptedServer>) -> AppProps {
    let mut props = first_view::props(AppConfig::default(), english());
    props.transport = Some(server.as_override());
    props
}

/// The app rendered by Yew's server renderer (as the build does), inserted into a fresh root.
async fn prerendered(server: &Rc<ScriptedServer>) -> web_sys::Element {
    clear_csrf_cookie();
    let markup = yew::LocalServerRenderer::<App>::with_props(props(server))
        .render()
        .await;
    let root = mount_point();
    root.set_inner_html(&markup);
    root
}

#[derive(Properties, PartialEq)]
struct ProbeProps {
    transport: SharedTransport,
    language: Language,
    /// Called in the first effect after hydration: children's effects have run, none of the
    /// work they started (session, formats) has answered yet.
    on_hydrated: Callback<()>,
}

/// The app as the first view renders it, plus a look at the page the moment hydration is done.
#[component]
fn Probe(props: &ProbeProps) -> Html {
    let on_hydrated = props.on_hydrated.clone();
    use_effect_with((), move |_| on_hydrated.emit(()));
    let mut app = first_view::props(AppConfig::default(), props.language);
    app.transport = Some(props.transport.clone());
    html! { <App ..app /> }
}

#[wasm_bindgen_test]
async fn hydration_keeps_every_prerendered_node_and_text_in_every_language() {
    for language in i18n::LANGUAGES {
        hydration_keeps_every_node_and_text(Language(language)).await;
    }
}

/// The page prerendered in `language` and hydrated in it: same nodes, same text, in that
/// language.
async fn hydration_keeps_every_node_and_text(language: Language) {
    let server = slow_server(Duration::from_millis(200));
    clear_csrf_cookie();
    let probe = |on_hydrated| ProbeProps {
        transport: server.as_override(),
        language,
        on_hydrated,
    };
    let markup = yew::LocalServerRenderer::<Probe>::with_props(probe(Callback::noop()))
        .render()
        .await;
    let root = mount_point();
    root.set_inner_html(&markup);
    assert!(
        query(&root, "label[for=file-input]").is_some() && query(&root, "#file-input").is_some(),
        "the prerendered view holds the file input and its label: {markup}"
    );
    let before = all(&root, "*");
    for (index, element) in before.iter().enumerate() {
        js_sys::Reflect::set(element, &MARK.into(), &JsValue::from(index as u32)).expect("marked");
    }
    let text_before = root.text_content().unwrap_or_default();
    assert!(
        text_before.contains(language.0.drop.lead),
        "prerendered in {}: {text_before}",
        language.0.info.code
    );

    // What the page holds right after hydration: (elements, how many kept their mark, text).
    let seen = Rc::new(RefCell::new(None::<(usize, usize, String)>));
    let on_hydrated = {
        let (seen, root) = (seen.clone(), root.clone());
        Callback::from(move |()| {
            let after = all(&root, "*");
            let kept = after
                .iter()
                .enumerate()
                .filter(|(index, element)| {
                    js_sys::Reflect::get(element, &MARK.into())
                        .ok()
                        .and_then(|mark| mark.as_f64())
                        == Some(*index as f64)
                })
                .count();
            let text = root.text_content().unwrap_or_default();
            *seen.borrow_mut() = Some((after.len(), kept, text));
        })
    };
    let app =
        yew::Renderer::<Probe>::with_root_and_props(root.clone(), probe(on_hydrated)).hydrate();
    // Hydration's first effects run on Yew's scheduler: a busy machine may need more than a
    // fixed pause.
    wait_until(|| seen.borrow().is_some()).await;

    let (count, kept, text) = seen.borrow().clone().expect("hydrated");
    assert_eq!(count, before.len(), "{}", root.inner_html());
    assert_eq!(
        kept,
        before.len(),
        "nodes were replaced or moved: {}",
        root.inner_html()
    );
    assert_eq!(text, text_before, "in {}", language.0.info.code);
    assert_eq!(
        server.count("/convert/formats"),
        1,
        "the hydrated app runs its effects"
    );

    // The app is live: the format list arrives and a chosen file is taken.
    wait_for_text(&root, "#dropzone-hint", "PNG").await;
    pick_file(&root, &file("photo.png", "png"));
    wait_for_state(&root, "chosen").await;
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_file_chosen_before_the_app_started_is_taken_once_formats_load() {
    let server = slow_server(Duration::from_millis(200));
    let root = prerendered(&server).await;
    // The person chose a file on the prerendered input: no app, so no `change` handler ran.
    let input: web_sys::HtmlInputElement = find(&root, "#file-input").unchecked_into();
    input.set_files(transfer_of(&file("early.png", "png")).files().as_ref());

    let app = hydrate_until_chosen(&root, &server, "early.png").await;
    assert!(
        query(&root, "[data-testid=file-rejection]").is_none(),
        "validated against the loaded list, not an empty one"
    );
    let same_input = find(&root, "#file-input");
    assert!(
        JsValue::from(same_input) == JsValue::from(input),
        "the input is the prerendered node"
    );
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_file_dropped_on_the_page_before_the_app_started_is_taken() {
    let server = slow_server(Duration::from_millis(50));
    let root = prerendered(&server).await;
    let _boot_script = HeldDrop::of(&file("dropped.png", "png"));

    let app = hydrate_until_chosen(&root, &server, "dropped.png").await;
    app.destroy();
    root.remove();
}

/// Hydrates the prerendered `root` and waits until the panel shows `name` as the chosen file.
async fn hydrate_until_chosen(
    root: &web_sys::Element,
    server: &Rc<ScriptedServer>,
    name: &str,
) -> yew::AppHandle<App> {
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props(server)).hydrate();
    wait_for_state(root, "chosen").await;
    let panel = text_of(root, "[data-testid=conversion-panel]");
    assert!(panel.contains(name), "{name} is not shown: {panel}");
    app
}

/// What static/boot.js provides the app: the files of the last drop, handed over once. Gone
/// again when dropped, also when the test fails, so no other test sees it.
struct HeldDrop;

const TAKE_DROPPED: &str = "trustyconvertTakeDropped";

impl HeldDrop {
    fn of(dropped: &web_sys::File) -> Self {
        let window = gloo::utils::window();
        let held = js_sys::Array::of1(dropped);
        js_sys::Reflect::set(&window, &"__heldForTest".into(), &held).expect("set");
        let take = js_sys::Function::new_no_args(
            "var files = window.__heldForTest || []; window.__heldForTest = []; return files;",
        );
        js_sys::Reflect::set(&window, &TAKE_DROPPED.into(), &take).expect("set");
        HeldDrop
    }
}

impl Drop for HeldDrop {
    fn drop(&mut self) {
        let _ = js_sys::Reflect::delete_property(&gloo::utils::window(), &TAKE_DROPPED.into());
    }
}
