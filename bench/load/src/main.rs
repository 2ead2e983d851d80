//! `trustyconvert-load`: the load benchmark of the reference server, run by `cargo xtask bench`.
//!
//! The server runs as its own process (the `trustyconvert-server` binary built with
//! `--profile bench-server`, found beside this one or given with `--server-bin`), so its peak memory
//! and open file descriptors are read from `/proc/<pid>` apart from the load generator's.
//!
//! - load: for each N of virtual users, a fresh server with rate limits lifted; every user
//!   does the whole flow in a loop for a fixed time; flows/s, latency percentiles per endpoint,
//!   errors by kind, peak RSS and fds, files left once every session is closed; ratios against
//!   the in-process conversion throughput and against N=1.
//! - flood: see `flood.rs`.
//!
//! Results are printed, never asserted: errors are reported loudly but do not fail the run.

mod baseline;
mod flood;
mod server_process;
mod stats;
mod user;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use server_process::ServerProcess;
use stats::{mib, ms, percentile, Endpoint, Record};

const USAGE: &str = "usage: trustyconvert-load [--seconds S] [--users 1,8,32,128] [--poll-ms MS]
                          [--baseline-seconds S] [--section load|flood|all] [--server-bin PATH]";

struct Options {
    seconds: u64,
    users: Vec<usize>,
    poll_ms: u64,
    baseline_seconds: u64,
    load: bool,
    flood: bool,
    server_bin: PathBuf,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        seconds: 20,
        users: vec![1, 8, 32, 128],
        // The app polls at 500 ms, backing off; a load test polls briskly so that waiting does
        // not hide the server's own capacity.
        poll_ms: 50,
        baseline_seconds: 5,
        load: true,
        flood: true,
        server_bin: default_server_bin(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value\n{USAGE}"));
        let number = |v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{flag}: not a number: {v}"))
        };
        match flag.as_str() {
            "--seconds" => o.seconds = number(value()?)?,
            "--poll-ms" => o.poll_ms = number(value()?)?,
            "--baseline-seconds" => o.baseline_seconds = number(value()?)?,
            "--users" => {
                o.users = value()?
                    .split(',')
                    .map(|n| {
                        n.trim()
                            .parse::<usize>()
                            .map_err(|_| format!("--users: not a number: {n}"))
                    })
                    .collect::<Result<_, _>>()?
            }
            "--section" => match value()?.as_str() {
                "load" => (o.load, o.flood) = (true, false),
                "flood" => (o.load, o.flood) = (false, true),
                "all" => (o.load, o.flood) = (true, true),
                other => return Err(format!("--section: unknown {other:?}\n{USAGE}")),
            },
            "--server-bin" => o.server_bin = PathBuf::from(value()?),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(o)
}

/// `trustyconvert-server` beside this binary: both land in `target/bench-server/`.
fn default_server_bin() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("trustyconvert-server")))
        .unwrap_or_else(|| PathBuf::from("trustyconvert-server"))
}

/// One N's figures, kept for the ratios.
struct LoadRun {
    users: usize,
    flows_per_sec: f64,
    init_p99: Option<Duration>,
    errors: u64,
}

async fn load_one(o: &Options, png: &'static [u8], users: usize) -> Result<LoadRun, String> {
    let server = ServerProcess::start(
        &o.server_bin,
        &format!("load-{users}"),
        &["--no-rate-limits"],
    )
    .await?;
    let plan = user::Plan {
        base: server.base.clone(),
        png,
        deadline: Instant::now() + Duration::from_secs(o.seconds),
        poll_every: Duration::from_millis(o.poll_ms),
    };
    let started = Instant::now();
    let tasks: Vec<_> = (0..users)
        .map(|i| tokio::spawn(user::run(i, plan.clone())))
        .collect();
    let mut record = Record::default();
    for task in tasks {
        match task.await {
            Ok(r) => record.merge(r),
            Err(_) => record.error("a virtual user panicked".into()),
        }
    }
    // Every user has closed its session by now: the last flows finish after the deadline.
    let elapsed = started.elapsed();
    let flows_per_sec = record.flows as f64 / elapsed.as_secs_f64();
    let (files_left, folders_left) = server.leftovers();
    let peak_rss = server.peak_rss();
    let peak_fds = server.peak_fds();
    server.stop().await;

    println!();
    println!(
        "load N={users}: {} flows in {:.1} s = {flows_per_sec:.1} flows/s; whole flow p50 {} ms, p99 {} ms",
        record.flows,
        elapsed.as_secs_f64(),
        fmt_ms(percentile(&mut record.flow_times, 50.0)),
        fmt_ms(percentile(&mut record.flow_times, 99.0)),
    );
    println!(
        "  {:<16} {:>7} {:>9} {:>9} {:>9}",
        "endpoint", "calls", "p50 ms", "p95 ms", "p99 ms"
    );
    let mut init_p99 = None;
    for endpoint in Endpoint::ALL {
        let Some(samples) = record.latencies.get_mut(&endpoint) else {
            continue;
        };
        let p99 = percentile(samples, 99.0);
        if endpoint == Endpoint::SessionInit {
            init_p99 = p99;
        }
        println!(
            "  {:<16} {:>7} {:>9} {:>9} {:>9}",
            endpoint.path(),
            samples.len(),
            fmt_ms(percentile(samples, 50.0)),
            fmt_ms(percentile(samples, 95.0)),
            fmt_ms(p99),
        );
    }
    let errors = record.error_count();
    if errors == 0 {
        println!("  errors: 0");
    } else {
        println!("  ERRORS: {errors}");
        for (kind, n) in &record.errors {
            println!("    {n:>6}  {kind}");
        }
    }
    println!(
        "  server: peak RSS {}, peak open fds {peak_fds}; after every session closed: {files_left} files{} left in the data folder",
        peak_rss.map_or("unknown".into(), |b| format!("{:.1} MiB", mib(b))),
        if folders_left > 0 { format!(" and {folders_left} session folders") } else { String::new() },
    );
    if files_left > 0 || folders_left > 0 {
        println!("  LEFTOVERS: closed sessions must leave nothing behind");
    }
    Ok(LoadRun {
        users,
        flows_per_sec,
        init_p99,
        errors,
    })
}

fn fmt_ms(d: Option<Duration>) -> String {
    d.map_or("-".into(), |d| format!("{:.1}", ms(d)))
}

async fn load(o: &Options) -> Result<(), String> {
    let png: &'static [u8] = Box::leak(baseline::test_png()?.into_boxed_slice());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "load: {} KB PNG ({}×{}) → JPEG, {} s per N, polling /job_status every {} ms; every 10th user closes its session after each flow; server {} (a child process, --no-rate-limits)",
        png.len() / 1000,
        baseline::PNG_WIDTH,
        baseline::PNG_HEIGHT,
        o.seconds,
        o.poll_ms,
        o.server_bin.display()
    );
    let dir = std::env::temp_dir().join(format!(
        "trustyconvert-load-baseline-{}",
        std::process::id()
    ));
    let baseline = {
        let png = png.to_vec();
        let seconds = o.baseline_seconds;
        tokio::task::spawn_blocking(move || {
            baseline::conversions_per_second(&png, threads, Duration::from_secs(seconds), &dir)
        })
        .await
        .map_err(|_| "the baseline panicked".to_string())??
    };
    println!("load: baseline: {baseline:.1} PNG → JPEG conversions/s in-process on {threads} threads (convert crate, no HTTP)");

    let mut runs = Vec::new();
    for &users in &o.users {
        runs.push(load_one(o, png, users).await?);
    }

    println!();
    let by = |n: usize| runs.iter().find(|r| r.users == n);
    match by(32) {
        Some(r) => println!(
            "load: flows/s at N=32 against in-process conversions/s on {threads} threads: {:.2}× ({:.1} vs {baseline:.1})",
            r.flows_per_sec / baseline.max(f64::EPSILON),
            r.flows_per_sec
        ),
        None => println!("load: (no N=32 run: no throughput ratio)"),
    }
    match (
        by(128).and_then(|r| r.init_p99),
        by(1).and_then(|r| r.init_p99),
    ) {
        (Some(high), Some(low)) => println!(
            "load: p99 of /session/init at N=128 against N=1: {:.1}× ({:.1} ms vs {:.1} ms)",
            high.as_secs_f64() / low.as_secs_f64().max(f64::EPSILON),
            ms(high),
            ms(low)
        ),
        _ => println!("load: (no N=1 and N=128 runs: no latency ratio)"),
    }
    let errors: u64 = runs.iter().map(|r| r.errors).sum();
    if errors > 0 {
        println!("load: {errors} ERRORS in all (see above): the figures are not to be trusted");
    }
    Ok(())
}

fn check_server_bin(bin: &Path) -> Result<(), String> {
    if bin.is_file() {
        Ok(())
    } else {
        Err(format!(
            "no server binary at {} (build it with `cargo build --profile bench-server -p trustyconvert-server`, or pass --server-bin)",
            bin.display()
        ))
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let outcome = async {
        let o = options()?;
        check_server_bin(&o.server_bin)?;
        if o.load {
            load(&o).await?;
        }
        if o.flood {
            println!();
            flood::run(&o.server_bin).await?;
        }
        Ok::<(), String>(())
    }
    .await;
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("trustyconvert-load: {message}");
            ExitCode::FAILURE
        }
    }
}
