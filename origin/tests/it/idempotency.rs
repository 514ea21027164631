//! Idempotent writes: a retried key replays the first answer, a reused key is refused, keys expire.

use crate::common::{call, call_with, count_carts, new_cart, seeded};
use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
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

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn idempotency_keys_are_forgotten_after_a_day(pool: PgPool) {
    use meridian_store::idempotency::{forget_expired, KEY_LIFETIME};
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

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_retried_first_add_creates_one_cart_and_replays_the_first_answer(pool: PgPool) {
    let app = seeded(pool.clone()).await;
    let body = json!({"sku": "TOTE", "quantity": 1});
    let (status, first) =
        call_with(&app, "POST", "/api/carts", Some(body.clone()), Some("k-1")).await;
    assert_eq!(status, StatusCode::CREATED);
    // The cart changes after the first answer; a retry still gets the first answer, not a re-read.
    let id = first["id"].as_str().unwrap();
    let more = json!({"sku": "TEE-S", "quantity": 1});
    call(&app, "POST", &format!("/api/carts/{id}/lines"), Some(more)).await;
    for _ in 0..2 {
        let (status, again) =
            call_with(&app, "POST", "/api/carts", Some(body.clone()), Some("k-1")).await;
        assert_eq!((status, &again), (StatusCode::CREATED, &first));
    }
    let carts = count_carts(&pool).await;
    assert_eq!(carts, 1, "the retries created no second cart");
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn concurrent_requests_with_one_key_apply_once(pool: PgPool) {
    let app = seeded(pool.clone()).await;
    let id = new_cart(&app).await;
    let lines = format!("/api/carts/{id}/lines");
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (app, lines) = (app.clone(), lines.clone());
            tokio::spawn(async move {
                let body = json!({"sku": "TEE-S", "quantity": 1});
                call_with(&app, "POST", &lines, Some(body), Some("double-click")).await
            })
        })
        .collect();
    for task in tasks {
        let (status, cart) = task.await.unwrap();
        // Each either saw the first answer (200, one item) or was told the first is still running.
        match status {
            StatusCode::OK => assert_eq!(cart["item_count"], 1),
            other => {
                assert_eq!(other, StatusCode::SERVICE_UNAVAILABLE, "{cart}");
                assert_eq!(cart["error"], "in_flight");
            }
        }
    }
    let (_, cart) = call(&app, "GET", &format!("/api/carts/{id}"), None).await;
    assert_eq!(cart["item_count"], 1, "added exactly once");
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn malformed_keys_are_refused_before_anything_happens(pool: PgPool) {
    let app = seeded(pool.clone()).await;
    let body = json!({"sku": "TOTE", "quantity": 1});
    for key in ["has space", &"k".repeat(201)] {
        let (status, error) =
            call_with(&app, "POST", "/api/carts", Some(body.clone()), Some(key)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    }
    let carts = count_carts(&pool).await;
    assert_eq!(carts, 0);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_first_add_resubmitted_to_the_cart_it_created_is_the_same_write(pool: PgPool) {
    let app = seeded(pool).await;
    let body = json!({"sku": "TOTE", "quantity": 1});
    let (_, created) = call_with(
        &app,
        "POST",
        "/api/carts",
        Some(body.clone()),
        Some("form-1"),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    // The no-JS form posted again once the cookie arrived: same key, now aimed at that cart.
    let lines = format!("/api/carts/{id}/lines");
    let (status, again) = call_with(&app, "POST", &lines, Some(body.clone()), Some("form-1")).await;
    assert_eq!((status, &again), (StatusCode::OK, &created));
    let (_, cart) = call(&app, "GET", &format!("/api/carts/{id}"), None).await;
    assert_eq!(cart["item_count"], 1, "added once");
    // The same key on somebody else's cart is still another request.
    let other = new_cart(&app).await;
    let elsewhere = format!("/api/carts/{other}/lines");
    let (status, _) = call_with(&app, "POST", &elsewhere, Some(body), Some("form-1")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
