//! Component tests for the app shell and its runtime configuration, in headless Chromium.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use trustyconvert_web::components::app::{App, AppProps};
use trustyconvert_web::config::{AppConfig, API_BASE_META, LOG_LEVEL_META};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount_point() -> web_sys::Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("a div");
    gloo::utils::body().append_child(&root).expect("appended");
    root
}

/// Lets Yew's scheduler render.
async fn settle() {
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
}

#[wasm_bindgen_test]
async fn shell_shows_product_name_drop_panel_and_footer() {
    let root = mount_point();
    let props = AppProps {
        config: AppConfig::default(),
        language: trustyconvert_web::language::Language(
            trustyconvert_core::i18n::default_language(),
        ),
        transport: None,
    };
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    settle().await;

    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("TrustyConvert"), "rendered: {text}");
    assert!(text.contains("Drop a file here"), "rendered: {text}");
    assert!(root.query_selector("main#main").ok().flatten().is_some());
    assert!(root
        .query_selector("footer.footer")
        .ok()
        .flatten()
        .is_some());
    app.destroy();
    root.remove();
}

fn set_meta(name: &str, content: &str) -> web_sys::Element {
    let meta = gloo::utils::document()
        .create_element("meta")
        .expect("a meta");
    meta.set_attribute("name", name).expect("name");
    meta.set_attribute("content", content).expect("content");
    gloo::utils::head().append_child(&meta).expect("appended");
    meta
}

#[wasm_bindgen_test]
fn config_comes_from_meta_tags_with_defaults() {
    assert_eq!(AppConfig::from_document(), AppConfig::default());

    let base = set_meta(API_BASE_META, "https://api.example.com/v1/");
    let level = set_meta(LOG_LEVEL_META, "debug");
    let config = AppConfig::from_document();
    assert_eq!(config.api_base, "https://api.example.com/v1");
    assert_eq!(config.log_level, log::Level::Debug);
    base.remove();
    level.remove();

    let bad = set_meta(LOG_LEVEL_META, "loud");
    assert_eq!(AppConfig::from_document().log_level, log::Level::Info);
    bad.remove();
}
