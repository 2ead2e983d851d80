//! `cargo xtask <command>`: the project's automation, in Rust so it runs wherever cargo does.

mod bench;
mod deploy;
mod dev;
mod dist;
mod loader;
mod run;
mod test;
mod tools;
mod workspace;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  dev [-- <server flags>]   build the app (release) and serve it with the reference server
  test                      fmt, clippy, native tests, browser component tests, e2e; a summary per level
  dist                      build the app (release) into dist/ and print its size
  deploy --api-base <URL> [--out <dir>] [--listen <addr:port>] [--dist <dir>]
                            dist/ made ready for a static host (CDN or nginx) with the API at URL:
                            <dir>/site (pages, _headers, _redirects) and <dir>/nginx.conf
  tools                     install the missing build and test tools, skip the present ones
  bench [load]              benchmarks, each as a ratio against a baseline measured in the same run;
                            the server under load (N virtual users, a session-init flood), alone
                            with `load` (TRUSTYCONVERT_LOAD_ARGS=\"--seconds 5\" passes flags on);
                            then the first load of the release build against a static page on
                            emulated slow 4G (TRUSTYCONVERT_BENCH_COMPARE_DIST=<dist> adds a build)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => {
            eprintln!("{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = match command {
        "dev" => dev::run(rest),
        "test" => test::run(),
        "dist" => dist::build_release().map(|_| ()),
        "deploy" => deploy::run(rest),
        "tools" => tools::ensure(tools::Need::All),
        "bench" => bench::run(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
