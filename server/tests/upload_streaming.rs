//! Uploads still being sent: early rejections (401, 403, 413) reach the client as a status, not
//! a connection reset (the server drains the body before answering), and one cut off midway
//! leaves nothing on disk.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::*;
use reqwest::multipart::{Form, Part};
use trustyconvert_server::Config;

/// A 20 MiB multipart body sent in 64 KiB chunks with pauses, like a browser on a slow link.
fn slow_form(job: &str, total: usize) -> Form {
    let chunk = 64 * 1024;
    let head = png(4, 4);
    let stream = futures_util::stream::unfold(0usize, move |sent| {
        let head = head.clone();
        async move {
            if sent >= total {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
            let mut data = vec![0u8; chunk.min(total - sent)];
            if sent == 0 {
                data[..head.len()].copy_from_slice(&head);
            }
            let n = data.len();
            Some((Ok::<Bytes, std::io::Error>(Bytes::from(data)), sent + n))
        }
    });
    let part = Part::stream(reqwest::Body::wrap_stream(stream)).file_name("big.png");
    Form::new()
        .text("job_id", job.to_owned())
        .part("file", part)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn early_rejections_reach_a_streaming_client_as_a_status() {
    let ts = start_with(Config {
        max_upload_bytes: 1024 * 1024,
        ..test_config()
    })
    .await;
    let total = 20 * 1024 * 1024;
    // 401: no session.
    let r = client()
        .post(ts.url("/api/upload"))
        .multipart(slow_form(&new_job_id(), total))
        .send()
        .await;
    expect_error(
        r.expect("a status, not a reset"),
        401,
        "SessionValidationError",
    )
    .await;
    // 403: a session but a wrong token.
    let s = session(&ts).await;
    let r = s
        .client
        .post(ts.url("/api/upload"))
        .header("X-CSRF-Token", "stale")
        .multipart(slow_form(&new_job_id(), total))
        .send()
        .await;
    expect_error(
        r.expect("a status, not a reset"),
        403,
        "CSRFValidationError",
    )
    .await;
    // 413: past the 1 MiB limit, 19 MiB still to come.
    let r = s
        .client
        .post(ts.url("/api/upload"))
        .header("X-CSRF-Token", &s.token)
        .multipart(slow_form(&new_job_id(), total))
        .send()
        .await;
    expect_error(
        r.expect("a status, not a reset"),
        413,
        "MaxFileSizeExceededError",
    )
    .await;
    assert_eq!(files_on_disk(&ts), 0);
    ts.stop().await;
}

/// A new session's cookie and CSRF token, as a browser receives them.
async fn session_cookies(ts: &TestServer) -> (String, String) {
    let r = reqwest::Client::new()
        .get(ts.url("/api/session/init"))
        .send()
        .await
        .unwrap();
    (
        cookie_set(&r, "trustyconvert_session").unwrap(),
        cookie_set(&r, "csrftoken").unwrap(),
    )
}

const BOUNDARY: &str = "XBOUNDARYX";

/// Opens a raw socket and sends an upload's headers (`headers`: more of them, each ending in
/// CRLF) and the multipart head up to the file's first byte, for a file of `file_len` bytes.
async fn start_raw_upload(
    ts: &TestServer,
    headers: &str,
    file_len: usize,
) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"job_id\"\r\n\r\n{}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n",
        new_job_id()
    );
    let total = head.len() + file_len + raw_upload_tail().len();
    let mut socket = tokio::net::TcpStream::connect(ts.server.addr())
        .await
        .unwrap();
    let request = format!(
        "POST /api/upload HTTP/1.1\r\nHost: localhost\r\n{headers}\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {total}\r\n\r\n{head}"
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    socket
}

fn raw_upload_tail() -> String {
    format!("\r\n--{BOUNDARY}--\r\n")
}

/// Sends a 20 MiB multipart upload over a raw socket and reads the answer only once all of it
/// is sent, as a browser does: had the server closed without draining, the unread bytes would
/// turn into a reset and the answer would be lost.
async fn raw_upload_status(ts: &TestServer, headers: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let file_len = 20 * 1024 * 1024;
    let tail = raw_upload_tail();
    let mut socket = start_raw_upload(ts, headers, file_len).await;
    let mut first = png(4, 4);
    first.resize(64 * 1024, 0);
    socket.write_all(&first).await.expect("sending the body");
    let chunk = vec![0u8; 64 * 1024];
    for _ in 1..file_len / chunk.len() {
        socket.write_all(&chunk).await.expect("sending the body");
    }
    socket
        .write_all(tail.as_bytes())
        .await
        .expect("sending the body");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match socket.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => {
                answer.extend_from_slice(&buf[..n]);
                if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            Err(e) => panic!("the answer was lost: {e}"),
        }
    }
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn early_rejections_are_readable_after_the_whole_body_is_sent() {
    let ts = start_with(Config {
        max_upload_bytes: 1024 * 1024,
        ..test_config()
    })
    .await;
    assert_eq!(
        raw_upload_status(&ts, "").await,
        "HTTP/1.1 401 Unauthorized"
    );
    let (session, token) = session_cookies(&ts).await;
    let cookie = format!("Cookie: trustyconvert_session={session}\r\n");
    let stale = format!("{cookie}X-CSRF-Token: stale\r\n");
    assert_eq!(
        raw_upload_status(&ts, &stale).await,
        "HTTP/1.1 403 Forbidden"
    );
    let good = format!("{cookie}X-CSRF-Token: {token}\r\n");
    assert_eq!(
        raw_upload_status(&ts, &good).await,
        "HTTP/1.1 413 Payload Too Large"
    );
    assert_eq!(files_on_disk(&ts), 0);
    ts.stop().await;
}

/// An upload cut off midway (the person cancelled, the tab closed, the link dropped) leaves no
/// partial file on disk, whether the connection ends with a close or a reset, and while the
/// server reads slowly: the app's Cancel relies on this.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_cut_off_midway_leaves_no_file() {
    use tokio::io::AsyncWriteExt;
    let ts = start_default().await;
    let (session, token) = session_cookies(&ts).await;
    // Received slowly, as from a phone: the handler spends its time waiting between chunks.
    ts.hook(
        "upload_rate",
        serde_json::json!({ "bytes_per_second": 256 * 1024 }),
    )
    .await;
    let headers = format!("Cookie: trustyconvert_session={session}\r\nX-CSRF-Token: {token}\r\n");
    for reset in [false, true] {
        let mut socket = start_raw_upload(&ts, &headers, 20 * 1024 * 1024).await;
        let mut first = png(4, 4);
        first.resize(1024 * 1024, 0);
        socket.write_all(&first).await.expect("sending the body");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while files_on_disk(&ts) == 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(files_on_disk(&ts), 1, "the partial file is being written");
        if reset {
            socket.set_zero_linger().unwrap();
        }
        drop(socket);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while files_on_disk(&ts) > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(files_on_disk(&ts), 0, "no partial file (reset: {reset})");
    }
    assert_eq!(ts.counters().await["uploads_completed"], 0);
    ts.stop().await;
}
