//! Reading a cart: its lines with current prices, totals computed by the domain, lines no longer sold
//! apart. [`assemble`] turns the rows of that read into a `Cart`; `lines::add_line` reads the same rows in
//! its write's own statement and assembles them the same way.

use crate::catalog::money;
use crate::StoreError;
use meridian_domain::{Cart, UnavailableLine, UnpricedLine};
use sqlx::PgConnection;
use uuid::Uuid;

/// One row of a cart read: the cart joined to one of its lines (all `None` for an empty cart).
pub(super) struct CartRow {
    pub(super) sku: Option<String>,
    pub(super) variant_title: Option<String>,
    pub(super) price_minor: Option<i64>,
    pub(super) currency: Option<String>,
    pub(super) quantity: Option<i32>,
    pub(super) slug: Option<String>,
    pub(super) product_title: Option<String>,
    pub(super) image: Option<String>,
    pub(super) live: Option<bool>,
}

/// The cart with current prices and server-computed totals, or `None` if there is no such cart. Lines
/// whose product is no longer sold are listed apart and left out of the totals.
pub async fn load(conn: &mut PgConnection, id: Uuid) -> Result<Option<Cart>, StoreError> {
    // One round trip: the cart row, joined to its lines (none: one row of NULLs; no cart: no row).
    let rows = sqlx::query_as!(
        CartRow,
        r#"SELECT v.sku AS "sku?", v.title AS "variant_title?", v.price_minor AS "price_minor?",
                  v.currency AS "currency?", l.quantity AS "quantity?", p.slug AS "slug?",
                  p.title AS "product_title?", p.images->0->>'src' AS image,
                  (v.archived_at IS NULL AND p.archived_at IS NULL) AS "live?"
           FROM carts c
           LEFT JOIN (cart_lines l
                      JOIN variants v ON v.id = l.variant_id
                      JOIN products p ON p.id = v.product_id) ON l.cart_id = c.id
           WHERE c.id = $1 ORDER BY l.added_at, v.sku"#,
        id,
    )
    .fetch_all(&mut *conn)
    .await?;
    assemble(id, rows)
}

/// The cart `id` from its rows; `None` when there are none (no such cart).
pub(super) fn assemble(id: Uuid, rows: Vec<CartRow>) -> Result<Option<Cart>, StoreError> {
    if rows.is_empty() {
        return Ok(None);
    }
    let mut lines = Vec::with_capacity(rows.len());
    let mut unavailable = Vec::new();
    for r in rows {
        let (Some(sku), Some(product_title), Some(variant_title)) =
            (r.sku, r.product_title, r.variant_title)
        else {
            continue;
        };
        // The CHECK constraint keeps quantities within 1..=99.
        let quantity = r.quantity.map_or(0, |q| u32::try_from(q).unwrap_or(0));
        if r.live != Some(true) {
            unavailable.push(UnavailableLine {
                sku,
                product_title,
                variant_title,
                quantity,
            });
            continue;
        }
        let price = r
            .price_minor
            .zip(r.currency)
            .ok_or_else(|| StoreError::Corrupt(format!("cart line {sku} without a price")))?;
        lines.push(UnpricedLine {
            unit_price: money(price.0, &price.1)?,
            sku,
            product_slug: r.slug.unwrap_or_default(),
            product_title,
            variant_title,
            image: r.image,
            quantity,
        });
    }
    let mut cart = Cart::price(id, lines).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    cart.unavailable = unavailable;
    Ok(Some(cart))
}
