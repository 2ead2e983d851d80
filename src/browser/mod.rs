//! Thin wrappers over web-sys: no logic lives here.

pub mod dom;
