//! Every job this crate runs, in one list: the worker registers them all, the relay routes outbox events
//! to the event jobs, and a dead letter is re-enqueued by name. A new job adds its line in each function
//! below, nothing else.

use crate::dead_letters::DeadLetters;
use crate::events::{handles, Event, EventJob};
use crate::images::{self, ImportImages};
use crate::inventory::{self, InventorySync};
use crate::job::Job;
use crate::noop::Noop;
use crate::notify::{self, SendEmail, SendSms};
use crate::product_sync::{self, ProductSync};
use crate::publish::RefreshEdge;
use crate::queue::Queues;
use crate::reports::{self, DailyReport};
use crate::webhooks::{self, DeliverWebhook, FanOutWebhooks, ReplayWebhook};
use crate::worker::Workers;

/// The settings of every job, read once at start-up.
#[derive(Debug, Clone)]
pub struct JobSettings {
    pub product_sync: product_sync::Settings,
    pub notify: notify::Settings,
    pub webhooks: webhooks::Settings,
    pub reports: reports::Settings,
    pub inventory: inventory::Settings,
    pub images: images::Settings,
}

/// Registers a worker for each job.
pub fn register_all(workers: Workers, settings: &JobSettings) -> Workers {
    workers
        .register::<ProductSync>(settings.product_sync.clone())
        .register::<RefreshEdge>(())
        .register::<Noop>(())
        .register::<SendEmail>(settings.notify.clone())
        .register::<SendSms>(settings.notify.clone())
        .register::<FanOutWebhooks>(settings.webhooks.clone())
        .register::<DeliverWebhook>(settings.webhooks.clone())
        .register::<ReplayWebhook>(settings.webhooks.clone())
        .register::<DailyReport>(settings.reports.clone())
        .register::<InventorySync>(settings.inventory.clone())
        .register::<ImportImages>(settings.images.clone())
}

/// The names of the event jobs that handle `topic` (none: the relay marks the row done at once).
pub fn jobs_for(topic: &str) -> Vec<&'static str> {
    let mut jobs = Vec::new();
    let mut route = |handled: bool, name: &'static str| {
        if handled {
            jobs.push(name);
        }
    };
    route(handles::<RefreshEdge>(topic), RefreshEdge::NAME);
    route(handles::<Noop>(topic), Noop::NAME);
    route(handles::<SendEmail>(topic), SendEmail::NAME);
    route(handles::<SendSms>(topic), SendSms::NAME);
    route(handles::<FanOutWebhooks>(topic), FanOutWebhooks::NAME);
    route(handles::<ReplayWebhook>(topic), ReplayWebhook::NAME);
    route(handles::<ImportImages>(topic), ImportImages::NAME);
    jobs
}

/// Enqueues the event job called `name` for `event`.
pub async fn enqueue_event(queues: &Queues, name: &str, event: Event) -> anyhow::Result<()> {
    match name {
        RefreshEdge::NAME => queues.enqueue(RefreshEdge::for_event(event)).await,
        Noop::NAME => queues.enqueue(Noop::for_event(event)).await,
        SendEmail::NAME => queues.enqueue(SendEmail::for_event(event)).await,
        SendSms::NAME => queues.enqueue(SendSms::for_event(event)).await,
        FanOutWebhooks::NAME => queues.enqueue(FanOutWebhooks::for_event(event)).await,
        ReplayWebhook::NAME => queues.enqueue(ReplayWebhook::for_event(event)).await,
        ImportImages::NAME => queues.enqueue(ImportImages::for_event(event)).await,
        other => anyhow::bail!("unknown event job {other:?}"),
    }
}

/// Enqueues the job called `name` from its JSON payload (a dead letter's).
pub async fn enqueue_json(
    queues: &Queues,
    name: &str,
    payload: serde_json::Value,
) -> anyhow::Result<()> {
    match name {
        ProductSync::NAME => queues.enqueue(parse::<ProductSync>(payload)?).await,
        InventorySync::NAME => queues.enqueue(parse::<InventorySync>(payload)?).await,
        RefreshEdge::NAME => queues.enqueue(parse::<RefreshEdge>(payload)?).await,
        Noop::NAME => queues.enqueue(parse::<Noop>(payload)?).await,
        SendEmail::NAME => queues.enqueue(parse::<SendEmail>(payload)?).await,
        SendSms::NAME => queues.enqueue(parse::<SendSms>(payload)?).await,
        FanOutWebhooks::NAME => queues.enqueue(parse::<FanOutWebhooks>(payload)?).await,
        DeliverWebhook::NAME => queues.enqueue(parse::<DeliverWebhook>(payload)?).await,
        ReplayWebhook::NAME => queues.enqueue(parse::<ReplayWebhook>(payload)?).await,
        DailyReport::NAME => queues.enqueue(parse::<DailyReport>(payload)?).await,
        ImportImages::NAME => queues.enqueue(parse::<ImportImages>(payload)?).await,
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
