//! What the daily sales report reads: one UTC day's sales, refunds and taxes, and the stock's value now.
//!
//! A sale is counted on the day its payment arrived: the order's one event from an unpaid status
//! (`pending_payment`, or `expired`/`cancelled` for a late payment) to `paid` (or straight to `refunded`
//! when a late payment was given back at once). Orders never paid (pending, expired, cancelled) never
//! count; a refund counts on its own day, from the `refunds` table. Every amount is integer minor units
//! next to its currency.

use crate::StoreError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// A half-open range of time: `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// One order paid in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidOrder {
    pub number: String,
    pub paid_at: DateTime<Utc>,
    /// Its status now (a paid order may since have been shipped or refunded).
    pub status: String,
    pub currency: String,
    pub units: i64,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub shipping_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub tax_label: Option<String>,
    pub tax_included: bool,
}

/// The orders paid in `period`, in order of payment.
pub async fn paid_orders(pool: &PgPool, period: Period) -> Result<Vec<PaidOrder>, StoreError> {
    Ok(sqlx::query_as!(
        PaidOrder,
        r#"SELECT o.number AS "number!", e.at AS paid_at, o.status, o.currency,
                  (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l WHERE l.order_id = o.id) AS "units!",
                  o.subtotal_minor, o.discount_minor, o.shipping_minor, o.tax_minor, o.total_minor,
                  o.tax_label, o.tax_included
           FROM order_events e JOIN orders o ON o.id = e.order_id
           WHERE e.at >= $1 AND e.at < $2
             AND e.from_status IN ('pending_payment', 'expired', 'cancelled')
             AND e.to_status IN ('paid', 'refunded')
           ORDER BY e.at, o.id"#,
        period.from,
        period.to
    )
    .fetch_all(pool)
    .await?)
}

/// One refund made in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub refunded_at: DateTime<Utc>,
    pub number: String,
    pub currency: String,
    pub amount_minor: i64,
    pub reason: String,
}

/// The refunds made in `period`, whatever day their order was paid.
pub async fn refunds(pool: &PgPool, period: Period) -> Result<Vec<Refund>, StoreError> {
    Ok(sqlx::query_as!(
        Refund,
        r#"SELECT r.created_at AS refunded_at, o.number AS "number!", o.currency, r.amount_minor, r.reason
           FROM refunds r JOIN orders o ON o.id = r.order_id
           WHERE r.created_at >= $1 AND r.created_at < $2
           ORDER BY r.created_at, r.id"#,
        period.from,
        period.to
    )
    .fetch_all(pool)
    .await?)
}

/// What one product sold in the period, in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductSales {
    pub product_slug: String,
    pub product_title: String,
    pub category_slug: String,
    pub category_name: String,
    pub currency: String,
    /// Orders with at least one line of this product.
    pub orders: i64,
    pub units: i64,
    /// The lines' totals (before order discounts, shipping and added tax).
    pub revenue_minor: i64,
}

/// Sales per product (and currency) of the orders paid in `period`, best sellers (by units) first.
pub async fn product_sales(pool: &PgPool, period: Period) -> Result<Vec<ProductSales>, StoreError> {
    Ok(sqlx::query_as!(
        ProductSales,
        r#"SELECT p.slug AS product_slug, p.title AS product_title,
                  c.slug AS category_slug, c.name AS category_name, o.currency,
                  count(DISTINCT o.id) AS "orders!", sum(l.quantity)::bigint AS "units!",
                  sum(l.line_total_minor)::bigint AS "revenue_minor!"
           FROM order_events e
           JOIN orders o ON o.id = e.order_id
           JOIN order_lines l ON l.order_id = o.id
           JOIN variants v ON v.id = l.variant_id
           JOIN products p ON p.id = v.product_id
           JOIN categories c ON c.id = p.category_id
           WHERE e.at >= $1 AND e.at < $2
             AND e.from_status IN ('pending_payment', 'expired', 'cancelled')
             AND e.to_status IN ('paid', 'refunded')
           GROUP BY p.id, c.id, o.currency
           ORDER BY 7 DESC, 8 DESC, p.slug, o.currency"#,
        period.from,
        period.to
    )
    .fetch_all(pool)
    .await?)
}

/// One variant's stock and what it is worth at its current price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockValue {
    pub sku: String,
    pub product_slug: String,
    pub product_title: String,
    pub variant_title: String,
    pub currency: String,
    pub available: i32,
    pub price_minor: i64,
    pub value_minor: i64,
}

/// Every variant on sale (neither it nor its product archived), by product and position.
pub async fn stock_value(pool: &PgPool) -> Result<Vec<StockValue>, StoreError> {
    Ok(sqlx::query_as!(
        StockValue,
        r#"SELECT v.sku, p.slug AS product_slug, p.title AS product_title, v.title AS variant_title,
                  v.currency, v.available, v.price_minor,
                  (v.available::bigint * v.price_minor) AS "value_minor!"
           FROM variants v JOIN products p ON p.id = v.product_id
           WHERE v.archived_at IS NULL AND p.archived_at IS NULL
           ORDER BY p.slug, v.position, v.sku"#
    )
    .fetch_all(pool)
    .await?)
}
