//! The `sync_runs` log: one row per finished product sync, so operators (and the dev/test tooling) can see
//! when the catalog last refreshed and what each run changed.

use super::import::ImportSummary;
use crate::StoreError;
use sqlx::PgPool;

/// What one sync run did, as recorded in `sync_runs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRun {
    pub source: String,
    pub summary: ImportSummary,
    pub skipped: u32,
    pub published_version: Option<String>,
}

/// Records a finished sync run; returns its id.
pub async fn record_sync_run(pool: &PgPool, run: &SyncRun) -> Result<i64, StoreError> {
    let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let id = sqlx::query_scalar!(
        "INSERT INTO sync_runs (source, created, updated, unchanged, archived, skipped, published_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        run.source,
        count(run.summary.created),
        count(run.summary.updated),
        count(run.summary.unchanged),
        count(run.summary.archived),
        count(run.skipped),
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
