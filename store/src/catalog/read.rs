//! Catalog reads. One loader builds full products for every reader (API, snapshot) so they cannot disagree.
//! Readers see only live products: not archived, with at least one live variant.

use super::money;
use crate::StoreError;
use meridian_domain::{Category, Image, ProductDetail, ProductOption, Variant};
use sqlx::types::Json;
use sqlx::PgPool;
use std::collections::HashMap;

/// Which products to load; `None` means "any".
#[derive(Debug, Clone, Copy, Default)]
pub struct ProductFilter<'a> {
    pub category: Option<&'a str>,
    pub slug: Option<&'a str>,
}

/// Categories that have live products, with how many.
pub async fn categories(pool: &PgPool) -> Result<Vec<Category>, StoreError> {
    // The counts are kept by the catalog writes (`counts`): no scan of the products here.
    let rows = sqlx::query!(
        r#"SELECT slug, name, live_products AS count FROM categories
           WHERE live_products > 0 ORDER BY name, id"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Category {
            slug: r.slug,
            name: r.name,
            product_count: u32::try_from(r.count).unwrap_or(0),
        })
        .collect())
}

/// Products matching `filter`, ordered by category then title, with the total number that match.
pub async fn load_products(
    pool: &PgPool,
    filter: ProductFilter<'_>,
    limit: u64,
    offset: u64,
) -> Result<(Vec<ProductDetail>, u64), StoreError> {
    let (limit, offset) = super::page_bounds(limit, offset);
    // `!`: columns read through the `live_products` view lose their NOT NULL in sqlx's eyes. Category
    // counts are kept by the catalog writes (`counts`).
    let rows = sqlx::query!(
        r#"SELECT p.id AS "id!", p.slug AS "slug!", p.title AS "title!",
                  p.description AS "description!", p.vendor AS "vendor!", p.tags AS "tags!",
                  p.options AS "options!: Json<Vec<ProductOption>>",
                  p.images AS "images!: Json<Vec<Image>>",
                  c.slug AS category_slug, c.name AS category_name,
                  c.live_products AS category_count, count(*) OVER () AS "total!"
           FROM live_products p JOIN categories c ON c.id = p.category_id
           WHERE ($1::text IS NULL OR c.slug = $1) AND ($2::text IS NULL OR p.slug = $2)
           ORDER BY c.name, p.title
           LIMIT $3 OFFSET $4"#,
        filter.category,
        filter.slug,
        limit,
        offset,
    )
    .fetch_all(pool)
    .await?;
    let total = rows
        .first()
        .map_or(0, |r| u64::try_from(r.total).unwrap_or(0));
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut variants = variants_of(pool, &ids).await?;
    let images: Vec<&[Image]> = rows.iter().map(|r| r.images.0.as_slice()).collect();
    let imported = crate::images::imported_digests(pool, &images).await?;
    let products = rows
        .into_iter()
        .map(|r| ProductDetail {
            variants: variants.remove(&r.id).unwrap_or_default(),
            slug: r.slug,
            title: r.title,
            description: r.description,
            vendor: r.vendor,
            category: Category {
                slug: r.category_slug,
                name: r.category_name,
                product_count: u32::try_from(r.category_count).unwrap_or(0),
            },
            tags: r.tags,
            options: r.options.0,
            images: crate::images::localise(r.images.0, &imported),
        })
        .collect();
    Ok((products, total))
}

async fn variants_of(
    pool: &PgPool,
    product_ids: &[i64],
) -> Result<HashMap<i64, Vec<Variant>>, StoreError> {
    let rows = sqlx::query!(
        r#"SELECT product_id, sku, title, options, price_minor, currency, available
           FROM variants WHERE product_id = ANY($1) AND archived_at IS NULL
           ORDER BY product_id, position, id"#,
        product_ids,
    )
    .fetch_all(pool)
    .await?;
    let mut by_product: HashMap<i64, Vec<Variant>> = HashMap::new();
    for r in rows {
        let price = money(r.price_minor, &r.currency)?;
        by_product.entry(r.product_id).or_default().push(Variant {
            sku: r.sku,
            title: r.title,
            options: r.options,
            price,
            available: r.available,
        });
    }
    Ok(by_product)
}
