//! Stock adjustments by SKU: set, add, remove. Each is one conditional UPDATE, never a read followed by a
//! write, so concurrent adjustments and orders each apply on top of the other: a remove that would take
//! stock below zero matches no row and changes nothing (the column's CHECK would refuse it anyway).

use super::read::{self, Movement, StockItem};
use super::{attribute, Source, MAX_UNITS};
use crate::{StoreError, Tx};

/// One adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The shelf holds exactly this many (a count).
    Set(i32),
    /// This many more arrived.
    Add(i32),
    /// This many went (damaged, lost, sold elsewhere).
    Remove(i32),
}

impl Change {
    fn quantity(self) -> i32 {
        match self {
            Self::Set(n) | Self::Add(n) | Self::Remove(n) => n,
        }
    }
}

/// Why an adjustment was not made. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum AdjustError {
    #[error("There is no variant with SKU {0:?}.")]
    NotFound(String),
    #[error("Only {available} of {sku} are available; removing {requested} would take stock below zero. Nothing was changed.")]
    NotEnough {
        sku: String,
        available: i32,
        requested: i32,
    },
    #[error("{0}")]
    OutOfRange(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AdjustError {
    fn from(err: sqlx::Error) -> Self {
        Self::Store(err.into())
    }
}

/// Applies `change` to the variant `sku` in the caller's transaction, recorded as an admin movement with
/// `reason` and the API key that asked. Returns the stock level after it and the movement (`None` when a
/// set named the stock it already had: nothing changed, nothing is recorded).
pub async fn adjust(
    tx: &mut Tx<'_>,
    sku: &str,
    change: Change,
    reason: &str,
    api_key: Option<i64>,
) -> Result<(StockItem, Option<Movement>), AdjustError> {
    let n = change.quantity();
    let lowest = i32::from(!matches!(change, Change::Set(_)));
    if !(lowest..=MAX_UNITS).contains(&n) {
        return Err(AdjustError::OutOfRange(format!(
            "quantity must be between {lowest} and {MAX_UNITS}."
        )));
    }
    attribute(tx, Source::Admin, reason, api_key).await?;
    let (set, add) = match change {
        Change::Set(n) => (Some(n), 0),
        Change::Add(n) => (None, n),
        Change::Remove(n) => (None, -n),
    };
    // The condition is part of the UPDATE: a row that does not meet it is not changed. `was` locks the
    // row first, so it is the stock this change applies to, even when another one committed just before.
    let changed = sqlx::query!(
        "WITH was AS (SELECT id, available FROM variants WHERE sku = $1 FOR UPDATE)
         UPDATE variants v
         SET available = coalesce($2, v.available + $3),
             updated_at = CASE WHEN coalesce($2, v.available + $3) = v.available THEN v.updated_at
                               ELSE now() END
         FROM was
         WHERE v.id = was.id AND coalesce($2, v.available + $3) BETWEEN 0 AND $4
         RETURNING v.id, was.available AS before, v.available AS after",
        sku,
        set,
        add,
        MAX_UNITS,
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = changed else {
        return Err(refusal(tx, sku, change).await);
    };
    // The trigger recorded a movement if the stock changed; ours is the variant's latest, as this
    // transaction holds the row's lock until it commits.
    let movement = if row.before == row.after {
        None
    } else {
        read::last_movement(tx, row.id).await?
    };
    let item = read::item(tx, sku)
        .await?
        .ok_or_else(|| AdjustError::NotFound(sku.to_owned()))?;
    Ok((item, movement))
}

/// Why the UPDATE matched no row: no such SKU, not enough stock, or too much.
async fn refusal(tx: &mut Tx<'_>, sku: &str, change: Change) -> AdjustError {
    let available = sqlx::query_scalar!("SELECT available FROM variants WHERE sku = $1", sku)
        .fetch_optional(&mut **tx)
        .await;
    match (available, change) {
        (Err(e), _) => e.into(),
        (Ok(None), _) => AdjustError::NotFound(sku.to_owned()),
        (Ok(Some(available)), Change::Remove(requested)) => AdjustError::NotEnough {
            sku: sku.to_owned(),
            available,
            requested,
        },
        (Ok(Some(available)), _) => AdjustError::OutOfRange(format!(
            "{sku} has {available}; a variant holds at most {MAX_UNITS}. Nothing was changed."
        )),
    }
}
