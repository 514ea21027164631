//! The product grid's read: one page of [`ProductCard`]s in one query.
//!
//! A card needs a product's title, first image, cheapest variant and whether anything is in stock, not
//! its description, options or every variant. Building cards from full products (`read::load_products`)
//! cost three round trips and ~10× the rows; this reads only what a card shows. It must agree with
//! [`ProductDetail::card`](meridian_domain::ProductDetail::card) (the snapshot's cards are made that
//! way): the cheapest variant in variant order, in stock if any variant is. A test holds the two together.

use super::money;
use crate::StoreError;
use meridian_domain::{Image, ProductCard};
use sqlx::types::Json;
use sqlx::PgPool;

/// Cards of live products (in `category` if given) ordered by category then title, with the total
/// number of products that match.
pub async fn load_cards(
    pool: &PgPool,
    category: Option<&str>,
    limit: u64,
    offset: u64,
) -> Result<(Vec<ProductCard>, u64), StoreError> {
    let (limit, offset) = super::page_bounds(limit, offset);
    // Index-backed at any catalog size. The kept per-category counts (`counts`) give the total and tell
    // which categories the page spans and where in each it starts; from each of those, the page's rows
    // are read in title order from products_live_category_idx (never more than a page from each); then
    // the variants of just those products are aggregated per product. `!`: columns read through the
    // `live_products` view lose their NOT NULL in sqlx's eyes.
    let rows = sqlx::query!(
        r#"WITH cats AS (
               SELECT id, slug, name, live_products,
                      sum(live_products) OVER (ORDER BY name, id) - live_products AS before,
                      sum(live_products) OVER () AS total
               FROM categories
               WHERE live_products > 0 AND ($1::text IS NULL OR slug = $1)),
           page AS (
               SELECT p.id, p.slug, p.title, p.images, c.slug AS category_slug,
                      c.name AS category_name, c.id AS category_id, c.total
               FROM cats c CROSS JOIN LATERAL (
                   SELECT lp.id, lp.slug, lp.title, lp.images FROM live_products lp
                   WHERE lp.category_id = c.id ORDER BY lp.title, lp.id
                   LIMIT $2 OFFSET greatest($3 - c.before, 0)) p
               WHERE c.before < $3 + $2 AND c.before + c.live_products > $3
               ORDER BY c.name, c.id, p.title, p.id
               LIMIT $2),
           cheapest AS (
               SELECT v.product_id, min(v.price_minor) AS price_minor,
                      (array_agg(v.currency ORDER BY v.price_minor, v.position, v.id))[1] AS currency,
                      bool_or(v.available > 0) AS in_stock
               FROM variants v
               WHERE v.product_id IN (SELECT id FROM page) AND v.archived_at IS NULL
               GROUP BY v.product_id)
           SELECT page.slug AS "slug!", page.title AS "title!", page.category_slug AS "category_slug!",
                  page.images AS "images!: Json<Vec<Image>>", page.total AS "total!",
                  cheapest.price_minor AS "price_minor!", cheapest.currency AS "currency!",
                  cheapest.in_stock AS "in_stock!"
           FROM page JOIN cheapest ON cheapest.product_id = page.id
           ORDER BY page.category_name, page.category_id, page.title, page.id"#,
        category,
        limit,
        offset,
    )
    .fetch_all(pool)
    .await?;
    let total = rows
        .first()
        .map_or(0, |r| u64::try_from(r.total).unwrap_or(0));
    // A card shows the first image a page may show (an absolute one only once imported: `images`).
    let images: Vec<&[Image]> = rows.iter().map(|r| r.images.0.as_slice()).collect();
    let imported = crate::images::imported_digests(pool, &images).await?;
    let cards = rows
        .into_iter()
        .map(|r| {
            Ok(ProductCard {
                price_from: money(r.price_minor, &r.currency)?,
                slug: r.slug,
                title: r.title,
                category_slug: r.category_slug,
                image: crate::images::localise(r.images.0, &imported)
                    .into_iter()
                    .next(),
                in_stock: r.in_stock,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((cards, total))
}
