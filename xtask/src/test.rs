//! `cargo xtask test`: every check and every test level, with one summary line per level.

use crate::{dist, run, tools, workspace};

/// The frontend crate runs only in the browser; the e2e crate needs a built app and Chromium.
const FRONTEND: &str = "trustyconvert-web";
const E2E: &str = "trustyconvert-e2e";

struct Level {
    name: &'static str,
    outcome: Outcome,
}

enum Outcome {
    /// A check without test counts (fmt, clippy, build).
    Check {
        passed: bool,
    },
    Tests(Counts),
    Skipped(String),
}

#[derive(Default, Clone, Copy, PartialEq, Eq, Debug)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub ignored: usize,
    /// The runner itself failed (compile error, crash) beyond the counted failures.
    pub runner_failed: bool,
}

pub fn run() -> Result<(), String> {
    tools::ensure(tools::Need::All)?;
    let mut levels = vec![
        check(
            "format",
            run::command("cargo", &["fmt", "--all", "--", "--check"]),
        ),
        check(
            "clippy (native)",
            run::command(
                "cargo",
                &[
                    "clippy",
                    "--workspace",
                    "--exclude",
                    FRONTEND,
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
            ),
        ),
        // The core is linted natively with its tests (proptest does not build for wasm32).
        check(
            "clippy (wasm32)",
            run::command(
                "cargo",
                &[
                    "clippy",
                    "--package",
                    FRONTEND,
                    "--target",
                    "wasm32-unknown-unknown",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
            ),
        ),
    ];
    levels.push(tests(
        "native",
        run::command(
            "cargo",
            &[
                "test",
                "--workspace",
                "--exclude",
                FRONTEND,
                "--exclude",
                E2E,
            ],
        ),
    ));

    let mut browser = run::command(
        "cargo",
        &[
            "test",
            "--package",
            FRONTEND,
            "--target",
            "wasm32-unknown-unknown",
        ],
    );
    browser
        .env("CHROMEDRIVER", tools::CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "60");
    levels.push(tests("browser components", browser));

    match dist::build_release() {
        Ok(dist) => {
            // --show-output: each scenario prints the server's request counts, worth seeing.
            // --no-fail-fast: one failing scenario file must not hide the others' results.
            let mut e2e = run::command(
                "cargo",
                &[
                    "test",
                    "--no-fail-fast",
                    "--package",
                    E2E,
                    "--",
                    "--show-output",
                ],
            );
            e2e.env("TRUSTYCONVERT_DIST", dist)
                .env("CHROMEDRIVER", tools::CHROMEDRIVER)
                .env("CHROMIUM", tools::CHROMIUM);
            levels.push(tests("e2e", e2e));
        }
        Err(error) => levels.push(Level {
            name: "e2e",
            outcome: Outcome::Skipped(format!("the release build failed: {error}")),
        }),
    }

    report(&levels)
}

fn check(name: &'static str, command: std::process::Command) -> Level {
    eprintln!("\n== {name}");
    let passed = match run::status(command) {
        Ok(()) => true,
        Err(error) => {
            eprintln!("{error}");
            false
        }
    };
    Level {
        name,
        outcome: Outcome::Check { passed },
    }
}

fn tests(name: &'static str, command: std::process::Command) -> Level {
    eprintln!("\n== {name} tests");
    let outcome = match run::status_and_stdout(command) {
        Ok((succeeded, lines)) => {
            let mut counts = count(&lines);
            counts.runner_failed = !succeeded && counts.failed == 0;
            Outcome::Tests(counts)
        }
        Err(error) => Outcome::Skipped(error),
    };
    Level { name, outcome }
}

/// Sums every `test result:` line that libtest and wasm-bindgen-test-runner print.
pub fn count(lines: &[String]) -> Counts {
    let mut counts = Counts::default();
    for line in lines {
        let Some(result) = line.trim().strip_prefix("test result: ") else {
            continue;
        };
        for part in result.split([';', '.']) {
            let mut words = part.split_whitespace();
            let (Some(number), Some(label)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(number) = number.parse::<usize>() else {
                continue;
            };
            match label {
                "passed" => counts.passed += number,
                "failed" => counts.failed += number,
                "ignored" => counts.ignored += number,
                _ => {}
            }
        }
    }
    counts
}

fn report(levels: &[Level]) -> Result<(), String> {
    println!("\n== summary");
    let mut all_good = true;
    for level in levels {
        let (line, good) = match &level.outcome {
            Outcome::Check { passed } => (
                if *passed {
                    "ok".to_owned()
                } else {
                    "FAILED".to_owned()
                },
                *passed,
            ),
            Outcome::Tests(counts) => {
                let ran = counts.passed + counts.failed;
                let good = counts.failed == 0 && !counts.runner_failed && ran > 0;
                let mut line = format!(
                    "{ran} ran, {} passed, {} failed",
                    counts.passed, counts.failed
                );
                if counts.ignored > 0 {
                    line.push_str(&format!(", {} ignored", counts.ignored));
                }
                if counts.runner_failed {
                    line.push_str(" (the runner failed: see above)");
                } else if ran == 0 {
                    line.push_str(" (no tests ran: that is a failure)");
                }
                (line, good)
            }
            Outcome::Skipped(why) => (format!("NOT RUN: {why}"), false),
        };
        all_good &= good;
        println!("  {:<20} {line}", level.name);
    }
    if all_good {
        Ok(())
    } else {
        Err(format!(
            "some checks failed (workspace {})",
            workspace::root().display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_libtest_and_wasm_runner_result_lines() {
        let lines: Vec<String> = [
            "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s",
            "running 3 tests",
            "test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.20s",
            "test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out",
        ]
        .map(String::from)
        .to_vec();
        let counts = count(&lines);
        assert_eq!((counts.passed, counts.failed, counts.ignored), (14, 1, 1));
    }

    #[test]
    fn ignores_lines_that_only_mention_results() {
        let lines = vec![
            "println: test result: was great".to_owned(),
            "5 passed".to_owned(),
        ];
        assert_eq!(count(&lines), Counts::default());
    }
}
