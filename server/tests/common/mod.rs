//! Shared helpers for the integration tests: a server on a free port with its own data folder,
//! a cookie-keeping client, a session, uploads and test images.
#![allow(dead_code)] // each test file uses its own subset

use std::io::Cursor;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::multipart::{Form, Part};
use reqwest::{Client, Response};
use serde_json::{json, Value};
use trustyconvert_server::{start, Config, RunningServer};

pub struct TestServer {
    pub server: RunningServer,
    pub base: String,
}

impl TestServer {
    /// `path` is relative to the server root, e.g. `/api/session/init`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
    pub fn data_dir(&self) -> PathBuf {
        self.server.data_dir().to_path_buf()
    }
    pub async fn stop(self) {
        self.server.shutdown().await;
    }
    /// The test-hook counters.
    pub async fn counters(&self) -> Value {
        let r = Client::new()
            .get(self.url("/api/__test/counters"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json::<Value>().await.unwrap()["data"].clone()
    }
    pub async fn hook(&self, name: &str, body: Value) -> Value {
        let r = Client::new()
            .post(self.url(&format!("/api/__test/{name}")))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "hook {name}");
        r.json().await.unwrap()
    }
}

/// The config every test starts from: port 0, test hooks on, no rate limits, no dist.
pub fn test_config() -> Config {
    Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        dist_dir: PathBuf::from("/nonexistent/trustyconvert-dist"),
        test_hooks: true,
        rate_limits_enabled: false,
        ..Config::default()
    }
}

pub async fn start_with(config: Config) -> TestServer {
    let server = start(config).await.expect("server starts");
    let base = format!("http://{}", server.addr());
    TestServer { server, base }
}

pub async fn start_default() -> TestServer {
    start_with(test_config()).await
}

pub fn client() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

/// A client with a session: its cookies and its current CSRF token.
pub struct Session {
    pub client: Client,
    pub token: String,
    pub id: String,
}

pub async fn session(ts: &TestServer) -> Session {
    let client = client();
    let body = init(&client, ts).await;
    Session {
        client,
        token: body["data"]["csrf_token"].as_str().unwrap().to_owned(),
        id: body["data"]["id"].as_str().unwrap().to_owned(),
    }
}

pub async fn init(client: &Client, ts: &TestServer) -> Value {
    let r = client
        .get(ts.url("/api/session/init"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// A fresh UUID v4 (the server's own generator: random, so ids never collide across tests).
pub fn new_job_id() -> String {
    trustyconvert_server::ids::new_uuid_v4()
}

/// A `w`×`h` PNG with a gradient.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A PNG whose header claims 50 000 × 50 000 pixels over a few bytes of data: a decompression bomb.
pub fn png_bomb() -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    }
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
                                              // zlib: one stored block of 16 zero bytes.
    let raw = [0u8; 16];
    let mut idat = vec![0x78, 0x01, 0x01, 16, 0, !16u8, 0xff];
    idat.extend_from_slice(&raw);
    idat.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

pub fn file_part(bytes: Vec<u8>, filename: &str) -> Part {
    Part::bytes(bytes)
        .file_name(filename.to_owned())
        .mime_str("application/octet-stream")
        .unwrap()
}

/// `POST /upload` with `job_id` then `file`.
pub async fn upload(
    s: &Session,
    ts: &TestServer,
    job_id: &str,
    filename: &str,
    bytes: Vec<u8>,
) -> Response {
    let form = Form::new()
        .text("job_id", job_id.to_owned())
        .part("file", file_part(bytes, filename));
    post_form(s, ts, form).await
}

/// `POST /upload` with any multipart form, sent with the session's CSRF token.
pub async fn post_form(s: &Session, ts: &TestServer, form: Form) -> Response {
    s.client
        .post(ts.url("/api/upload"))
        .header("X-CSRF-Token", &s.token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

pub async fn upload_png(s: &Session, ts: &TestServer) -> String {
    let job = new_job_id();
    let r = upload(s, ts, &job, "photo.png", png(64, 48)).await;
    assert_eq!(r.status(), 201);
    job
}

pub async fn post_json(s: &Session, ts: &TestServer, path: &str, body: Value) -> Response {
    s.client
        .post(ts.url(path))
        .header("X-CSRF-Token", &s.token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

pub async fn job_status(s: &Session, ts: &TestServer, job: &str) -> Response {
    s.client
        .get(ts.url(&format!("/api/job_status?job_id={job}")))
        .send()
        .await
        .unwrap()
}

/// Polls until the job is completed or failed; returns its last status body.
pub async fn wait_for_job(s: &Session, ts: &TestServer, job: &str) -> Value {
    for _ in 0..600 {
        let body: Value = job_status(s, ts, job).await.json().await.unwrap();
        let status = body["data"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if status == "completed" || status == "failed" {
            return body["data"].clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {job} did not finish in 30 s");
}

/// Uploads `bytes` as `name` under a new job, asks for `target` and waits: the job's last
/// status body (completed or failed) and its id.
pub async fn convert_file(
    s: &Session,
    ts: &TestServer,
    name: &str,
    bytes: Vec<u8>,
    target: &str,
) -> (Value, String) {
    let job = new_job_id();
    assert_eq!(upload(s, ts, &job, name, bytes).await.status(), 201);
    let r = post_json(
        s,
        ts,
        "/api/convert",
        json!({ "job_id": job, "target_format": target }),
    )
    .await;
    assert_eq!(r.status(), 202);
    (wait_for_job(s, ts, &job).await, job)
}

/// Checks an error envelope's status and type; returns the body.
pub async fn expect_error(r: Response, status: u16, kind: &str) -> Value {
    assert_eq!(r.status(), status, "status");
    assert!(r.headers().contains_key("x-correlation-id"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert_eq!(body["error"]["type"], kind, "{body}");
    assert!(body["correlation_id"].as_str().unwrap().starts_with("c-"));
    body
}

/// Every `Set-Cookie` of a response.
pub fn set_cookies(r: &Response) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// The value a response sets for cookie `name`, if any.
pub fn cookie_set(r: &Response, name: &str) -> Option<String> {
    set_cookies(r).iter().find_map(|c| {
        let first = c.split(';').next()?;
        let (k, v) = first.split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

/// Files under the data folder (recursively).
pub fn files_on_disk(ts: &TestServer) -> usize {
    fn walk(p: &std::path::Path) -> usize {
        std::fs::read_dir(p)
            .map(|rd| {
                rd.flatten()
                    .map(|e| {
                        if e.file_type().unwrap().is_dir() {
                            walk(&e.path())
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&ts.data_dir())
}
