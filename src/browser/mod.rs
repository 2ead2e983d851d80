//! Thin wrappers over web-sys: each reads or does one browser thing; no logic lives here.

pub mod abort;
pub mod broadcast;
pub mod clipboard;
pub mod clock;
pub mod cookie;
pub mod dom;
pub mod download;
pub mod fetch;
pub mod file;
pub mod json;
pub mod online;
pub mod page;
pub mod random;
pub mod visibility;
pub mod xhr;
