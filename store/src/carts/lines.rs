//! Writing a cart's lines: add (merging with a line of the same SKU) and set a quantity. Each returns the
//! cart as it now is, for the answer the caller records; the rules are `meridian_domain::check_add`.

use super::read::{assemble, load, CartRow};
use super::CartError;
use crate::Tx;
use meridian_domain::{check_add, AddLine, Cart, LineRefusal, SetLine, VariantFacts};
use uuid::Uuid;

/// Adds `line` to the (locked) cart, merging with an existing line of the same SKU, and returns the cart
/// as it now is. A refusal writes nothing; the caller rolls back.
pub async fn add_line(tx: &mut Tx<'_>, cart: Uuid, line: &AddLine) -> Result<Cart, CartError> {
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
    // The write and the cart's new state in one round trip: a statement does not see its own CTE's
    // changes, so the lines are the other lines as they were plus the row the upsert returned; the
    // columns and order are exactly those of `read::load`, and the rows go through the same assembly.
    let rows = sqlx::query_as!(
        CartRow,
        r#"WITH up AS (
               INSERT INTO cart_lines (cart_id, variant_id, quantity) VALUES ($1, $2, $3)
               ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = EXCLUDED.quantity
               RETURNING cart_id, variant_id, quantity, added_at),
           lines AS (
               SELECT cart_id, variant_id, quantity, added_at FROM cart_lines
               WHERE cart_id = $1 AND variant_id <> $2
               UNION ALL
               SELECT cart_id, variant_id, quantity, added_at FROM up)
           SELECT v.sku AS "sku?", v.title AS "variant_title?", v.price_minor AS "price_minor?",
                  v.currency AS "currency?", l.quantity AS "quantity?", p.slug AS "slug?",
                  p.title AS "product_title?", p.images->0->>'src' AS image,
                  (v.archived_at IS NULL AND p.archived_at IS NULL) AS "live?"
           FROM carts c
           LEFT JOIN (lines l
                      JOIN variants v ON v.id = l.variant_id
                      JOIN products p ON p.id = v.product_id) ON l.cart_id = c.id
           WHERE c.id = $1 ORDER BY l.added_at, v.sku"#,
        cart,
        variant_id,
        i32::try_from(wanted).unwrap_or(i32::MAX),
    )
    .fetch_all(&mut **tx)
    .await?;
    assemble(cart, rows)?.ok_or(CartError::NotFound)
}

/// Sets the (locked) cart's line for `line.sku` to `line.quantity`; 0 removes it. Raising a quantity is
/// checked like an add (stock, limits); lowering or removing never is, so a shopper can always shrink a
/// line of a product that has since sold out or been discontinued. Returns the cart as it now is.
pub async fn set_line(tx: &mut Tx<'_>, cart: Uuid, line: &SetLine) -> Result<Cart, CartError> {
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
    load(tx, cart).await?.ok_or(CartError::NotFound)
}
