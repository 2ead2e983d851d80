//! Server-first session management: the store mirroring the server's session, the manager that
//! keeps it in sync and recovers it, and the provider that runs it for the app.

mod close;
pub mod manager;
pub mod provider;
mod request_side;
pub mod store;

pub use manager::SessionManager;
pub use provider::{use_session, SessionHandle, SessionProvider};
pub use store::{SessionPhase, SessionStore};
