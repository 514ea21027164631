//! Every status change of an order: checked by the domain's state machine, written with an event (time,
//! from, to, cause) and, where others must hear of it, an outbox row — all in the caller's transaction,
//! with the order's row locked so two changes of one order apply one after the other.

use crate::inventory::{self, Source};
use crate::outbox::{self, topic};
use crate::{promos, StoreError, Tx};
use meridian_domain::{OrderStatus, Transition, TransitionError};
use sqlx::PgPool;
use uuid::Uuid;

/// An order locked for the rest of the transaction.
#[derive(Debug, Clone)]
pub struct Locked {
    pub id: i64,
    pub number: String,
    pub token: String,
    pub status: OrderStatus,
    pub cart: Uuid,
    pub total_minor: i64,
    pub refunded_minor: i64,
    pub currency: String,
    pub payment_intent: Option<String>,
    pub payment_session: Option<String>,
}

/// Locks the order with this token (or number, for the admin API).
pub async fn lock(tx: &mut Tx<'_>, token_or_number: &str) -> Result<Option<Locked>, StoreError> {
    let row = sqlx::query!(
        r#"SELECT id, number AS "number!", token, status, cart_id, total_minor, refunded_minor, currency,
                  payment_intent, payment_session
           FROM orders WHERE token = $1 OR number = $1 FOR UPDATE"#,
        token_or_number
    )
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| {
        Ok(Locked {
            status: OrderStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("order status {}", r.status)))?,
            id: r.id,
            number: r.number,
            token: r.token,
            cart: r.cart_id,
            total_minor: r.total_minor,
            refunded_minor: r.refunded_minor,
            currency: r.currency,
            payment_intent: r.payment_intent,
            payment_session: r.payment_session,
        })
    })
    .transpose()
}

/// Why a change was not made.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error(transparent)]
    Invalid(#[from] TransitionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ChangeError {
    fn from(err: sqlx::Error) -> Self {
        Self::Store(err.into())
    }
}

/// Applies `t` to the locked order and records it with `cause`; returns the new status.
pub async fn transition(
    tx: &mut Tx<'_>,
    order: &Locked,
    t: Transition,
    cause: &str,
) -> Result<OrderStatus, ChangeError> {
    let next = order.status.apply(t)?;
    sqlx::query!(
        "UPDATE orders SET status = $2, updated_at = now() WHERE id = $1",
        order.id,
        next.as_str()
    )
    .execute(&mut **tx)
    .await?;
    record_event(tx, order.id, Some(order.status), next, cause).await?;
    Ok(next)
}

async fn record_event(
    tx: &mut Tx<'_>,
    order_id: i64,
    from: Option<OrderStatus>,
    to: OrderStatus,
    cause: &str,
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO order_events (order_id, from_status, to_status, cause) VALUES ($1, $2, $3, $4)",
        order_id,
        from.map(OrderStatus::as_str),
        to.as_str(),
        cause
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Puts the order's lines back on the shelf.
async fn restock(tx: &mut Tx<'_>, order_id: i64) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE variants v SET available = v.available + l.quantity, updated_at = now()
         FROM order_lines l WHERE l.order_id = $1 AND v.id = l.variant_id",
        order_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Ends an unpaid order (`Expire` or `Cancel`): stock and promo use go back, exactly once — the status
/// check under the row lock makes a second attempt an invalid transition that changes nothing.
pub(super) async fn release(
    tx: &mut Tx<'_>,
    order: &Locked,
    t: Transition,
    cause: &str,
) -> Result<OrderStatus, ChangeError> {
    let next = transition(tx, order, t, cause).await?;
    let source = if next == OrderStatus::Expired {
        Source::Expiry
    } else {
        Source::Order
    };
    let why = format!("order {} {}: {cause}", order.number, next.as_str());
    inventory::attribute(tx, source, &why, None).await?;
    restock(tx, order.id).await?;
    promos::release(tx, order.id).await?;
    let topic = if next == OrderStatus::Expired {
        topic::ORDER_EXPIRED
    } else {
        topic::ORDER_CANCELLED
    };
    outbox::push(
        tx,
        topic,
        serde_json::json!({ "number": order.number, "token": order.token }),
    )
    .await?;
    Ok(next)
}

/// Cancels the cart's earlier unpaid orders: a shopper who places a new order from the same cart replaces
/// the one they did not pay.
pub(super) async fn cancel_for_cart(tx: &mut Tx<'_>, cart: Uuid) -> Result<(), StoreError> {
    let tokens = sqlx::query_scalar!(
        "SELECT token FROM orders WHERE cart_id = $1 AND status = 'pending_payment' ORDER BY id FOR UPDATE",
        cart
    )
    .fetch_all(&mut **tx)
    .await?;
    for token in tokens {
        if let Some(order) = lock(tx, &token).await? {
            let cause = "replaced by a newer order from the same cart";
            release(tx, &order, Transition::Cancel, cause)
                .await
                .map_err(store_only)?;
        }
    }
    Ok(())
}

fn store_only(err: ChangeError) -> StoreError {
    match err {
        ChangeError::Store(e) => e,
        ChangeError::Invalid(e) => StoreError::Corrupt(e.to_string()),
    }
}

/// Expires up to `batch` unpaid orders past their deadline, each once, even with several workers running
/// (`SKIP LOCKED`: a worker never waits on, or repeats, another's order). Returns how many expired.
pub async fn expire_due(pool: &PgPool, batch: i64) -> Result<u64, StoreError> {
    let mut tx = pool.begin().await?;
    let due = sqlx::query_scalar!(
        "SELECT token FROM orders WHERE status = 'pending_payment' AND expires_at <= now()
         ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED",
        batch
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut expired = 0;
    for token in &due {
        if let Some(order) = lock(&mut tx, token).await? {
            let cause = "not paid in time: stock and promo use released";
            release(&mut tx, &order, Transition::Expire, cause)
                .await
                .map_err(store_only)?;
            expired += 1;
        }
    }
    tx.commit().await?;
    Ok(expired)
}

/// Marks a paid order shipped with its tracking number.
pub async fn fulfil(
    tx: &mut Tx<'_>,
    order: &Locked,
    tracking: &str,
) -> Result<OrderStatus, ChangeError> {
    let next = transition(tx, order, Transition::Fulfil, "marked fulfilled").await?;
    sqlx::query!(
        "UPDATE orders SET tracking_number = $2 WHERE id = $1",
        order.id,
        tracking
    )
    .execute(&mut **tx)
    .await?;
    let payload = serde_json::json!({ "number": order.number, "token": order.token, "tracking_number": tracking });
    outbox::push(tx, topic::ORDER_FULFILLED, payload).await?;
    Ok(next)
}

/// Ends an unpaid order because its payment session expired at the provider.
pub async fn expire(
    tx: &mut Tx<'_>,
    order: &Locked,
    cause: &str,
) -> Result<OrderStatus, ChangeError> {
    release(tx, order, Transition::Expire, cause).await
}
