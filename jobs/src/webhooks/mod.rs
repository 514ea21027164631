//! Outgoing webhooks (Standard Webhooks). [`FanOutWebhooks`] turns an order or product event into one
//! delivery row per subscribed endpoint and a [`DeliverWebhook`] job for each; that job POSTs the event,
//! signed, and the worker retries it with backoff until the last attempt marks the delivery failed (and
//! dead-letters the job). [`ReplayWebhook`] sends a delivery again when the admin API asks.

mod deliver;
pub mod signature;

use crate::events::{Event, EventJob};
use crate::job::Job;
use crate::queue::Queues;
use crate::worker::RetrySettings;
use crate::JobContext;
use clap::Args;
use meridian_store::webhooks;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// `jobs worker` flags for webhooks.
#[derive(Debug, Clone, Args)]
pub struct WebhookArgs {
    /// Seconds a receiver has to answer one delivery before the attempt counts as failed.
    #[arg(long, env = "WEBHOOK_TIMEOUT_SECONDS", default_value_t = 10)]
    pub webhook_timeout_secs: u64,
}

/// What the webhook jobs need besides the shared context.
#[derive(Clone)]
pub struct Settings {
    /// A client of its own: no redirects (a receiver cannot bounce our signed POST elsewhere).
    pub http: reqwest::Client,
    /// Where the fan-out and replays enqueue deliveries.
    pub queues: Queues,
    /// Attempts the worker makes before it gives a job up: the attempt that fails last marks the
    /// delivery failed.
    pub attempts: usize,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("webhooks::Settings")
            .field("namespace", &self.queues.namespace())
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl Settings {
    pub fn new(args: &WebhookArgs, queues: Queues, retry: RetrySettings) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(args.webhook_timeout_secs.max(1)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("meridian-webhooks/0.1")
            .build()
            .expect("a client with static settings builds");
        Self {
            http,
            queues,
            attempts: retry.retries + 1,
        }
    }
}

/// Records the deliveries of one event and enqueues them. Idempotent: deliveries are unique per
/// (endpoint, event), and a run after a crash enqueues again whatever is still pending (a delivery job
/// that runs twice sends a delivered message no second time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FanOutWebhooks {
    pub event: Event,
}

impl Job for FanOutWebhooks {
    const NAME: &'static str = "webhook-fan-out";
    type Settings = Settings;

    fn event_id(&self) -> Option<i64> {
        Some(self.event.id)
    }

    async fn run(&self, ctx: &JobContext, settings: &Settings) -> anyhow::Result<()> {
        // The time the relay saw the event is the closest we have to when it happened.
        let at = self.event.seen_at.unwrap_or_else(chrono::Utc::now);
        let body = message(&self.event, at);
        let pending = webhooks::fan_out(&ctx.db, self.event.id, &self.event.topic, &body).await?;
        for delivery in pending {
            settings.queues.enqueue(DeliverWebhook { delivery }).await?;
        }
        Ok(())
    }
}

impl EventJob for FanOutWebhooks {
    const TOPICS: &'static [&'static str] = webhooks::TOPICS;

    fn for_event(event: Event) -> Self {
        Self { event }
    }
}

/// Sends one delivery (one attempt per run). Idempotent: a delivered delivery is not sent again; a
/// receiver deduplicates the rare double send (two copies of the job racing) by its `webhook-id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverWebhook {
    pub delivery: i64,
}

impl Job for DeliverWebhook {
    const NAME: &'static str = "webhook-deliver";
    type Settings = Settings;

    async fn run(&self, ctx: &JobContext, settings: &Settings) -> anyhow::Result<()> {
        deliver::attempt(&ctx.db, settings, self.delivery).await
    }
}

/// The admin API asked for a delivery to be sent again (`webhook.replay` {delivery}): the row is already
/// pending again, this enqueues its job. Enqueuing twice is harmless (see [`DeliverWebhook`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplayWebhook {
    pub event: Event,
}

impl Job for ReplayWebhook {
    const NAME: &'static str = "webhook-replay";
    type Settings = Settings;

    fn event_id(&self) -> Option<i64> {
        Some(self.event.id)
    }

    async fn run(&self, _: &JobContext, settings: &Settings) -> anyhow::Result<()> {
        let Some(delivery) = self.event.payload["delivery"].as_i64() else {
            return Err(crate::job::refusal("webhook.replay without a delivery id"));
        };
        settings.queues.enqueue(DeliverWebhook { delivery }).await
    }
}

impl EventJob for ReplayWebhook {
    const TOPICS: &'static [&'static str] = &[webhooks::REPLAY_TOPIC];

    fn for_event(event: Event) -> Self {
        Self { event }
    }
}

/// The message for `event` in the spec's shape `{type, timestamp, data}`. The order's `token` is left
/// out: it is the buyer's secret link to the order, and the receiver has the order number.
pub fn message(event: &Event, at: chrono::DateTime<chrono::Utc>) -> serde_json::Value {
    let mut data = event.payload.clone();
    if let Some(fields) = data.as_object_mut() {
        fields.remove("token");
    }
    serde_json::json!({
        "type": event.topic,
        "timestamp": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_follows_the_spec_and_keeps_the_buyers_link_out() {
        let event = Event {
            id: 7,
            topic: "order.paid".into(),
            payload: serde_json::json!({"number": "M-100001", "token": "ab".repeat(32)}),
            seen_at: None,
        };
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z").unwrap();
        let body = message(&event, at.to_utc());
        assert_eq!(
            body,
            serde_json::json!({
                "type": "order.paid",
                "timestamp": "2026-11-26T10:00:00.000Z",
                "data": {"number": "M-100001"}
            })
        );
    }
}
