//! Talking to the API: one request path with session recovery, typed endpoints, the hook.

pub mod client;
pub mod endpoints;
pub mod hook;

pub use client::{ApiRequest, SessionRule};
pub use hook::{use_api, ApiClient};
pub use trustyconvert_core::{ApiError, ApiErrorKind};
