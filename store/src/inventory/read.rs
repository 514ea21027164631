//! Reading inventory for the admin API: stock levels (all, or only the low ones) in SKU order with keyset
//! paging, and one variant's movements, newest first.

use crate::{StoreError, Tx};
use serde::Serialize;
use sqlx::PgConnection;

/// A variant's stock as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockItem {
    pub sku: String,
    pub product_slug: String,
    pub variant_title: String,
    pub available: i32,
    /// The threshold in force: the variant's own, or the store-wide one.
    pub low_stock_threshold: i32,
    /// `available` is at or below the threshold.
    pub low: bool,
    /// On sale (neither it nor its product archived).
    pub listed: bool,
}

/// One recorded change of a variant's stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Movement {
    pub id: i64,
    pub delta: i32,
    /// Stock right after the change.
    pub available: i32,
    pub source: String,
    pub reason: String,
    /// The public prefix of the admin API key that made it, if one did.
    pub api_key: Option<String>,
    /// RFC 3339, UTC.
    pub at: String,
}

/// Which stock levels to list.
#[derive(Debug, Clone, Default)]
pub struct StockFilter {
    /// Only variants on sale at or below their threshold.
    pub low: bool,
    /// Start after this SKU (the last one of the previous page).
    pub after: Option<String>,
    pub limit: i64,
}

/// Stock levels in SKU order.
pub async fn list(conn: &mut PgConnection, f: &StockFilter) -> Result<Vec<StockItem>, StoreError> {
    levels(conn, f, None).await
}

/// One variant's stock level.
pub async fn item(conn: &mut PgConnection, sku: &str) -> Result<Option<StockItem>, StoreError> {
    let one = StockFilter {
        limit: 1,
        ..StockFilter::default()
    };
    Ok(levels(conn, &one, Some(sku)).await?.pop())
}

/// The one query behind both: what a level shows is defined once.
async fn levels(
    conn: &mut PgConnection,
    f: &StockFilter,
    sku: Option<&str>,
) -> Result<Vec<StockItem>, StoreError> {
    let rows = sqlx::query_as!(
        StockItem,
        r#"SELECT v.sku, p.slug AS product_slug, v.title AS variant_title, v.available,
                  coalesce(v.low_stock_threshold, s.low_stock_threshold) AS "low_stock_threshold!",
                  v.available <= coalesce(v.low_stock_threshold, s.low_stock_threshold) AS "low!",
                  (v.archived_at IS NULL AND p.archived_at IS NULL) AS "listed!"
           FROM variants v JOIN products p ON p.id = v.product_id CROSS JOIN inventory_settings s
           WHERE ($1::text IS NULL OR v.sku > $1) AND ($4::text IS NULL OR v.sku = $4)
             AND (NOT $2 OR (v.archived_at IS NULL AND p.archived_at IS NULL
                             AND v.available <= coalesce(v.low_stock_threshold, s.low_stock_threshold)))
           ORDER BY v.sku LIMIT $3"#,
        f.after,
        f.low,
        f.limit,
        sku,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// Sets the variant's own low-stock threshold (`None`: the store-wide one applies) and returns its stock
/// level, or `None` when there is no variant `sku`. Only a change of stock announces low stock: raising
/// a threshold above the stock there is writes no event.
pub async fn set_threshold(
    conn: &mut PgConnection,
    sku: &str,
    threshold: Option<i32>,
) -> Result<Option<StockItem>, StoreError> {
    let found = sqlx::query!(
        "UPDATE variants SET low_stock_threshold = $2 WHERE sku = $1",
        sku,
        threshold
    )
    .execute(&mut *conn)
    .await?;
    if found.rows_affected() == 0 {
        return Ok(None);
    }
    item(conn, sku).await
}

/// The variant's movements, newest first, older than movement `before` when given. `None` when there is
/// no variant `sku`.
pub async fn movements(
    conn: &mut PgConnection,
    sku: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Option<Vec<Movement>>, StoreError> {
    let Some(variant) = sqlx::query_scalar!("SELECT id FROM variants WHERE sku = $1", sku)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let rows = sqlx::query_as!(
        Movement,
        r#"SELECT m.id, m.delta, m.available, m.source, m.reason, k.prefix AS "api_key?",
                  to_char(m.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "at!"
           FROM stock_movements m LEFT JOIN api_keys k ON k.id = m.api_key_id
           WHERE m.variant_id = $1 AND ($2::bigint IS NULL OR m.id < $2)
           ORDER BY m.id DESC LIMIT $3"#,
        variant,
        before,
        limit,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(rows))
}

/// The variant's latest movement, read inside the transaction that may just have written it.
pub(super) async fn last_movement(
    tx: &mut Tx<'_>,
    variant_id: i64,
) -> Result<Option<Movement>, StoreError> {
    let sku = sqlx::query_scalar!("SELECT sku FROM variants WHERE id = $1", variant_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(movements(tx, &sku, None, 1)
        .await?
        .and_then(|mut m| m.pop()))
}
