//! chromedriver as a child process and a WebDriver session to headless Chromium.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::Result;

/// A running chromedriver; dropping it kills its whole process group (Chromium included).
pub struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    pub async fn start() -> Result<Self> {
        let binary = std::env::var_os("CHROMEDRIVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
        let port = free_port()?;
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so drop can kill Chromium with it.
            .process_group(0)
            .spawn()
            .map_err(|error| {
                format!(
                    "cannot start {}: {error} (run `cargo xtask tools`)",
                    binary.display()
                )
            })?;
        let driver = Self { child, port };
        driver.wait_until_ready().await?;
        Ok(driver)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn wait_until_ready(&self) -> Result<()> {
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!("chromedriver did not listen on port {}", self.port).into())
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Browser settings a test may change.
#[derive(Debug, Clone)]
pub struct BrowserOptions {
    pub window: (u32, u32),
    pub download_dir: PathBuf,
}

/// Opens headless Chromium with a fresh profile, console capture and silent downloads.
pub async fn open(
    driver: &Chromedriver,
    profile_dir: &Path,
    options: &BrowserOptions,
) -> Result<Client> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let (width, height) = options.window;
    let capabilities = json!({
        "browserName": "chrome",
        "goog:loggingPrefs": { "browser": "ALL" },
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic",
                format!("--user-data-dir={}", profile_dir.display()),
                format!("--window-size={width},{height}"),
            ],
            "prefs": {
                "download.default_directory": options.download_dir,
                "download.prompt_for_download": false,
                "profile.default_content_setting_values.automatic_downloads": 1,
            },
        },
    });
    let capabilities = match capabilities {
        serde_json::Value::Object(map) => map,
        _ => return Err("capabilities must be an object".into()),
    };
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url())
        .await?;
    Ok(client)
}

/// A port the OS says is free right now.
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}
