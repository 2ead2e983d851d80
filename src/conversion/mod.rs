//! The conversion flow in the app: the stores (formats, the job), the service that runs upload →
//! convert → poll → download, and the hooks components use. The rules live in the core.

pub mod flow;
pub mod formats;
pub mod hooks;
pub mod polling;
pub mod store;

pub use flow::ConversionFlow;
pub use formats::{FormatsState, FormatsStore};
pub use hooks::{use_conversion_flow, use_formats, use_online, use_queue_driver};
pub use store::ConversionStore;
