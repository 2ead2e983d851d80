//! `cargo xtask bench`: the benchmarks, each printed as a ratio against a baseline measured in
//! the same run, so a result means the same on any machine and nothing is a pass/fail timing.

use crate::{dist, run, tools};

const BENCHES: [(&str, &str); 2] = [
    ("trustyconvert-core", "bench_core"),
    ("trustyconvert-convert", "bench_convert"),
];

pub fn run() -> Result<(), String> {
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
    first_load()
}

/// The built app against a static one-input page on an emulated slow 4G network, in headless
/// Chromium. The dev profile: the emulated network and the browser set the times, not the
/// server, and it reuses the e2e tests' build. TRUSTYCONVERT_BENCH_COMPARE_DIST, if set, is
/// passed on (the child inherits it) and adds another build to the run.
fn first_load() -> Result<(), String> {
    tools::ensure(tools::Need::All)?;
    let dist = dist::build_release()?;
    let mut bench = run::command(
        "cargo",
        &[
            "run",
            "--quiet",
            "--package",
            "trustyconvert-e2e",
            "--example",
            "first_load",
        ],
    );
    bench
        .env("TRUSTYCONVERT_DIST", dist)
        .env("CHROMEDRIVER", tools::CHROMEDRIVER)
        .env("CHROMIUM", tools::CHROMIUM);
    run::status(bench)
}
