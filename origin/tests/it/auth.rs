//! Only the edge may call: without its credential every API route is a 401, and nothing is written.

use crate::common::{count_carts, seeded, send, EDGE_SECRET};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use meridian_domain::api::ORIGIN_AUTH_HEADER;
use serde_json::json;
use sqlx::PgPool;

fn post_cart(credential: Option<&str>) -> Request<Body> {
    let mut req = Request::post("/api/carts").header("content-type", "application/json");
    if let Some(value) = credential {
        req = req.header(ORIGIN_AUTH_HEADER, value);
    }
    let body = json!({"sku": "TOTE", "quantity": 1}).to_string();
    req.body(Body::from(body)).unwrap()
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn calls_without_the_edge_credential_are_refused(pool: PgPool) {
    let app = seeded(pool.clone()).await;
    let wrong = format!("{EDGE_SECRET}x");
    for credential in [
        None,
        Some(""),
        Some(wrong.as_str()),
        Some(&EDGE_SECRET[1..]),
    ] {
        let (status, body) = send(&app, post_cart(credential)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{credential:?}");
        assert_eq!(body["error"], "unauthorized");
    }
    let read = Request::get("/api/catalog/products")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, read).await.0, StatusCode::UNAUTHORIZED);
    let unknown = Request::get("/api/nothing-here")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(&app, unknown).await.0,
        StatusCode::UNAUTHORIZED,
        "no route probing either"
    );
    let carts = count_carts(&pool).await;
    assert_eq!(carts, 0, "a refused call wrote nothing");
    let (status, _) = send(&app, post_cart(Some(EDGE_SECRET))).await;
    assert_eq!(status, StatusCode::CREATED, "the edge itself gets in");
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn health_probes_need_no_credential(pool: PgPool) {
    let app = seeded(pool).await;
    for path in ["/healthz", "/readyz"] {
        let req = Request::get(path).body(Body::empty()).unwrap();
        assert_eq!(send(&app, req).await.0, StatusCode::OK, "{path}");
    }
}
