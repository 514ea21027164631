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
    let rows = sqlx::query!(
        r#"SELECT c.slug, c.name, count(*) AS "count!"
           FROM categories c JOIN live_products p ON p.category_id = c.id
           GROUP BY c.id ORDER BY c.name"#
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
    // Beyond i64 there is nothing to skip to or return: saturate instead of failing.
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    // The page first (index-backed: live products by category and title), then each of its categories'
    // live count once — not a count per row, which rescanned the category for every product listed.
    // `!`: columns read through the `live_products` view lose their NOT NULL in sqlx's eyes.
    let rows = sqlx::query!(
        r#"WITH page AS (
               SELECT p.id, p.slug, p.title, p.description, p.vendor, p.tags, p.options, p.images,
                      p.category_id, c.slug AS category_slug, c.name AS category_name,
                      count(*) OVER () AS total
               FROM live_products p JOIN categories c ON c.id = p.category_id
               WHERE ($1::text IS NULL OR c.slug = $1) AND ($2::text IS NULL OR p.slug = $2)
               ORDER BY c.name, p.title
               LIMIT $3 OFFSET $4),
           counts AS (
               SELECT x.category_id, count(*) AS n FROM live_products x
               WHERE x.category_id IN (SELECT DISTINCT category_id FROM page)
               GROUP BY x.category_id)
           SELECT page.id AS "id!", page.slug AS "slug!", page.title AS "title!",
                  page.description AS "description!", page.vendor AS "vendor!", page.tags AS "tags!",
                  page.options AS "options!: Json<Vec<ProductOption>>",
                  page.images AS "images!: Json<Vec<Image>>",
                  page.category_slug AS "category_slug!", page.category_name AS "category_name!",
                  counts.n AS "category_count!", page.total AS "total!"
           FROM page JOIN counts ON counts.category_id = page.category_id
           ORDER BY page.category_name, page.title"#,
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
            images: r.images.0,
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
