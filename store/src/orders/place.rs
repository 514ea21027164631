//! Placing an order, all or nothing in the caller's transaction: earlier unpaid orders of the same cart are
//! cancelled (their stock and promo use given back), stock is reserved with a conditional decrement that
//! can never go below zero, the promo use is reserved, and the order, its frozen lines and amounts, its
//! first event and an outbox row are written. An order from a cart that belongs to an account belongs to
//! that account.

use super::lifecycle::cancel_for_cart;
use crate::idempotency;
use crate::inventory::{self, Source};
use crate::outbox::topic;
use crate::promos::{self, UseError};
use crate::{StoreError, Tx};
use meridian_domain::{Checkout, Missing, PlacedOrder, PromoRefusal};
use std::time::Duration;
use uuid::Uuid;

/// What the caller has checked: a complete checkout, assembled from the locked cart in this transaction.
#[derive(Debug)]
pub struct NewOrder<'a> {
    pub cart: Uuid,
    pub checkout: &'a Checkout,
    /// How long the order waits for its payment before its stock goes back on the shelf.
    pub pay_within: Duration,
    /// The request's idempotency key and the status its answer is recorded under. Recorded here, before
    /// the stock is taken, so the stock's row locks are held only from the take to the commit.
    pub record_as: Option<(&'a str, u16)>,
}

/// Why an order was not placed. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    #[error("Your cart is empty.")]
    EmptyCart,
    #[error("Please complete checkout first: {0}.")]
    Incomplete(String),
    /// A line's stock ran out; the message names it.
    #[error("{0}")]
    SoldOut(String),
    #[error(transparent)]
    Promo(PromoRefusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for PlaceError {
    fn from(err: sqlx::Error) -> Self {
        Self::Store(err.into())
    }
}

pub async fn place(tx: &mut Tx<'_>, order: NewOrder<'_>) -> Result<PlacedOrder, PlaceError> {
    let c = order.checkout;
    check_complete(c)?;
    let (Some(totals), Some(email), Some(address), Some(method)) =
        (&c.totals, &c.email, &c.address, &c.shipping_method)
    else {
        return Err(PlaceError::Incomplete("details are missing".into()));
    };
    let shipping_name = c
        .shipping_options
        .iter()
        .find(|o| &o.code == method)
        .map_or_else(|| method.clone(), |o| o.name.clone());
    cancel_for_cart(tx, order.cart).await?;
    let token = super::new_token();
    let address = serde_json::to_value(address).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    // The order, its first event and its outbox row in one statement: one round trip, not three. The order
    // belongs to the cart's account, if the cart has one (the caller holds the cart's lock).
    let row = sqlx::query!(
        r#"WITH o AS (
               INSERT INTO orders (token, cart_id, status, email, address, shipping_method, shipping_name,
                                   currency, subtotal_minor, discount_minor, shipping_minor, tax_minor,
                                   total_minor, tax_included, tax_label, promo_code, expires_at, account_id)
               VALUES ($1, $2, 'pending_payment', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                       now() + make_interval(secs => $16),
                       (SELECT account_id FROM carts WHERE id = $2))
               RETURNING id, number, token, email),
           event AS (
               INSERT INTO order_events (order_id, from_status, to_status, cause)
               SELECT id, NULL, 'pending_payment', 'placed at checkout' FROM o),
           announced AS (
               INSERT INTO outbox (topic, payload)
               SELECT $17, jsonb_build_object('number', number, 'token', token, 'email', email) FROM o)
           SELECT id AS "id!", number AS "number!" FROM o"#,
        token,
        order.cart,
        email,
        address,
        method,
        shipping_name,
        totals.total.currency.code(),
        totals.subtotal.minor,
        totals.discount.minor,
        totals.shipping.minor,
        totals.tax.minor,
        totals.total.minor,
        totals.tax_included,
        totals.tax_label,
        c.promo.as_ref().map(|p| p.code.clone()),
        order.pay_within.as_secs_f64(),
        topic::ORDER_PLACED,
    )
    .fetch_one(&mut **tx)
    .await?;
    if let Some(promo) = &c.promo {
        promos::reserve(tx, &promo.code, email, row.id)
            .await
            .map_err(|e| match e {
                UseError::Refused(r) => PlaceError::Promo(r),
                UseError::Store(s) => PlaceError::Store(s),
            })?;
    }
    let placed = PlacedOrder {
        token,
        number: row.number,
    };
    if let Some((key, status)) = order.record_as {
        let answer =
            serde_json::to_value(&placed).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        idempotency::complete(tx, key, status, &answer).await?;
    }
    // Stock last: its row locks are the hottest (every buyer of a popular item takes the same row), so
    // they are held only from here to the commit.
    let why = format!("order {} placed", placed.number);
    inventory::attribute(tx, Source::Order, &why, None).await?;
    reserve_lines(tx, row.id, c).await?;
    Ok(placed)
}

fn check_complete(c: &Checkout) -> Result<(), PlaceError> {
    if c.missing.contains(&Missing::Items) || c.cart.lines.is_empty() {
        return Err(PlaceError::EmptyCart);
    }
    let steps: Vec<&str> = c
        .missing
        .iter()
        .map(|m| match m {
            Missing::Email => "your email",
            Missing::Address => "a shipping address",
            Missing::ShippingMethod => "a shipping method",
            Missing::Items => "items",
        })
        .collect();
    if !steps.is_empty() {
        return Err(PlaceError::Incomplete(steps.join(", ")));
    }
    if let Some(problem) = &c.promo_problem {
        return Err(PlaceError::Incomplete(format!(
            "remove or fix the promo code ({problem})"
        )));
    }
    Ok(())
}

/// Takes each line's quantity off the shelf — `available >= quantity` in the same statement, so no
/// interleaving of buyers can take stock below zero — and writes the frozen line. Lines are taken in SKU
/// order so two orders sharing variants lock them in the same order and never deadlock.
async fn reserve_lines(tx: &mut Tx<'_>, order_id: i64, c: &Checkout) -> Result<(), PlaceError> {
    let mut lines: Vec<_> = c.cart.lines.iter().enumerate().collect();
    lines.sort_by(|a, b| a.1.sku.cmp(&b.1.sku));
    for (position, line) in lines {
        let quantity = i32::try_from(line.quantity).unwrap_or(i32::MAX);
        // The take and the frozen line in one statement: no line without its stock, one round trip.
        let taken = sqlx::query_scalar!(
            r#"WITH taken AS (
                   UPDATE variants SET available = available - $2, updated_at = now()
                   WHERE sku = $1 AND available >= $2 AND archived_at IS NULL RETURNING id)
               INSERT INTO order_lines (order_id, position, variant_id, sku, product_title, variant_title,
                                        unit_price_minor, quantity, line_total_minor)
               SELECT $3, $4, id, $1, $5, $6, $7, $2, $8 FROM taken
               RETURNING variant_id"#,
            line.sku,
            quantity,
            order_id,
            i32::try_from(position).unwrap_or(i32::MAX),
            line.product_title,
            line.variant_title,
            line.unit_price.minor,
            line.line_total.minor,
        )
        .fetch_optional(&mut **tx)
        .await?;
        if taken.is_none() {
            return Err(sold_out(tx, line).await);
        }
    }
    Ok(())
}

/// The sentence for a line the shelf cannot meet, naming how many are left.
async fn sold_out(tx: &mut Tx<'_>, line: &meridian_domain::CartLine) -> PlaceError {
    let left = sqlx::query_scalar!("SELECT available FROM variants WHERE sku = $1", line.sku)
        .fetch_optional(&mut **tx)
        .await;
    let name = format!("{} ({})", line.product_title, line.variant_title);
    match left {
        Ok(Some(n)) if n > 0 => PlaceError::SoldOut(format!(
            "Only {n} of {name} left; please lower the quantity in your cart."
        )),
        Ok(_) => PlaceError::SoldOut(format!("Sorry, {name} has sold out.")),
        Err(e) => PlaceError::Store(e.into()),
    }
}
