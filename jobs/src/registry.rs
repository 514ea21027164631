//! Every job this crate runs, in one list: the worker registers them all, and a dead letter is re-enqueued
//! by name. A new job (inventory, reports, notifications) adds its line in both functions, nothing else.

use crate::dead_letters::DeadLetters;
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

/// Re-enqueues dead letter `id` as it was, then forgets it (in that order: a failed enqueue keeps the
/// letter); false if there is no such letter.
pub async fn retry_dead_letter(
    dead: &DeadLetters,
    queues: &Queues,
    id: u64,
) -> anyhow::Result<bool> {
    let Some(letter) = dead.get(id).await? else {
        return Ok(false);
    };
    enqueue_json(queues, &letter.job, letter.payload).await?;
    dead.forget(id).await?;
    Ok(true)
}

fn parse<J: Job>(payload: serde_json::Value) -> anyhow::Result<J> {
    serde_json::from_value(payload).map_err(|e| anyhow::anyhow!("bad {} payload: {e}", J::NAME))
}
