//! Writing supplier products into the catalog. Idempotent: importing the same products twice changes no row
//! (not even `updated_at`), so a retried or repeated sync is harmless. What the supplier stops listing is
//! archived (hidden from the storefront, kept for carts), and comes back if it is listed again.
//!
//! A variant's `sku` is chosen once, when it is first imported, and never changed: carts and orders name
//! it, so it must never move to another variant. The supplier's current SKU is kept in `supplier_sku`.

use crate::{StoreError, Tx};
use meridian_domain::{Image, Money, ProductOption};
use sqlx::types::Json;
use sqlx::PgPool;
use std::collections::HashMap;

pub use super::archive::archive_unlisted_products;

/// What the feed says beyond the products being written.
#[derive(Debug, Clone, Default)]
pub struct SupplierData {
    /// The supplier's own SKU of each variant (by supplier variant id), stored as supplier data.
    pub skus: HashMap<i64, String>,
    /// Variants the feed lists but that were not imported (malformed): they keep their last good
    /// version instead of being archived, as skipped products do.
    pub kept_variants: Vec<i64>,
}

/// The SKU of a supplier variant whose own SKU is missing, repeated or already taken: derived from the
/// supplier's variant id, so it is unique and the same on every run.
pub fn fallback_sku(variant_external_id: i64) -> String {
    format!("SUP-{variant_external_id}")
}

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
    /// The SKU a *new* variant gets, unless another variant holds it already (then [`fallback_sku`]).
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

/// What importing one product did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

impl ImportSummary {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }
}

/// Upserts `products` in one transaction: all of a batch lands or none of it.
pub async fn upsert_products(
    pool: &PgPool,
    products: &[ImportProduct],
) -> Result<ImportSummary, StoreError> {
    let mut tx = super::counts::begin_catalog_write(pool).await?;
    // A new variant's initial stock is its first movement.
    let why = "new variant from the product sync";
    crate::inventory::attribute(&mut tx, crate::inventory::Source::Sync, why, None).await?;
    let mut summary = ImportSummary::default();
    for product in products {
        summary.add(import_product(&mut tx, product, &SupplierData::default()).await?);
    }
    super::counts::recount(&mut tx).await?;
    tx.commit().await?;
    Ok(summary)
}

/// Upserts `products` in one transaction, each behind its own savepoint: a product the database refuses
/// is rolled back alone and returned with the reason, the others land.
pub async fn upsert_products_isolated(
    pool: &PgPool,
    products: &[ImportProduct],
    supplier: &SupplierData,
) -> Result<(ImportSummary, Vec<(i64, String)>), StoreError> {
    let mut tx = super::counts::begin_catalog_write(pool).await?;
    // A new variant's initial stock is its first movement.
    let why = "new variant from the product sync";
    crate::inventory::attribute(&mut tx, crate::inventory::Source::Sync, why, None).await?;
    let mut summary = ImportSummary::default();
    let mut refused = Vec::new();
    for product in products {
        let mut savepoint = sqlx::Connection::begin(&mut *tx).await?;
        match import_product(&mut savepoint, product, supplier).await {
            Ok(outcome) => {
                savepoint.commit().await?;
                summary.add(outcome);
            }
            // Only the database's own refusals are per product; a lost connection, or a lock or statement
            // timeout (retrying later may succeed), fails the batch so the job is retried.
            Err(err) if err.is_busy() => return Err(err),
            Err(StoreError::Database(sqlx::Error::Database(e))) => {
                savepoint.rollback().await?;
                refused.push((product.external_id, format!("the database refused it: {e}")));
            }
            Err(e) => return Err(e),
        }
    }
    super::counts::recount(&mut tx).await?;
    tx.commit().await?;
    Ok((summary, refused))
}

/// Upserts one product with its category and variants, and archives the variants it no longer lists.
/// The caller recounts the categories (`counts::recount`) before committing, as the batch functions do.
pub async fn import_product(
    tx: &mut Tx<'_>,
    product: &ImportProduct,
    supplier: &SupplierData,
) -> Result<Outcome, StoreError> {
    let category_id = upsert_category(tx, &product.category_slug, &product.category_name).await?;
    let (product_id, product_written) = upsert_product(tx, product, category_id).await?;
    let mut variant_written = false;
    for variant in &product.variants {
        let supplier_sku = supplier.skus.get(&variant.external_id).map(String::as_str);
        variant_written |= upsert_variant(tx, product_id, variant, supplier_sku)
            .await?
            .is_some();
    }
    let mut listed: Vec<i64> = product.variants.iter().map(|v| v.external_id).collect();
    listed.extend_from_slice(&supplier.kept_variants);
    variant_written |= archive_dropped_variants(tx, product_id, &listed).await?;
    Ok(match product_written {
        Some(true) => Outcome::Created,
        Some(false) => Outcome::Updated,
        None if variant_written => Outcome::Updated,
        None => Outcome::Unchanged,
    })
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

/// Upserts one variant; `Some(_)` when a row was written. Stock and `sku` are only set when the variant
/// is new; a wanted `sku` that another variant (even an archived one) holds gives way to [`fallback_sku`].
async fn upsert_variant(
    tx: &mut Tx<'_>,
    product_id: i64,
    v: &ImportVariant,
    supplier_sku: Option<&str>,
) -> Result<Option<bool>, StoreError> {
    let written = sqlx::query_scalar!(
        r#"INSERT INTO variants (product_id, external_id, sku, supplier_sku, title, options, position,
                                 price_minor, currency, available)
           VALUES ($1, $2,
                   CASE WHEN EXISTS (SELECT 1 FROM variants WHERE sku = $3) THEN $4 ELSE $3 END,
                   $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT (external_id) DO UPDATE SET
               product_id = EXCLUDED.product_id, supplier_sku = EXCLUDED.supplier_sku, title = EXCLUDED.title,
               options = EXCLUDED.options, position = EXCLUDED.position,
               price_minor = EXCLUDED.price_minor, currency = EXCLUDED.currency, archived_at = NULL,
               updated_at = now()
           WHERE (variants.product_id, variants.supplier_sku, variants.title, variants.options,
                  variants.position, variants.price_minor, variants.currency)
                 IS DISTINCT FROM
                 (EXCLUDED.product_id, EXCLUDED.supplier_sku, EXCLUDED.title, EXCLUDED.options,
                  EXCLUDED.position, EXCLUDED.price_minor, EXCLUDED.currency)
              OR variants.archived_at IS NOT NULL
           RETURNING (xmax = 0) AS "created!""#,
        product_id,
        v.external_id,
        v.sku,
        fallback_sku(v.external_id),
        supplier_sku,
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

/// Archives the supplier variants of `product_id` whose ids `listed` does not contain; true if any were.
async fn archive_dropped_variants(
    tx: &mut Tx<'_>,
    product_id: i64,
    ids: &[i64],
) -> Result<bool, StoreError> {
    let archived = sqlx::query!(
        "UPDATE variants SET archived_at = now(), updated_at = now()
         WHERE product_id = $1 AND archived_at IS NULL AND external_id IS NOT NULL
           AND external_id <> ALL($2)",
        product_id,
        ids,
    )
    .execute(&mut **tx)
    .await?;
    Ok(archived.rows_affected() > 0)
}

/// Refreshes the planner's statistics of the catalog tables after an import. Autovacuum would get there,
/// but only after a threshold of changes: until then a first import is planned as if the tables were
/// empty (a 50-product listing took 27 ms instead of 1.3 ms).
pub async fn refresh_statistics(pool: &PgPool) -> Result<(), StoreError> {
    sqlx::query("ANALYZE categories, products, variants")
        .execute(pool)
        .await?;
    Ok(())
}
