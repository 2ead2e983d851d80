//! Sessions in memory: who holds which CSRF token, which jobs, which folder, until when.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use crate::ids::{CsrfToken, JobId, SessionHandle, SessionId};
use crate::jobs::{Job, JobStatus};

/// One visitor's session.
#[derive(Debug)]
pub struct Session {
    pub handle: SessionHandle,
    pub csrf: CsrfToken,
    pub expires_at: SystemTime,
    /// Holds this session's uploads and outputs; created on the first upload.
    pub dir: PathBuf,
    pub jobs: HashMap<JobId, Job>,
    /// Bytes of this session's files on disk, for the quota.
    pub bytes_used: u64,
    /// Set when the token was rotated behind the client's back (test hook): the next response
    /// to this session carries the new `csrftoken` cookie, whatever its status.
    pub csrf_cookie_pending: bool,
}

impl Session {
    pub fn is_expired(&self, now: SystemTime) -> bool {
        now >= self.expires_at
    }

    /// Whether a conversion of this session is queued or running (other than `except`).
    pub fn has_active_job(&self, except: Option<JobId>) -> bool {
        self.jobs.values().any(|j| {
            Some(j.id) != except && matches!(j.status, JobStatus::Queued | JobStatus::Processing)
        })
    }
}

/// What a handler needs to know about a session after checking it.
#[derive(Debug, Clone)]
pub struct SessionView {
    pub id: SessionId,
    pub handle: SessionHandle,
    pub csrf: CsrfToken,
    pub expires_at: SystemTime,
}

fn view(id: &SessionId, s: &Session) -> SessionView {
    SessionView {
        id: id.clone(),
        handle: s.handle.clone(),
        csrf: s.csrf.clone(),
        expires_at: s.expires_at,
    }
}

#[derive(Debug, Default)]
pub struct SessionStore {
    inner: Mutex<HashMap<SessionId, Session>>,
}

impl SessionStore {
    fn lock(&self) -> MutexGuard<'_, HashMap<SessionId, Session>> {
        // A panic elsewhere must not take every session down with it.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a session, unless `max_live` unexpired sessions exist already: then `Err` holds
    /// how long until the soonest of them expires (a close may free a slot sooner). Counting
    /// and inserting under one lock, so concurrent inits cannot overshoot the cap; the table is
    /// only scanned when it is that full (expired sessions wait there for the sweep).
    pub fn create(
        &self,
        ttl: Duration,
        data_dir: &Path,
        max_live: usize,
    ) -> Result<SessionView, Duration> {
        let now = SystemTime::now();
        let mut map = self.lock();
        if map.len() >= max_live {
            let live = map.values().filter(|s| !s.is_expired(now));
            let (count, soonest) = live.fold((0usize, None::<SystemTime>), |(n, soonest), s| {
                (
                    n + 1,
                    Some(soonest.map_or(s.expires_at, |t| t.min(s.expires_at))),
                )
            });
            if count >= max_live {
                let wait = soonest
                    .and_then(|t| t.duration_since(now).ok())
                    .unwrap_or(Duration::ZERO);
                return Err(wait);
            }
        }
        let id = SessionId::generate();
        let session = Session {
            handle: SessionHandle::generate(),
            csrf: CsrfToken::generate(),
            expires_at: now + ttl,
            dir: data_dir.join(format!("sess-{}", crate::ids::random_hex(12))),
            jobs: HashMap::new(),
            bytes_used: 0,
            csrf_cookie_pending: false,
        };
        let v = view(&id, &session);
        map.insert(id, session);
        Ok(v)
    }

    /// The session if it exists and has not expired.
    pub fn get(&self, id: &SessionId) -> Option<SessionView> {
        let now = SystemTime::now();
        self.lock()
            .get(id)
            .filter(|s| !s.is_expired(now))
            .map(|s| view(id, s))
    }

    /// Runs `f` on a live (unexpired) session; `None` when there is none.
    pub fn with<R>(&self, id: &SessionId, f: impl FnOnce(&mut Session) -> R) -> Option<R> {
        let now = SystemTime::now();
        self.lock()
            .get_mut(id)
            .filter(|s| !s.is_expired(now))
            .map(f)
    }

    /// Runs `f` on the session even when expired (workers finishing a job).
    pub fn with_any<R>(&self, id: &SessionId, f: impl FnOnce(&mut Session) -> R) -> Option<R> {
        self.lock().get_mut(id).map(f)
    }

    pub fn remove(&self, id: &SessionId) -> Option<Session> {
        self.lock().remove(id)
    }

    pub fn remove_expired(&self, now: SystemTime) -> Vec<Session> {
        let mut map = self.lock();
        let expired: Vec<SessionId> = map
            .iter()
            .filter(|(_, s)| s.is_expired(now))
            .map(|(id, _)| id.clone())
            .collect();
        expired
            .into_iter()
            .filter_map(|id| map.remove(&id))
            .collect()
    }

    pub fn remove_all(&self) -> Vec<Session> {
        self.lock().drain().map(|(_, s)| s).collect()
    }

    /// Applies `f` to the session with this public handle, or to all sessions when `None`.
    /// Returns how many sessions were touched.
    pub fn for_handle(
        &self,
        handle: Option<&SessionHandle>,
        mut f: impl FnMut(&mut Session),
    ) -> usize {
        let mut map = self.lock();
        let mut n = 0;
        for s in map
            .values_mut()
            .filter(|s| handle.is_none_or(|h| &s.handle == h))
        {
            f(s);
            n += 1;
        }
        n
    }

    /// Takes the pending rotated token of a live session, if any, with the session's expiry.
    pub fn take_pending_csrf_cookie(&self, id: &SessionId) -> Option<(CsrfToken, SystemTime)> {
        self.with(id, |s| {
            if s.csrf_cookie_pending {
                s.csrf_cookie_pending = false;
                Some((s.csrf.clone(), s.expires_at))
            } else {
                None
            }
        })
        .flatten()
    }

    pub fn live_count(&self) -> usize {
        let now = SystemTime::now();
        self.lock().values().filter(|s| !s.is_expired(now)).count()
    }

    pub fn job_count(&self) -> usize {
        self.lock().values().map(|s| s.jobs.len()).sum()
    }
}
