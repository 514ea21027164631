//! The payment side of an order's life: the provider's session kept on the order, a verified payment
//! applied (on time, late with the stock still there, or late with the stock gone), a decline kept for
//! the buyer, and refunds recorded — each through the state machine in the caller's transaction.

use super::lifecycle::{transition, ChangeError, Locked};
use crate::inventory::{self, Source};
use crate::outbox::{self, topic};
use crate::{promos, StoreError, Tx};
use meridian_domain::{OrderStatus, Transition};

/// What a verified payment did to its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paid {
    /// Waiting for payment → paid.
    Now,
    /// Already paid (or further): nothing changed.
    Already,
    /// Expired or cancelled, but its stock could be taken again: paid.
    Late,
    /// Expired or cancelled and its stock is gone: the caller refunds, then records the refund.
    StockGone,
}

/// Applies a verified payment (`payment_intent`) to the locked order.
pub async fn pay(
    tx: &mut Tx<'_>,
    order: &Locked,
    payment_intent: &str,
) -> Result<Paid, ChangeError> {
    let outcome = match order.status {
        OrderStatus::PendingPayment => {
            transition(
                tx,
                order,
                Transition::PaymentConfirmed,
                "payment confirmed by the provider",
            )
            .await?;
            Paid::Now
        }
        OrderStatus::Expired | OrderStatus::Cancelled => {
            let why = format!("order {} paid late: its stock reserved again", order.number);
            inventory::attribute(tx, Source::Order, &why, None).await?;
            if !re_reserve(tx, order.id).await? {
                return Ok(Paid::StockGone);
            }
            promos::retake(tx, order.id).await?;
            let cause = "paid after it had ended; the stock was still there and is reserved again";
            transition(tx, order, Transition::LatePaymentAccepted, cause).await?;
            Paid::Late
        }
        _ => return Ok(Paid::Already),
    };
    sqlx::query!(
        "UPDATE orders SET payment_intent = $2, payment_error = NULL WHERE id = $1",
        order.id,
        payment_intent
    )
    .execute(&mut **tx)
    .await?;
    // The cart has been bought: empty it (the shopper's details stay for next time).
    sqlx::query!("DELETE FROM cart_lines WHERE cart_id = $1", order.cart)
        .execute(&mut **tx)
        .await?;
    sqlx::query!(
        "UPDATE carts SET promo_code = NULL WHERE id = $1",
        order.cart
    )
    .execute(&mut **tx)
    .await?;
    let payload = serde_json::json!({ "number": order.number, "token": order.token });
    outbox::push(tx, topic::ORDER_PAID, payload).await?;
    Ok(outcome)
}

/// Takes every line off the shelf again, or nothing (a savepoint undoes a partial take).
async fn re_reserve(tx: &mut Tx<'_>, order_id: i64) -> Result<bool, StoreError> {
    sqlx::query("SAVEPOINT re_reserve")
        .execute(&mut **tx)
        .await?;
    let lines = sqlx::query!(
        "SELECT variant_id, quantity FROM order_lines WHERE order_id = $1 ORDER BY sku",
        order_id
    )
    .fetch_all(&mut **tx)
    .await?;
    for line in lines {
        let taken = sqlx::query!(
            "UPDATE variants SET available = available - $2 WHERE id = $1 AND available >= $2",
            line.variant_id,
            line.quantity
        )
        .execute(&mut **tx)
        .await?;
        if taken.rows_affected() == 0 {
            sqlx::query("ROLLBACK TO SAVEPOINT re_reserve")
                .execute(&mut **tx)
                .await?;
            return Ok(false);
        }
    }
    sqlx::query("RELEASE SAVEPOINT re_reserve")
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

/// Records a refund the provider made: the amount, the new status, an event and an outbox row. A late
/// payment's refund (`late`) ends the order as refunded with the reason in its note.
pub async fn record_refund(
    tx: &mut Tx<'_>,
    order: &Locked,
    provider_refund_id: &str,
    amount_minor: i64,
    reason: &str,
    late: bool,
) -> Result<OrderStatus, ChangeError> {
    let refunded = order.refunded_minor + amount_minor;
    let t = if late {
        Transition::LatePaymentRefunded
    } else {
        Transition::Refund {
            remaining: order.total_minor - refunded,
        }
    };
    let next = transition(tx, order, t, reason).await?;
    sqlx::query!(
        "INSERT INTO refunds (order_id, provider_refund_id, amount_minor, reason) VALUES ($1, $2, $3, $4)",
        order.id,
        provider_refund_id,
        amount_minor,
        reason
    )
    .execute(&mut **tx)
    .await?;
    let note = late.then_some(reason);
    sqlx::query!(
        "UPDATE orders SET refunded_minor = $2, note = COALESCE($3, note) WHERE id = $1",
        order.id,
        refunded,
        note
    )
    .execute(&mut **tx)
    .await?;
    let payload = serde_json::json!({ "number": order.number, "token": order.token, "amount_minor": amount_minor });
    outbox::push(tx, topic::ORDER_REFUNDED, payload).await?;
    Ok(next)
}

/// Keeps the provider's last decline message on an unpaid order, for the checkout page to show. The
/// order's first decline also queues the "payment failed" email ([`topic::ORDER_PAYMENT_FAILED`]) in this
/// transaction; further declines of the same order (the shopper trying cards on the open payment page)
/// only update the message, so a shopper gets one such email per order, not one per attempt.
pub async fn record_payment_error(
    tx: &mut Tx<'_>,
    order: &Locked,
    message: &str,
) -> Result<(), StoreError> {
    // The CTE reads the row as it was before this statement's update.
    let first = sqlx::query_scalar!(
        r#"WITH before AS (SELECT payment_error FROM orders WHERE id = $1)
           UPDATE orders SET payment_error = $2, updated_at = now()
           WHERE id = $1 AND status = 'pending_payment'
           RETURNING (SELECT payment_error IS NULL FROM before) AS "first!""#,
        order.id,
        message
    )
    .fetch_optional(&mut **tx)
    .await?;
    if first == Some(true) {
        let payload =
            serde_json::json!({ "number": order.number, "token": order.token, "message": message });
        outbox::push(tx, topic::ORDER_PAYMENT_FAILED, payload).await?;
    }
    Ok(())
}

/// Keeps the provider's checkout session for the order (what its webhooks name).
pub async fn set_payment_session(
    tx: &mut Tx<'_>,
    order: &Locked,
    session: &str,
    url: &str,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE orders SET payment_session = $2, payment_url = $3, updated_at = now() WHERE id = $1",
        order.id,
        session,
        url
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
