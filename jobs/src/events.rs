//! Outbox events as jobs see them. The relay ([`crate::relay`]) hands each outbox row to every
//! [`EventJob`] whose [`EventJob::TOPICS`] name the row's topic, as that job's payload; the worker skips a
//! job that already has a receipt for the event, so an event sent again is handled once.

use crate::job::Job;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An outbox row as the relay hands it to a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The outbox row's id: unique, and what receipts and once-only sends are keyed on.
    pub id: i64,
    pub topic: String,
    pub payload: serde_json::Value,
    /// When the relay read the row (database clock): a read of the database that starts later sees the
    /// change. `None` for an event not from the relay (a test, a hand-made job).
    #[serde(default)]
    pub seen_at: Option<DateTime<Utc>>,
}

impl From<meridian_store::outbox::Row> for Event {
    fn from(row: meridian_store::outbox::Row) -> Self {
        Self {
            id: row.id,
            topic: row.topic,
            payload: row.payload,
            seen_at: Some(row.seen_at),
        }
    }
}

/// A job the relay starts for every outbox event of one of its topics.
pub trait EventJob: Job {
    const TOPICS: &'static [&'static str];

    /// The job for `event`.
    fn for_event(event: Event) -> Self;
}

/// True when `J` handles `topic`.
pub fn handles<J: EventJob>(topic: &str) -> bool {
    J::TOPICS.contains(&topic)
}
