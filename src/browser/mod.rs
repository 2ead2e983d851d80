//! Thin wrappers over web-sys: each reads or does one browser thing; no logic lives here.

pub mod broadcast;
pub mod cookie;
pub mod dom;
pub mod random;
pub mod visibility;
