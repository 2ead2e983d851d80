//! `cargo xtask bench`: the benchmarks, each printed as a ratio against a baseline measured in
//! the same run, so a result means the same on any machine and nothing is a pass/fail timing.

use crate::run;

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
    Ok(())
}
