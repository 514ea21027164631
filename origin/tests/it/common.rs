//! Shared by the origin integration tests: a small seeded catalog and a way to call the router
//! in-process, as the edge does (with its credential).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use meridian_domain::api::ORIGIN_AUTH_HEADER;
use meridian_domain::{Currency, Image, Money, ProductOption};
use meridian_origin::{router, AppState};
use meridian_store::catalog::import::{upsert_products, ImportProduct, ImportVariant};
use meridian_store::Db;
use serde_json::Value;
use sqlx::PgPool;
use tower::ServiceExt;

/// The shared secret the tests' "edge" presents.
pub(crate) const EDGE_SECRET: &str = "test-edge-secret-0123456789abcdef0123";

pub(crate) fn product(
    id: i64,
    slug: &str,
    category: &str,
    variants: &[(&str, i64, i32)],
) -> ImportProduct {
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
                price: Money::new(*price, Currency::USD),
                initial_stock: *stock,
            })
            .collect(),
    }
}

pub(crate) async fn seeded(pool: PgPool) -> axum::Router {
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
    router(state(pool))
}

pub(crate) fn state(pool: PgPool) -> AppState {
    AppState::new(Db::new(pool, None), EDGE_SECRET)
}

pub(crate) async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    call_with(app, method, uri, body, None).await
}

pub(crate) async fn call_with(
    app: &axum::Router,
    method: &str,
    uri: &str,
    body: Option<Value>,
    key: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(ORIGIN_AUTH_HEADER, EDGE_SECRET)
        .header("content-type", "application/json");
    if let Some(key) = key {
        req = req.header("idempotency-key", key);
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    send(app, req.body(body).unwrap()).await
}

/// Sends a request as built by the caller (no credential added) and reads the JSON (or text) answer.
pub(crate) async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, Value) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, value)
}

pub(crate) async fn new_cart(app: &axum::Router) -> String {
    let (status, cart) = call(app, "POST", "/api/carts", None).await;
    assert_eq!(status, StatusCode::CREATED);
    cart["id"].as_str().unwrap().to_owned()
}

/// How many carts exist: what a refused or replayed write must not change.
pub(crate) async fn count_carts(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM carts")
        .fetch_one(pool)
        .await
        .unwrap()
}
