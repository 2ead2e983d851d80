//! Conversion rules: which formats pair up, whether a file may be uploaded, and the job's states.

pub mod formats;
pub mod job;
pub mod one_file;
pub mod progress;
pub mod queue;
pub mod recovery;
pub mod validate;
