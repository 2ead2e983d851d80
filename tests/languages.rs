//! The app in other languages: every text of a mounted app in German and Chinese, errors worded
//! in the page's language, and switching in place from the menu (address, document, texts; the
//! chosen file kept; back goes back; the choice remembered).
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use support::dom::*;
use support::*;
use trustyconvert_core::i18n::{self, fill, Catalogue};
use trustyconvert_core::{ApiError, ApiErrorKind};
use trustyconvert_web::browser::page;
use trustyconvert_web::components::app::{App, AppProps};
use trustyconvert_web::components::toasts::Toasts;
use trustyconvert_web::config::AppConfig;
use trustyconvert_web::language::{catalogues, Language};
use trustyconvert_web::toast::{ToastService, ToastStore};
use wasm_bindgen_test::*;
use yew::prelude::*;
use yewdux::{use_dispatch, YewduxRoot};

wasm_bindgen_test_configure!(run_in_browser);

fn language(code: &str) -> &'static Catalogue {
    i18n::catalogue(code).expect("a language the app speaks")
}

/// Puts the shared page back (address, `lang`, title, the remembered choice, the cookie) when
/// dropped, also when the test fails.
struct LanguageRestored {
    path: String,
    _page: PageRestored,
}

impl LanguageRestored {
    fn new() -> Self {
        forget_choice();
        Self {
            path: page::path(),
            _page: PageRestored,
        }
    }
}

impl Drop for LanguageRestored {
    fn drop(&mut self) {
        page::go_to(&self.path, false);
        let english = i18n::default_language();
        page::set_language(
            english.info.html_lang,
            english.page.title,
            english.page.description,
        );
        forget_choice();
    }
}

fn forget_choice() {
    if let Some(storage) = gloo::utils::window().local_storage().ok().flatten() {
        let _ = storage.remove_item(page::CHOSEN_LANGUAGE_KEY);
    }
}

fn remembered() -> Option<String> {
    gloo::utils::window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|storage| storage.get_item(page::CHOSEN_LANGUAGE_KEY).ok().flatten())
}

/// 72,499 bytes: "70.8 KB" / "70,8 KB", so the hint shows the language's decimal separator.
const MAX_SIZE: u64 = 72_499;

async fn mount_app(in_language: &'static Catalogue) -> (web_sys::Element, yew::AppHandle<App>) {
    let server = server_with_formats(Duration::from_millis(10), MAX_SIZE);
    let root = mount_point();
    let props = AppProps {
        config: AppConfig::default(),
        language: Language(in_language),
        transport: Some(server.as_override()),
    };
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    wait_for_text(&root, "#dropzone-hint", "PNG").await;
    (root, app)
}

fn document_lang() -> String {
    gloo::utils::document()
        .document_element()
        .and_then(|root| root.get_attribute("lang"))
        .unwrap_or_default()
}

/// The texts of the empty page and the session bar, in `t`.
async fn assert_speaks(root: &web_sys::Element, t: &'static Catalogue) {
    let text = root.text_content().unwrap_or_default();
    for expected in [t.convert.heading, t.drop.lead, t.drop.choose, t.page.footer] {
        assert!(
            text.contains(expected),
            "{}: no {expected:?} in {text}",
            t.info.code
        );
    }
    wait_for_text(root, "[data-testid=session-state]", t.session.active).await;
    let hint = text_of(root, "#dropzone-hint");
    assert!(hint.contains(&t.size(MAX_SIZE)), "{}: {hint}", t.info.code);
    let menu = find(root, "[data-testid=language-menu]");
    assert_eq!(
        menu.get_attribute("aria-label").as_deref(),
        Some(t.header.languages)
    );
    let current = find(root, "[aria-current=page]");
    assert_eq!(
        current.get_attribute("hreflang").as_deref(),
        Some(t.info.html_lang)
    );
}

#[wasm_bindgen_test]
async fn the_app_renders_every_text_in_german_and_in_chinese() {
    let _restored = LanguageRestored::new();
    for code in ["de", "zh"] {
        let t = language(code);
        let (root, app) = mount_app(t).await;
        assert_speaks(&root, t).await;
        assert_eq!(document_lang(), t.info.html_lang, "the document follows");
        assert_eq!(gloo::utils::document().title(), t.page.title);
        // Choosing a file: the summary and the picker in the language too.
        pick_file(&root, &file("photo.png", "png"));
        wait_for_state(&root, "chosen").await;
        let chosen = root.text_content().unwrap_or_default();
        assert!(chosen.contains(t.convert.ready_heading), "{chosen}");
        assert!(chosen.contains(t.convert.target_label), "{chosen}");
        app.destroy();
        root.remove();
    }
}

#[derive(Properties, Clone)]
struct ToastsProps {
    language: Language,
    service: Rc<RefCell<Option<ToastService>>>,
}

impl PartialEq for ToastsProps {
    fn eq(&self, other: &Self) -> bool {
        self.language == other.language && Rc::ptr_eq(&self.service, &other.service)
    }
}

#[component]
fn Capture(props: &ToastsProps) -> Html {
    *props.service.borrow_mut() = Some(ToastService::new(use_dispatch::<ToastStore>()));
    html! {}
}

#[component]
fn ToastsIn(props: &ToastsProps) -> Html {
    html! {
        <YewduxRoot>
            <Capture ..props.clone() />
            <Toasts language={props.language} />
        </YewduxRoot>
    }
}

#[wasm_bindgen_test]
async fn an_api_error_is_worded_in_the_pages_language_with_the_servers_own_message_kept() {
    let _restored = LanguageRestored::new();
    for code in ["fr", "zh"] {
        let t = language(code);
        let service = Rc::new(RefCell::new(None));
        let root = mount_point();
        let props = ToastsProps {
            language: Language(t),
            service: service.clone(),
        };
        let handle = yew::Renderer::<ToastsIn>::with_root_and_props(root.clone(), props).render();
        settle().await;
        let service = service.borrow().clone().expect("rendered");

        let limited = ApiError::new(ApiErrorKind::RateLimited {
            retry_after_secs: Some(7),
        })
        .with_status(429)
        .with_correlation_id(Some("c-429".to_owned()));
        service.api_error(&limited);
        // A validation error carries the server's own words: shown as sent.
        let refused = ApiError::new(ApiErrorKind::Validation {
            server_type: "FileValidationError".to_owned(),
            message: Some("The file is named .csv but its content is png.".to_owned()),
        });
        service.api_error(&refused);
        settle().await;

        let text = text_of(&root, "[data-testid=toasts-alerts]");
        let advice = t.count(&t.errors.wait_seconds, 7);
        let expected = fill(t.errors.rate_limited, &[("advice", &advice)]);
        assert!(text.contains(&expected), "{code}: {expected:?} in {text}");
        let reference = fill(t.toasts.reference, &[("id", "c-429")]);
        assert!(text.contains(&reference), "{code}: {reference:?} in {text}");
        assert!(text.contains("The file is named .csv but its content is png."));
        let copy = find(&root, "[data-testid=copy-reference]");
        assert_eq!(
            copy.get_attribute("aria-label").as_deref(),
            Some(t.toasts.copy_label)
        );
        handle.destroy();
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn the_menu_switches_in_place_keeps_the_file_and_back_goes_back() {
    let _restored = LanguageRestored::new();
    let (english, french) = (i18n::default_language(), language("fr"));
    // As if read from the French page before: the switch needs no request here.
    catalogues::keep(french);
    let (root, app) = mount_app(english).await;
    pick_file(&root, &file("photo.png", "png"));
    wait_for_state(&root, "chosen").await;

    click(&root, "[data-testid=language-menu] a[hreflang=fr]");
    wait_for_text(&root, "h1", french.convert.heading).await;
    assert_eq!(page::path(), "/fr/", "the address is the French page's");
    assert_eq!(document_lang(), "fr");
    assert_eq!(gloo::utils::document().title(), french.page.title);
    assert_eq!(panel_state(&root), "chosen", "the chosen file is kept");
    assert_eq!(text_of(&root, "[data-testid=file-name]"), "photo.png");
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains(french.convert.ready_heading), "{text}");
    assert!(!text.contains(english.convert.ready_heading), "{text}");
    assert_eq!(
        remembered().as_deref(),
        Some("fr"),
        "the choice is remembered"
    );

    // Back: the previous page's language, in place.
    gloo::utils::window()
        .history()
        .expect("history")
        .back()
        .expect("back");
    wait_for_text(&root, "h1", english.convert.heading).await;
    assert_eq!(document_lang(), "en");
    assert_eq!(panel_state(&root), "chosen");
    app.destroy();
    root.remove();
}

fn remember(code: &str) {
    if let Some(storage) = gloo::utils::window().local_storage().ok().flatten() {
        let _ = storage.set_item(page::CHOSEN_LANGUAGE_KEY, code);
    }
}

#[wasm_bindgen_test]
async fn a_remembered_choice_switches_the_default_page_in_place_or_leaves_it_when_unreadable() {
    let _restored = LanguageRestored::new();
    let english = i18n::default_language();
    assert!(
        i18n::is_default_page(&page::path()),
        "the runner serves the default page"
    );
    let history_before = gloo::utils::window()
        .history()
        .and_then(|history| history.length())
        .unwrap_or(0);

    // Spanish was chosen on an earlier visit but its page cannot be read here (the test
    // server has none, and no test in this file has handed its texts over): the page stays
    // English, where it is.
    let spanish = i18n::by_code("es").expect("Spanish");
    assert!(
        catalogues::kept(spanish).is_none(),
        "Spanish must be unread here"
    );
    remember("es");
    let (root, app) = mount_app(english).await;
    // "Nothing happens": time for the page fetch to fail (the test server answers at once).
    gloo::timers::future::sleep(Duration::from_millis(500)).await;
    assert_eq!(page::path(), "/", "no switch without the texts");
    assert_eq!(document_lang(), "en");
    assert_eq!(text_of(&root, "h1"), english.convert.heading);
    app.destroy();
    root.remove();

    // German was chosen and its texts are at hand: the page switches in place, the address
    // replaced (not a new history entry), and no suggestion.
    let german = language("de");
    catalogues::keep(german);
    remember("de");
    let (root, app) = mount_app(english).await;
    wait_for_text(&root, "h1", german.convert.heading).await;
    assert_eq!(page::path(), "/de/");
    assert_eq!(document_lang(), "de");
    let history_after = gloo::utils::window()
        .history()
        .and_then(|history| history.length())
        .unwrap_or(0);
    assert_eq!(history_after, history_before, "replaced, not pushed");
    assert!(query(&root, "[data-testid=language-suggestion]").is_none());
    app.destroy();
    root.remove();
}
