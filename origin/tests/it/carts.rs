//! Carts: server-computed totals, refusals that change nothing, stock never exceeded under concurrency.

use crate::common::{call, count_carts, new_cart, seeded, send, EDGE_SECRET};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use meridian_domain::api::ORIGIN_AUTH_HEADER;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
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

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
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
            // The add's statement writes before the rules judge it: this must not overflow there.
            json!({"sku":"TEE-M","quantity":4_000_000_000_u32}),
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
        .header(ORIGIN_AUTH_HEADER, EDGE_SECRET)
        .header("content-type", "application/json")
        .body(Body::from("{oops"))
        .unwrap();
    assert_eq!(send(&app, req).await.0, StatusCode::BAD_REQUEST);
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

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
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

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_cart_is_created_with_its_first_line_or_not_at_all(pool: PgPool) {
    let app = seeded(pool.clone()).await;
    let first = json!({"sku": "TEE-S", "quantity": 2});
    let (status, cart) = call(&app, "POST", "/api/carts", Some(first)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (
            cart["item_count"].clone(),
            cart["subtotal"]["minor"].clone()
        ),
        (json!(2), json!(4800))
    );
    let refused = json!({"sku": "PKT-S", "quantity": 1});
    let (status, _) = call(&app, "POST", "/api/carts", Some(refused)).await;
    assert_eq!(status, StatusCode::CONFLICT, "out of stock");
    let (status, _) = call(
        &app,
        "POST",
        "/api/carts",
        Some(json!({"sku": "NOPE", "quantity": 1})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let carts = count_carts(&pool).await;
    assert_eq!(carts, 1, "a refused first line leaves no empty cart behind");
}

/// An add answers with the cart read in the write's own statement (`store::carts::lines`); it must be the
/// cart a later read returns: same lines in the same order, merged quantities, lines no longer sold
/// apart, same totals.
#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn an_add_answers_with_the_cart_a_read_returns(pool: PgPool) {
    let app = seeded(pool.clone()).await;
    let id = new_cart(&app).await;
    let lines = format!("/api/carts/{id}/lines");
    for (sku, quantity) in [("TOTE", 1), ("TEE-S", 2), ("TEE-M", 1)] {
        let (status, _) = call(
            &app,
            "POST",
            &lines,
            Some(json!({"sku": sku, "quantity": quantity})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{sku}");
    }
    // The tote leaves the catalog: its line is listed apart and out of the totals.
    sqlx::query("UPDATE variants SET archived_at = now() WHERE sku = 'TOTE'")
        .execute(&pool)
        .await
        .unwrap();
    // A merge into the first tee line: it keeps its place.
    let (status, added) = call(
        &app,
        "POST",
        &lines,
        Some(json!({"sku":"TEE-S","quantity":3})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, read) = call(&app, "GET", &format!("/api/carts/{id}"), None).await;
    assert_eq!(added, read);
    let skus: Vec<&str> = read["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["TEE-S", "TEE-M"]);
    assert_eq!(read["lines"][0]["quantity"], 5);
    assert_eq!(read["unavailable"][0]["sku"], "TOTE");
    // A first line given when the cart is made is answered the same way.
    let (status, created) = call(
        &app,
        "POST",
        "/api/carts",
        Some(json!({"sku":"TEE-M","quantity":2})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, read) = call(
        &app,
        "GET",
        &format!("/api/carts/{}", created["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(created, read);
}
