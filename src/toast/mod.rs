//! Toasts: short messages about what just happened, in a live region, one per event.

pub mod service;
pub mod store;

pub use service::ToastService;
pub use store::{Toast, ToastStore, ToastTone};
