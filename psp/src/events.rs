//! Stripe events: built once, recorded with every delivery attempt, then handed to the webhook sender.
//! The serialized payload is kept as the exact bytes that get signed and sent.

use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::{json, Value};

use crate::session::{new_id, now};
use crate::state::SharedState;
use crate::webhooks;

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

    fn push(&self, event: RecordedEvent) {
        self.lock().push(event);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<RecordedEvent>> {
        self.events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Emits `event_type` about `object`: records it and schedules its webhook deliveries.
pub(crate) fn emit(state: &SharedState, event_type: &str, object: Value) {
    let id = new_id("evt_");
    let pending = u8::from(state.config.webhook_url.is_some());
    let payload = json!({
        "id": id,
        "object": "event",
        "api_version": API_VERSION,
        "created": now(),
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": pending,
        "request": { "id": null, "idempotency_key": null },
        "type": event_type,
    })
    .to_string();
    tracing::info!(event = %id, %event_type, "event emitted");
    let payload: Arc<str> = payload.into();
    state.events.push(RecordedEvent {
        id: id.clone(),
        event_type: event_type.to_owned(),
        payload: payload.to_string(),
        attempts: Vec::new(),
    });
    webhooks::schedule(state, id, payload);
}
