//! What the test hooks remember: request counters, injected faults, held paths and the upload
//! slow-down.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::http::Method;
use serde::Deserialize;
use tokio::sync::watch;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Per-route status counts and lifecycle counters (kept only with `--test-hooks`).
#[derive(Debug, Default)]
pub struct Counters {
    enabled: std::sync::atomic::AtomicBool,
    requests: Mutex<BTreeMap<String, BTreeMap<String, u64>>>,
    pub session_init_calls: AtomicU64,
    pub sessions_created: AtomicU64,
    pub uploads_started: AtomicU64,
    pub uploads_completed: AtomicU64,
    pub conversions_started: AtomicU64,
}

impl Counters {
    pub fn enable(&self) {
        self.enabled.store(true, Ordering::Relaxed);
    }
    fn bump(&self, c: &AtomicU64) {
        if self.enabled.load(Ordering::Relaxed) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }
    pub fn session_init_called(&self) {
        self.bump(&self.session_init_calls);
    }
    pub fn session_created(&self) {
        self.bump(&self.sessions_created);
    }
    pub fn upload_started(&self) {
        self.bump(&self.uploads_started);
    }
    pub fn upload_completed(&self) {
        self.bump(&self.uploads_completed);
    }
    pub fn conversion_started(&self) {
        self.bump(&self.conversions_started);
    }

    /// Counts one answered request under `"METHOD /path"` (no query string).
    pub fn record(&self, method: &Method, path: &str, status: u16) {
        if !self.enabled.load(Ordering::Relaxed) {
            return;
        }
        let mut requests = lock(&self.requests);
        *requests
            .entry(format!("{method} {path}"))
            .or_default()
            .entry(status.to_string())
            .or_default() += 1;
    }

    pub fn requests(&self) -> BTreeMap<String, BTreeMap<String, u64>> {
        lock(&self.requests).clone()
    }

    pub fn reset(&self) {
        lock(&self.requests).clear();
        for c in [
            &self.session_init_calls,
            &self.sessions_created,
            &self.uploads_started,
            &self.uploads_completed,
            &self.conversions_started,
        ] {
            c.store(0, Ordering::Relaxed);
        }
    }
}

/// An injected failure: the next `count` requests matching `path` (and `method`, if given)
/// get this response instead of the real one.
#[derive(Debug, Clone, Deserialize)]
pub struct Fault {
    /// Exact path, or a prefix ending in `*`.
    pub path: String,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default = "one")]
    pub count: u32,
    pub status: u16,
    #[serde(default)]
    pub body: String,
    /// Default `application/json` (so a malformed JSON body is one field away).
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

fn one() -> u32 {
    1
}

impl Fault {
    fn matches(&self, method: &Method, path: &str) -> bool {
        request_matches(&self.path, self.method.as_deref(), method, path)
    }
}

/// `pattern` is an exact path or a prefix ending in `*`; no `method` matches any.
fn request_matches(pattern: &str, wanted: Option<&str>, method: &Method, path: &str) -> bool {
    let path_ok = match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => path == pattern,
    };
    path_ok && wanted.is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
}

/// What a trigger does to every session just before its request is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerAction {
    Expire,
    Rotate,
    Wipe,
}

/// A one-shot "when the next request to `path` arrives, first do `action`": it lands a session
/// change exactly between two steps of a client's flow.
#[derive(Debug, Clone, Deserialize)]
pub struct Trigger {
    pub path: String,
    #[serde(default)]
    pub method: Option<String>,
    pub action: TriggerAction,
}

/// Requests matching `path` (and `method`, if given) wait, without failing, until released.
#[derive(Debug, Clone, Deserialize)]
pub struct Hold {
    /// Exact path, or a prefix ending in `*`.
    pub path: String,
    #[serde(default)]
    pub method: Option<String>,
}

impl Hold {
    fn matches(&self, method: &Method, path: &str) -> bool {
        request_matches(&self.path, self.method.as_deref(), method, path)
    }
}

/// Counts one held request while it waits, whether it is released or its client gives up.
struct Waiting<'a>(&'a AtomicU64);

impl<'a> Waiting<'a> {
    fn new(count: &'a AtomicU64) -> Self {
        count.fetch_add(1, Ordering::Relaxed);
        Self(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[derive(Debug, Default)]
pub struct HookState {
    pub counters: Counters,
    faults: Mutex<Vec<Fault>>,
    triggers: Mutex<Vec<Trigger>>,
    /// The holds in force; a held request waits for a change of this list that frees it.
    holds: watch::Sender<Vec<Hold>>,
    /// Requests waiting on a hold right now.
    held: AtomicU64,
    upload_bytes_per_second: Mutex<Option<u64>>,
}

impl HookState {
    pub fn add_fault(&self, fault: Fault) -> usize {
        let mut faults = lock(&self.faults);
        if fault.count > 0 {
            faults.push(fault);
        }
        faults.len()
    }

    /// Spends one use of the first fault matching this request.
    pub fn take_fault(&self, method: &Method, path: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let i = faults.iter().position(|f| f.matches(method, path))?;
        faults[i].count -= 1;
        let fault = faults[i].clone();
        if faults[i].count == 0 {
            faults.remove(i);
        }
        Some(fault)
    }

    pub fn add_trigger(&self, trigger: Trigger) -> usize {
        let mut triggers = lock(&self.triggers);
        triggers.push(trigger);
        triggers.len()
    }

    /// Removes and returns the first trigger matching this request.
    pub fn take_trigger(&self, method: &Method, path: &str) -> Option<TriggerAction> {
        let mut triggers = lock(&self.triggers);
        let i = triggers
            .iter()
            .position(|t| request_matches(&t.path, t.method.as_deref(), method, path))?;
        Some(triggers.remove(i).action)
    }

    /// Holds every request matching `hold` from now on; answers the number of holds in force.
    pub fn add_hold(&self, hold: Hold) -> usize {
        let mut in_force = 0;
        self.holds.send_modify(|holds| {
            holds.push(hold);
            in_force = holds.len();
        });
        in_force
    }

    /// Stops holding and lets every held request go on; answers how many were waiting.
    pub fn release(&self) -> u64 {
        let waiting = self.held();
        self.holds.send_replace(Vec::new());
        waiting
    }

    /// Requests waiting on a hold right now.
    pub fn held(&self) -> u64 {
        self.held.load(Ordering::Relaxed)
    }

    /// Returns at once unless a hold matches this request; then returns when none does.
    pub async fn wait_if_held(&self, method: &Method, path: &str) {
        let is_held = |holds: &Vec<Hold>| holds.iter().any(|h| h.matches(method, path));
        let mut holds = self.holds.subscribe();
        if !is_held(&holds.borrow()) {
            return;
        }
        let _waiting = Waiting::new(&self.held);
        // An error means the sender is gone, and with it every hold.
        let _ = holds.wait_for(|holds| !is_held(holds)).await;
    }

    pub fn set_upload_rate(&self, bytes_per_second: Option<u64>) {
        *lock(&self.upload_bytes_per_second) = bytes_per_second.filter(|b| *b > 0);
    }

    /// How long to pause after reading `len` upload bytes (test hook only).
    pub fn upload_delay(&self, len: usize) -> Option<Duration> {
        let bps = (*lock(&self.upload_bytes_per_second))?;
        Some(Duration::from_secs_f64(len as f64 / bps as f64))
    }

    pub fn reset(&self) {
        self.counters.reset();
        lock(&self.faults).clear();
        lock(&self.triggers).clear();
        self.release();
        self.set_upload_rate(None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trigger_fires_once_on_its_path() {
        let hooks = HookState::default();
        let trigger: Trigger = serde_json::from_str(
            r#"{"path": "/api/convert", "method": "POST", "action": "expire"}"#,
        )
        .unwrap();
        hooks.add_trigger(trigger);
        assert_eq!(hooks.take_trigger(&Method::POST, "/api/upload"), None);
        assert_eq!(hooks.take_trigger(&Method::GET, "/api/convert"), None);
        assert_eq!(
            hooks.take_trigger(&Method::POST, "/api/convert"),
            Some(TriggerAction::Expire)
        );
        assert_eq!(hooks.take_trigger(&Method::POST, "/api/convert"), None);
    }

    #[tokio::test]
    async fn a_held_request_waits_until_released() {
        let hooks = std::sync::Arc::new(HookState::default());
        let hold: Hold = serde_json::from_str(r#"{"path": "/assets/app-*"}"#).unwrap();
        assert_eq!(hooks.add_hold(hold), 1);
        // Not matching: goes on at once.
        hooks.wait_if_held(&Method::GET, "/assets/other.js").await;
        let waiter = {
            let hooks = hooks.clone();
            tokio::spawn(async move { hooks.wait_if_held(&Method::GET, "/assets/app-1.js").await })
        };
        while hooks.held() == 0 {
            tokio::task::yield_now().await;
        }
        assert!(!waiter.is_finished());
        assert_eq!(hooks.release(), 1);
        waiter.await.unwrap();
        assert_eq!(hooks.held(), 0);
        // Released means no longer holding.
        hooks.wait_if_held(&Method::GET, "/assets/app-1.js").await;
    }

    #[test]
    fn faults_match_by_prefix_and_run_out() {
        let hooks = HookState::default();
        let fault: Fault = serde_json::from_str(
            r#"{"path": "/assets/trustyconvert-web-*", "count": 2, "status": 503}"#,
        )
        .unwrap();
        hooks.add_fault(fault);
        assert!(hooks.take_fault(&Method::GET, "/index.html").is_none());
        assert!(hooks
            .take_fault(&Method::GET, "/assets/trustyconvert-web-abc_bg.wasm")
            .is_some());
        assert!(hooks
            .take_fault(&Method::GET, "/assets/trustyconvert-web-abc.js")
            .is_some());
        assert!(hooks
            .take_fault(&Method::GET, "/assets/trustyconvert-web-abc.js")
            .is_none());
    }
}
