//! Many files at once: the queue's store, the driver that runs it through the one request path,
//! the steps it runs for each file, and its downloads. The scheduling rules live in the core
//! (`conversion::queue`).

pub mod downloads;
pub mod driver;
mod steps;
pub mod store;

pub use driver::QueueDriver;
pub use store::{Announcement, QueueStore};
