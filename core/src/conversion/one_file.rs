//! One file is a queue of one: what the one-file view shows of the queue's only file, in the
//! states a person has always seen for one conversion (chosen, uploading, starting, converting,
//! done, failed), so a single file needs no flow of its own.

use super::job::{JobPlan, JobState};
use super::queue::{EntryState, Queue};
use super::validate::ValidatedFile;

impl Queue {
    /// The one-file view of the queue: `None` unless it holds exactly one file that was taken
    /// (a refused file is shown by the queue, with why).
    pub fn one_file(&self) -> Option<JobState> {
        let [entry] = self.entries.as_slice() else {
            return None;
        };
        let file = ValidatedFile {
            name: entry.name.clone(),
            extension: entry.extension.clone(),
            size: entry.size,
            max_size: entry.max_size,
        };
        let target = self.target_of(entry.id).map(str::to_owned);
        let chosen = |file| JobState::FileChosen {
            file,
            target: target.clone(),
        };
        let Some(plan) = target.clone().map(|target| JobPlan {
            file: file.clone(),
            target,
        }) else {
            return match &entry.state {
                EntryState::Rejected(_) => None,
                _ => Some(chosen(file)),
            };
        };
        Some(match &entry.state {
            EntryState::Rejected(_) => return None,
            // Cancelled, or back from a closed session: the file and its target, to start again.
            EntryState::Waiting | EntryState::Cancelled => chosen(file),
            EntryState::Uploading { sent, total } => JobState::Uploading {
                plan,
                sent: *sent,
                total: *total,
            },
            EntryState::Uploaded { .. }
            | EntryState::Converting {
                accepted: false, ..
            } => JobState::Uploaded { plan },
            EntryState::Converting {
                queued, progress, ..
            } => JobState::Converting {
                plan,
                progress: *progress,
                queued: *queued,
            },
            EntryState::Done { output_size, .. } => JobState::Completed {
                plan,
                output_size: *output_size,
            },
            EntryState::Failed(failure) => JobState::Failed {
                plan: Some(plan),
                failure: failure.clone(),
            },
        })
    }
}

#[cfg(test)]
#[path = "one_file_tests.rs"]
mod tests;
