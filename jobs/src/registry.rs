//! Every job this crate runs, in one list: the worker registers them all, and a dead letter is re-enqueued
//! by name. A new job (inventory, reports, notifications) adds its line in both functions, nothing else.

use crate::job::Job;
use crate::product_sync::{self, ProductSync};
use crate::queue::Queues;
use crate::worker::Workers;

/// The settings of every job, read once at start-up.
#[derive(Debug, Clone)]
pub struct JobSettings {
    pub product_sync: product_sync::Settings,
}

/// Registers a worker for each job.
pub fn register_all(workers: Workers, settings: &JobSettings) -> Workers {
    workers.register::<ProductSync>(settings.product_sync.clone())
}

/// Enqueues the job called `name` from its JSON payload (a dead letter's).
pub async fn enqueue_json(
    queues: &Queues,
    name: &str,
    payload: serde_json::Value,
) -> anyhow::Result<()> {
    match name {
        ProductSync::NAME => queues.enqueue(parse::<ProductSync>(payload)?).await,
        other => anyhow::bail!("unknown job {other:?}"),
    }
}

fn parse<J: Job>(payload: serde_json::Value) -> anyhow::Result<J> {
    serde_json::from_value(payload).map_err(|e| anyhow::anyhow!("bad {} payload: {e}", J::NAME))
}
