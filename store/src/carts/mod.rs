//! Cart SQL: create, add, change and remove lines, load with totals, sweep idle carts. A write locks the cart row first ([`lock`]), so concurrent adds to one cart apply one after
//! the other; the rules themselves are `meridian_domain::check_add`, fed with what the rows say.

mod lines;
mod owner;
mod read;

pub use lines::{add_line, set_line};
pub use owner::{adopt, open_cart};
pub use read::load;

use crate::{StoreError, Tx};
use meridian_domain::LineRefusal;
use uuid::Uuid;

/// Why a cart write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CartError {
    #[error("There is no such cart.")]
    NotFound,
    #[error(transparent)]
    Refused(#[from] LineRefusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for CartError {
    fn from(err: sqlx::Error) -> Self {
        Self::Store(err.into())
    }
}

/// Creates an empty cart, the account's when a signed-in shopper starts it, and returns its id.
pub async fn create(tx: &mut Tx<'_>, account: Option<Uuid>) -> Result<Uuid, StoreError> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO carts (id, account_id) VALUES ($1, $2)",
        id,
        account
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Locks cart `id` for the rest of the transaction.
pub async fn lock(tx: &mut Tx<'_>, id: Uuid) -> Result<(), CartError> {
    // The update takes the row lock and records the activity (for the idle sweep) in one round trip; a
    // write that is then refused rolls both back.
    sqlx::query_scalar!(
        "UPDATE carts SET updated_at = now() WHERE id = $1 RETURNING id",
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    .map(drop)
    .ok_or(CartError::NotFound)
}

/// Deletes carts nobody touched for `idle` and that no unpaid order still points at; returns how many.
pub async fn sweep_idle(pool: &sqlx::PgPool, idle: std::time::Duration) -> Result<u64, StoreError> {
    let seconds = idle.as_secs_f64();
    let done = sqlx::query!(
        "DELETE FROM carts c WHERE c.updated_at < now() - make_interval(secs => $1)
           AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.cart_id = c.id AND o.status = 'pending_payment')",
        seconds,
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
