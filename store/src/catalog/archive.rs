//! Archiving what the supplier stopped listing, and the guard against archiving a catalog by mistake: a
//! short or wrong feed must not hide the storefront, so the caller first asks how much a feed would archive.
//! Also who holds a slug, so a new product never takes one from another.

use crate::StoreError;
use sqlx::PgPool;

/// How much of the live supplier catalog a feed listing `listed` would archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveImpact {
    /// Live supplier products the feed does not list.
    pub would_archive: u64,
    /// Live supplier products now.
    pub live: u64,
}

impl ArchiveImpact {
    /// True when archiving would take more than `max_percent` % of the live products.
    pub fn exceeds(self, max_percent: u8) -> bool {
        self.would_archive * 100 > self.live * u64::from(max_percent)
    }
}

/// Counts, without changing anything, what [`archive_unlisted_products`] would archive.
pub async fn archive_impact(pool: &PgPool, listed: &[i64]) -> Result<ArchiveImpact, StoreError> {
    let row = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE external_id <> ALL($1)) AS "would_archive!",
                  count(*) AS "live!"
           FROM products WHERE archived_at IS NULL AND external_id IS NOT NULL"#,
        listed,
    )
    .fetch_one(pool)
    .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(ArchiveImpact {
        would_archive: count(row.would_archive),
        live: count(row.live),
    })
}

/// Archives every supplier product whose id is not in `listed` (the ids of the *whole* feed, including
/// products skipped as malformed, which keep their last good version). Returns how many were archived.
/// Products created here rather than by a supplier (no `external_id`) are never touched.
pub async fn archive_unlisted_products(pool: &PgPool, listed: &[i64]) -> Result<u32, StoreError> {
    let mut tx = super::counts::begin_catalog_write(pool).await?;
    let archived = sqlx::query!(
        "UPDATE products SET archived_at = now(), updated_at = now()
         WHERE archived_at IS NULL AND external_id IS NOT NULL AND external_id <> ALL($1)",
        listed,
    )
    .execute(&mut *tx)
    .await?;
    super::counts::recount(&mut tx).await?;
    tx.commit().await?;
    Ok(u32::try_from(archived.rows_affected()).unwrap_or(u32::MAX))
}

/// Which product holds each of `slugs` now: its supplier id, or `None` for a product made here.
pub async fn slug_holders(
    pool: &PgPool,
    slugs: &[String],
) -> Result<std::collections::HashMap<String, Option<i64>>, StoreError> {
    let rows = sqlx::query!(
        "SELECT slug, external_id FROM products WHERE slug = ANY($1)",
        slugs
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.slug, r.external_id)).collect())
}
