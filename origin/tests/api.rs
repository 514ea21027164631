//! Origin API against a real PostgreSQL: every test gets a fresh, migrated database from `#[sqlx::test]`
//! (needs `DATABASE_URL`; `cargo xtask test` sets it).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{call, call_with, new_cart, seeded};
use serde_json::json;
use sqlx::PgPool;
use tower::ServiceExt;

#[sqlx::test(migrator = "meridian_origin::db::MIGRATOR")]
async fn health_and_readiness_answer(pool: PgPool) {
    let app = seeded(pool).await;
    assert_eq!(call(&app, "GET", "/healthz", None).await.0, StatusCode::OK);
    assert_eq!(
        call(&app, "GET", "/readyz", None).await,
        (StatusCode::OK, json!("ready"))
    );
}

#[sqlx::test(migrator = "meridian_origin::db::MIGRATOR")]
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

#[sqlx::test(migrator = "meridian_origin::db::MIGRATOR")]
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

#[sqlx::test(migrator = "meridian_origin::db::MIGRATOR")]
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

#[sqlx::test(migrator = "meridian_origin::db::MIGRATOR")]
async fn cart_totals_are_computed_by_the_server(pool: PgPool) {
    let app = seeded(pool).await;
    let id = new_cart(&app).await;
    let lines = format!("/api/carts/{id}/lines");
    assert_eq!(
        call(
            &app,
            "POST",
            &lines,
            Some(json!({"sku":"TEE-S","quantity":2}))
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        call(
            &app,
            "POST",
            &lines,
            Some(json!({"sku":"TOTE","quantity":1}))
        )
        .await
        .0,
        StatusCode::OK
    );
    let (status, cart) = call(
        &app,
        "POST",
        &lines,
        Some(json!({"sku":"TEE-S","quantity":1})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        cart["lines"].as_array().unwrap().len(),
        2,
        "same SKU merges into one line"
    );
    assert_eq!(cart["lines"][0]["quantity"], 3);
    assert_eq!(cart["lines"][0]["line_total"]["minor"], 7200);
    assert_eq!(cart["subtotal"], json!({"minor": 11100, "currency": "USD"}));
    assert_eq!(cart["item_count"], 4);
    let (_, read) = call(&app, "GET", &format!("/api/carts/{id}"), None).await;
    assert_eq!(read, cart);
}

#[sqlx::test(migrator = "meridian_origin::db::MIGRATOR")]
async fn rejected_lines_change_nothing(pool: PgPool) {
    let app = seeded(pool.clone()).await;
    let id = new_cart(&app).await;
    let lines = format!("/api/carts/{id}/lines");
    call(
        &app,
        "POST",
        &lines,
        Some(json!({"sku":"TEE-M","quantity":2})),
    )
    .await;
    let cases = [
        (
            json!({"sku":"TEE-M","quantity":0}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Quantity must be between 1 and 99.",
        ),
        (
            json!({"sku":"NOPE","quantity":1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "There is no product with SKU 'NOPE'.",
        ),
        (
            json!({"sku":"TEE-M","quantity":2}),
            StatusCode::CONFLICT,
            "Only 3 left in stock; your cart would hold 4.",
        ),
        (
            json!({"sku":"PKT-S","quantity":1}),
            StatusCode::CONFLICT,
            "Sorry, this item is out of stock.",
        ),
        (
            json!({"sku":"TEE-M","quantity":-1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        ),
        (json!({"sku":"TEE-M"}), StatusCode::UNPROCESSABLE_ENTITY, ""),
    ];
    for (body, want, message) in cases {
        let (status, err) = call(&app, "POST", &lines, Some(body.clone())).await;
        assert_eq!(status, want, "{body}");
        assert!(
            err["message"].as_str().unwrap().contains(message),
            "{body}: {err}"
        );
    }
    let req = Request::post(&lines)
        .header("content-type", "application/json")
        .body(Body::from("{oops"))
        .unwrap();
    assert_eq!(
        app.clone().oneshot(req).await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    let missing = format!("/api/carts/{}/lines", uuid::Uuid::new_v4());
    assert_eq!(
        call(
            &app,
            "POST",
            &missing,
            Some(json!({"sku":"TEE-M","quantity":1}))
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, "GET", "/api/carts/not-a-uuid", None).await.0,
        StatusCode::BAD_REQUEST
    );

    let (_, cart) = call(&app, "GET", &format!("/api/carts/{id}"), None).await;
    assert_eq!(cart["item_count"], 2, "only the first, valid add landed");
    let stock: i32 = sqlx::query_scalar("SELECT available FROM variants WHERE sku = 'TEE-M'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stock, 3, "adding to a cart does not touch stock");
}

#[sqlx::test(migrator = "meridian_origin::db::MIGRATOR")]
async fn a_retried_add_is_applied_once(pool: PgPool) {
    let app = seeded(pool).await;
    let id = new_cart(&app).await;
    let lines = format!("/api/carts/{id}/lines");
    let body = json!({"sku":"TEE-S","quantity":2});
    for _ in 0..3 {
        let (status, cart) =
            call_with(&app, "POST", &lines, Some(body.clone()), Some("click-1")).await;
        assert_eq!(
            (status, cart["item_count"].clone()),
            (StatusCode::OK, json!(2))
        );
    }
    let other = new_cart(&app).await;
    let (status, _) = call_with(
        &app,
        "POST",
        &format!("/api/carts/{other}/lines"),
        Some(body),
        Some("click-1"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a key cannot be reused for another cart"
    );
    let different = json!({"sku":"TEE-M","quantity":1});
    let (status, error) = call_with(&app, "POST", &lines, Some(different), Some("click-1")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("another request"));
    let (_, cart) = call(&app, "GET", &format!("/api/carts/{id}"), None).await;
    assert_eq!(cart["item_count"], 2, "the refused request added nothing");
}

#[sqlx::test(migrator = "meridian_origin::db::MIGRATOR")]
async fn concurrent_adds_never_exceed_stock(pool: PgPool) {
    let app = seeded(pool).await;
    let id = new_cart(&app).await;
    let lines = format!("/api/carts/{id}/lines");
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let (app, lines) = (app.clone(), lines.clone());
            tokio::spawn(async move {
                call(
                    &app,
                    "POST",
                    &lines,
                    Some(json!({"sku":"TOTE","quantity":1})),
                )
                .await
                .0
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::OK => ok += 1,
            status => assert_eq!(status, StatusCode::CONFLICT),
        }
    }
    assert_eq!(ok, 5, "exactly the 5 in stock were accepted");
    let (_, cart) = call(&app, "GET", &format!("/api/carts/{id}"), None).await;
    assert_eq!(cart["item_count"], 5);
}

#[sqlx::test(migrator = "meridian_origin::db::MIGRATOR")]
async fn idempotency_keys_are_forgotten_after_a_day(pool: PgPool) {
    use meridian_origin::idempotency::{forget_expired, KEY_LIFETIME};
    let app = seeded(pool.clone()).await;
    let id = new_cart(&app).await;
    let lines = format!("/api/carts/{id}/lines");
    for key in ["old-click", "new-click"] {
        let body = json!({"sku":"TEE-S","quantity":1});
        assert_eq!(
            call_with(&app, "POST", &lines, Some(body), Some(key))
                .await
                .0,
            StatusCode::OK
        );
    }
    sqlx::query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old-click'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(forget_expired(&pool, KEY_LIFETIME).await.unwrap(), 1);
    let left: Vec<String> = sqlx::query_scalar("SELECT key FROM idempotency_keys")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        left,
        vec!["new-click".to_owned()],
        "a fresh key still guards its retries"
    );
}
