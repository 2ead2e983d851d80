//! Running child commands with the project's environment, optionally capturing test counts.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::workspace;

/// A command in the workspace root with the pinned tools first on PATH and the shared target dir.
pub fn command(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(workspace::root())
        .env("PATH", workspace::tool_path())
        .env("CARGO_TARGET_DIR", workspace::target_dir())
        // Trunk's own update check would contact GitHub.
        .env("TRUNK_SKIP_VERSION_CHECK", "true");
    command
}

/// Runs to completion with inherited output; Err names the command on failure.
pub fn status(mut command: Command) -> Result<(), String> {
    let shown = describe(&command);
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`{shown}` failed ({status})")),
        Err(error) => Err(format!("`{shown}` could not start: {error}")),
    }
}

/// Runs with stdout printed as it comes, and returns whether it succeeded plus stdout's lines.
pub fn status_and_stdout(mut command: Command) -> Result<(bool, Vec<String>), String> {
    let shown = describe(&command);
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|error| format!("`{shown}` could not start: {error}"))?;
    let mut lines = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            lines.push(line);
        }
    }
    let status = child
        .wait()
        .map_err(|error| format!("`{shown}` did not finish: {error}"))?;
    Ok((status.success(), lines))
}

/// The first line a command prints, if it runs and succeeds (version probes).
pub fn first_line(program: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .env("PATH", workspace::tool_path())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.lines().next().map(str::to_owned)
}

fn describe(command: &Command) -> String {
    let mut parts = vec![command.get_program().to_string_lossy().into_owned()];
    parts.extend(
        command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned()),
    );
    parts.join(" ")
}
