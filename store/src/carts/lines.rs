//! Writing a cart's lines: add (merging with a line of the same SKU) and set a quantity. Each returns the
//! cart as it now is, for the answer the caller records; the rules are `meridian_domain::check_add`.

use super::read::{assemble, load, CartRow};
use super::CartError;
use crate::{StoreError, Tx};
use meridian_domain::{check_add, AddLine, Cart, LineRefusal, SetLine, VariantFacts};
use uuid::Uuid;

/// Adds `line` to the (locked) cart, merging with an existing line of the same SKU, and returns the cart
/// as it now is. A refusal writes nothing: the caller rolls back.
///
/// One round trip: the statement reads the variant's facts and the line's current quantity, writes the
/// merged quantity and reads the cart back; the rules (`check_add`) then judge the facts, and a refusal
/// rolls the write back with the transaction. The write is therefore speculative, guarded only by the
/// table's own CHECK (1..=99), so no input can make the statement fail. The facts are current: the cart's
/// lock was taken by an earlier statement, so this statement's snapshot sees every committed change to
/// the cart's lines.
pub async fn add_line(tx: &mut Tx<'_>, cart: Uuid, line: &AddLine) -> Result<Cart, CartError> {
    // A statement does not see its own CTE's changes, so the lines are the other lines as they were plus
    // the row the upsert returned; the columns and order are exactly those of `read::load`, and the rows
    // go through the same assembly. Every row carries the variant's facts (NULL for an unknown SKU).
    let rows = sqlx::query!(
        r#"WITH target AS (
               SELECT v.id, v.available,
                      (v.archived_at IS NULL AND p.archived_at IS NULL) AS live,
                      NOT EXISTS (SELECT 1 FROM cart_lines l JOIN variants o ON o.id = l.variant_id
                                  WHERE l.cart_id = $1 AND o.currency <> v.currency) AS same_currency,
                      COALESCE((SELECT quantity FROM cart_lines
                                WHERE cart_id = $1 AND variant_id = v.id), 0) AS current
               FROM variants v JOIN products p ON p.id = v.product_id WHERE v.sku = $2),
           up AS (
               INSERT INTO cart_lines (cart_id, variant_id, quantity)
               SELECT $1, id, (current + $3::bigint)::integer FROM target
               WHERE current + $3::bigint BETWEEN 1 AND 99
               ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = EXCLUDED.quantity
               RETURNING cart_id, variant_id, quantity, added_at),
           lines AS (
               SELECT cart_id, variant_id, quantity, added_at FROM cart_lines
               WHERE cart_id = $1 AND variant_id NOT IN (SELECT variant_id FROM up)
               UNION ALL
               SELECT cart_id, variant_id, quantity, added_at FROM up)
           SELECT t.available AS "target_available?", t.live AS "target_live?",
                  t.same_currency AS "target_same_currency?", t.current AS "target_current?",
                  v.sku AS "sku?", v.title AS "variant_title?", v.price_minor AS "price_minor?",
                  v.currency AS "currency?", l.quantity AS "quantity?", p.slug AS "slug?",
                  p.title AS "product_title?", p.images->0->>'src' AS image,
                  (v.archived_at IS NULL AND p.archived_at IS NULL) AS "live?"
           FROM carts c
           LEFT JOIN target t ON true
           LEFT JOIN (lines l
                      JOIN variants v ON v.id = l.variant_id
                      JOIN products p ON p.id = v.product_id) ON l.cart_id = c.id
           WHERE c.id = $1 ORDER BY l.added_at, v.sku"#,
        cart,
        line.sku,
        i64::from(line.quantity),
    )
    .fetch_all(&mut **tx)
    .await?;
    let first = rows.first().ok_or(CartError::NotFound)?;
    let facts = first.target_live.map(|live| VariantFacts {
        live,
        available: first.target_available.unwrap_or(0),
        currency_matches_cart: first.target_same_currency.unwrap_or(false),
    });
    let current = first
        .target_current
        .map_or(0, |q| u32::try_from(q).unwrap_or(0));
    let wanted = check_add(&line.sku, line.quantity, current, facts)?;
    let rows = rows.into_iter().map(|r| CartRow {
        sku: r.sku,
        variant_title: r.variant_title,
        price_minor: r.price_minor,
        currency: r.currency,
        quantity: r.quantity,
        slug: r.slug,
        product_title: r.product_title,
        image: r.image,
        live: r.live,
    });
    let cart = assemble(cart, rows.collect())?.ok_or(CartError::NotFound)?;
    // What the rules accepted is what the statement wrote (both are `current + quantity` within 1..=99).
    if !cart
        .lines
        .iter()
        .any(|l| l.sku == line.sku && l.quantity == wanted)
    {
        return Err(StoreError::Corrupt(format!("the add of {} was not written", line.sku)).into());
    }
    Ok(cart)
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
