//! The transactional outbox: a row written in the same transaction as the change it announces, so what
//! follows (emails, notifications, webhooks, the edge's copy of the catalog) is never lost and never
//! announced for a change that rolled back. The jobs' relay claims unsent rows, puts them on the queues
//! of the jobs that handle their topic and marks them sent; a row is done once every such job has a
//! receipt ([`crate::receipts`]), and a row sent but not done in time is sent again.

use crate::{StoreError, Tx};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Topics the relay routes on.
pub mod topic {
    pub const ORDER_PLACED: &str = "order.placed";
    pub const ORDER_PAID: &str = "order.paid";
    pub const ORDER_EXPIRED: &str = "order.expired";
    pub const ORDER_CANCELLED: &str = "order.cancelled";
    pub const ORDER_FULFILLED: &str = "order.fulfilled";
    pub const ORDER_REFUNDED: &str = "order.refunded";
    /// A variant's stock crossed its low-stock threshold: {sku, product_slug, available, threshold},
    /// written by the inventory trigger (store::inventory).
    pub const STOCK_LOW: &str = "stock.low";
    /// The first declined payment of an unpaid order: `{number, token, message}`.
    pub const ORDER_PAYMENT_FAILED: &str = "order.payment_failed";
    /// A product's stock, price, listing or content changed (written by triggers on `variants` and
    /// `products`, whatever made the change): `{slug, …}`.
    pub const PRODUCT_CHANGED: &str = "product.changed";
    /// A product stopped being listed: `{slug}`.
    pub const PRODUCT_ARCHIVED: &str = "product.archived";
    /// A product sync left supplier images to import (`{count}`): the jobs' `import-images` runs.
    pub const IMAGES_PENDING: &str = "images.pending";
}

/// Queues `payload` under `topic` as part of the caller's transaction.
pub async fn push(
    tx: &mut Tx<'_>,
    topic: &str,
    payload: serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO outbox (topic, payload) VALUES ($1, $2)",
        topic,
        payload
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An outbox row on its way to the jobs.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: i64,
    pub topic: String,
    pub payload: serde_json::Value,
    /// When (database clock) the row was read as committed: anything reading the database after this
    /// sees the change the row announces.
    pub seen_at: DateTime<Utc>,
}

/// Claims up to `limit` unsent rows, oldest first, for the caller's transaction. Rows another relay has
/// claimed are skipped, not waited for, so several relays share the work without sending a row twice.
pub async fn claim_unsent(tx: &mut Tx<'_>, limit: i64) -> Result<Vec<Row>, StoreError> {
    Ok(sqlx::query_as!(
        Row,
        // clock_timestamp() is read after the statement's snapshot: every row returned committed before it.
        r#"SELECT id, topic, payload, clock_timestamp() AS "seen_at!" FROM outbox WHERE sent_at IS NULL
           ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED"#,
        limit
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// Marks rows `ids` sent to `jobs` (job names); with no job to wait for, they are done as well.
pub async fn mark_sent(tx: &mut Tx<'_>, ids: &[i64], jobs: &[String]) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE outbox SET sent_at = now(), jobs = $2,
                done_at = CASE WHEN cardinality($2::text[]) = 0 THEN now() END
         WHERE id = ANY($1)",
        ids,
        jobs
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A row sent more than a while ago, with the jobs that still have no receipt for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Overdue {
    pub row: Row,
    pub missing: Vec<String>,
}

/// Claims up to `limit` rows sent more than `after` ago that are not done. Rows whose jobs all have
/// receipts are marked done here; the others are stamped sent again, for the caller to re-enqueue
/// their missing jobs in this transaction.
pub async fn claim_overdue(
    tx: &mut Tx<'_>,
    after: Duration,
    limit: i64,
) -> Result<Vec<Overdue>, StoreError> {
    let rows = sqlx::query!(
        r#"SELECT o.id, o.topic, o.payload, clock_timestamp() AS "seen_at!",
                  ARRAY(SELECT j FROM unnest(o.jobs) AS j
                        WHERE NOT EXISTS (SELECT 1 FROM job_receipts r
                                          WHERE r.event_id = o.id AND r.job = j)) AS "missing!"
           FROM outbox o
           WHERE o.sent_at IS NOT NULL AND o.done_at IS NULL
             AND o.sent_at < now() - make_interval(secs => $1)
           ORDER BY o.id LIMIT $2 FOR UPDATE SKIP LOCKED"#,
        after.as_secs_f64(),
        limit
    )
    .fetch_all(&mut **tx)
    .await?;
    let (done, overdue): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.missing.is_empty());
    let done: Vec<i64> = done.iter().map(|r| r.id).collect();
    let again: Vec<i64> = overdue.iter().map(|r| r.id).collect();
    sqlx::query!(
        "UPDATE outbox SET done_at = now() WHERE id = ANY($1)",
        &done
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE outbox SET sent_at = now() WHERE id = ANY($1)",
        &again
    )
    .execute(&mut **tx)
    .await?;
    Ok(overdue
        .into_iter()
        .map(|r| Overdue {
            row: Row {
                id: r.id,
                topic: r.topic,
                payload: r.payload,
                seen_at: r.seen_at,
            },
            missing: r.missing,
        })
        .collect())
}

/// How many rows wait to be sent, and how many were sent but are not done: what the relay has left.
pub async fn backlog(pool: &sqlx::PgPool) -> Result<(i64, i64), StoreError> {
    let row = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE sent_at IS NULL) AS "unsent!",
                  count(*) FILTER (WHERE sent_at IS NOT NULL AND done_at IS NULL) AS "undone!"
           FROM outbox WHERE done_at IS NULL"#
    )
    .fetch_one(pool)
    .await?;
    Ok((row.unsent, row.undone))
}
