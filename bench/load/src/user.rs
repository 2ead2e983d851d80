//! One virtual user: its own client and cookie jar, doing the app's whole flow in a loop until
//! the deadline — init, upload, convert, poll, download token, download, check the JPEG — and,
//! for every 10th user, closing the session after each flow so the next one starts afresh.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::cookie::{CookieStore, Jar};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, Response, StatusCode, Url};
use serde_json::{json, Value};

use crate::stats::{Endpoint, Record};

/// What every user of a run shares.
#[derive(Debug, Clone)]
pub struct Plan {
    pub base: String,
    pub png: &'static [u8],
    pub deadline: Instant,
    pub poll_every: Duration,
}

/// A conversion not done after this long is counted as an error.
const JOB_WAIT_LIMIT: Duration = Duration::from_secs(120);

/// Why a step failed, as the kind it is counted under.
struct Failure(String);

fn http_failure(endpoint: Endpoint, status: StatusCode, body: &Value) -> Failure {
    let kind = body["error"]["type"]
        .as_str()
        .unwrap_or("non-envelope body");
    Failure(format!(
        "{}: HTTP {} {kind}",
        endpoint.path(),
        status.as_u16()
    ))
}

fn transport_failure(endpoint: Endpoint, error: &reqwest::Error) -> Failure {
    let kind = if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connection refused or reset"
    } else if error.is_body() {
        "body cut off"
    } else if error.is_decode() {
        "body not JSON"
    } else if error.is_request() {
        "request failed"
    } else {
        "transport error"
    };
    Failure(format!("{}: {kind}", endpoint.path()))
}

struct User {
    client: Client,
    jar: Arc<Jar>,
    base_url: Url,
    plan: Plan,
    record: Record,
    /// Makes job ids unique within a session that lives across flows.
    jobs_made: u64,
    index: usize,
}

/// Runs user `index` until the plan's deadline, then closes its session. Never panics on what
/// the network returns: every failure is counted by kind.
pub async fn run(index: usize, plan: Plan) -> Record {
    let mut record = Record::default();
    let Ok(base_url) = Url::parse(&plan.base) else {
        record.error("bad base URL".into());
        return record;
    };
    let jar = Arc::new(Jar::default());
    let client = match Client::builder()
        .cookie_provider(jar.clone())
        .timeout(Duration::from_secs(60))
        .build()
    {
        Ok(client) => client,
        Err(_) => {
            record.error("client could not be built".into());
            return record;
        }
    };
    let mut user = User {
        client,
        jar,
        base_url,
        plan,
        record,
        jobs_made: 0,
        index,
    };
    let closes_each_flow = index.is_multiple_of(10);
    while Instant::now() < user.plan.deadline {
        let started = Instant::now();
        match user.flow(closes_each_flow).await {
            Ok(()) => {
                user.record.flows += 1;
                user.record.flow_times.push(started.elapsed());
            }
            Err(Failure(kind)) => {
                user.record.error(kind);
                // A failing server must not be hammered in a tight loop.
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    if !closes_each_flow {
        if let Err(Failure(kind)) = user.close().await {
            user.record.error(kind);
        }
    }
    user.record
}

impl User {
    fn url(&self, path: &str) -> String {
        format!("{}/api{path}", self.plan.base)
    }

    /// The CSRF token, read from the `csrftoken` cookie as the app reads it.
    fn csrf(&self) -> Result<String, Failure> {
        let cookies = self
            .jar
            .cookies(&self.base_url)
            .ok_or_else(|| Failure("no cookies after /session/init".into()))?;
        let cookies = cookies
            .to_str()
            .map_err(|_| Failure("cookie header not text".into()))?;
        cookies
            .split("; ")
            .find_map(|c| c.strip_prefix("csrftoken="))
            .map(str::to_owned)
            .ok_or_else(|| Failure("no csrftoken cookie".into()))
    }

    /// A UUID v4 of our own making (the version and variant bits set), unique per user and job:
    /// the process id, the user's number, then the user's job counter.
    fn new_job_id(&mut self) -> String {
        self.jobs_made += 1;
        let job = self.jobs_made;
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            std::process::id(),
            self.index & 0xffff,
            (job >> 60) & 0xf,
            (job >> 48) & 0xfff,
            job & 0xffff_ffff_ffff
        )
    }

    /// Sends, times up to the headers, and returns the answer if it has the expected status
    /// (for a body that is not JSON, such as a download).
    async fn call(
        &mut self,
        endpoint: Endpoint,
        request: reqwest::RequestBuilder,
        expected: StatusCode,
    ) -> Result<Response, Failure> {
        let (started, response) = send(endpoint, request).await?;
        let status = response.status();
        if status != expected {
            let body = response.json::<Value>().await.unwrap_or(Value::Null);
            self.record.latency(endpoint, started.elapsed());
            return Err(http_failure(endpoint, status, &body));
        }
        self.record.latency(endpoint, started.elapsed());
        Ok(response)
    }

    /// `call` then its JSON body (the time to read the body counts in the latency).
    async fn call_json(
        &mut self,
        endpoint: Endpoint,
        request: reqwest::RequestBuilder,
        expected: StatusCode,
    ) -> Result<Value, Failure> {
        let (started, response) = send(endpoint, request).await?;
        let status = response.status();
        let body = response
            .json::<Value>()
            .await
            .map_err(|e| transport_failure(endpoint, &e));
        self.record.latency(endpoint, started.elapsed());
        let body = body?;
        if status != expected {
            return Err(http_failure(endpoint, status, &body));
        }
        Ok(body)
    }

    async fn flow(&mut self, close_after: bool) -> Result<(), Failure> {
        let init = self.client.get(self.url("/session/init"));
        self.call_json(Endpoint::SessionInit, init, StatusCode::OK)
            .await?;
        let token = self.csrf()?;

        let job_id = self.new_job_id();
        let file = Part::bytes(self.plan.png)
            .file_name("photo.png")
            .mime_str("image/png")
            .map_err(|_| Failure("multipart part could not be made".into()))?;
        let form = Form::new()
            .text("job_id", job_id.clone())
            .part("file", file);
        let upload = self
            .client
            .post(self.url("/upload"))
            .header("X-CSRF-Token", &token)
            .multipart(form);
        self.call_json(Endpoint::Upload, upload, StatusCode::CREATED)
            .await?;

        let convert = self
            .client
            .post(self.url("/convert"))
            .header("X-CSRF-Token", &token)
            .json(&json!({ "job_id": job_id, "target_format": "jpg" }));
        self.call_json(Endpoint::Convert, convert, StatusCode::ACCEPTED)
            .await?;

        let waiting_since = Instant::now();
        loop {
            tokio::time::sleep(self.plan.poll_every).await;
            let status = self
                .client
                .get(self.url(&format!("/job_status?job_id={job_id}")));
            let body = self
                .call_json(Endpoint::JobStatus, status, StatusCode::OK)
                .await?;
            match body["data"]["status"].as_str() {
                Some("completed") => break,
                Some("failed") => return Err(Failure("/job_status: conversion failed".into())),
                Some(_) if waiting_since.elapsed() > JOB_WAIT_LIMIT => {
                    return Err(Failure("/job_status: not done within 120 s".into()))
                }
                Some(_) => {}
                None => return Err(Failure("/job_status: no status in the body".into())),
            }
        }

        let grant = self
            .client
            .post(self.url("/download_token"))
            .header("X-CSRF-Token", &token)
            .json(&json!({ "job_id": job_id }));
        let body = self
            .call_json(Endpoint::DownloadToken, grant, StatusCode::CREATED)
            .await?;
        let download_token = body["data"]["download_token"]
            .as_str()
            .ok_or_else(|| Failure("/download_token: no token in the body".into()))?
            .to_owned();

        let started = Instant::now();
        let mut download_url = self
            .base_url
            .join("/api/download")
            .map_err(|_| Failure("/download: URL could not be made".into()))?;
        download_url
            .query_pairs_mut()
            .append_pair("token", &download_token);
        let download = self.client.get(download_url);
        let response = self
            .call(Endpoint::Download, download, StatusCode::OK)
            .await?;
        let bytes = response
            .bytes()
            .await
            .map_err(|e| transport_failure(Endpoint::Download, &e))?;
        // `call` timed the headers; the body is part of the download.
        let latencies = self.record.latencies.get_mut(&Endpoint::Download);
        if let Some(last) = latencies.and_then(|samples| samples.last_mut()) {
            *last = started.elapsed();
        }
        if !bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Err(Failure("/download: not a JPEG".into()));
        }

        if close_after {
            self.close().await?;
        }
        Ok(())
    }

    /// Ends the session (its files and jobs go with it); the next init starts a new one.
    async fn close(&mut self) -> Result<(), Failure> {
        let token = self.csrf()?;
        let close = self
            .client
            .post(self.url("/session/close"))
            .header("X-CSRF-Token", &token);
        self.call_json(Endpoint::SessionClose, close, StatusCode::OK)
            .await
            .map(drop)
    }
}

/// Sends `request`; the instant it left, for the latency, and the answer's head.
async fn send(
    endpoint: Endpoint,
    request: reqwest::RequestBuilder,
) -> Result<(Instant, Response), Failure> {
    let started = Instant::now();
    let response = request
        .send()
        .await
        .map_err(|e| transport_failure(endpoint, &e))?;
    Ok((started, response))
}
