//! The bounded pool of blocking workers that runs the converters and moves a job through its
//! states. It sits above `state`: it needs the sessions (where jobs live), the config and the
//! worker semaphore, while `jobs` stays plain data.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use trustyconvert_convert::{ConvertError, ConvertLimits};

use crate::ids::{JobId, SessionId};
use crate::jobs::{Job, JobStatus};
use crate::state::SharedState;

/// Which attempt of which job a worker is running.
#[derive(Debug, Clone)]
pub struct Task {
    pub session: SessionId,
    pub job: JobId,
    pub task_id: String,
    pub input: PathBuf,
    pub source: &'static str,
    pub target: String,
    pub output: PathBuf,
}

/// Applies `f` to the job only while it is still this attempt (not closed, wiped or restarted).
fn update(state: &SharedState, task: &Task, f: impl FnOnce(&mut Job, &mut u64)) -> bool {
    state
        .sessions
        .with_any(&task.session, |s| match s.jobs.get_mut(&task.job) {
            Some(job) if job.task_id.as_deref() == Some(task.task_id.as_str()) => {
                f(job, &mut s.bytes_used);
                true
            }
            _ => false,
        })
        .unwrap_or(false)
}

/// Queues `task` behind the worker semaphore and runs it to completion or failure.
pub fn spawn_conversion(state: SharedState, task: Task) {
    state.hooks.counters.conversion_started();
    tokio::spawn(async move {
        let Ok(permit) = state.workers.clone().acquire_owned().await else {
            return; // the semaphore is closed only at shutdown
        };
        if !update(&state, &task, |job, _| {
            job.set_status(JobStatus::Processing);
            job.progress = Some(0);
        }) {
            return; // the session or the job went away while queued
        }
        let timeout = state.config.convert_timeout;
        let limits = ConvertLimits {
            max_pixels: state.config.max_pixels,
            max_alloc: state.config.max_alloc_bytes,
            max_uncompressed: state.config.max_uncompressed_bytes,
            max_table_bytes: state.config.max_table_bytes,
            deadline: Instant::now() + timeout,
            font_dir: state.config.font_dir.clone(),
        };
        let worker_state = Arc::clone(&state);
        let worker_task = task.clone();
        let mut blocking = tokio::task::spawn_blocking(move || {
            // The permit lives as long as the thread really works, even past a timeout.
            let _permit = permit;
            let mut last = 0u8;
            let mut progress = |p: u8| {
                let p = p.min(100);
                if p != last {
                    last = p;
                    update(&worker_state, &worker_task, |job, _| job.progress = Some(p));
                }
            };
            trustyconvert_convert::convert(
                &worker_task.input,
                worker_task.source,
                &worker_task.target,
                &worker_task.output,
                &limits,
                &mut progress,
            )
        });
        let outcome = match tokio::time::timeout(timeout, &mut blocking).await {
            Ok(Ok(result)) => result,
            Ok(Err(join_error)) => {
                tracing::error!(error = %join_error, "a converter panicked");
                Err(ConvertError::Io("converter crashed".into()))
            }
            Err(_) => {
                // The converter stops at its own deadline; whatever it wrote by then is removed.
                let output = task.output.clone();
                tokio::spawn(async move {
                    let _ = blocking.await;
                    let _ = tokio::fs::remove_file(output).await;
                });
                Err(ConvertError::TimedOut)
            }
        };
        finish(&state, &task, outcome).await;
    });
}

async fn finish(state: &SharedState, task: &Task, outcome: Result<(), ConvertError>) {
    let outcome = match outcome {
        Ok(()) => match tokio::fs::metadata(&task.output).await {
            Ok(meta) => Ok(meta.len()),
            Err(e) => Err(ConvertError::Io(e.to_string())),
        },
        Err(e) => Err(e),
    };
    let kept = match &outcome {
        Ok(size) => update(state, task, |job, bytes_used| {
            *bytes_used += size;
            job.output_size = Some(*size);
            job.output_path = Some(task.output.clone());
            job.progress = Some(100);
            job.error = None;
            job.set_status(JobStatus::Completed);
        }),
        Err(e) => {
            let message = failure_message(e, state.config.convert_timeout.as_secs());
            update(state, task, |job, _| {
                job.error = Some(message);
                job.set_status(JobStatus::Failed);
            });
            false
        }
    };
    if !kept {
        let _ = tokio::fs::remove_file(&task.output).await;
    }
}

/// A message a person can act on; I/O details stay in the log.
fn failure_message(e: &ConvertError, timeout_secs: u64) -> String {
    match e {
        ConvertError::UnsupportedPair { source, target } => {
            format!("Converting {source} to {target} is not supported.")
        }
        ConvertError::InvalidInput(m) | ConvertError::LimitExceeded(m) => m.clone(),
        ConvertError::TimedOut => {
            format!(
                "The conversion took longer than the limit of {timeout_secs} s and was stopped."
            )
        }
        ConvertError::Io(detail) => {
            tracing::warn!(%detail, "conversion failed on I/O");
            "The server could not complete the conversion; please try again.".into()
        }
    }
}
