//! Writing supplier products into the catalog. Idempotent: importing the same products twice changes no row
//! (not even `updated_at`), so a retried or repeated sync is harmless. What the supplier stops listing is
//! archived (hidden from the storefront, kept for carts), and comes back if it is listed again.

use crate::{StoreError, Tx};
use meridian_domain::{Image, Money, ProductOption};
use sqlx::types::Json;
use sqlx::PgPool;

/// A product as the catalog stores it, already validated and normalised by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportProduct {
    pub external_id: i64,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub vendor: String,
    pub category_slug: String,
    pub category_name: String,
    pub tags: Vec<String>,
    pub options: Vec<ProductOption>,
    pub images: Vec<Image>,
    pub variants: Vec<ImportVariant>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportVariant {
    pub external_id: i64,
    pub sku: String,
    pub title: String,
    pub options: Vec<String>,
    pub position: i32,
    pub price: Money,
    /// Stock a *new* variant starts with. Existing stock is owned by inventory and never overwritten here.
    pub initial_stock: i32,
}

/// How many products an import created, changed, found already up to date, or archived.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub archived: u32,
}

/// Upserts `products` in one transaction: all of a batch lands or none of it.
pub async fn upsert_products(
    pool: &PgPool,
    products: &[ImportProduct],
) -> Result<ImportSummary, StoreError> {
    let mut tx = pool.begin().await?;
    let mut summary = ImportSummary::default();
    for product in products {
        let category_id =
            upsert_category(&mut tx, &product.category_slug, &product.category_name).await?;
        let (product_id, product_written) = upsert_product(&mut tx, product, category_id).await?;
        let mut variant_written = false;
        for variant in &product.variants {
            variant_written |= upsert_variant(&mut tx, product_id, variant)
                .await?
                .is_some();
        }
        variant_written |= archive_dropped_variants(&mut tx, product_id, &product.variants).await?;
        match product_written {
            Some(true) => summary.created += 1,
            Some(false) => summary.updated += 1,
            None if variant_written => summary.updated += 1,
            None => summary.unchanged += 1,
        }
    }
    tx.commit().await?;
    Ok(summary)
}

async fn upsert_category(tx: &mut Tx<'_>, slug: &str, name: &str) -> Result<i64, StoreError> {
    let id = sqlx::query_scalar!(
        r#"WITH ins AS (
               INSERT INTO categories (slug, name) VALUES ($1, $2)
               ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name
               WHERE categories.name IS DISTINCT FROM EXCLUDED.name
               RETURNING id)
           SELECT id AS "id!" FROM ins UNION ALL SELECT id FROM categories WHERE slug = $1
           LIMIT 1"#,
        slug,
        name,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// Returns the product id and `Some(true)` if created, `Some(false)` if changed, `None` if already equal.
async fn upsert_product(
    tx: &mut Tx<'_>,
    p: &ImportProduct,
    category_id: i64,
) -> Result<(i64, Option<bool>), StoreError> {
    let written = sqlx::query!(
        r#"INSERT INTO products (external_id, slug, title, description, vendor, category_id, tags, options, images)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (external_id) DO UPDATE SET
               slug = EXCLUDED.slug, title = EXCLUDED.title, description = EXCLUDED.description,
               vendor = EXCLUDED.vendor, category_id = EXCLUDED.category_id, tags = EXCLUDED.tags,
               options = EXCLUDED.options, images = EXCLUDED.images, archived_at = NULL, updated_at = now()
           WHERE (products.slug, products.title, products.description, products.vendor, products.category_id,
                  products.tags, products.options, products.images)
                 IS DISTINCT FROM
                 (EXCLUDED.slug, EXCLUDED.title, EXCLUDED.description, EXCLUDED.vendor, EXCLUDED.category_id,
                  EXCLUDED.tags, EXCLUDED.options, EXCLUDED.images)
              OR products.archived_at IS NOT NULL
           RETURNING id, (xmax = 0) AS "created!""#,
        p.external_id,
        p.slug,
        p.title,
        p.description,
        p.vendor,
        category_id,
        &p.tags,
        Json(&p.options) as _,
        Json(&p.images) as _,
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(row) = written {
        return Ok((row.id, Some(row.created)));
    }
    let id = sqlx::query_scalar!(
        "SELECT id FROM products WHERE external_id = $1",
        p.external_id
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((id, None))
}

/// Upserts one variant; `Some(_)` when a row was written. Stock is only set when the variant is new.
async fn upsert_variant(
    tx: &mut Tx<'_>,
    product_id: i64,
    v: &ImportVariant,
) -> Result<Option<bool>, StoreError> {
    let written = sqlx::query_scalar!(
        r#"INSERT INTO variants (product_id, external_id, sku, title, options, position, price_minor, currency, available)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (external_id) DO UPDATE SET
               product_id = EXCLUDED.product_id, sku = EXCLUDED.sku, title = EXCLUDED.title,
               options = EXCLUDED.options, position = EXCLUDED.position,
               price_minor = EXCLUDED.price_minor, currency = EXCLUDED.currency, archived_at = NULL,
               updated_at = now()
           WHERE (variants.product_id, variants.sku, variants.title, variants.options, variants.position,
                  variants.price_minor, variants.currency)
                 IS DISTINCT FROM
                 (EXCLUDED.product_id, EXCLUDED.sku, EXCLUDED.title, EXCLUDED.options, EXCLUDED.position,
                  EXCLUDED.price_minor, EXCLUDED.currency)
              OR variants.archived_at IS NOT NULL
           RETURNING (xmax = 0) AS "created!""#,
        product_id,
        v.external_id,
        v.sku,
        v.title,
        &v.options,
        v.position,
        v.price.minor,
        v.price.currency.code(),
        v.initial_stock,
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(written)
}

/// Archives the supplier variants of `product_id` that `listed` no longer contains; true if any were.
async fn archive_dropped_variants(
    tx: &mut Tx<'_>,
    product_id: i64,
    listed: &[ImportVariant],
) -> Result<bool, StoreError> {
    let ids: Vec<i64> = listed.iter().map(|v| v.external_id).collect();
    let archived = sqlx::query!(
        "UPDATE variants SET archived_at = now(), updated_at = now()
         WHERE product_id = $1 AND archived_at IS NULL AND external_id IS NOT NULL
           AND external_id <> ALL($2)",
        product_id,
        &ids,
    )
    .execute(&mut **tx)
    .await?;
    Ok(archived.rows_affected() > 0)
}

/// Archives every supplier product whose id is not in `listed` (the ids of the *whole* feed, including
/// products skipped as malformed, which keep their last good version). Returns how many were archived.
/// Products created here rather than by a supplier (no `external_id`) are never touched.
pub async fn archive_unlisted_products(pool: &PgPool, listed: &[i64]) -> Result<u32, StoreError> {
    let archived = sqlx::query!(
        "UPDATE products SET archived_at = now(), updated_at = now()
         WHERE archived_at IS NULL AND external_id IS NOT NULL AND external_id <> ALL($1)",
        listed,
    )
    .execute(pool)
    .await?;
    Ok(u32::try_from(archived.rows_affected()).unwrap_or(u32::MAX))
}
