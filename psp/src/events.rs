//! The log of Stripe events: each as the exact bytes that were signed and sent, with every delivery
//! attempt's status (`GET /_psp/events`, `Psp::events`).

use std::sync::Mutex;

use serde::Serialize;

/// The API version stamped on events, as a Stripe account pinned to it would send.
pub(crate) const API_VERSION: &str = "2024-06-20";

/// An emitted event and what happened to its deliveries.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    /// The exact JSON body delivered (and signed).
    pub payload: String,
    /// HTTP status of each delivery attempt in order; 0 is a connection error or timeout.
    pub attempts: Vec<u16>,
}

/// All events in emission order.
#[derive(Debug, Default)]
pub(crate) struct EventLog {
    events: Mutex<Vec<RecordedEvent>>,
}

impl EventLog {
    pub(crate) fn all(&self) -> Vec<RecordedEvent> {
        self.lock().clone()
    }

    pub(crate) fn record_attempt(&self, id: &str, status: u16) {
        if let Some(event) = self.lock().iter_mut().find(|e| e.id == id) {
            event.attempts.push(status);
        }
    }

    pub(crate) fn push(&self, event: RecordedEvent) {
        self.lock().push(event);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<RecordedEvent>> {
        self.events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
