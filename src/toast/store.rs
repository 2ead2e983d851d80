//! `ToastStore`: the messages on screen. Pushing the same message again refreshes it instead of
//! stacking a copy, so one event is one message however often it is reported.

use yewdux::Store;

use super::message::ToastMessage;

/// How a toast reads and whether it stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastTone {
    Info,
    Success,
    /// Errors stay until dismissed and are announced as alerts.
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub id: u64,
    pub tone: ToastTone,
    pub message: ToastMessage,
    /// The server's correlation id, for support (shown with a Copy button).
    pub correlation_id: Option<String>,
    /// Changes with every push of this toast: a dismissal timer armed for an earlier push sees
    /// another stamp and leaves the toast to the newer push's timer.
    pub stamp: u64,
}

/// Most toasts on screen at once; the oldest goes first.
pub const MAX_TOASTS: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, Default, Store)]
pub struct ToastStore {
    pub toasts: Vec<Toast>,
    next_id: u64,
    next_stamp: u64,
}

impl ToastStore {
    /// Adds a toast, or moves an identical one to the end with a fresh stamp; returns its id.
    pub fn push(
        &mut self,
        tone: ToastTone,
        message: ToastMessage,
        correlation_id: Option<String>,
    ) -> u64 {
        self.next_stamp += 1;
        let stamp = self.next_stamp;
        if let Some(index) = self.toasts.iter().position(|toast| {
            toast.tone == tone && toast.message == message && toast.correlation_id == correlation_id
        }) {
            let mut existing = self.toasts.remove(index);
            existing.stamp = stamp;
            let id = existing.id;
            self.toasts.push(existing);
            return id;
        }
        self.next_id += 1;
        let id = self.next_id;
        self.toasts.push(Toast {
            id,
            tone,
            message,
            correlation_id,
            stamp,
        });
        if self.toasts.len() > MAX_TOASTS {
            let excess = self.toasts.len() - MAX_TOASTS;
            self.toasts.drain(..excess);
        }
        id
    }

    pub fn dismiss(&mut self, id: u64) {
        self.toasts.retain(|toast| toast.id != id);
    }

    /// The toast's current stamp (None once it is gone).
    pub fn stamp_of(&self, id: u64) -> Option<u64> {
        self.toasts
            .iter()
            .find(|toast| toast.id == id)
            .map(|toast| toast.stamp)
    }

    /// A dismissal timer ran out: removes the toast only if it was not pushed again since the
    /// timer was armed (then the newer push's own timer decides).
    pub fn expire(&mut self, id: u64, stamp: u64) {
        self.toasts
            .retain(|toast| !(toast.id == id && toast.stamp == stamp));
    }
}
