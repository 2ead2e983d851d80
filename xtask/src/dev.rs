//! `cargo xtask dev`: the release app served by the reference server on 127.0.0.1.

use crate::{dist, run};

pub fn run(server_args: &[String]) -> Result<(), String> {
    let dist = dist::build_release()?;
    let dist = dist.to_string_lossy().into_owned();
    let server_args: Vec<&str> = server_args
        .iter()
        .map(String::as_str)
        .filter(|arg| *arg != "--")
        .collect();
    let mut args = vec![
        "run",
        "--quiet",
        "--package",
        "trustyconvert-server",
        "--",
        "--dist",
        &dist,
    ];
    args.extend(server_args);
    // The server prints the URL it listens on once the port is bound.
    run::status(run::command("cargo", &args))
}
