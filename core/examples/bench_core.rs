//! Benchmarks of the pure core, each reported as a ratio against a baseline measured in the
//! same run (so the numbers mean the same on any machine): parsing an API answer against
//! serde_json alone, and a session decision against cloning its snapshot.

use std::hint::black_box;
use std::time::{Duration, Instant};

use trustyconvert_core::session::cookie::read_csrf_cookie;
use trustyconvert_core::{decide, parse_response, CsrfToken, SessionEvent, SessionSnapshot};

/// The median time of one call, over `rounds` rounds of `batch` calls.
fn median_per_call(rounds: usize, batch: u32, mut f: impl FnMut()) -> Duration {
    let mut samples: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                f();
            }
            start.elapsed() / batch
        })
        .collect();
    samples.sort();
    samples[rounds / 2]
}

fn report(name: &str, measured: Duration, baseline_name: &str, baseline: Duration) {
    let ratio = measured.as_secs_f64() / baseline.as_secs_f64().max(f64::EPSILON);
    println!("{name:<44} {ratio:>6.2}× {baseline_name} ({measured:?} vs {baseline:?})");
}

fn main() {
    let body = br#"{"success":true,"data":{"job_id":"3f0e1c9a-4a39-4c1c-9a51-0c7a0e8b8f11","status":"processing","created_at":"2026-11-30T10:00:00Z","updated_at":"2026-11-30T10:00:02Z","original_filename":"photo.png","source_format":"png","target_format":"jpg","file_size":123456,"progress":40,"csrf_token":"tok-abcdef0123456789"},"correlation_id":"c-0123456789abcdef"}"#;
    let baseline = median_per_call(31, 2_000, || {
        black_box(serde_json::from_slice::<serde_json::Value>(black_box(body)).ok());
    });
    let parse = median_per_call(31, 2_000, || {
        black_box(parse_response(200, Some("application/json"), None, None, black_box(body)).ok());
    });
    report(
        "envelope: parse a job status answer",
        parse,
        "serde_json::from_slice",
        baseline,
    );

    let snapshot = SessionSnapshot {
        store_token: CsrfToken::new("store-token"),
        cookie: read_csrf_cookie("csrftoken=cookie-token"),
        last_cookie_seen: CsrfToken::new("store-token"),
        ..SessionSnapshot::default()
    };
    let clone = median_per_call(31, 20_000, || {
        black_box(black_box(&snapshot).clone());
    });
    let decision = median_per_call(31, 20_000, || {
        black_box(decide(&SessionEvent::PageVisible, black_box(&snapshot)));
    });
    report(
        "policy: decide on page visible",
        decision,
        "cloning the snapshot",
        clone,
    );

    let cookies = "theme=dark; _ga=GA1.2.3; csrftoken=tok-abcdef0123456789; lang=en";
    let split = median_per_call(31, 20_000, || {
        black_box(black_box(cookies).split(';').count());
    });
    let read = median_per_call(31, 20_000, || {
        black_box(read_csrf_cookie(black_box(cookies)));
    });
    report(
        "cookie: read csrftoken from document.cookie",
        read,
        "splitting the string",
        split,
    );
}
