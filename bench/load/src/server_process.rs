//! The server under test as a child process (its own binary, built with `--profile
//! bench-server`: optimised and unwinding), so
//! its memory and file descriptors are its own, read from `/proc/<pid>`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A running `trustyconvert-server` with a data folder of ours.
pub struct ServerProcess {
    child: Child,
    pub base: String,
    pub data_dir: PathBuf,
    peak_fds: Arc<AtomicUsize>,
    sampler: tokio::task::JoinHandle<()>,
}

impl ServerProcess {
    /// Starts `bin` on 127.0.0.1, a free port, a fresh data folder, with `flags` added; waits
    /// for the line announcing its address.
    pub async fn start(bin: &Path, label: &str, flags: &[&str]) -> Result<Self, String> {
        let data_dir =
            std::env::temp_dir().join(format!("trustyconvert-load-{}-{label}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data_dir);
        std::fs::create_dir_all(&data_dir)
            .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
        let mut child = Command::new(bin)
            .args(["--host", "127.0.0.1", "--port", "0", "--dist", "/nonexistent"])
            .arg("--data-dir")
            .arg(&data_dir)
            .args(flags)
            // One log line per request would cost the server more than some requests do.
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start {} ({e}); build it with `cargo build --profile bench-server -p trustyconvert-server`",
                    bin.display()
                )
            })?;
        let stdout = child
            .stdout
            .take()
            .ok_or("the server's stdout is not piped")?;
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = sender.send(line);
            }
            // Keep the pipe drained until the server exits.
            lines.for_each(drop);
        });
        let line = match receiver.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("the server did not announce its address within 30 s".into());
            }
        };
        let Some(base) = announced_base(&line) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("unexpected first line from the server: {line:?}"));
        };
        let peak_fds = Arc::new(AtomicUsize::new(0));
        let pid = child.id();
        let sampler = {
            let peak_fds = peak_fds.clone();
            tokio::spawn(async move {
                loop {
                    if let Some(n) = open_fds(pid) {
                        peak_fds.fetch_max(n, Ordering::Relaxed);
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            })
        };
        Ok(ServerProcess {
            child,
            base,
            data_dir,
            peak_fds,
            sampler,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The server's peak resident set so far (`VmHWM`), in bytes.
    pub fn peak_rss(&self) -> Option<u64> {
        status_kib(self.child.id(), "VmHWM:").map(|kib| kib * 1024)
    }

    /// The most file descriptors seen open in the server at once (sampled every 50 ms).
    pub fn peak_fds(&self) -> usize {
        if let Some(n) = open_fds(self.child.id()) {
            self.peak_fds.fetch_max(n, Ordering::Relaxed);
        }
        self.peak_fds.load(Ordering::Relaxed)
    }

    /// Regular files under the data folder, and `sess-*` folders left in it.
    pub fn leftovers(&self) -> (usize, usize) {
        let folders = std::fs::read_dir(&self.data_dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.file_name().to_string_lossy().starts_with("sess-"))
                    .count()
            })
            .unwrap_or(0);
        (count_files(&self.data_dir), folders)
    }

    /// SIGTERM (the server's graceful shutdown), SIGKILL after 15 s; then the data folder goes.
    pub async fn stop(mut self) {
        self.sampler.abort();
        let pid = self.child.id().to_string();
        let asked = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .is_ok_and(|s| s.success());
        let deadline = Instant::now() + Duration::from_secs(15);
        while asked && Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// `http://127.0.0.1:PORT` from "TrustyConvert is running at http://127.0.0.1:PORT/ (…)".
fn announced_base(line: &str) -> Option<String> {
    let start = line.find("http://")?;
    let rest = &line[start + "http://".len()..];
    let host = rest.split('/').next()?;
    Some(format!("http://{host}"))
}

fn open_fds(pid: u32) -> Option<usize> {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .ok()
        .map(|entries| entries.count())
}

fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..].split_whitespace().next()?.parse().ok()
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.file_type() {
                    Ok(t) if t.is_dir() => count_files(&e.path()),
                    Ok(_) => 1,
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_announced_address() {
        assert_eq!(
            super::announced_base(
                "TrustyConvert is running at http://127.0.0.1:40123/ (Ctrl-C to stop)"
            )
            .as_deref(),
            Some("http://127.0.0.1:40123")
        );
        assert_eq!(super::announced_base("something else"), None);
    }
}
