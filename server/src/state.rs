//! The state every handler shares: configuration, sessions, download grants, the worker pool,
//! rate limiters and the test hooks' bookkeeping.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime};

use tokio::sync::Semaphore;

use crate::config::Config;
use crate::hook_state::HookState;
use crate::ids::{DownloadToken, JobId, SessionId};
use crate::rate_limit::RateLimiter;
use crate::sessions::{Session, SessionStore};

pub type SharedState = Arc<AppState>;

/// What a download token grants: one download of one job's output, until `expires`.
#[derive(Debug, Clone)]
pub struct DownloadGrant {
    pub session: SessionId,
    pub job: JobId,
    pub expires: Instant,
}

#[derive(Debug)]
pub struct AppState {
    pub config: Config,
    pub sessions: SessionStore,
    downloads: Mutex<HashMap<DownloadToken, DownloadGrant>>,
    pub workers: Arc<Semaphore>,
    pub rate_limits: RateLimiter,
    pub hooks: HookState,
}

impl AppState {
    pub fn new(config: Config) -> Self {
        AppState {
            workers: Arc::new(Semaphore::new(config.workers.max(1))),
            rate_limits: RateLimiter::new(&config),
            config,
            sessions: SessionStore::default(),
            downloads: Mutex::new(HashMap::new()),
            hooks: HookState::default(),
        }
    }

    fn downloads(&self) -> MutexGuard<'_, HashMap<DownloadToken, DownloadGrant>> {
        self.downloads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Issues a single-use token for a job's output; returns it with its wall-clock expiry.
    pub fn grant_download(&self, session: &SessionId, job: JobId) -> (DownloadToken, SystemTime) {
        let token = DownloadToken::generate();
        let ttl = self.config.download_token_ttl;
        let grant = DownloadGrant {
            session: session.clone(),
            job,
            expires: Instant::now() + ttl,
        };
        self.downloads().insert(token.clone(), grant);
        (token, SystemTime::now() + ttl)
    }

    /// Spends a token: it is removed whether or not it is still valid.
    pub fn redeem_download(&self, token: &DownloadToken) -> Option<DownloadGrant> {
        self.downloads()
            .remove(token)
            .filter(|g| g.expires > Instant::now())
    }

    pub fn purge_expired_downloads(&self) {
        let now = Instant::now();
        self.downloads().retain(|_, g| g.expires > now);
    }

    fn revoke_downloads_of(&self, session: &SessionId) {
        self.downloads().retain(|_, g| &g.session != session);
    }

    /// Ends a session: forgets it and its download tokens, deletes its files.
    pub async fn end_session(&self, id: &SessionId) {
        let removed = self.sessions.remove(id);
        self.revoke_downloads_of(id);
        if let Some(session) = removed {
            remove_session_files(&session).await;
        }
    }

    /// Drops every session, job, token and file (the test hook that simulates a restart).
    pub async fn wipe(&self) {
        let sessions = self.sessions.remove_all();
        self.downloads().clear();
        self.rate_limits.clear();
        for s in &sessions {
            remove_session_files(s).await;
        }
    }
}

pub async fn remove_session_files(session: &Session) {
    match tokio::fs::remove_dir_all(&session.dir).await {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::warn!(error = %e, "could not delete a session's files"),
    }
}
