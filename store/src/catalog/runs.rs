//! The `sync_runs` log: one row per finished product sync, so operators (and the dev/test tooling) can see
//! when the catalog last refreshed and what each run changed.

use super::import::ImportSummary;
use crate::StoreError;
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use sqlx::PgPool;

/// Why a run left out (or shortened) part of a supplier product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkipReason {
    pub product_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_id: Option<i64>,
    pub reason: String,
}

/// What one sync run did, as recorded in `sync_runs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRun {
    pub source: String,
    pub summary: ImportSummary,
    /// Products or variants left out.
    pub skipped: u32,
    /// Why, bounded by the caller: each product or variant left out or shortened, and why.
    pub skipped_reasons: Vec<SkipReason>,
    pub published_version: Option<String>,
}

/// Records a finished sync run; returns its id.
pub async fn record_sync_run(pool: &PgPool, run: &SyncRun) -> Result<i64, StoreError> {
    let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let id = sqlx::query_scalar!(
        "INSERT INTO sync_runs (source, created, updated, unchanged, archived, skipped, skipped_reasons,
                                published_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        run.source,
        count(run.summary.created),
        count(run.summary.updated),
        count(run.summary.unchanged),
        count(run.summary.archived),
        count(run.skipped),
        Json(&run.skipped_reasons) as _,
        run.published_version,
    )
    .fetch_one(pool)
    .await?;
    Ok(id)
}

/// Id of the latest recorded sync run, if any.
pub async fn last_sync_run(pool: &PgPool) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar!("SELECT max(id) FROM sync_runs")
        .fetch_one(pool)
        .await?)
}
