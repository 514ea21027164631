//! The catalog read API: listings by category with pages, products by slug, explained refusals.

use crate::common::{call, seeded};
use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn lists_products_by_category_with_pages(pool: PgPool) {
    let app = seeded(pool).await;
    let (status, page) = call(
        &app,
        "GET",
        "/api/catalog/products?category=tees&per_page=1&page=2",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 2);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["slug"], "pocket-tee");
    assert_eq!(page["items"][0]["in_stock"], false);

    let (_, all) = call(&app, "GET", "/api/catalog/products", None).await;
    assert_eq!(all["total"], 3);
    assert_eq!(
        all["items"][0]["category_slug"], "bags",
        "categories are listed by name"
    );
    let (_, cats) = call(&app, "GET", "/api/catalog/categories", None).await;
    assert_eq!(
        cats,
        json!([{"slug":"bags","name":"BAGS","product_count":1},{"slug":"tees","name":"TEES","product_count":2}])
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn bad_listing_queries_are_explained(pool: PgPool) {
    let app = seeded(pool).await;
    let (status, body) = call(&app, "GET", "/api/catalog/products?category=shoes", None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    assert!(body["message"].as_str().unwrap().contains("shoes"));
    for uri in [
        "/api/catalog/products?per_page=0",
        "/api/catalog/products?page=0",
        "/api/catalog/products?page=x",
    ] {
        let (status, body) = call(&app, "GET", uri, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(!body["message"].as_str().unwrap().is_empty());
    }
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn product_by_slug_or_404(pool: PgPool) {
    let app = seeded(pool).await;
    let (status, p) = call(&app, "GET", "/api/catalog/products/crew-tee", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["variants"][1]["sku"], "TEE-M");
    assert_eq!(
        p["variants"][1]["price"],
        json!({"minor": 2600, "currency": "USD"})
    );
    assert_eq!(p["category"]["product_count"], 2);
    let (status, body) = call(&app, "GET", "/api/catalog/products/nope", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["message"], "There is no product 'nope'.");
}
