//! The e2e harness: per test, a fresh reference server (in-process, test hooks on) serving the
//! built app, a chromedriver with headless Chromium, and helpers to read what the user sees
//! and what the server counted. Everything started here stops on drop, also when a test fails.

pub mod axe;
pub mod browser;
pub mod console;
pub mod flow;
pub mod hooks;
pub mod ports;
pub mod screens;
pub mod stack;
pub mod static_host;

pub use stack::{Stack, StackOptions, StaticSite, APP_HOST};

/// Errors in the harness are test failures; a boxed error keeps call sites short.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;
