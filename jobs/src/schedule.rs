//! Scheduled product sync. Every worker process runs the schedule, but a period's sync is enqueued only
//! by the first process to claim that period in Redis (`SET … NX`), so N worker containers still give
//! one sync per period. A missed claim (Redis briefly down) is logged and retried next period.

use crate::product_sync::ProductSync;
use crate::queue;
use apalis_redis::ConnectionManager;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What to sync and how often.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub every: Duration,
    pub feed_url: String,
}

/// Claims period `slot` of `name` within `namespace`; true for exactly one caller per slot. The claim
/// outlives its period (by a minute at least) so a worker with a lagging clock cannot claim it again.
pub async fn claim(
    conn: &mut ConnectionManager,
    namespace: &str,
    name: &str,
    slot: u64,
    period: Duration,
) -> anyhow::Result<bool> {
    let key = format!("{namespace}:schedule:{name}:{slot}");
    let set: Option<String> = redis::cmd("SET")
        .arg(&key)
        .arg(std::process::id())
        .arg("NX")
        .arg("EX")
        .arg((period.as_secs() * 2).max(60))
        .query_async(conn)
        .await?;
    Ok(set.is_some())
}

/// Runs the schedule forever: at the start of each period, claim it and, if ours, enqueue a sync.
pub async fn run(redis_url: String, namespace: String, schedule: Schedule) {
    let period = schedule.every.max(Duration::from_secs(1));
    tracing::info!(every = ?period, feed = %schedule.feed_url, "product-sync schedule started");
    // The connection manager reconnects by itself once it has connected the first time.
    let mut conn = loop {
        match apalis_redis::connect(redis_url.as_str()).await {
            Ok(conn) => break conn,
            Err(error) => {
                tracing::warn!(%error, "schedule cannot reach Redis yet");
                tokio::time::sleep(period).await;
            }
        }
    };
    loop {
        let (slot, until_next) = current_slot(period);
        if let Err(error) = tick(&mut conn, &redis_url, &namespace, &schedule, slot, period).await {
            tracing::warn!(%error, slot, "scheduled product-sync not enqueued; will try next period");
        }
        tokio::time::sleep(until_next).await;
    }
}

async fn tick(
    conn: &mut ConnectionManager,
    redis_url: &str,
    namespace: &str,
    schedule: &Schedule,
    slot: u64,
    period: Duration,
) -> anyhow::Result<()> {
    if claim(conn, namespace, "product-sync", slot, period).await? {
        let job = ProductSync::new(schedule.feed_url.clone());
        queue::enqueue(redis_url, namespace, job).await?;
        tracing::info!(slot, "scheduled product-sync enqueued");
    }
    Ok(())
}

/// The number of the period we are in (periods count from the Unix epoch, so every process agrees) and
/// how long until the next one starts.
pub fn current_slot(period: Duration) -> (u64, Duration) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let period_ms = period.as_millis().max(1);
    let slot = now.as_millis() / period_ms;
    let next = (slot + 1) * period_ms - now.as_millis();
    (
        u64::try_from(slot).unwrap_or(u64::MAX),
        Duration::from_millis(u64::try_from(next).unwrap_or(1000)),
    )
}
