//! The catalog read API: listings by category with pages, products by slug, explained refusals.

use crate::common::{self, call, seeded};
use axum::http::StatusCode;
use meridian_domain::{ProductCard, ProductDetail};
use meridian_origin::router;
use meridian_store::catalog::import::upsert_products;
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

/// The listing reads cards in one query of its own (`store::catalog::cards`); the snapshot's cards come
/// from full products (`ProductDetail::card`). Every card of every page must be the card of the product
/// page: cheapest live variant (first in variant order on a tie), in stock if any live variant is, first
/// image or none.
#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn listed_cards_are_the_product_pages_cards(pool: PgPool) {
    let mut products = vec![
        // A tie on the cheapest price: the first in variant order wins.
        common::product(1, "tie", "tees", &[("TIE-A", 1500, 0), ("TIE-B", 1500, 4)]),
        // The cheapest variant is archived below: the next cheapest shows.
        common::product(
            2,
            "cheap-gone",
            "tees",
            &[("GONE", 100, 9), ("KEPT", 900, 0)],
        ),
        common::product(3, "no-image", "bags", &[("NOIMG", 4200, 1)]),
        common::product(4, "unicode", "bags", &[("UNI-1", 7, 2), ("UNI-2", 3, 0)]),
    ];
    products[2].images.clear();
    products[3].title = "Ünïcode ß — 🎉 \u{200b}".into();
    for i in 5..40 {
        let sku = format!("BULK-{i}");
        products.push(common::product(
            i,
            &format!("bulk-{i:02}"),
            "misc",
            &[(&sku, 1000 + i, i as i32 % 3)],
        ));
    }
    upsert_products(&pool, &products).await.unwrap();
    sqlx::query("UPDATE variants SET archived_at = now() WHERE sku = 'GONE'")
        .execute(&pool)
        .await
        .unwrap();
    let app = router(common::state(pool));
    let mut listed = Vec::new();
    for page in 1..=3 {
        let uri = format!("/api/catalog/products?per_page=15&page={page}");
        let (status, body) = call(&app, "GET", &uri, None).await;
        assert_eq!(
            (status, body["total"].as_u64()),
            (StatusCode::OK, Some(39)),
            "{uri}"
        );
        let items: Vec<ProductCard> = serde_json::from_value(body["items"].clone()).unwrap();
        listed.extend(items);
    }
    assert_eq!(listed.len(), 39, "three pages hold every product once");
    // Pages start inside categories (bags 2, misc 35, tees 2 at 15 a page): nothing skipped or repeated,
    // in category-name then title order.
    let mut expected: Vec<(String, String)> = products
        .iter()
        .map(|p| (p.category_name.clone(), p.title.clone()))
        .collect();
    expected.sort();
    let titles: Vec<&str> = listed.iter().map(|c| c.title.as_str()).collect();
    let expected: Vec<&str> = expected.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(titles, expected);
    for card in &listed {
        let (_, body) = call(
            &app,
            "GET",
            &format!("/api/catalog/products/{}", card.slug),
            None,
        )
        .await;
        let detail: ProductDetail = serde_json::from_value(body).unwrap();
        assert_eq!(Some(card), detail.card().as_ref(), "card of {}", card.slug);
    }
    let tie = listed.iter().find(|c| c.slug == "tie").unwrap();
    assert_eq!((tie.price_from.minor, tie.in_stock), (1500, true));
    let gone = listed.iter().find(|c| c.slug == "cheap-gone").unwrap();
    assert_eq!((gone.price_from.minor, gone.in_stock), (900, false));
    assert_eq!(
        listed.iter().find(|c| c.slug == "no-image").unwrap().image,
        None
    );
}
