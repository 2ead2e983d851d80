//! The background task that deletes expired sessions with their files, spent download tokens
//! and idle rate-limit buckets.

use std::time::SystemTime;

use tokio::task::JoinHandle;

use crate::state::{remove_session_files, SharedState};

/// One pass: what has expired goes.
pub async fn sweep_once(state: &SharedState) {
    for session in state.sessions.remove_expired(SystemTime::now()) {
        remove_session_files(&session).await;
    }
    state.purge_expired_downloads();
    state.rate_limits.purge_idle();
}

pub fn spawn_cleanup(state: SharedState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(
            state
                .config
                .cleanup_interval
                .max(std::time::Duration::from_millis(100)),
        );
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            sweep_once(&state).await;
        }
    })
}
