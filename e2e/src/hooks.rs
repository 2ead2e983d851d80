//! The reference server's `--test-hooks` API, seen from a test: counters, faults, holds, expiry.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

use crate::Result;

/// Talks to `/api/__test/*` of one server.
#[derive(Clone)]
pub struct Hooks {
    base: String,
    http: Client<HttpConnector, Full<Bytes>>,
}

/// What the server counted since the last reset.
#[derive(Debug, Clone)]
pub struct Counters(pub Value);

impl Counters {
    /// A top-level number such as `session_init_calls` or `sessions_created`.
    ///
    /// A key the server does not count is a mistake of the test, not a zero: it panics, so an
    /// `== 0` can never pass on a misspelled name.
    pub fn number(&self, key: &str) -> u64 {
        match self.0.get(key).and_then(Value::as_u64) {
            Some(number) => number,
            None => panic!("the server counts no {key:?}: {}", self.0),
        }
    }

    /// Requests to `route` (e.g. `"GET /api/session/init"`), all statuses together.
    pub fn requests(&self, route: &str) -> u64 {
        self.0
            .get("requests")
            .and_then(|requests| requests.get(route))
            .and_then(Value::as_object)
            .map(|statuses| statuses.values().filter_map(Value::as_u64).sum())
            .unwrap_or(0)
    }

    /// Every API request counted (routes under `/api/`; the page and its assets are not API
    /// calls), all statuses.
    pub fn api_requests(&self) -> u64 {
        self.0
            .get("requests")
            .and_then(Value::as_object)
            .map(|routes| {
                routes
                    .iter()
                    .filter(|(route, _)| {
                        route
                            .split_once(' ')
                            .is_some_and(|(_, path)| path.starts_with("/api/"))
                    })
                    .filter_map(|(_, statuses)| statuses.as_object())
                    .flat_map(|statuses| statuses.values().filter_map(Value::as_u64))
                    .sum()
            })
            .unwrap_or(0)
    }
}

impl std::fmt::Display for Counters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Hooks {
    pub fn new(origin: &str) -> Self {
        Self {
            base: format!("{origin}/api/__test"),
            http: Client::builder(TokioExecutor::new()).build(HttpConnector::new()),
        }
    }

    /// What the server counted; an answer without the request table is an error.
    pub async fn counters(&self) -> Result<Counters> {
        let counters = self.send("GET", "counters", None).await?;
        if !counters.get("requests").is_some_and(Value::is_object) {
            return Err(format!("the counters have no request table: {counters}").into());
        }
        Ok(Counters(counters))
    }

    pub async fn reset(&self) -> Result<()> {
        self.send("POST", "reset", Some(json!({}))).await.map(drop)
    }

    /// Expires every session (the next use of one answers 401).
    pub async fn expire_all(&self) -> Result<()> {
        self.send("POST", "expire", Some(json!({}))).await.map(drop)
    }

    /// Rotates every session's CSRF token server-side.
    pub async fn rotate_all(&self) -> Result<()> {
        self.send("POST", "rotate", Some(json!({}))).await.map(drop)
    }

    /// Drops every session, job and file: what a server restart does to the app.
    pub async fn wipe(&self) -> Result<()> {
        self.send("POST", "wipe", Some(json!({}))).await.map(drop)
    }

    /// Just before the next `method` request to `path` is handled, applies `action` (`expire`,
    /// `rotate` or `wipe`) to every session: a session change between two steps of a flow.
    pub async fn when(&self, method: &str, path: &str, action: &str) -> Result<()> {
        let body = json!({ "path": path, "method": method, "action": action });
        self.send("POST", "when", Some(body)).await.map(drop)
    }

    /// Makes the next `count` requests to `path` fail as `fault` describes
    /// (`status`, `body`, `content_type`, `headers`).
    pub async fn fault(&self, path: &str, count: u32, fault: Value) -> Result<()> {
        let mut body = json!({ "path": path, "count": count });
        if let (Some(target), Some(extra)) = (body.as_object_mut(), fault.as_object()) {
            target.extend(extra.clone());
        }
        self.send("POST", "fault", Some(body)).await.map(drop)
    }

    /// Holds back every request to `path` (exact, or a prefix ending in `*`, e.g.
    /// `/assets/trustyconvert-web*`): each waits, without failing, until [`Hooks::release`] or
    /// [`Hooks::reset`]. The page can so be used before its wasm arrives.
    pub async fn hold(&self, path: &str) -> Result<()> {
        self.send("POST", "hold", Some(json!({ "path": path })))
            .await
            .map(drop)
    }

    /// Lets every held request go on and stops holding.
    pub async fn release(&self) -> Result<()> {
        self.send("POST", "release", Some(json!({})))
            .await
            .map(drop)
    }

    /// Slows the server's reading of upload bodies to `bytes_per_second` (None: full speed).
    pub async fn upload_rate(&self, bytes_per_second: Option<u64>) -> Result<()> {
        self.send(
            "POST",
            "upload_rate",
            Some(json!({ "bytes_per_second": bytes_per_second })),
        )
        .await
        .map(drop)
    }

    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let request = hyper::Request::builder()
            .method(method)
            .uri(format!("{}/{path}", self.base))
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(
                body.map(|b| b.to_string()).unwrap_or_default(),
            )))?;
        let response = self.http.request(request).await?;
        let status = response.status();
        let bytes = response.into_body().collect().await?.to_bytes();
        if !status.is_success() {
            return Err(format!(
                "test hook {path} answered {status}: {}",
                String::from_utf8_lossy(&bytes)
            )
            .into());
        }
        let value: Value = serde_json::from_slice(&bytes).map_err(|error| {
            format!(
                "test hook {path} answered no JSON ({error}): {}",
                String::from_utf8_lossy(&bytes)
            )
        })?;
        // Hooks may answer in the envelope; the counters then sit under `data`.
        Ok(value.get("data").cloned().unwrap_or(value))
    }
}
