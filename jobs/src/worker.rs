//! The worker process: one apalis worker per queue, retries with exponential backoff, graceful shutdown
//! on SIGINT/SIGTERM (in-flight jobs finish, up to a timeout).

use crate::product_sync::{self, ProductSync};
use crate::queue::product_sync_storage;
use crate::JobContext;
use apalis::layers::retry::backoff::{ExponentialBackoffMaker, MakeBackoff};
use apalis::layers::retry::HasherRng;
use apalis::prelude::*;
use std::time::Duration;

/// Attempts after the first failure before a job is given up (and stays in the failed set).
const RETRIES: usize = 4;

/// apalis handler for [`ProductSync`].
async fn handle_product_sync(job: ProductSync, ctx: Data<JobContext>) -> Result<(), BoxDynError> {
    product_sync::run(&ctx, &job).await.map(drop).map_err(|e| {
        tracing::error!(error = ?e, feed = %job.feed_url, "product sync failed");
        BoxDynError::from(e.to_string())
    })
}

/// Runs the workers until `shutdown` resolves, then waits for in-flight jobs.
pub async fn run(
    ctx: JobContext,
    redis_url: &str,
    namespace: &str,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let storage = product_sync_storage(redis_url, namespace).await?;
    let backoff = ExponentialBackoffMaker::new(
        Duration::from_secs(1),
        Duration::from_secs(60),
        0.5,
        HasherRng::default(),
    )
    .expect("static backoff bounds are valid")
    .make_backoff();
    let worker = WorkerBuilder::new("product-sync")
        .backend(storage)
        .data(ctx)
        .concurrency(1)
        .retry(RetryPolicy::retries(RETRIES).with_backoff(backoff))
        .build(handle_product_sync);
    tracing::info!(namespace, "jobs worker started");
    // `run_until` stops taking jobs when `shutdown` resolves and returns once the job in flight is done.
    worker
        .run_until(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing in-flight jobs");
            Ok::<(), std::io::Error>(())
        })
        .await?;
    Ok(())
}
