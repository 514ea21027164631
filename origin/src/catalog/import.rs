//! Writing supplier products into the catalog. Idempotent: importing the same products twice changes no row
//! (not even `updated_at`), so a retried or repeated sync is harmless.

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

/// How many products an import created, changed, or found already up to date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
}

/// Upserts `products` in one transaction: all of a batch lands or none of it.
pub async fn upsert_products(
    pool: &PgPool,
    products: &[ImportProduct],
) -> anyhow::Result<ImportSummary> {
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

type Tx<'a> = sqlx::Transaction<'a, sqlx::Postgres>;

async fn upsert_category(tx: &mut Tx<'_>, slug: &str, name: &str) -> anyhow::Result<i64> {
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
) -> anyhow::Result<(i64, Option<bool>)> {
    let written = sqlx::query!(
        r#"INSERT INTO products (external_id, slug, title, description, vendor, category_id, tags, options, images)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (external_id) DO UPDATE SET
               slug = EXCLUDED.slug, title = EXCLUDED.title, description = EXCLUDED.description,
               vendor = EXCLUDED.vendor, category_id = EXCLUDED.category_id, tags = EXCLUDED.tags,
               options = EXCLUDED.options, images = EXCLUDED.images, updated_at = now()
           WHERE (products.slug, products.title, products.description, products.vendor, products.category_id,
                  products.tags, products.options, products.images)
                 IS DISTINCT FROM
                 (EXCLUDED.slug, EXCLUDED.title, EXCLUDED.description, EXCLUDED.vendor, EXCLUDED.category_id,
                  EXCLUDED.tags, EXCLUDED.options, EXCLUDED.images)
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
) -> anyhow::Result<Option<bool>> {
    let written = sqlx::query_scalar!(
        r#"INSERT INTO variants (product_id, external_id, sku, title, options, position, price_minor, currency, available)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (external_id) DO UPDATE SET
               product_id = EXCLUDED.product_id, sku = EXCLUDED.sku, title = EXCLUDED.title,
               options = EXCLUDED.options, position = EXCLUDED.position,
               price_minor = EXCLUDED.price_minor, currency = EXCLUDED.currency, updated_at = now()
           WHERE (variants.product_id, variants.sku, variants.title, variants.options, variants.position,
                  variants.price_minor, variants.currency)
                 IS DISTINCT FROM
                 (EXCLUDED.product_id, EXCLUDED.sku, EXCLUDED.title, EXCLUDED.options, EXCLUDED.position,
                  EXCLUDED.price_minor, EXCLUDED.currency)
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

/// What one sync run did, as recorded in `sync_runs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRun {
    pub source: String,
    pub summary: ImportSummary,
    pub skipped: u32,
    pub published_version: Option<String>,
}

/// Records a finished sync run; returns its id.
pub async fn record_sync_run(pool: &PgPool, run: &SyncRun) -> anyhow::Result<i64> {
    let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let id = sqlx::query_scalar!(
        "INSERT INTO sync_runs (source, created, updated, unchanged, skipped, published_version)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        run.source,
        count(run.summary.created),
        count(run.summary.updated),
        count(run.summary.unchanged),
        count(run.skipped),
        run.published_version,
    )
    .fetch_one(pool)
    .await?;
    Ok(id)
}

/// Id of the latest recorded sync run, if any.
pub async fn last_sync_run(pool: &PgPool) -> anyhow::Result<Option<i64>> {
    Ok(sqlx::query_scalar!("SELECT max(id) FROM sync_runs")
        .fetch_one(pool)
        .await?)
}
