//! One test's world: the reference server serving the built app, chromedriver, a browser.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::{Client, Locator};
use tempfile::TempDir;

use crate::browser::{self, BrowserOptions, Chromedriver};
use crate::console::{self, ConsoleEntry};
use crate::hooks::Hooks;
use crate::static_host::Nginx;
use crate::Result;

/// How a test wants its world.
#[derive(Debug, Clone)]
pub struct StackOptions {
    pub window: (u32, u32),
    /// Adjusts the server's configuration (limits, flags) before it starts.
    pub configure: fn(&mut trustyconvert_server::Config),
    /// Navigation returns before the page has loaded (see `BrowserOptions`).
    pub page_load_strategy: &'static str,
    /// Serve the app from a static host (nginx) and the API from its own host, instead of
    /// both from the reference server.
    pub static_site: Option<StaticSite>,
}

/// Where the app sits when a static host serves it.
#[derive(Debug, Clone, Copy)]
pub struct StaticSite {
    /// The API's host name: a sibling of the app's (`api.trustyconvert.test`) or another
    /// site's (`api.othersite.test`).
    pub api_host: &'static str,
    /// The session cookies' `Domain` (`--cookie-domain`); None keeps them host-only.
    pub cookie_domain: Option<&'static str>,
}

/// The static host's name (Chromium maps it to 127.0.0.1).
pub const APP_HOST: &str = "app.trustyconvert.test";

impl Default for StackOptions {
    fn default() -> Self {
        Self {
            window: crate::screens::DESKTOP,
            configure: |_| {},
            page_load_strategy: "normal",
            static_site: None,
        }
    }
}

/// Dropping a `Stack` stops the browser and chromedriver; `stop()` also shuts the server down
/// gracefully (an in-process server otherwise ends with the test process).
pub struct Stack {
    pub browser: Client,
    pub hooks: Hooks,
    origin: String,
    server: Option<trustyconvert_server::RunningServer>,
    /// The static host serving the app, when the test asked for one.
    pub static_host: Option<Nginx>,
    /// What the server was started with, bound to its actual address (for restarts).
    server_config: trustyconvert_server::Config,
    // Field order matters: the driver dies before the folders it used are removed.
    _driver: Chromedriver,
    pub downloads: TempDir,
    _profile: TempDir,
    _data: TempDir,
}

impl Stack {
    pub async fn start(options: StackOptions) -> Result<Self> {
        let data = tempfile::tempdir()?;
        let mut config = trustyconvert_server::Config {
            bind: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            dist_dir: dist_dir()?,
            data_dir: data.path().to_path_buf(),
            test_hooks: true,
            // Every request of a test comes from 127.0.0.1; tests of the limits set them back.
            rate_limits_enabled: false,
            ..trustyconvert_server::Config::default()
        };
        let static_port = match options.static_site {
            Some(site) => {
                let port = crate::ports::free_port()?;
                config.cors_origins = vec![format!("http://{APP_HOST}:{port}")];
                config.cookie_domain = site.cookie_domain.map(str::to_owned);
                Some(port)
            }
            None => None,
        };
        (options.configure)(&mut config);
        let server = trustyconvert_server::start(config.clone()).await?;
        config.bind = server.addr();
        let server_origin = format!("http://{}", server.addr());
        let (origin, static_host) = match (options.static_site, static_port) {
            (Some(site), Some(port)) => {
                let api_base = format!("http://{}:{}/api", site.api_host, server.addr().port());
                let host = Nginx::start(&config.dist_dir, &api_base, port).await?;
                (format!("http://{APP_HOST}:{port}"), Some(host))
            }
            _ => (server_origin.clone(), None),
        };

        let driver = Chromedriver::start().await?;
        let profile = tempfile::tempdir()?;
        let downloads = tempfile::tempdir()?;
        let browser_options = BrowserOptions {
            window: options.window,
            download_dir: downloads.path().to_path_buf(),
            page_load_strategy: options.page_load_strategy,
            secure_origins: match (options.static_site, &static_host) {
                (Some(site), Some(_)) => vec![
                    origin.clone(),
                    format!("http://{}:{}", site.api_host, server.addr().port()),
                ],
                _ => Vec::new(),
            },
        };
        let browser = browser::open(&driver, profile.path(), &browser_options).await?;
        Ok(Self {
            browser,
            hooks: Hooks::new(&server_origin),
            origin,
            server: Some(server),
            static_host,
            server_config: config,
            _driver: driver,
            downloads,
            _profile: profile,
            _data: data,
        })
    }

    /// The reference server's own URL for `path` (also when a static host serves the app).
    pub fn server_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server_config.bind)
    }

    /// An absolute URL on the server for `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// Opens `path` and waits until the app has rendered its shell.
    pub async fn open_app(&self, path: &str) -> Result<()> {
        self.browser.goto(&self.url(path)).await?;
        self.browser
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("header.header"))
            .await?;
        Ok(())
    }

    /// The text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> Result<String> {
        Ok(self.browser.find(Locator::Css(css)).await?.text().await?)
    }

    /// Waits until the element matching `css` exists and its text contains `needle`; the bound
    /// only keeps a broken app from hanging the suite.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> Result<String> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let text = self.text(css).await.unwrap_or_default();
            if text.contains(needle) {
                return Ok(text);
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!("`{css}` never said {needle:?}; last text: {text:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn click(&self, css: &str) -> Result<()> {
        self.browser.find(Locator::Css(css)).await?.click().await?;
        Ok(())
    }

    /// Makes the page hidden or visible and dispatches `visibilitychange` (headless Chromium
    /// never hides a page by itself).
    pub async fn set_visibility(&self, visible: bool) -> Result<()> {
        let script = "const visible = arguments[0];
            Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => visible ? 'visible' : 'hidden'});
            Object.defineProperty(document, 'hidden', {configurable: true, get: () => !visible});
            document.dispatchEvent(new Event('visibilitychange'));";
        self.browser
            .execute(script, vec![serde_json::Value::Bool(visible)])
            .await?;
        Ok(())
    }

    /// Gives the app time to send anything it would send by itself, before counting requests.
    pub async fn quiet_period(&self) {
        tokio::time::sleep(Duration::from_millis(700)).await;
    }

    /// The values of the session and CSRF cookies the browser holds now: the secrets that must
    /// never reach logs, web storage or URLs.
    pub async fn session_secrets(&self) -> Result<Vec<String>> {
        Ok(self
            .browser
            .get_all_cookies()
            .await?
            .iter()
            .filter(|cookie| {
                cookie.name() == "csrftoken" || cookie.name() == "trustyconvert_session"
            })
            .map(|cookie| cookie.value().to_owned())
            .collect())
    }

    /// Console entries since the last read.
    pub async fn console(&self) -> Result<Vec<ConsoleEntry>> {
        console::read(&self.browser).await
    }

    /// Stops the server (the browser stays): the app meets a dead port.
    pub async fn stop_server(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
    }

    /// Starts the server again on the same address and data folder: like a restart, every
    /// session and job is gone.
    pub async fn start_server(&mut self) -> Result<()> {
        self.stop_server().await;
        let server = trustyconvert_server::start(self.server_config.clone()).await?;
        self.server = Some(server);
        Ok(())
    }

    /// Closes the browser and shuts the server down.
    pub async fn stop(mut self) -> Result<()> {
        let browser = self.browser.clone();
        browser.close().await?;
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
        Ok(())
    }
}

/// The built app: TRUSTYCONVERT_DIST (set by `cargo xtask test`) or the workspace's dist/.
fn dist_dir() -> Result<PathBuf> {
    let dist = std::env::var_os("TRUSTYCONVERT_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    if !dist.join("index.html").is_file() {
        return Err(format!(
            "no built app at {} (run `cargo xtask dist` or `cargo xtask test`)",
            dist.display()
        )
        .into());
    }
    Ok(dist)
}
