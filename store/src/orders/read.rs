//! Reading orders: one order as its buyer (by token) or the admin API (by number) sees it, and filtered
//! listings for the admin API, newest first with keyset paging.

use crate::catalog::money;
use crate::StoreError;
use meridian_domain::{Address, OrderEventView, OrderLine, OrderStatus, OrderView, Totals};
use serde::Serialize;
use sqlx::PgConnection;

/// How to find one order.
#[derive(Debug, Clone, Copy)]
pub enum OrderKey<'a> {
    Token(&'a str),
    Number(&'a str),
}

pub async fn load(
    conn: &mut PgConnection,
    key: OrderKey<'_>,
) -> Result<Option<OrderView>, StoreError> {
    let (token, number) = match key {
        OrderKey::Token(t) => (Some(t), None),
        OrderKey::Number(n) => (None, Some(n)),
    };
    let row = sqlx::query!(
        r#"SELECT id, token, number AS "number!", status, email, address, shipping_name, currency,
                  subtotal_minor, discount_minor, shipping_minor, tax_minor, total_minor, tax_included,
                  tax_label, promo_code, refunded_minor, tracking_number, note, payment_error,
                  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "created_at!",
                  to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "expires_at!"
           FROM orders WHERE token = $1 OR number = $2"#,
        token,
        number,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let m = |minor| money(minor, &r.currency);
    let totals = Totals {
        subtotal: m(r.subtotal_minor)?,
        discount: m(r.discount_minor)?,
        shipping: m(r.shipping_minor)?,
        tax: m(r.tax_minor)?,
        total: m(r.total_minor)?,
        tax_included: r.tax_included,
        tax_label: r.tax_label,
    };
    let lines = sqlx::query!(
        "SELECT sku, product_title, variant_title, unit_price_minor, quantity, line_total_minor
         FROM order_lines WHERE order_id = $1 ORDER BY position",
        r.id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|l| {
        Ok(OrderLine {
            unit_price: m(l.unit_price_minor)?,
            line_total: m(l.line_total_minor)?,
            quantity: u32::try_from(l.quantity).unwrap_or(0),
            sku: l.sku,
            product_title: l.product_title,
            variant_title: l.variant_title,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    let events = events(conn, r.id).await?;
    Ok(Some(OrderView {
        token: r.token,
        number: r.number,
        status: status(&r.status)?,
        email: r.email,
        address: serde_json::from_value::<Address>(r.address)
            .map_err(|e| StoreError::Corrupt(format!("order address: {e}")))?,
        shipping_method: r.shipping_name,
        lines,
        refunded: m(r.refunded_minor)?,
        totals,
        promo_code: r.promo_code,
        tracking_number: r.tracking_number,
        note: r.note,
        payment_error: r.payment_error,
        created_at: r.created_at,
        expires_at: r.expires_at,
        events,
    }))
}

async fn events(conn: &mut PgConnection, order_id: i64) -> Result<Vec<OrderEventView>, StoreError> {
    sqlx::query!(
        r#"SELECT from_status, to_status, cause,
                  to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "at!"
           FROM order_events WHERE order_id = $1 ORDER BY id"#,
        order_id
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|e| {
        Ok(OrderEventView {
            at: e.at,
            from: e.from_status.as_deref().map(status).transpose()?,
            to: status(&e.to_status)?,
            cause: e.cause,
        })
    })
    .collect()
}

pub(super) fn status(s: &str) -> Result<OrderStatus, StoreError> {
    OrderStatus::parse(s).ok_or_else(|| StoreError::Corrupt(format!("order status {s}")))
}

/// Admin listing filters; all optional.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    /// Exact address, any case.
    pub email: Option<String>,
    /// Orders with a smaller id than this one's number (the next page).
    pub before: Option<i64>,
    pub limit: i64,
}

/// One order in a listing.
#[derive(Debug, Clone, Serialize)]
pub struct OrderSummary {
    pub number: String,
    pub status: OrderStatus,
    pub email: String,
    pub total: meridian_domain::Money,
    pub created_at: String,
}

pub async fn list(
    conn: &mut PgConnection,
    filter: &OrderFilter,
) -> Result<Vec<OrderSummary>, StoreError> {
    sqlx::query!(
        r#"SELECT number AS "number!", status, email, total_minor, currency,
                  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "created_at!"
           FROM orders
           WHERE ($1::text IS NULL OR status = $1)
             AND ($2::text IS NULL OR lower(email) = lower($2))
             AND ($3::bigint IS NULL OR id < $3)
           ORDER BY id DESC LIMIT $4"#,
        filter.status.map(OrderStatus::as_str),
        filter.email,
        filter.before,
        filter.limit,
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| {
        Ok(OrderSummary {
            status: status(&r.status)?,
            total: money(r.total_minor, &r.currency)?,
            number: r.number,
            email: r.email,
            created_at: r.created_at,
        })
    })
    .collect()
}
