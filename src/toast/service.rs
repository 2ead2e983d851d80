//! `ToastService`: how the app reports events. Non-errors dismiss themselves after a while;
//! errors carry the server's correlation id and stay until the person closes them.

use std::time::Duration;

use trustyconvert_core::ApiError;
use wasm_bindgen_futures::spawn_local;
use yewdux::Dispatch;

use super::message::ToastMessage;
use super::store::{ToastStore, ToastTone};

/// How long an info or success toast stays.
pub const AUTO_DISMISS: Duration = Duration::from_secs(6);

#[derive(Clone, PartialEq)]
pub struct ToastService {
    dispatch: Dispatch<ToastStore>,
}

impl ToastService {
    pub fn new(dispatch: Dispatch<ToastStore>) -> Self {
        Self { dispatch }
    }

    pub fn info(&self, message: ToastMessage) {
        self.push_transient(ToastTone::Info, message);
    }

    pub fn success(&self, message: ToastMessage) {
        self.push_transient(ToastTone::Success, message);
    }

    /// An API failure: its user message (the server's own where it has one) and its reference.
    /// Returns the toast's id, so the failure's toast can go once the person acts on it.
    pub fn api_error(&self, error: &ApiError) -> u64 {
        let message = ToastMessage::Api(error.clone());
        self.push(ToastTone::Error, message, error.correlation_id.clone())
            .0
    }

    /// An error found in the page itself (nothing was sent, so no reference); returns its id.
    pub fn error(&self, message: ToastMessage) -> u64 {
        self.push(ToastTone::Error, message, None).0
    }

    pub fn dismiss(&self, id: u64) {
        self.remove(id, None);
    }

    /// The same message pushed again stays `AUTO_DISMISS` from its latest push: each push arms
    /// a timer for its own stamp, and only the latest one's can remove it.
    fn push_transient(&self, tone: ToastTone, message: ToastMessage) {
        let (id, stamp) = self.push(tone, message, None);
        let Some(stamp) = stamp else {
            return;
        };
        let service = self.clone();
        spawn_local(async move {
            gloo::timers::future::sleep(AUTO_DISMISS).await;
            service.remove(id, Some(stamp));
        });
    }

    /// Adds (or moves up) a toast; its id and stamp. Every change of the store goes through
    /// this and `remove`, so yewdux's update code is in the bundle twice, not once per caller.
    fn push(
        &self,
        tone: ToastTone,
        message: ToastMessage,
        correlation_id: Option<String>,
    ) -> (u64, Option<u64>) {
        self.dispatch.reduce_mut(|store| {
            let id = store.push(tone, message, correlation_id);
            (id, store.stamp_of(id))
        })
    }

    /// Removes toast `id`; with a `stamp`, only if it was not pushed again since (a timer's).
    fn remove(&self, id: u64, stamp: Option<u64>) {
        self.dispatch.reduce_mut(|store| match stamp {
            Some(stamp) => store.expire(id, stamp),
            None => store.dismiss(id),
        });
    }
}
