//! Origin API against a real PostgreSQL: every test gets a fresh, migrated database from `#[sqlx::test]`
//! (needs `DATABASE_URL`; `cargo xtask test` sets it).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use meridian_domain::{Currency, Image, Money, ProductOption};
use meridian_origin::catalog::import::{upsert_products, ImportProduct, ImportVariant};
use meridian_origin::db::Db;
use meridian_origin::{router, AppState};
use serde_json::{json, Value};
use sqlx::PgPool;
use tower::ServiceExt;

fn product(id: i64, slug: &str, category: &str, variants: &[(&str, i64, i32)]) -> ImportProduct {
    ImportProduct {
        external_id: id,
        slug: slug.into(),
        title: slug.replace('-', " "),
        description: "A fine thing.".into(),
        vendor: "Acme".into(),
        category_slug: category.into(),
        category_name: category.to_uppercase(),
        tags: vec!["new".into()],
        options: vec![ProductOption {
            name: "Size".into(),
            values: vec!["S".into(), "M".into()],
        }],
        images: vec![Image {
            src: format!("/media/{slug}.svg"),
            alt: slug.into(),
        }],
        variants: variants
            .iter()
            .enumerate()
            .map(|(i, (sku, price, stock))| ImportVariant {
                external_id: id * 100 + i as i64,
                sku: (*sku).into(),
                title: format!("Size {i}"),
                options: vec![format!("{i}")],
                position: i as i32,
                price: Money::new(*price, Currency::Usd),
                initial_stock: *stock,
            })
            .collect(),
    }
}

async fn seeded(pool: PgPool) -> axum::Router {
    let products = [
        product(
            1,
            "crew-tee",
            "tees",
            &[("TEE-S", 2400, 10), ("TEE-M", 2600, 3)],
        ),
        product(2, "pocket-tee", "tees", &[("PKT-S", 1999, 0)]),
        product(3, "canvas-tote", "bags", &[("TOTE", 3900, 5)]),
    ];
    upsert_products(&pool, &products).await.unwrap();
    router(AppState {
        db: Db::new(pool, None),
    })
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    call_with(app, method, uri, body, None).await
}

async fn call_with(
    app: &axum::Router,
    method: &str,
    uri: &str,
    body: Option<Value>,
    key: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json");
    if let Some(key) = key {
        req = req.header("idempotency-key", key);
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    let res = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, value)
}

async fn new_cart(app: &axum::Router) -> String {
    let (status, cart) = call(app, "POST", "/api/carts", None).await;
    assert_eq!(status, StatusCode::CREATED);
    cart["id"].as_str().unwrap().to_owned()
}

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
