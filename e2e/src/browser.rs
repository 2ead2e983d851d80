//! chromedriver as a child process and a WebDriver session to headless Chromium.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

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
        // Port 0: chromedriver binds a free port itself and says which, so no other process
        // can take a port picked for it in between (tests run in parallel).
        let mut child = Command::new(&binary)
            .arg("--port=0")
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::piped())
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
        let stdout = child
            .stdout
            .take()
            .ok_or("chromedriver's output is not readable")?;
        let (port_sender, port_receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Reads the announcement, then keeps draining so chromedriver never blocks on a
            // full pipe.
            for line in BufReader::new(stdout)
                .lines()
                .map_while(std::result::Result::ok)
            {
                if let Some(port) = announced_port(&line) {
                    let _ = port_sender.send(port);
                }
            }
        });
        let mut driver = Self { child, port: 0 };
        driver.port = tokio::task::spawn_blocking(move || {
            port_receiver.recv_timeout(std::time::Duration::from_secs(15))
        })
        .await
        .map_err(|error| format!("waiting for chromedriver: {error}"))?
        .map_err(|_| "chromedriver never said which port it listens on")?;
        driver.wait_until_ready().await?;
        Ok(driver)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn wait_until_ready(&self) -> Result<()> {
        crate::ports::wait_until_listening(self.port, "chromedriver").await
    }
}

/// The port in chromedriver's "ChromeDriver was started successfully on port 35233."
fn announced_port(line: &str) -> Option<u16> {
    line.split_once("started successfully on port ")?
        .1
        .trim_end_matches('.')
        .trim()
        .parse()
        .ok()
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
    /// WebDriver's `pageLoadStrategy`: `"normal"` waits for the load event after navigating;
    /// `"none"` returns at once (a page whose wasm a test holds back never finishes loading).
    pub page_load_strategy: &'static str,
    /// Plain-HTTP origins the browser treats as HTTPS ones: the `.test` hosts stand in for a
    /// real deployment's, which serves over HTTPS (else Chromium flags the downloads).
    pub secure_origins: Vec<String>,
}

/// Opens headless Chromium with a fresh profile, console capture and silent downloads.
pub async fn open(
    driver: &Chromedriver,
    profile_dir: &Path,
    options: &BrowserOptions,
) -> Result<Client> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let (width, height) = options.window;
    let mut extra_args = Vec::new();
    if !options.secure_origins.is_empty() {
        extra_args.push(format!(
            "--unsafely-treat-insecure-origin-as-secure={}",
            options.secure_origins.join(",")
        ));
    }
    let mut capabilities = json!({
        "browserName": "chrome",
        "goog:loggingPrefs": { "browser": "ALL" },
        "pageLoadStrategy": options.page_load_strategy,
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic",
                // Real host names on loopback: the static host and the API on sibling hosts of
                // one site, or on another site.
                "--host-resolver-rules=MAP *.trustyconvert.test 127.0.0.1, MAP *.othersite.test 127.0.0.1",
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
    if let Some(args) = capabilities["goog:chromeOptions"]["args"].as_array_mut() {
        args.extend(extra_args.into_iter().map(serde_json::Value::String));
    }
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

/// Sends a Chrome DevTools Protocol command through chromedriver (`goog/cdp/execute`) and
/// returns its result. chromedriver delivers no CDP events: measure in the page instead.
pub async fn cdp(client: &Client, command: &str, params: Value) -> Result<Value> {
    let body = json!({ "cmd": command, "params": params });
    session_post(client, "goog/cdp/execute", body)
        .await
        .map_err(|error| format!("CDP {command} failed: {error}").into())
}

/// A POST to one of chromedriver's vendor endpoints of this session
/// (`/session/{id}/{path}`), which fantoccini has no method for.
pub async fn session_post(client: &Client, path: &'static str, body: Value) -> Result<Value> {
    Ok(client.issue_cmd(SessionPost { path, body }).await?)
}

#[derive(Debug)]
struct SessionPost {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for SessionPost {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        // No session yet: chromedriver answers "invalid session id", a clear enough error.
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::announced_port;

    #[test]
    fn reads_the_port_chromedriver_announces() {
        assert_eq!(
            announced_port("ChromeDriver was started successfully on port 35233."),
            Some(35233)
        );
        assert_eq!(
            announced_port("Starting ChromeDriver 148.0 on port 0"),
            None
        );
    }
}
