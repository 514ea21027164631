//! Cart SQL: create, add, change and remove lines, load with totals, sweep idle carts. A write locks the cart row first ([`lock`]), so concurrent adds to one cart apply one after
//! the other; the rules themselves are `meridian_domain::check_add`, fed with what the rows say.

use crate::catalog::money;
use crate::{StoreError, Tx};
use meridian_domain::{
    check_add, AddLine, Cart, LineRefusal, SetLine, UnavailableLine, UnpricedLine, VariantFacts,
};
use sqlx::PgConnection;
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

/// Creates an empty cart and returns its id.
pub async fn create(tx: &mut Tx<'_>) -> Result<Uuid, StoreError> {
    let id = Uuid::new_v4();
    sqlx::query!("INSERT INTO carts (id) VALUES ($1)", id)
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

/// Adds `line` to the (locked) cart, merging with an existing line of the same SKU. A refusal writes
/// nothing; the caller rolls back.
pub async fn add_line(tx: &mut Tx<'_>, cart: Uuid, line: &AddLine) -> Result<(), CartError> {
    let variant = sqlx::query!(
        r#"SELECT v.id, v.available,
                  (v.archived_at IS NULL AND p.archived_at IS NULL) AS "live!",
                  NOT EXISTS (SELECT 1 FROM cart_lines l JOIN variants o ON o.id = l.variant_id
                              WHERE l.cart_id = $2 AND o.currency <> v.currency) AS "same_currency!",
                  (SELECT quantity FROM cart_lines WHERE cart_id = $2 AND variant_id = v.id) AS current
           FROM variants v JOIN products p ON p.id = v.product_id WHERE v.sku = $1"#,
        line.sku,
        cart,
    )
    .fetch_optional(&mut **tx)
    .await?;
    let current = variant
        .as_ref()
        .and_then(|v| v.current)
        .map_or(0, |q| u32::try_from(q).unwrap_or(0));
    let facts = variant.as_ref().map(|v| VariantFacts {
        live: v.live,
        available: v.available,
        currency_matches_cart: v.same_currency,
    });
    let wanted = check_add(&line.sku, line.quantity, current, facts)?;
    let variant_id = variant
        .map(|v| v.id)
        .ok_or_else(|| LineRefusal::UnknownSku(line.sku.clone()))?;
    sqlx::query!(
        "INSERT INTO cart_lines (cart_id, variant_id, quantity) VALUES ($1, $2, $3)
         ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = EXCLUDED.quantity",
        cart,
        variant_id,
        i32::try_from(wanted).unwrap_or(i32::MAX),
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Sets the (locked) cart's line for `line.sku` to `line.quantity`; 0 removes it. Raising a quantity is
/// checked like an add (stock, limits); lowering or removing never is, so a shopper can always shrink a
/// line of a product that has since sold out or been discontinued.
pub async fn set_line(tx: &mut Tx<'_>, cart: Uuid, line: &SetLine) -> Result<(), CartError> {
    let current = sqlx::query!(
        "SELECT l.variant_id, l.quantity FROM cart_lines l JOIN variants v ON v.id = l.variant_id
         WHERE l.cart_id = $1 AND v.sku = $2",
        cart,
        line.sku,
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(current) = current else {
        return Err(LineRefusal::UnknownSku(line.sku.clone()).into());
    };
    let held = u32::try_from(current.quantity).unwrap_or(0);
    if line.quantity > held {
        let more = AddLine {
            sku: line.sku.clone(),
            quantity: line.quantity - held,
        };
        return add_line(tx, cart, &more).await;
    }
    if line.quantity == 0 {
        sqlx::query!(
            "DELETE FROM cart_lines WHERE cart_id = $1 AND variant_id = $2",
            cart,
            current.variant_id
        )
        .execute(&mut **tx)
        .await?;
    } else {
        sqlx::query!(
            "UPDATE cart_lines SET quantity = $3 WHERE cart_id = $1 AND variant_id = $2",
            cart,
            current.variant_id,
            i32::try_from(line.quantity).unwrap_or(i32::MAX),
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
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

/// The cart with current prices and server-computed totals, or `None` if there is no such cart. Lines
/// whose product is no longer sold are listed apart and left out of the totals.
pub async fn load(conn: &mut PgConnection, id: Uuid) -> Result<Option<Cart>, StoreError> {
    // One round trip: the cart row, joined to its lines (none: one row of NULLs; no cart: no row).
    let rows = sqlx::query!(
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
