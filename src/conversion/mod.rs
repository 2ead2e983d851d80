//! Conversions in the app: the formats store, polling a job until it is done, and the hooks
//! components use. The queue (`crate::queue`) runs every conversion, one file or many; the rules
//! live in the core.

pub mod formats;
pub mod hooks;
pub mod polling;

pub use formats::{FormatsState, FormatsStore};
pub use hooks::{use_formats, use_online, use_queue_driver};
