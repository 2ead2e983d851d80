//! Toasts: short messages about what just happened, in a live region, one per event.

pub mod message;
pub mod service;
pub mod store;

pub use message::ToastMessage;
pub use service::ToastService;
pub use store::{Toast, ToastStore, ToastTone};
