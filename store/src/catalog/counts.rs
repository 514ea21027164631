//! Each category's number of live products (`categories.live_products`), recounted by every write that
//! can change which products are live (imports, archiving), in that write's transaction. Listings read
//! their totals and page boundaries from it instead of counting the catalog on each request.

use crate::{StoreError, Tx};
use sqlx::PgPool;

/// A transaction for a catalog write that will [`recount`]. Catalog writes take turns: otherwise two
/// imports recounting at once would each count without the other's uncommitted rows, and the later
/// commit would win with a stale count. The lock is taken first, before any row lock, so writers queue
/// instead of deadlocking; it conflicts only with itself and writes to `categories` (readers and orders
/// never wait). Catalog writes are background jobs, so taking turns costs nothing a shopper sees.
pub(crate) async fn begin_catalog_write(pool: &PgPool) -> Result<Tx<'static>, StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query("LOCK TABLE categories IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Recounts every category's live products. Call last, before committing a [`begin_catalog_write`].
pub(crate) async fn recount(tx: &mut Tx<'_>) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE categories c SET live_products = x.n
         FROM (SELECT c2.id, count(p.id) AS n
               FROM categories c2 LEFT JOIN live_products p ON p.category_id = c2.id
               GROUP BY c2.id) x
         WHERE x.id = c.id AND c.live_products <> x.n"
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
