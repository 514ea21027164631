//! Inventory: a variant's `available` stock, changed by set/add/remove adjustments ([`adjust`]) and by the
//! supplier's stock feed ([`feed`]), read as stock levels and movements ([`read`]).
//!
//! Every change of `available`, by any path, is recorded as a movement by a trigger on `variants` (see the
//! `20261201000200_inventory` migration). The trigger learns who and why from transaction-local settings
//! that [`attribute`] sets; a change made without them is recorded as [`Source::Unattributed`]. The same
//! trigger writes the `stock.low` outbox row when a variant's stock crosses its low-stock threshold.

pub mod adjust;
pub mod feed;
pub mod read;

pub use adjust::{adjust, AdjustError, Change};
pub use read::{Movement, StockItem};

use crate::{StoreError, Tx};

/// The most units one variant may hold, and the most one adjustment or feed row may name: far above any
/// real shelf, far below `i32::MAX`, so no sum of adjustments can overflow the column.
pub const MAX_UNITS: i32 = 1_000_000;

/// Longest reason kept with a movement (the column's CHECK says the same).
pub const MAX_REASON_CHARS: usize = 500;

/// What made a stock change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An adjustment through the admin API.
    Admin,
    /// An order took stock (placed, or a late payment re-reserving it) or gave it back (cancelled).
    Order,
    /// An unpaid order expired and gave its stock back.
    Expiry,
    /// A refund put stock back (refunds do not restock today; the source is kept for when they do).
    Refund,
    /// The product sync (a new variant's initial stock).
    Sync,
    /// The supplier's inventory feed.
    Feed,
    /// Nobody said: a path that does not call [`attribute`], or a hand-written UPDATE.
    Unattributed,
}

impl Source {
    /// The text stored in `stock_movements.source`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Order => "order",
            Self::Expiry => "expiry",
            Self::Refund => "refund",
            Self::Sync => "sync",
            Self::Feed => "feed",
            Self::Unattributed => "unattributed",
        }
    }
}

/// Says who and why for the stock changes that follow in this transaction, until the next call: the
/// movement trigger reads these settings. `api_key` is the admin API key making the change, if any.
pub async fn attribute(
    tx: &mut Tx<'_>,
    source: Source,
    reason: &str,
    api_key: Option<i64>,
) -> Result<(), StoreError> {
    let reason = bounded(reason);
    sqlx::query!(
        r#"SELECT set_config('meridian.stock_source', $1, true) AS "source!",
                  set_config('meridian.stock_reason', $2, true) AS "reason!",
                  set_config('meridian.stock_actor', $3, true) AS "actor!""#,
        source.as_str(),
        reason,
        api_key.map(|k| k.to_string()).unwrap_or_default(),
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(())
}

/// Sets the store-wide low-stock threshold (a variant's own `low_stock_threshold` still overrides it).
pub async fn set_low_stock_threshold(
    pool: &sqlx::PgPool,
    threshold: i32,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE inventory_settings SET low_stock_threshold = $1",
        threshold
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// `reason` cut to [`MAX_REASON_CHARS`] characters (never inside a character).
fn bounded(reason: &str) -> &str {
    match reason.char_indices().nth(MAX_REASON_CHARS) {
        Some((end, _)) => &reason[..end],
        None => reason,
    }
}

#[cfg(test)]
mod tests {
    use super::bounded;

    #[test]
    fn reasons_are_cut_on_a_character_boundary() {
        assert_eq!(bounded("recount"), "recount");
        let long = "é".repeat(600);
        assert_eq!(bounded(&long).chars().count(), 500);
    }
}
