//! The app starts: the shell renders and the app logs no error.

use fantoccini::Locator;
use trustyconvert_e2e::flow::assert_no_app_errors;
use trustyconvert_e2e::{Stack, StackOptions};

#[tokio::test(flavor = "multi_thread")]
async fn shell_renders_without_console_errors() -> trustyconvert_e2e::Result<()> {
    let stack = Stack::start(StackOptions::default()).await?;
    stack.open_app("/").await?;

    let brand = stack
        .browser
        .find(Locator::Css(".brand-name"))
        .await?
        .text()
        .await?;
    assert_eq!(brand, "TrustyConvert");
    let drop_panel = stack
        .browser
        .find(Locator::Css("[data-testid=dropzone]"))
        .await?
        .text()
        .await?;
    assert!(
        drop_panel.contains("Drop a file"),
        "drop panel says: {drop_panel}"
    );
    assert!(stack
        .browser
        .find(Locator::Css("footer.footer"))
        .await
        .is_ok());
    // The stylesheet is applied: the header is navy, not the browser default.
    let header_colour = stack
        .browser
        .execute(
            "return getComputedStyle(document.querySelector('header.header')).backgroundColor",
            vec![],
        )
        .await?;
    assert_eq!(header_colour.as_str(), Some("rgb(44, 62, 80)"));

    assert_no_app_errors(&stack).await?;
    stack.stop().await
}

#[tokio::test(flavor = "multi_thread")]
async fn deep_link_gets_the_app_through_the_spa_fallback() -> trustyconvert_e2e::Result<()> {
    let stack = Stack::start(StackOptions::default()).await?;
    stack.open_app("/some/deep/link").await?;
    let title = stack.browser.title().await?;
    assert!(title.starts_with("TrustyConvert"), "title: {title}");
    stack.stop().await
}
