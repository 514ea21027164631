//! Cart SQL. Adding a line locks the cart row, so concurrent adds to one cart apply one after the other.

use super::cart_not_found;
use crate::error::{ApiError, ApiResult};
use anyhow::anyhow;
use meridian_domain::{
    AddLine, Cart, Currency, Money, UnavailableLine, UnpricedLine, MAX_LINE_QUANTITY,
};
use sqlx::PgPool;
use uuid::Uuid;

pub(super) async fn create_cart(pool: &PgPool) -> ApiResult<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query!("INSERT INTO carts (id) VALUES ($1)", id)
        .execute(pool)
        .await?;
    Ok(id)
}

pub(super) async fn add_line(
    pool: &PgPool,
    cart: Uuid,
    line: &AddLine,
    key: Option<&str>,
) -> ApiResult<()> {
    let mut tx = pool.begin().await?;
    sqlx::query_scalar!("SELECT id FROM carts WHERE id = $1 FOR UPDATE", cart)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| cart_not_found(cart))?;
    if let Some(key) = key {
        // The whole request, not just the cart: a key reused for a different line is refused rather
        // than silently answered as a replay (which would lose the second add).
        let scope = format!(
            "cart:{cart}:lines sku={} quantity={}",
            line.sku, line.quantity
        );
        let fresh = sqlx::query!(
            "INSERT INTO idempotency_keys (key, scope) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            key,
            scope,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !fresh {
            return replayed(&mut tx, key, &scope).await;
        }
    }
    let variant = sqlx::query!(
        r#"SELECT v.id, v.available, v.currency,
                  (v.archived_at IS NULL AND p.archived_at IS NULL) AS "live!"
           FROM variants v JOIN products p ON p.id = v.product_id WHERE v.sku = $1"#,
        line.sku
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        ApiError::Unprocessable(format!("There is no product with SKU '{}'.", line.sku))
    })?;
    if !variant.live {
        return Err(ApiError::Unprocessable(format!(
            "The product with SKU '{}' is no longer sold.",
            line.sku
        )));
    }
    let other_currency = sqlx::query_scalar!(
        "SELECT v.currency FROM cart_lines l JOIN variants v ON v.id = l.variant_id
         WHERE l.cart_id = $1 AND v.currency <> $2 LIMIT 1",
        cart,
        variant.currency,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if other_currency.is_some() {
        return Err(ApiError::Unprocessable(
            "This cart holds items priced in another currency.".into(),
        ));
    }
    let current = sqlx::query_scalar!(
        "SELECT quantity FROM cart_lines WHERE cart_id = $1 AND variant_id = $2",
        cart,
        variant.id,
    )
    .fetch_optional(&mut *tx)
    .await?
    .unwrap_or(0);
    let wanted = current + i32::try_from(line.quantity).map_err(anyhow::Error::from)?;
    check_quantity(wanted, variant.available, current)?;
    sqlx::query!(
        "INSERT INTO cart_lines (cart_id, variant_id, quantity) VALUES ($1, $2, $3)
         ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = EXCLUDED.quantity",
        cart,
        variant.id,
        wanted,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("UPDATE carts SET updated_at = now() WHERE id = $1", cart)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A key seen before: fine if it named this same request (nothing to do), an error if it named another.
async fn replayed(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    key: &str,
    scope: &str,
) -> ApiResult<()> {
    let stored = sqlx::query_scalar!("SELECT scope FROM idempotency_keys WHERE key = $1", key)
        .fetch_one(&mut **tx)
        .await?;
    if stored == scope {
        tracing::info!("idempotent replay; line not added again");
        Ok(())
    } else {
        Err(ApiError::Unprocessable(
            "This Idempotency-Key was already used for another request.".into(),
        ))
    }
}

fn check_quantity(wanted: i32, available: i32, current: i32) -> ApiResult<()> {
    let max = i32::try_from(MAX_LINE_QUANTITY).unwrap_or(i32::MAX);
    if wanted > max {
        return Err(ApiError::Unprocessable(format!(
            "A cart line holds at most {max}; this one already has {current}."
        )));
    }
    if wanted > available {
        let message = match available {
            0 => "Sorry, this item is out of stock.".to_owned(),
            n => format!("Only {n} left in stock; your cart would hold {wanted}."),
        };
        return Err(ApiError::Conflict(message));
    }
    Ok(())
}

/// The cart with current prices and server-computed totals, or `None` if there is no such cart. Lines
/// whose product is no longer sold are listed apart and left out of the totals.
pub async fn load_cart(pool: &PgPool, id: Uuid) -> anyhow::Result<Option<Cart>> {
    if sqlx::query_scalar!("SELECT id FROM carts WHERE id = $1", id)
        .fetch_optional(pool)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    let rows = sqlx::query!(
        r#"SELECT v.sku, v.title AS variant_title, v.price_minor, v.currency, l.quantity,
                  p.slug, p.title AS product_title, p.images->0->>'src' AS image,
                  (v.archived_at IS NULL AND p.archived_at IS NULL) AS "live!"
           FROM cart_lines l
           JOIN variants v ON v.id = l.variant_id
           JOIN products p ON p.id = v.product_id
           WHERE l.cart_id = $1 ORDER BY l.added_at, v.sku"#,
        id,
    )
    .fetch_all(pool)
    .await?;
    let mut lines = Vec::with_capacity(rows.len());
    let mut unavailable = Vec::new();
    for r in rows {
        let quantity = u32::try_from(r.quantity)?;
        if !r.live {
            unavailable.push(UnavailableLine {
                sku: r.sku,
                product_title: r.product_title,
                variant_title: r.variant_title,
                quantity,
            });
            continue;
        }
        let currency =
            Currency::parse(&r.currency).ok_or_else(|| anyhow!("bad currency {}", r.currency))?;
        lines.push(UnpricedLine {
            sku: r.sku,
            product_slug: r.slug,
            product_title: r.product_title,
            variant_title: r.variant_title,
            image: r.image,
            unit_price: Money::new(r.price_minor, currency),
            quantity,
        });
    }
    let mut cart = Cart::price(id, lines)?;
    cart.unavailable = unavailable;
    Ok(Some(cart))
}
