//! Wishlists: the products a shopper saved. Every statement names the account, so a shopper only ever
//! reads or changes their own list.

use crate::StoreError;
use sqlx::PgPool;
use uuid::Uuid;

pub use meridian_domain::saved::WishlistItem;

/// The account's wishlist, most recently saved first.
pub async fn list(pool: &PgPool, account: Uuid) -> Result<Vec<WishlistItem>, StoreError> {
    let items = sqlx::query_as!(
        WishlistItem,
        r#"SELECT p.slug, p.title, p.archived_at IS NULL AS "sold!",
                  EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id
                          AND v.archived_at IS NULL AND v.available > 0) AS "in_stock!"
           FROM wishlist_items w JOIN products p ON p.id = w.product_id
           WHERE w.account_id = $1 ORDER BY w.added_at DESC, p.slug"#,
        account
    )
    .fetch_all(pool)
    .await?;
    Ok(items)
}

/// Saves product `slug` (a live one); false when there is no such product on sale. Saving it again
/// changes nothing.
pub async fn save(pool: &PgPool, account: Uuid, slug: &str) -> Result<bool, StoreError> {
    let found = sqlx::query_scalar!(
        r#"WITH p AS (SELECT id FROM products WHERE slug = $2 AND archived_at IS NULL),
           ins AS (INSERT INTO wishlist_items (account_id, product_id) SELECT $1, id FROM p
                   ON CONFLICT DO NOTHING)
           SELECT EXISTS (SELECT 1 FROM p) AS "found!""#,
        account,
        slug
    )
    .fetch_one(pool)
    .await?;
    Ok(found)
}

/// Removes product `slug` from the account's wishlist; false when it was not on it.
pub async fn remove(pool: &PgPool, account: Uuid, slug: &str) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "DELETE FROM wishlist_items w USING products p
         WHERE w.account_id = $1 AND w.product_id = p.id AND p.slug = $2",
        account,
        slug
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}
