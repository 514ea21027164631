//! Back-in-stock subscriptions ("notify me"). Opening one happens here; notifying is the database's job:
//! the `variants_back_in_stock` trigger (migration `20261130000002_stock_alerts`) queues one outbox email
//! per open subscription in whatever transaction raises a sold-out variant's stock, and marks it notified.

use crate::StoreError;
use sqlx::PgPool;
use uuid::Uuid;

pub use meridian_domain::alerts::{BackInStock, BACK_IN_STOCK_TOPIC};

/// What asking for an alert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subscribed {
    /// A new open subscription.
    Opened,
    /// This address already waits for this variant: nothing written.
    AlreadyOpen,
    /// The variant has stock: nothing to wait for.
    InStock,
    /// No live variant has this SKU.
    NotOnSale,
}

/// Subscribes `email` (normalised; found again by `email_key`) to the live variant `sku`, if it is sold
/// out. `account` is the signed-in shopper who asked, if any.
pub async fn subscribe(
    pool: &PgPool,
    sku: &str,
    email: &str,
    email_key: &str,
    account: Option<Uuid>,
) -> Result<Subscribed, StoreError> {
    let mut tx = pool.begin().await?;
    // FOR SHARE holds off a restock until this commits: the restock's trigger then sees the new
    // subscription, or (if it committed first) we see the stock and refuse. Either way none is lost.
    let variant = sqlx::query!(
        "SELECT v.id, v.available FROM variants v JOIN products p ON p.id = v.product_id
         WHERE v.sku = $1 AND v.archived_at IS NULL AND p.archived_at IS NULL
         FOR SHARE OF v",
        sku
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(variant) = variant else {
        return Ok(Subscribed::NotOnSale);
    };
    if variant.available > 0 {
        return Ok(Subscribed::InStock);
    }
    let opened = sqlx::query!(
        "INSERT INTO stock_alerts (id, variant_id, email, email_key, account_id)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (variant_id, email_key) WHERE notified_at IS NULL DO NOTHING",
        Uuid::new_v4(),
        variant.id,
        email,
        email_key,
        account
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(if opened.rows_affected() == 1 {
        Subscribed::Opened
    } else {
        Subscribed::AlreadyOpen
    })
}
