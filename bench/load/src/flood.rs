//! The flood: 1,000 `GET /session/init` without cookies from one client, against a server
//! with a short session lifetime and the init rate limit on; then, once those sessions have
//! expired, the same again. Figures only: 429s past the limit, live sessions against the cap,
//! and whether the second flood raised the server's peak memory.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::Value;

use crate::server_process::ServerProcess;
use crate::stats::mib;

const REQUESTS: usize = 1000;
/// Requests in flight at once from the one client.
const IN_FLIGHT: usize = 16;
const SESSION_TTL_SECS: u64 = 3;
/// A growth of the peak below this is buffers and allocator arenas, not sessions kept alive.
const RSS_NOISE_BYTES: u64 = 1024 * 1024;

/// What one flood saw.
struct Flood {
    took: Duration,
    /// Status (0 = no answer) → count.
    statuses: BTreeMap<u16, usize>,
    /// Where the first 429 came among the answers (0-based, in the order they arrived).
    first_429: Option<usize>,
    /// Answers after the first 429 that were not 429s.
    not_429_after: usize,
    max_retry_after: Option<u64>,
}

async fn flood(client: &Client, server: &ServerProcess) -> Flood {
    let next = Arc::new(AtomicUsize::new(0));
    // (status, Retry-After), 0 = no answer
    let answers = Arc::new(Mutex::new(Vec::with_capacity(REQUESTS)));
    let url = server.url("/api/session/init");
    let started = Instant::now();
    let senders: Vec<_> = (0..IN_FLIGHT)
        .map(|_| {
            let (client, url, next, answers) =
                (client.clone(), url.clone(), next.clone(), answers.clone());
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= REQUESTS {
                        break;
                    }
                    let answer = match client.get(&url).send().await {
                        Ok(r) => {
                            let retry_after = r
                                .headers()
                                .get("retry-after")
                                .and_then(|v| v.to_str().ok())
                                .and_then(|v| v.parse::<u64>().ok());
                            (r.status().as_u16(), retry_after)
                        }
                        Err(_) => (0, None),
                    };
                    answers
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(answer);
                }
            })
        })
        .collect();
    for sender in senders {
        let _ = sender.await;
    }
    let took = started.elapsed();
    // In the order the answers came back (with requests in flight, not quite sending order).
    let answers = std::mem::take(&mut *answers.lock().unwrap_or_else(PoisonError::into_inner));
    let mut statuses = BTreeMap::new();
    for &(status, _) in &answers {
        *statuses.entry(status).or_insert(0) += 1;
    }
    let first_429 = answers.iter().position(|a| a.0 == 429);
    let not_429_after = first_429.map_or(0, |first| {
        answers[first..].iter().filter(|a| a.0 != 429).count()
    });
    let max_retry_after = answers.iter().filter_map(|a| a.1).max();
    Flood {
        took,
        statuses,
        first_429,
        not_429_after,
        max_retry_after,
    }
}

/// The live session count, from the test hooks' counters.
async fn live_sessions(client: &Client, server: &ServerProcess) -> Option<u64> {
    let r = client
        .get(server.url("/api/__test/counters"))
        .send()
        .await
        .ok()?;
    let body: Value = r.json().await.ok()?;
    body["data"]["sessions"].as_u64()
}

fn print_flood(label: &str, f: &Flood, live: Option<u64>, cap: usize) {
    let statuses: Vec<String> = f
        .statuses
        .iter()
        .map(|(status, n)| match status {
            0 => format!("no answer ×{n}"),
            s => format!("{s} ×{n}"),
        })
        .collect();
    println!(
        "flood {label}: {REQUESTS} inits in {:.2} s ({:.0}/s): {}",
        f.took.as_secs_f64(),
        REQUESTS as f64 / f.took.as_secs_f64().max(f64::EPSILON),
        statuses.join(", ")
    );
    match f.first_429 {
        Some(first) => println!(
            "flood {label}: first 429 as answer #{}; after it {} answers were 429 and {} were not; Retry-After up to {} s",
            first + 1,
            f.statuses.get(&429).copied().unwrap_or(0).saturating_sub(1),
            f.not_429_after,
            f.max_retry_after.unwrap_or(0)
        ),
        None => println!("flood {label}: NO 429 AT ALL: the init rate limit did not hold"),
    }
    match live {
        Some(n) => println!("flood {label}: live sessions right after: {n} (cap {cap})"),
        None => println!("flood {label}: live sessions: could not be read"),
    }
}

pub async fn run(server_bin: &Path) -> Result<(), String> {
    let cap = 10_000; // the server's default, left as is
    let ttl = SESSION_TTL_SECS.to_string();
    let server = ServerProcess::start(
        server_bin,
        "flood",
        &[
            "--session-ttl-secs",
            &ttl,
            "--cleanup-interval-secs",
            "1",
            // Only to read the live session count (`/api/__test/counters`).
            "--test-hooks",
        ],
    )
    .await?;
    println!(
        "flood: server with the default init rate (30/min per IP) and cap ({cap}), sessions living {SESSION_TTL_SECS} s, {IN_FLIGHT} requests in flight from one client without cookies"
    );
    let client = Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("cannot build the flood's client: {e}"))?;

    let first = flood(&client, &server).await;
    let live_first = live_sessions(&client, &server).await;
    let rss_first = server.peak_rss();
    print_flood("1", &first, live_first, cap);

    // Until every session of the first flood has expired and been swept with its files.
    let wait_started = Instant::now();
    while wait_started.elapsed() < Duration::from_secs(SESSION_TTL_SECS + 15) {
        if live_sessions(&client, &server).await == Some(0) && server.leftovers() == (0, 0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    println!(
        "flood: {:.1} s later the first flood's sessions have expired (live: {})",
        wait_started.elapsed().as_secs_f64(),
        live_sessions(&client, &server)
            .await
            .map_or("unknown".into(), |n| n.to_string())
    );

    let second = flood(&client, &server).await;
    let live_second = live_sessions(&client, &server).await;
    let rss_second = server.peak_rss();
    print_flood("2", &second, live_second, cap);
    match (rss_first, rss_second) {
        (Some(a), Some(b)) => println!(
            "flood: server peak RSS after flood 1: {:.1} MiB; after flood 2: {:.1} MiB ({:+} KiB: {})",
            mib(a),
            mib(b),
            (b as i64 - a as i64) / 1024,
            if b <= a {
                "not raised"
            } else if b - a < RSS_NOISE_BYTES {
                "within allocator noise (< 1 MiB)"
            } else {
                "RAISED"
            }
        ),
        _ => println!("flood: server peak RSS could not be read from /proc"),
    }
    println!("flood: server peak open fds: {}", server.peak_fds());
    server.stop().await;
    Ok(())
}
