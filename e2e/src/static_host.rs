//! A real static host for the built app: `cargo xtask deploy`'s output served by Debian's
//! nginx with the configuration the deploy step wrote, as its own process on a free port,
//! stopped on drop.

use std::path::Path;
use std::process::{Child, Command, Stdio};

use tempfile::TempDir;

use crate::Result;

pub struct Nginx {
    child: Child,
    /// The deploy output and nginx's prefix (pid, temporary files).
    prefix: TempDir,
    pub port: u16,
}

impl Nginx {
    /// The served site (the deploy step's `site/`), for a test to take a file away.
    pub fn site(&self) -> std::path::PathBuf {
        self.prefix.path().join("site")
    }

    /// Deploys `dist` for the API at `api_base` and serves it on 127.0.0.1:`port`.
    pub async fn start(dist: &Path, api_base: &str, port: u16) -> Result<Self> {
        let nginx = std::env::var("NGINX").unwrap_or_else(|_| "/usr/sbin/nginx".to_owned());
        if !Path::new(&nginx).is_file() {
            return Err(format!("no nginx at {nginx} (run `cargo xtask tools`)").into());
        }
        let prefix = tempfile::tempdir()?;
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let listen = format!("127.0.0.1:{port}");
        let site_url = format!("http://{}:{port}", crate::APP_HOST);
        let out = prefix.path().to_string_lossy().into_owned();
        let deployed = Command::new(cargo)
            .current_dir(&workspace)
            .args(["xtask", "deploy", "--api-base", api_base, "--out", &out])
            .args(["--site-url", &site_url])
            .args(["--listen", &listen, "--dist", &dist.to_string_lossy()])
            .stdout(Stdio::null())
            .status()?;
        if !deployed.success() {
            return Err(format!("cargo xtask deploy failed ({deployed})").into());
        }
        std::fs::create_dir_all(prefix.path().join("tmp"))?;
        let conf = prefix.path().join("nginx.conf");
        let child = Command::new(nginx)
            .arg("-p")
            .arg(prefix.path())
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .spawn()?;
        let host = Self {
            child,
            prefix,
            port,
        };
        crate::ports::wait_until_listening(port, "nginx").await?;
        Ok(host)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The status and headers a plain GET of `url` gets back (no cookies, no compression asked).
pub async fn get(url: &str) -> Result<(http::StatusCode, http::HeaderMap)> {
    use http_body_util::{BodyExt, Empty};
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Empty<bytes::Bytes>>();
    let response = client.get(url.parse()?).await?;
    let (status, headers) = (response.status(), response.headers().clone());
    // Read to the end, so the connection is not cut mid-answer.
    let _ = response.into_body().collect().await?;
    Ok((status, headers))
}
