//! The HTTP contract seen from the client: envelope parsing, the error type, the CSRF header rule.

pub mod csrf_scope;
pub mod envelope;
pub mod error;
pub mod retry;
