//! The supplier's on-hand counts applied to the catalog without touching reserved units: a variant's
//! `available` becomes its on-hand count minus the units unpaid (`pending_payment`) orders hold, never
//! below zero. Those orders already took their units off `available` when they were placed, and give them
//! back if they expire, so subtracting them again here keeps every reservation intact.
//!
//! The feed names the supplier's SKU: a live variant's `supplier_sku`, or our `sku` for a variant that has
//! none. A SKU no live variant has is reported as unknown; one that two live variants share is reported
//! as ambiguous and left alone. Idempotent: a variant already at its computed stock is not written, so a
//! repeated run records no movement.

use super::{attribute, Source};
use crate::StoreError;
use sqlx::PgPool;
use std::collections::BTreeMap;

/// Variants written per transaction: each batch holds its variants' row locks only until its commit.
const BATCH: usize = 500;

/// One feed row, already checked by the caller: `on_hand` in `0..=MAX_UNITS`, SKUs distinct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnHand {
    pub sku: String,
    pub on_hand: i32,
}

/// What applying a feed did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Variants whose stock changed (each with a `feed` movement).
    pub updated: u32,
    /// Variants already at the stock the feed gives them.
    pub unchanged: u32,
    /// Feed SKUs that no live variant has.
    pub unknown: Vec<String>,
    /// Feed SKUs that several live variants share: left alone, as we cannot tell which one is meant.
    pub ambiguous: Vec<String>,
}

/// Applies `rows` in batches, each its own transaction; movements say `reason` with source `feed`.
pub async fn apply(pool: &PgPool, rows: &[OnHand], reason: &str) -> Result<Applied, StoreError> {
    let mut applied = Applied::default();
    for batch in rows.chunks(BATCH) {
        apply_batch(pool, batch, reason, &mut applied).await?;
    }
    Ok(applied)
}

async fn apply_batch(
    pool: &PgPool,
    batch: &[OnHand],
    reason: &str,
    applied: &mut Applied,
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    attribute(&mut tx, Source::Feed, reason, None).await?;
    let keys: Vec<String> = batch.iter().map(|r| r.sku.clone()).collect();
    // Lock first, in SKU order as placing an order does (no deadlock with a buyer). Holding the locks, no
    // order can take or give back these variants' stock until we commit, and the UPDATE below (a new
    // statement, so a new snapshot) sees every reservation committed before we locked.
    let matched = sqlx::query!(
        r#"SELECT id, coalesce(supplier_sku, sku) AS "key!" FROM variants
           WHERE archived_at IS NULL AND coalesce(supplier_sku, sku) = ANY($1)
           ORDER BY sku FOR UPDATE"#,
        &keys
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut by_key: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for m in matched {
        by_key.entry(m.key).or_default().push(m.id);
    }
    let (mut ids, mut on_hand) = (Vec::new(), Vec::new());
    for row in batch {
        match by_key.get(&row.sku).map(Vec::as_slice) {
            None => applied.unknown.push(row.sku.clone()),
            Some([id]) => {
                ids.push(*id);
                on_hand.push(row.on_hand);
            }
            Some(_) => applied.ambiguous.push(row.sku.clone()),
        }
    }
    let updated = sqlx::query_scalar!(
        "UPDATE variants v SET available = t.target, updated_at = now()
         FROM (SELECT f.id, greatest(f.on_hand - coalesce(h.held, 0), 0)::integer AS target
               FROM unnest($1::bigint[], $2::integer[]) AS f (id, on_hand)
               LEFT JOIN (SELECT l.variant_id, sum(l.quantity) AS held
                          FROM orders o JOIN order_lines l ON l.order_id = o.id
                          WHERE o.status = 'pending_payment' AND l.variant_id = ANY($1)
                          GROUP BY l.variant_id) h ON h.variant_id = f.id) t
         WHERE v.id = t.id AND v.available <> t.target
         RETURNING v.id",
        &ids,
        &on_hand,
    )
    .fetch_all(&mut *tx)
    .await?
    .len();
    tx.commit().await?;
    let updated = u32::try_from(updated).unwrap_or(u32::MAX);
    applied.updated += updated;
    applied.unchanged += u32::try_from(ids.len()).unwrap_or(u32::MAX) - updated;
    Ok(())
}

/// A feed row the job could not use, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkippedRow {
    /// 1-based line in the feed file.
    pub line: u64,
    pub sku: String,
    pub reason: String,
}

/// What one run of the feed job did, as recorded in `inventory_feed_runs`.
#[derive(Debug, Clone)]
pub struct FeedRun<'a> {
    pub feed_url: &'a str,
    pub rows_read: u32,
    pub applied: &'a Applied,
    /// Every skipped row counts; only the first [`MAX_LISTED`] are kept.
    pub skipped: u32,
    pub skipped_rows: &'a [SkippedRow],
}

/// How many skipped rows and unknown SKUs a run's record lists (the counts are exact).
pub const MAX_LISTED: usize = 100;

/// Records a finished run; returns its id.
pub async fn record_run(pool: &PgPool, run: &FeedRun<'_>) -> Result<i64, StoreError> {
    let listed = &run.skipped_rows[..run.skipped_rows.len().min(MAX_LISTED)];
    let skipped_rows =
        serde_json::to_value(listed).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let unknown = &run.applied.unknown[..run.applied.unknown.len().min(MAX_LISTED)];
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let id = sqlx::query_scalar!(
        "INSERT INTO inventory_feed_runs (feed_url, rows_read, updated, unchanged, unknown, skipped,
                                          skipped_rows, unknown_skus)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        run.feed_url,
        i32::try_from(run.rows_read).unwrap_or(i32::MAX),
        i32::try_from(run.applied.updated).unwrap_or(i32::MAX),
        i32::try_from(run.applied.unchanged).unwrap_or(i32::MAX),
        count(run.applied.unknown.len()),
        i32::try_from(run.skipped).unwrap_or(i32::MAX),
        skipped_rows,
        unknown,
    )
    .fetch_one(pool)
    .await?;
    Ok(id)
}

/// The id of the latest recorded run, if any (`jobs inventory-sync --wait` watches it).
pub async fn last_run(pool: &PgPool) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar!("SELECT max(id) FROM inventory_feed_runs")
            .fetch_one(pool)
            .await?,
    )
}
