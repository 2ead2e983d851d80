//! The UI components, one per file.

pub mod app;
pub mod diagnostics;
pub mod drop_panel;
pub mod footer;
pub mod header;
pub mod session_bar;
