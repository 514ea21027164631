//! The product-sync job: fetch the supplier feed, upsert it into the catalog, archive what the feed no
//! longer lists, publish the catalog to the edge, record the run.
//!
//! Idempotent: the upsert leaves unchanged rows untouched and the snapshot version is a content hash, so
//! running it twice (a retry, or two schedules overlapping) changes nothing the second time.

use crate::normalize;
use crate::shopify;
use crate::JobContext;
use meridian_store::catalog::import::{archive_unlisted_products, upsert_products, ImportSummary};
use meridian_store::catalog::runs::{record_sync_run, SyncRun};
use serde::{Deserialize, Serialize};

/// Products written per transaction: bounded so a huge feed does not hold one long transaction.
const BATCH: usize = 100;

/// Job payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSync {
    /// Base URL of a Shopify store (the feed is `<feed_url>/products.json`).
    pub feed_url: String,
}

/// Runs one sync and returns what it recorded.
pub async fn run(ctx: &JobContext, job: &ProductSync) -> anyhow::Result<SyncRun> {
    let products = shopify::fetch_all(&ctx.http, &job.feed_url).await?;
    // An empty feed is far likelier a broken supplier than an empty shop: archiving the whole catalog on
    // its word would empty the storefront, so the run fails (and is retried) instead.
    anyhow::ensure!(
        !products.is_empty(),
        "the supplier feed at {} listed no products; the catalog was left as it is",
        job.feed_url
    );
    let mut skipped = 0u32;
    let mut imports = Vec::with_capacity(products.len());
    for product in &products {
        match normalize::product(product, ctx.currency, ctx.initial_stock) {
            Ok(import) => imports.push(import),
            Err(reason) => {
                skipped += 1;
                tracing::warn!(%reason, "skipping supplier product");
            }
        }
    }
    let mut summary = ImportSummary::default();
    for batch in imports.chunks(BATCH) {
        let done = upsert_products(&ctx.db, batch).await?;
        summary.created += done.created;
        summary.updated += done.updated;
        summary.unchanged += done.unchanged;
    }
    let listed: Vec<i64> = products.iter().map(|p| p.id).collect();
    summary.archived = archive_unlisted_products(&ctx.db, &listed).await?;
    let published_version = match &ctx.edge {
        Some(edge) => {
            let snapshot = crate::publish::snapshot(&ctx.db).await?;
            let receipt =
                crate::publish::publish(&ctx.http, &edge.url, &edge.token, &snapshot).await?;
            Some(receipt.version)
        }
        None => None,
    };
    let run = SyncRun {
        source: job.feed_url.clone(),
        summary,
        skipped,
        published_version,
    };
    record_sync_run(&ctx.db, &run).await?;
    tracing::info!(?run.summary, skipped, version = ?run.published_version, "product sync finished");
    Ok(run)
}
