//! What the shop stops selling: archived products and variants leave the catalog API, cannot be added to
//! a cart, and show in the carts that already hold them as unavailable, outside every total.

use crate::common::{call, new_cart, product, seeded};
use axum::http::StatusCode;
use meridian_store::catalog::import::{archive_unlisted_products, upsert_products};
use serde_json::json;
use sqlx::PgPool;

async fn add(app: &axum::Router, cart: &str, sku: &str) -> (StatusCode, serde_json::Value) {
    let lines = format!("/api/carts/{cart}/lines");
    call(
        app,
        "POST",
        &lines,
        Some(json!({"sku": sku, "quantity": 1})),
    )
    .await
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn an_archived_product_leaves_the_catalog_but_not_the_cart(pool: PgPool) {
    let app = seeded(pool.clone()).await;
    let cart = new_cart(&app).await;
    for sku in ["TOTE", "TEE-S"] {
        assert_eq!(add(&app, &cart, sku).await.0, StatusCode::OK);
    }

    // The supplier's feed now lists products 1 and 2 only.
    assert_eq!(archive_unlisted_products(&pool, &[1, 2]).await.unwrap(), 1);
    assert_eq!(
        archive_unlisted_products(&pool, &[1, 2]).await.unwrap(),
        0,
        "archiving again changes nothing"
    );
    let (status, _) = call(&app, "GET", "/api/catalog/products/canvas-tote", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, categories) = call(&app, "GET", "/api/catalog/categories", None).await;
    assert_eq!(
        categories,
        json!([{"slug": "tees", "name": "TEES", "product_count": 2}]),
        "a category with nothing left to sell is not listed"
    );
    let (_, page) = call(&app, "GET", "/api/catalog/products", None).await;
    assert_eq!(page["total"], 2);

    let (status, error) = add(&app, &cart, "TOTE").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error["message"],
        "The product with SKU 'TOTE' is no longer sold."
    );
    let (_, held) = call(&app, "GET", &format!("/api/carts/{cart}"), None).await;
    assert_eq!(held["lines"].as_array().unwrap().len(), 1);
    assert_eq!(held["lines"][0]["sku"], "TEE-S");
    assert_eq!(held["subtotal"], json!({"minor": 2400, "currency": "USD"}));
    assert_eq!(held["item_count"], 1);
    assert_eq!(held["unavailable"][0]["sku"], "TOTE");
    assert_eq!(held["unavailable"][0]["quantity"], 1);

    // Listed again: back in the catalog and the cart, with the stock it had (a sync never resets stock).
    let back = [product(3, "canvas-tote", "bags", &[("TOTE", 3900, 99)])];
    let summary = upsert_products(&pool, &back).await.unwrap();
    assert_eq!((summary.created, summary.updated), (0, 1));
    let (status, tote) = call(&app, "GET", "/api/catalog/products/canvas-tote", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tote["variants"][0]["available"], 5);
    let (_, held) = call(&app, "GET", &format!("/api/carts/{cart}"), None).await;
    assert_eq!(held["subtotal"], json!({"minor": 6300, "currency": "USD"}));
    assert_eq!(held["unavailable"], json!([]));
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_variant_dropped_from_the_feed_is_hidden_and_refused(pool: PgPool) {
    let app = seeded(pool.clone()).await;
    let only_small = [product(1, "crew-tee", "tees", &[("TEE-S", 2400, 10)])];
    let summary = upsert_products(&pool, &only_small).await.unwrap();
    assert_eq!(summary.updated, 1, "dropping a variant changes the product");
    let (_, tee) = call(&app, "GET", "/api/catalog/products/crew-tee", None).await;
    let skus: Vec<_> = tee["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["sku"].clone())
        .collect();
    assert_eq!(skus, vec![json!("TEE-S")]);
    let cart = new_cart(&app).await;
    assert_eq!(
        add(&app, &cart, "TEE-M").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let again = upsert_products(&pool, &only_small).await.unwrap();
    assert_eq!(again.unchanged, 1, "the same feed twice changes nothing");
}
