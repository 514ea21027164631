//! Queue names and storage. One Redis storage per job type; the namespace keeps deployments (and parallel
//! test runs) on one Redis apart.

use crate::product_sync::ProductSync;
use apalis::prelude::TaskSink;
use apalis_redis::{Config, RedisStorage};

/// Queue of [`ProductSync`] jobs within `namespace`.
pub fn product_sync_queue(namespace: &str) -> String {
    format!("{namespace}:product-sync")
}

/// Storage of product-sync jobs on the Redis at `redis_url`.
pub async fn product_sync_storage(
    redis_url: &str,
    namespace: &str,
) -> anyhow::Result<RedisStorage<ProductSync>> {
    let conn = apalis_redis::connect(redis_url).await?;
    // apalis-redis fetches new jobs on its heartbeat: 2s keeps an enqueued sync from waiting ~30s (the
    // default); 15 missed beats (30s) before a worker's jobs count as orphaned and are re-queued.
    let config = Config::default()
        .queue(product_sync_queue(namespace))
        .heartbeat_interval(std::time::Duration::from_secs(2))
        .missed_heartbeats(15);
    Ok(RedisStorage::new(conn).with_config(config))
}

/// Enqueues one product sync.
pub async fn enqueue_product_sync(
    redis_url: &str,
    namespace: &str,
    job: ProductSync,
) -> anyhow::Result<()> {
    let mut storage = product_sync_storage(redis_url, namespace).await?;
    storage
        .push(job)
        .await
        .map_err(|e| anyhow::anyhow!("could not enqueue product-sync: {e}"))?;
    Ok(())
}
