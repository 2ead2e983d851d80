//! Every language's page in a real browser: it loads in its language without a console error,
//! converts a PNG to JPEG with the status and toasts in that language, passes axe's WCAG 2.1
//! A/AA rules at each step; the menu switches in place with a file chosen; a reload stays in
//! the chosen language; a deep link is served in its language; and the German page converts
//! behind nginx under the deploy kit's strict policy.

use trustyconvert_core::i18n::{self, fill, Catalogue};
use trustyconvert_e2e::flow::*;
use trustyconvert_e2e::{axe, screens, Result, Stack, StackOptions, StaticSite};

const STATE: &str = "[data-testid=session-state]";

fn language(code: &str) -> &'static Catalogue {
    i18n::catalogue(code).unwrap_or_else(|| panic!("no language {code}"))
}

/// `text` as WebDriver reads an element's text: no-break spaces (French "Terminé : …") come
/// back as plain spaces.
fn as_read(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}'], " ")
}

async fn document_lang(stack: &Stack) -> Result<String> {
    let lang = stack
        .browser
        .execute("return document.documentElement.lang", vec![])
        .await?;
    Ok(lang.as_str().unwrap_or_default().to_owned())
}

/// Opens `t`'s page and waits until it is running in `t`: formats listed, the session started
/// (a first visit) or found (the cookie of an earlier page).
async fn open_in(stack: &Stack, t: &Catalogue) -> Result<()> {
    stack.open_app(t.info.home).await?;
    stack.wait_for_text("#dropzone-hint", "PNG").await?;
    let (active, found) = (as_read(t.session.active), as_read(t.session.found));
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let session = stack.text(STATE).await.unwrap_or_default();
        if session == active || session == found {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("{}: the session bar says {session:?}", t.info.code).into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(document_lang(stack).await?, t.info.html_lang);
    Ok(())
}

/// Converts `photo.png` (chosen already) to the default JPEG and checks what the person reads.
async fn convert_and_check_texts(stack: &Stack, t: &Catalogue, downloads: usize) -> Result<()> {
    stack.click("[data-testid=convert]").await?;
    wait_for_state(stack, "completed").await?;
    stack.wait_for_text("h2", &as_read(t.done.heading)).await?;
    let done = as_read(&fill(t.toasts.done, &[("name", "photo.jpg")]));
    stack
        .wait_for_text("[data-testid=toasts-polite]", &done)
        .await?;
    let button = stack.text("[data-testid=download]").await?;
    assert_eq!(
        button,
        as_read(&fill(t.done.download, &[("target", "JPEG")]))
    );
    download_and_check(stack, downloads, (48, 32)).await?;
    let downloading = as_read(&fill(t.toasts.downloading, &[("name", "photo.jpg")]));
    stack
        .wait_for_text("[data-testid=toasts-polite]", &downloading)
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn each_language_page_converts_in_its_language_and_passes_axe() -> Result<()> {
    let stack = Stack::start(StackOptions::default()).await?;
    let inputs = tempfile::tempdir()?;
    for (index, t) in i18n::LANGUAGES.iter().enumerate() {
        let code = t.info.code;
        open_in(&stack, t).await?;
        let title = stack.browser.title().await?;
        assert_eq!(title, t.page.title);
        let lead = stack.text(".dropzone-lead").await?;
        assert_eq!(lead, as_read(t.drop.lead));
        axe::assert_no_violations(&stack.browser, &format!("{code}: empty")).await?;
        screens::capture(&stack, &format!("lang-{code}-1-empty")).await?;

        choose_png(&stack, inputs.path(), "photo.png", (48, 32)).await?;
        stack
            .wait_for_text("h2", &as_read(t.convert.ready_heading))
            .await?;
        axe::assert_no_violations(&stack.browser, &format!("{code}: file chosen")).await?;

        convert_and_check_texts(&stack, t, index).await?;
        axe::assert_no_violations(&stack.browser, &format!("{code}: done")).await?;
        screens::capture(&stack, &format!("lang-{code}-2-done")).await?;
        assert_no_app_errors(&stack).await?;
    }
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_menu_switches_from_german_to_french_keeping_the_file_and_a_reload_stays_french(
) -> Result<()> {
    let (german, french) = (language("de"), language("fr"));
    let stack = Stack::start(StackOptions::default()).await?;
    open_in(&stack, german).await?;
    let inputs = tempfile::tempdir()?;
    choose_png(&stack, inputs.path(), "photo.png", (48, 32)).await?;
    stack
        .wait_for_text("h2", &as_read(german.convert.ready_heading))
        .await?;

    stack
        .click("[data-testid=language-menu] a[hreflang=fr]")
        .await?;
    stack
        .wait_for_text("h1", &as_read(french.convert.heading))
        .await?;
    let url = stack.browser.current_url().await?;
    assert_eq!(url.path(), "/fr/", "the address is the French page's");
    assert_eq!(document_lang(&stack).await?, "fr");
    assert_eq!(stack.browser.title().await?, french.page.title);
    assert_eq!(stack.text("[data-testid=file-name]").await?, "photo.png");
    assert_eq!(state(&stack).await, "chosen", "the chosen file is kept");
    stack
        .wait_for_text("h2", &as_read(french.convert.ready_heading))
        .await?;
    convert_and_check_texts(&stack, french, 0).await?;
    assert_no_app_errors(&stack).await?;

    // The choice is remembered; the French page reloads in French.
    stack.browser.refresh().await?;
    stack
        .wait_for_text(STATE, &as_read(french.session.found))
        .await?;
    assert_eq!(document_lang(&stack).await?, "fr");
    stack
        .wait_for_text("h1", &as_read(french.convert.heading))
        .await?;
    let remembered = stack
        .browser
        .execute(
            "return localStorage.getItem('trustyconvert:language')",
            vec![],
        )
        .await?;
    assert_eq!(remembered.as_str(), Some("fr"));
    // The default page remembers too: it switches to French in place.
    stack.open_app("/").await?;
    stack
        .wait_for_text("h1", &as_read(french.convert.heading))
        .await?;
    assert_eq!(stack.browser.current_url().await?.path(), "/fr/");
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deep_link_into_a_language_is_served_in_that_language() -> Result<()> {
    let spanish = language("es");
    let stack = Stack::start(StackOptions::default()).await?;
    stack.open_app("/es/some/deep/link").await?;
    stack
        .wait_for_text("h1", &as_read(spanish.convert.heading))
        .await?;
    assert_eq!(document_lang(&stack).await?, "es");
    let page = stack.browser.source().await?;
    for info in i18n::INFOS {
        assert!(
            page.contains(&format!(
                r#"<link rel="alternate" hreflang="{}" href="{}">"#,
                info.html_lang, info.home
            )),
            "hreflang {} in the page",
            info.code
        );
    }
    assert!(page.contains(r#"hreflang="x-default" href="/""#));
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_german_page_converts_behind_nginx_under_the_strict_policy() -> Result<()> {
    let german = language("de");
    let stack = Stack::start(StackOptions {
        static_site: Some(StaticSite {
            api_host: "api.trustyconvert.test",
            cookie_domain: Some("trustyconvert.test"),
        }),
        ..StackOptions::default()
    })
    .await?;
    open_in(&stack, german).await?;
    let inputs = tempfile::tempdir()?;
    choose_png(&stack, inputs.path(), "photo.png", (48, 32)).await?;
    convert_and_check_texts(&stack, german, 0).await?;
    // The deploy step made the alternates absolute at the site's origin.
    let port = stack
        .static_host
        .as_ref()
        .map(|host| host.port)
        .unwrap_or(0);
    let page = stack.browser.source().await?;
    let french = format!(
        r#"hreflang="fr" href="http://{}:{port}/fr/""#,
        trustyconvert_e2e::APP_HOST
    );
    assert!(page.contains(&french), "absolute alternates: {french}");
    // A deep link on the static host is the German page too (nginx's language location).
    stack.open_app("/de/anything").await?;
    stack
        .wait_for_text("h1", &as_read(german.convert.heading))
        .await?;
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_browser_preferring_spanish_is_offered_spanish_on_the_default_page_not_redirected(
) -> Result<()> {
    let spanish = language("es");
    let stack = Stack::start(StackOptions::default()).await?;
    // The browser's language preference, as a Spanish-speaking person's would be.
    let agent = stack
        .browser
        .execute("return navigator.userAgent", vec![])
        .await?;
    trustyconvert_e2e::browser::cdp(
        &stack.browser,
        "Emulation.setUserAgentOverride",
        serde_json::json!({"userAgent": agent, "acceptLanguage": "es-ES,es"}),
    )
    .await?;
    let offer = "[data-testid=language-suggestion]";
    open_in(&stack, i18n::default_language()).await?;
    stack.wait_for_text(offer, spanish.info.suggestion).await?;
    assert_eq!(
        stack.browser.current_url().await?.path(),
        "/",
        "no redirect"
    );
    assert_eq!(document_lang(&stack).await?, "en");
    axe::assert_no_violations(&stack.browser, "en: the suggestion of Spanish").await?;

    // Dismissed: not offered again, the page stays English.
    stack
        .click("[data-testid=language-suggestion-dismiss]")
        .await?;
    stack.browser.refresh().await?;
    open_in(&stack, i18n::default_language()).await?;
    stack.quiet_period().await;
    assert!(stack.text(offer).await.is_err(), "offered again");

    // Followed (a fresh start): the Spanish page in place, remembered.
    stack
        .browser
        .execute("localStorage.clear()", vec![])
        .await?;
    stack.browser.refresh().await?;
    stack.wait_for_text(offer, spanish.info.suggestion).await?;
    stack.click(&format!("{offer} a")).await?;
    stack
        .wait_for_text("h1", &as_read(spanish.convert.heading))
        .await?;
    assert_eq!(stack.browser.current_url().await?.path(), "/es/");
    assert!(stack.text(offer).await.is_err(), "the suggestion is gone");
    assert_no_app_errors(&stack).await?;
    stack.stop().await
}
