//! A job that does nothing: what `cargo xtask bench` measures the queue itself with (the relay, apalis on
//! Redis, the worker's receipts) without any job's own work in the figure. Outbox rows of topic
//! [`TOPIC`] are routed to it; nothing in the store writes that topic.

use crate::events::{Event, EventJob};
use crate::job::Job;
use crate::JobContext;
use serde::{Deserialize, Serialize};

/// The outbox topic the bench writes.
pub const TOPIC: &str = "bench.noop";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Noop {
    pub event: Event,
}

impl Job for Noop {
    const NAME: &'static str = "noop";
    type Settings = ();

    fn event_id(&self) -> Option<i64> {
        Some(self.event.id)
    }

    async fn run(&self, _: &JobContext, _: &()) -> anyhow::Result<()> {
        Ok(())
    }
}

impl EventJob for Noop {
    const TOPICS: &'static [&'static str] = &[TOPIC];

    fn for_event(event: Event) -> Self {
        Self { event }
    }
}
