//! `cargo xtask bench`: the benchmarks, each printed as a ratio against a baseline measured in
//! the same run, so a result means the same on any machine and nothing is a pass/fail timing:
//! core and converter micro-benchmarks, the server under load, the app's first load.

use std::path::Path;

use crate::{dist, run, tools, workspace};

const BENCHES: [(&str, &str); 2] = [
    ("trustyconvert-core", "bench_core"),
    ("trustyconvert-convert", "bench_convert"),
];

/// Every section, or only the one named (`cargo xtask bench load`).
pub fn run(args: &[String]) -> Result<(), String> {
    match args {
        [] => {}
        [section] if section == "load" => return load(),
        other => {
            return Err(format!(
                "unknown bench arguments {other:?} (none for every section, or `load`)"
            ))
        }
    }
    for (package, example) in BENCHES {
        run::status(run::command(
            "cargo",
            &[
                "run",
                "--quiet",
                "--profile",
                "bench",
                "--package",
                package,
                "--example",
                example,
            ],
        ))?;
    }
    load()?;
    tools::ensure(tools::Need::All)?;
    let dist = dist::build_release()?;
    first_load(&dist)?;
    queue_memory(&dist)
}

/// The server under load (`bench/load`): both binaries in the bench-server profile (optimised
/// like bench, and unwinding, as the server is deployed), the server run as a child process so
/// its memory and file descriptors are its own. About 100 s once built: a 5 s baseline, 20 s
/// for each of 4 user counts, the flood.
fn load() -> Result<(), String> {
    run::status(run::command(
        "cargo",
        &[
            "build",
            "--quiet",
            "--profile",
            "bench-server",
            "--package",
            "trustyconvert-server",
            "--bin",
            "trustyconvert-server",
            "--package",
            "trustyconvert-load",
            "--bin",
            "trustyconvert-load",
        ],
    ))?;
    let binaries = workspace::target_dir().join("bench-server");
    let server = binaries.join("trustyconvert-server");
    let mut bench = run::command(
        &binaries.join("trustyconvert-load").to_string_lossy(),
        &["--server-bin", &server.to_string_lossy()],
    );
    // The load bench's own flags, e.g. TRUSTYCONVERT_LOAD_ARGS="--seconds 5 --users 1,32".
    if let Ok(extra) = std::env::var("TRUSTYCONVERT_LOAD_ARGS") {
        bench.args(extra.split_whitespace());
    }
    run::status(bench)
}

/// The built app against a static one-input page on an emulated slow 4G network, in headless
/// Chromium. The dev profile: the emulated network and the browser set the times, not the
/// server, and it reuses the e2e tests' build. TRUSTYCONVERT_BENCH_COMPARE_DIST, if set, is
/// passed on (the child inherits it) and adds another build to the run.
fn first_load(dist: &Path) -> Result<(), String> {
    browser_bench(dist, "first_load")
}

/// Ten 20 MB files through the queue: the page's memory growth (JS heap and wasm memory) as
/// a ratio to the files' size.
fn queue_memory(dist: &Path) -> Result<(), String> {
    browser_bench(dist, "queue_memory")
}

/// Runs the e2e crate's `example` against the built app in `dist`, with Debian's browser.
fn browser_bench(dist: &Path, example: &str) -> Result<(), String> {
    let mut bench = run::command(
        "cargo",
        &[
            "run",
            "--quiet",
            "--package",
            "trustyconvert-e2e",
            "--example",
            example,
        ],
    );
    bench
        .env("TRUSTYCONVERT_DIST", dist)
        .env("CHROMEDRIVER", tools::CHROMEDRIVER)
        .env("CHROMIUM", tools::CHROMIUM);
    run::status(bench)
}
