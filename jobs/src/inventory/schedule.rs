//! The inventory-sync schedule: like the product-sync one ([`crate::schedule`]), every worker runs it and
//! the first to claim a period in Redis enqueues that period's sync, so N workers still give one run per
//! period. A missed claim (Redis briefly down) is logged and tried again next period.

use super::InventorySync;
use crate::job::Job;
use crate::queue;
use crate::schedule::{claim, current_slot};
use std::time::Duration;

/// Runs forever: at the start of each period, claim it and, if ours, enqueue a sync of `feed_url`.
pub async fn run(redis_url: String, namespace: String, feed_url: String, every: Duration) {
    let period = every.max(Duration::from_secs(1));
    tracing::info!(every = ?period, "inventory-sync schedule started");
    let mut conn = loop {
        match apalis_redis::connect(redis_url.as_str()).await {
            Ok(conn) => break conn,
            Err(error) => {
                tracing::warn!(%error, "inventory schedule cannot reach Redis yet");
                tokio::time::sleep(period).await;
            }
        }
    };
    loop {
        let (slot, until_next) = current_slot(period);
        let claimed = claim(&mut conn, &namespace, InventorySync::NAME, slot, period).await;
        let enqueued = match claimed {
            Ok(true) => {
                let job = InventorySync {
                    feed_url: feed_url.clone(),
                };
                queue::enqueue(&redis_url, &namespace, job)
                    .await
                    .map(|()| true)
            }
            Ok(false) => Ok(false),
            Err(error) => Err(error),
        };
        match enqueued {
            Ok(true) => tracing::info!(slot, "scheduled inventory-sync enqueued"),
            Ok(false) => {}
            Err(error) => {
                tracing::warn!(%error, slot, "scheduled inventory-sync not enqueued; will try next period");
            }
        }
        tokio::time::sleep(until_next).await;
    }
}
