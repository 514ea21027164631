//! The inventory-sync job: fetch a supplier's stock levels (a CSV of `sku,on_hand`, see [`parse`]), set
//! each known variant's stock to its on-hand count minus what unpaid orders hold
//! (`meridian_store::inventory::feed`), and record the run with what it changed, the unknown SKUs and
//! the rows it skipped. Each change is a stock movement with source `feed`. SKUs the feed does not list
//! are left alone: a row missing from a feed is not a count of zero.
//!
//! Idempotent: the stock a row gives is computed from the feed and the pending orders, not added to what
//! is there, and unchanged variants are not written; running it twice (a retry, overlapping schedules)
//! changes nothing the second time.

pub mod cli;
mod config;
pub mod parse;
pub mod schedule;
pub mod supplier;

pub use config::Settings;

use crate::job::{refusal, Job};
use crate::product_sync::fetch::feed_url;
use crate::JobContext;
use meridian_store::inventory::feed::{self, FeedRun, SkippedRow};
use serde::{Deserialize, Serialize};

/// Job payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventorySync {
    /// The stock-levels CSV: `https`, or `http` to a loopback stand-in.
    pub feed_url: String,
}

impl Job for InventorySync {
    const NAME: &'static str = "inventory-sync";
    type Settings = Settings;

    async fn run(&self, ctx: &JobContext, settings: &Settings) -> anyhow::Result<()> {
        run(ctx, settings, self).await.map(drop)
    }
}

/// What one run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The run's row in `inventory_feed_runs`.
    pub run_id: i64,
    pub rows_read: u32,
    pub applied: feed::Applied,
    pub skipped: Vec<SkippedRow>,
}

/// Runs one inventory sync and returns what it recorded.
pub async fn run(
    ctx: &JobContext,
    settings: &Settings,
    job: &InventorySync,
) -> anyhow::Result<Report> {
    let url = feed_url(&job.feed_url)?;
    let body = get_capped(&ctx.http, url.as_str(), settings.inventory_feed_max_bytes).await?;
    // No usable header means no row can be trusted; the same feed would fail the same way on a retry.
    let parsed = parse::parse(&body).map_err(|e| refusal(format!("{}: {e}", shown(&url))))?;
    let reason = format!("supplier stock feed {}", shown(&url));
    let applied = feed::apply(&ctx.db, &parsed.rows, &reason).await?;
    let mut skipped = parsed.skipped;
    skipped.extend(applied.ambiguous.iter().map(|sku| SkippedRow {
        line: 0,
        sku: sku.clone(),
        reason: "several live variants have this SKU; left alone".into(),
    }));
    let run_id = feed::record_run(
        &ctx.db,
        &FeedRun {
            feed_url: &shown(&url),
            rows_read: parsed.read,
            applied: &applied,
            skipped: u32::try_from(skipped.len()).unwrap_or(u32::MAX),
            skipped_rows: &skipped,
        },
    )
    .await?;
    for s in skipped.iter().take(20) {
        tracing::warn!(line = s.line, sku = %s.sku, reason = %s.reason, "stock feed row skipped");
    }
    tracing::info!(
        run_id,
        rows = parsed.read,
        updated = applied.updated,
        unchanged = applied.unchanged,
        unknown = applied.unknown.len(),
        first_unknown = ?applied.unknown.iter().take(10).collect::<Vec<_>>(),
        skipped = skipped.len(),
        "inventory sync finished"
    );
    Ok(Report {
        run_id,
        rows_read: parsed.read,
        applied,
        skipped,
    })
}

/// The URL as logs and movements show it: without its query or credentials, where a supplier may put
/// an access token.
fn shown(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// GETs `url`, refusing a body over `cap` bytes without reading it all.
async fn get_capped(client: &reqwest::Client, url: &str, cap: u64) -> anyhow::Result<Vec<u8>> {
    let response = client.get(url).send().await?;
    let status = response.status();
    anyhow::ensure!(status.is_success(), "the stock feed answered {status}");
    crate::context::body_within(response, cap)
        .await?
        .ok_or_else(|| {
            refusal(format!(
                "the stock feed is over {cap} bytes (INVENTORY_FEED_MAX_BYTES)"
            ))
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_feed_token_never_reaches_a_log_or_a_movement() {
        let url =
            reqwest::Url::parse("https://ops:pw@supplier.example/stock.csv?token=s3cret").unwrap();
        assert_eq!(super::shown(&url), "https://supplier.example/stock.csv");
    }
}
