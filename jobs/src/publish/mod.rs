//! Keeping the edge's catalog current. Product sync publishes after each import; the edge-refresh job
//! ([`RefreshEdge`]) publishes after any committed change to what the edge shows (the `product.*` outbox
//! events the catalog triggers write), so a stock or price change is on the edge within about a second.
//!
//! Both go through [`publish_latest`]: one publisher at a time (a Postgres advisory lock), a fresh
//! snapshot, only the documents the edge lacks. Its sequence is the snapshot's start time, so the edge
//! can refuse a snapshot older than the one it serves. A refresh whose change an earlier publish already
//! read is skipped: a burst of changes costs a few publishes, not one each.

pub mod send;
pub mod snapshot;

use crate::events::{Event, EventJob};
use crate::job::Job;
use crate::{EdgeTarget, JobContext};
use chrono::{DateTime, Utc};
use meridian_store::outbox::topic;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

/// What a publish did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// The edge now serves `version`; `documents` KV writes were needed (0: it already did).
    Version { version: String, documents: u32 },
    /// A publish that started after the change was seen had already taken it to the edge.
    AlreadyCovered,
}

/// Publishes the current catalog to `edge` unless a publish that began after `seen` (a change's commit,
/// as the relay saw it) already did.
pub async fn publish_latest(
    db: &PgPool,
    http: &reqwest::Client,
    edge: &EdgeTarget,
    seen: Option<DateTime<Utc>>,
) -> anyhow::Result<Published> {
    let mut lock = db.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext('meridian.edge_publish'))")
        .execute(&mut *lock)
        .await?;
    let last = sqlx::query_scalar!("SELECT snapshot_started_at FROM edge_publishes")
        .fetch_optional(&mut *lock)
        .await?;
    if let (Some(seen), Some(last)) = (seen, last) {
        if last > seen {
            return Ok(Published::AlreadyCovered);
        }
    }
    // Read before the snapshot's queries start, so the snapshot holds every change committed before it.
    let started = sqlx::query_scalar!(r#"SELECT clock_timestamp() AS "now!""#)
        .fetch_one(&mut *lock)
        .await?;
    let state = send::state(http, &edge.url, &edge.token).await?;
    // The edge refuses older sequences; a new database (a dev reset) must still move forward.
    let sequence = started.timestamp_micros().max(state.sequence + 1);
    let snapshot = snapshot::snapshot(db, sequence).await?;
    let receipt = send::publish(http, &edge.url, &edge.token, &state, &snapshot).await?;
    sqlx::query!(
        "INSERT INTO edge_publishes (version, snapshot_started_at) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET version = $1, snapshot_started_at = $2, published_at = now()",
        snapshot.version,
        started
    )
    .execute(&mut *lock)
    .await?;
    lock.commit().await?;
    Ok(Published::Version {
        version: snapshot.version,
        documents: receipt.documents,
    })
}

/// The fast path after a product change: the relay reports each `product.*` event it relayed on `seen`
/// (the newest only), and this loop publishes at once instead of waiting for the edge-refresh job's queue
/// poll. The job stays the durable path: it finds the change already published and only records its
/// receipt; if this publish fails, the job (with its retries) publishes instead.
pub async fn follow(
    ctx: JobContext,
    mut seen: tokio::sync::watch::Receiver<Option<DateTime<Utc>>>,
) {
    let Some(edge) = ctx.edge.clone() else {
        return std::future::pending().await;
    };
    while seen.changed().await.is_ok() {
        let Some(at) = *seen.borrow_and_update() else {
            continue;
        };
        match publish_latest(&ctx.db, &ctx.http, &edge, Some(at)).await {
            Ok(outcome) => tracing::debug!(?outcome, "edge refreshed after a change"),
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "fast edge refresh failed; the edge-refresh job will publish")
            }
        }
        // A busy store changes stock with every order: at most one publish per pause, every change
        // meanwhile folded into the next, so publishing cannot take the machine from the orders.
        tokio::time::sleep(MIN_PUBLISH_PAUSE).await;
    }
}

/// The least time between two publishes of the fast path (still well inside the one-second budget).
const MIN_PUBLISH_PAUSE: std::time::Duration = std::time::Duration::from_millis(250);

/// Whether an event announces a change the edge shows.
pub fn changes_the_edge(event: &Event) -> bool {
    crate::events::handles::<RefreshEdge>(&event.topic)
}

/// Brings the edge up to date after a committed change to a product (stock, price, listing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefreshEdge {
    pub event: Event,
}

impl Job for RefreshEdge {
    const NAME: &'static str = "edge-refresh";
    type Settings = ();

    fn event_id(&self) -> Option<i64> {
        Some(self.event.id)
    }

    async fn run(&self, ctx: &JobContext, _: &()) -> anyhow::Result<()> {
        let Some(edge) = &ctx.edge else {
            return Ok(()); // import-only deployment: nothing to refresh
        };
        let outcome = publish_latest(&ctx.db, &ctx.http, edge, self.event.seen_at).await?;
        tracing::info!(event = self.event.id, topic = %self.event.topic, ?outcome, "edge refreshed");
        Ok(())
    }
}

impl EventJob for RefreshEdge {
    const TOPICS: &'static [&'static str] = &[topic::PRODUCT_CHANGED, topic::PRODUCT_ARCHIVED];

    fn for_event(event: Event) -> Self {
        Self { event }
    }
}
