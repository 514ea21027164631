//! The product-sync job: fetch the supplier feed, upsert it into the catalog, archive what the feed no
//! longer lists, publish the catalog to the edge, record the run.
//!
//! Idempotent: the upsert leaves unchanged rows untouched, slugs and SKUs are chosen the same way on every
//! run, and the snapshot version is a content hash, so running it twice (a retry, or two schedules
//! overlapping) changes nothing the second time.

mod config;
pub mod description;
pub mod fetch;
pub mod keys;
pub mod normalize;
pub mod shopify;
pub mod supplier;
pub mod text;

pub use config::{parse_currency, Settings};

use crate::job::{refusal, Job};
use crate::JobContext;
use meridian_domain::Currency;
use meridian_store::catalog::archive::{archive_impact, archive_unlisted_products, slug_holders};
use meridian_store::catalog::import::{
    refresh_statistics, upsert_products_isolated, ImportSummary, SupplierData,
};
use meridian_store::catalog::runs::{record_sync_run, SkipReason, SyncRun};
use serde::{Deserialize, Serialize};

/// Products written per transaction: bounded so a huge feed does not hold one long transaction.
const BATCH: usize = 100;
/// Reasons kept on a run's record (and logged); the count of skips is always exact.
const MAX_REASONS: usize = 200;

/// Job payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSync {
    /// Base URL of a Shopify store (the feed is `<feed_url>/products.json`): `https`, or `http` to a
    /// loopback stand-in.
    pub feed_url: String,
    /// Currency of this feed's prices; `None`: the worker's `SUPPLIER_CURRENCY`.
    #[serde(default)]
    pub currency: Option<Currency>,
    /// Archive however much of the catalog the feed drops (normally refused above a share).
    #[serde(default)]
    pub force: bool,
}

impl ProductSync {
    /// A sync of `feed_url` in the worker's currency, not forced.
    pub fn new(feed_url: impl Into<String>) -> Self {
        Self {
            feed_url: feed_url.into(),
            currency: None,
            force: false,
        }
    }
}

impl Job for ProductSync {
    const NAME: &'static str = "product-sync";
    type Settings = Settings;

    async fn run(&self, ctx: &JobContext, settings: &Settings) -> anyhow::Result<()> {
        run(ctx, settings, self).await.map(drop)
    }
}

/// Runs one sync and returns what it recorded.
pub async fn run(
    ctx: &JobContext,
    settings: &Settings,
    job: &ProductSync,
) -> anyhow::Result<SyncRun> {
    let base = fetch::feed_url(&job.feed_url)?;
    let limits = fetch::Limits {
        max_pages: settings.max_pages,
        max_page_bytes: settings.max_page_bytes,
        page_size: shopify::PAGE_LIMIT,
    };
    let feed = fetch::fetch_all(&ctx.http, &base, limits).await?;
    // An empty feed is far likelier a broken supplier than an empty shop: archiving the whole catalog on
    // its word would empty the storefront, so the run fails (and is retried) instead.
    anyhow::ensure!(
        !feed.listed.is_empty(),
        "the supplier feed at {} listed no products; the catalog was left as it is",
        job.feed_url
    );
    check_archive_share(ctx, settings, job, &feed.listed).await?;
    let plan = plan(ctx, settings, job, &feed.products).await?;
    let (mut summary, report) = import(ctx, &plan, &feed.products, feed.skipped).await?;
    summary.archived = archive_unlisted_products(&ctx.db, &feed.listed).await?;
    // New or changed supplier image URLs are imported into our own storage by `import-images`.
    crate::images::after_sync(&ctx.db).await?;
    // Fresh planner statistics before anything reads the new rows (the publish below, the origin's
    // listings): without them a first import is read with plans made for empty tables.
    refresh_statistics(&ctx.db).await?;
    let published_version = publish_catalog(ctx).await?;
    let skipped = report.skipped.len();
    let mut reasons = report.skipped;
    reasons.extend(report.shortened);
    log_reasons(&reasons);
    reasons.truncate(MAX_REASONS);
    let run = SyncRun {
        source: job.feed_url.clone(),
        summary,
        skipped: u32::try_from(skipped).unwrap_or(u32::MAX),
        skipped_reasons: reasons,
        published_version,
    };
    record_sync_run(&ctx.db, &run).await?;
    tracing::info!(?run.summary, skipped, version = ?run.published_version, "product sync finished");
    Ok(run)
}

/// Normalises and upserts every product, in batches; what was skipped (already while reading, in
/// `skipped`, then here) or shortened is reported.
async fn import(
    ctx: &JobContext,
    plan: &normalize::Plan,
    products: &[shopify::Product],
    skipped: Vec<SkipReason>,
) -> anyhow::Result<(ImportSummary, normalize::Report)> {
    let mut report = normalize::Report {
        skipped,
        shortened: Vec::new(),
    };
    let mut imports = Vec::with_capacity(products.len());
    for product in products {
        match normalize::product(product, plan, &mut report) {
            Ok(import) => imports.push(import),
            Err(reason) => report.skipped.push(reason),
        }
    }
    let supplier = supplier_data(products, &report);
    let mut summary = ImportSummary::default();
    for batch in imports.chunks(BATCH) {
        let (done, refused) = upsert_products_isolated(&ctx.db, batch, &supplier).await?;
        summary.created += done.created;
        summary.updated += done.updated;
        summary.unchanged += done.unchanged;
        let refused = refused.into_iter().map(|(product_id, reason)| SkipReason {
            product_id,
            variant_id: None,
            reason,
        });
        report.skipped.extend(refused);
    }
    Ok((summary, report))
}

/// Refuses (for good: a retry would see the same feed) a run that would archive more than the allowed
/// share of the live products, before anything is written.
async fn check_archive_share(
    ctx: &JobContext,
    settings: &Settings,
    job: &ProductSync,
    listed: &[i64],
) -> anyhow::Result<()> {
    let impact = archive_impact(&ctx.db, listed).await?;
    if job.force || !impact.exceeds(settings.max_archive_percent) {
        return Ok(());
    }
    Err(refusal(format!(
        "the feed at {} would archive {} of {} live products (over {}%); nothing was changed. \
         If that is intended, run `jobs enqueue --force`",
        job.feed_url, impact.would_archive, impact.live, settings.max_archive_percent
    )))
}

/// Chooses every key and shared name for this feed before anything is written.
async fn plan(
    ctx: &JobContext,
    settings: &Settings,
    job: &ProductSync,
    products: &[shopify::Product],
) -> anyhow::Result<normalize::Plan> {
    let all: Vec<&shopify::Product> = products.iter().collect();
    let wanted: Vec<String> = all.iter().map(|p| keys::wanted_slug(p)).collect();
    let holders = slug_holders(&ctx.db, &wanted).await?;
    let mut by_id: Vec<&shopify::Product> = all.clone();
    by_id.sort_by_key(|p| p.id);
    let mut category_names = std::collections::HashMap::new();
    for p in by_id {
        let (slug, name) = normalize::category(p);
        category_names.entry(slug).or_insert(name);
    }
    Ok(normalize::Plan {
        currency: job.currency.unwrap_or(settings.currency),
        initial_stock: settings.initial_stock,
        slugs: keys::plan_slugs(&all, &holders),
        skus: keys::plan_skus(&all),
        category_names,
    })
}

/// The supplier's own SKUs, and the variants it lists that were skipped (kept as they were, not archived).
fn supplier_data(products: &[shopify::Product], report: &normalize::Report) -> SupplierData {
    let skus = products
        .iter()
        .flat_map(|p| &p.variants)
        .filter_map(|v| Some((v.id, v.sku.as_deref()?.trim().to_owned())))
        .filter(|(_, sku)| !sku.is_empty())
        .collect();
    let kept_variants = report.skipped.iter().filter_map(|r| r.variant_id).collect();
    SupplierData {
        skus,
        kept_variants,
    }
}

async fn publish_catalog(ctx: &JobContext) -> anyhow::Result<Option<String>> {
    let Some(edge) = &ctx.edge else {
        return Ok(None);
    };
    match crate::publish::publish_latest(&ctx.db, &ctx.http, edge, None).await? {
        crate::publish::Published::Version { version, .. } => Ok(Some(version)),
        crate::publish::Published::AlreadyCovered => Ok(None),
    }
}

fn log_reasons(reasons: &[SkipReason]) {
    for r in reasons.iter().take(MAX_REASONS) {
        tracing::warn!(product = r.product_id, variant = ?r.variant_id, reason = %r.reason, "supplier product not imported as listed");
    }
    if reasons.len() > MAX_REASONS {
        tracing::warn!(
            more = reasons.len() - MAX_REASONS,
            "more supplier products not imported as listed"
        );
    }
}
