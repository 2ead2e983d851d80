//! `cargo xtask dev`: the release app, through the deploy step, served by the reference server
//! on 127.0.0.1 (which sends the headers the deploy step writes for static hosts).

use crate::{deploy, dist, run, workspace};

pub fn run(server_args: &[String]) -> Result<(), String> {
    let built = dist::build_release()?;
    let site = deploy::deploy(&deploy::Options {
        api_base: "/api".to_owned(),
        site_url: None,
        dist: built,
        out: workspace::target_dir().join("dev-deploy"),
        listen: "127.0.0.1:8080".to_owned(),
    })?;
    let dist = site.to_string_lossy().into_owned();
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
