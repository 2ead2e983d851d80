//! The UI components, one per file.

pub mod app;
pub mod conversion_panel;
pub mod diagnostics;
pub mod download_panel;
pub mod drop_zone;
pub mod failure_notice;
pub mod file_summary;
pub mod footer;
pub mod header;
pub mod job_progress;
pub mod language_menu;
pub mod offline_banner;
pub mod progress_bar;
pub mod queue_panel;
pub mod session_bar;
pub mod target_picker;
pub mod toasts;
