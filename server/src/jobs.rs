//! Conversion jobs as plain data: their state machine (uploaded → queued → processing →
//! completed | failed) and their status body. The workers that run them are in `workers`.

use std::path::PathBuf;
use std::time::SystemTime;

use serde::Serialize;

use crate::ids::{rfc3339, JobId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Uploaded,
    Queued,
    Processing,
    Completed,
    Failed,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: JobId,
    pub status: JobStatus,
    /// Changes with every conversion attempt, so a stale worker never overwrites a newer one.
    pub task_id: Option<String>,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
    /// Sanitised; for display and the download name only, never a path.
    pub original_filename: String,
    pub source_format: &'static str,
    pub target_format: Option<String>,
    pub file_size: u64,
    pub output_size: Option<u64>,
    pub progress: Option<u8>,
    pub error: Option<String>,
    pub input_path: PathBuf,
    pub output_path: Option<PathBuf>,
}

impl Job {
    pub fn set_status(&mut self, status: JobStatus) {
        self.status = status;
        self.updated_at = SystemTime::now();
    }

    pub fn status_body(&self) -> JobStatusBody {
        JobStatusBody {
            job_id: self.id.as_string(),
            status: self.status,
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
            original_filename: self.original_filename.clone(),
            source_format: self.source_format,
            target_format: self.target_format.clone(),
            file_size: self.file_size,
            output_size: self.output_size,
            progress: self.progress,
            error: self.error.clone(),
        }
    }
}

/// `GET /job_status`'s `data`.
#[derive(Debug, Serialize)]
pub struct JobStatusBody {
    pub job_id: String,
    pub status: JobStatus,
    pub created_at: String,
    pub updated_at: String,
    pub original_filename: String,
    pub source_format: &'static str,
    pub target_format: Option<String>,
    pub file_size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
