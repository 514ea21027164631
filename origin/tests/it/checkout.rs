//! Checkout: every amount computed by the origin, steps validated whole (refused steps save nothing),
//! promo rules, and the cart a shopper can change.

use crate::common::{call, call_with};
use crate::shop::{ny_address, open};
use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn every_amount_comes_from_the_server(pool: PgPool) {
    let shop = open(pool).await;
    let cart = shop.buyer("TEE-S", 2, "ana@example.com").await;
    let lines = format!("/api/carts/{cart}/lines");
    call(
        &shop.app,
        "POST",
        &lines,
        Some(json!({"sku": "TOTE", "quantity": 1})),
    )
    .await;
    let (status, c) = shop
        .checkout(&cart, json!({"promo_code": " welcome10 "}))
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let t = &c["totals"];
    // 2 × 24.00 + 39.00 = 87.00; 10 % off = 8.70; standard shipping free over 75.00 (78.30 after the
    // discount); NY tax 8.875 % of 78.30 = 6.949… → 6.95; total 85.25.
    let minor = |k: &str| t[k]["minor"].as_i64().unwrap();
    assert_eq!(
        (
            minor("subtotal"),
            minor("discount"),
            minor("shipping"),
            minor("tax"),
            minor("total")
        ),
        (8700, 870, 0, 695, 8525)
    );
    assert_eq!(t["tax_label"], "Sales tax (NY) 8.875 %");
    assert_eq!(c["promo"]["code"], "WELCOME10");
    assert_eq!(c["missing"], json!([]));
    assert_eq!(c["email"], "ana@example.com");
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_refused_step_lists_every_problem_and_saves_nothing(pool: PgPool) {
    let shop = open(pool).await;
    let (_, cart) = call(
        &shop.app,
        "POST",
        "/api/carts",
        Some(json!({"sku": "TEE-S", "quantity": 1})),
    )
    .await;
    let cart = cart["id"].as_str().unwrap();
    let mut address = ny_address();
    address["postcode"] = json!("1000");
    address["city"] = json!("   ");
    let step = json!({"email": "not-an-email", "address": address, "promo_code": "NOPE"});
    let (status, refusal) = shop.checkout(cart, step).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refusal["error"], "invalid");
    let fields: Vec<&str> = refusal["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "city", "postcode", "promo_code"]);
    assert!(refusal["fields"][2]["message"]
        .as_str()
        .unwrap()
        .contains("United States postcode"));
    let (_, c) = call(
        &shop.app,
        "GET",
        &format!("/api/carts/{cart}/checkout"),
        None,
    )
    .await;
    assert_eq!(
        (c["email"].clone(), c["address"].clone(), c["promo"].clone()),
        (json!(null), json!(null), json!(null))
    );
    assert_eq!(c["missing"], json!(["email", "address", "shipping_method"]));
    // A method for another country, or one not offered, is refused too.
    let (status, refusal) = shop
        .checkout(cart, json!({"shipping_method": "standard"}))
        .await;
    assert_eq!(
        (status, refusal["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("shipping_method"))
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn promo_codes_keep_their_minimum_window_and_kind(pool: PgPool) {
    let shop = open(pool).await;
    let cart = shop.buyer("LAST", 1, "ana@example.com").await;
    // FREESHIP needs $30.00; this cart holds $10.00.
    let (status, refusal) = shop
        .checkout(&cart, json!({"promo_code": "FREESHIP"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refusal["fields"][0]["message"],
        "That code needs a subtotal of at least $30.00."
    );
    sqlx::query("INSERT INTO promo_codes (code, kind, ends_at) VALUES ('GONE', '{\"type\":\"free_shipping\"}', now() - interval '1 minute')")
        .execute(&shop.pool)
        .await
        .unwrap();
    let (status, refusal) = shop.checkout(&cart, json!({"promo_code": "gone"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refusal["fields"][0]["message"], "That code has expired.");
    call(
        &shop.app,
        "POST",
        &format!("/api/carts/{cart}/lines"),
        Some(json!({"sku": "LAST", "quantity": 2})),
    )
    .await;
    let (status, c) = shop
        .checkout(&cart, json!({"promo_code": "FREESHIP"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(
        (
            c["totals"]["shipping"]["minor"].as_i64(),
            c["totals"]["discount"]["minor"].as_i64()
        ),
        (Some(0), Some(0))
    );
    // Shrinking the cart below the minimum keeps the code, says why it no longer applies, and refuses
    // to place the order until it is fixed.
    call(
        &shop.app,
        "PATCH",
        &format!("/api/carts/{cart}/lines"),
        Some(json!({"sku": "LAST", "quantity": 1})),
    )
    .await;
    let (_, c) = call(
        &shop.app,
        "GET",
        &format!("/api/carts/{cart}/checkout"),
        None,
    )
    .await;
    assert_eq!(
        c["promo_problem"],
        "FREESHIP: That code needs a subtotal of at least $30.00."
    );
    assert_eq!(c["totals"]["shipping"]["minor"], 595);
    let (status, refusal) = shop.place(&cart, "k-promo-problem").await;
    assert_eq!(
        (status, refusal["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("incomplete"))
    );
    let (status, _) = shop.checkout(&cart, json!({"promo_code": ""})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        shop.place(&cart, "k-promo-fixed").await.0,
        StatusCode::CREATED
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_shopper_changes_and_removes_lines(pool: PgPool) {
    let shop = open(pool).await;
    let (_, cart) = call(
        &shop.app,
        "POST",
        "/api/carts",
        Some(json!({"sku": "TEE-S", "quantity": 1})),
    )
    .await;
    let lines = format!("/api/carts/{}/lines", cart["id"].as_str().unwrap());
    call(
        &shop.app,
        "POST",
        &lines,
        Some(json!({"sku": "TOTE", "quantity": 1})),
    )
    .await;
    let (status, c) = call_with(
        &shop.app,
        "PATCH",
        &lines,
        Some(json!({"sku": "TEE-S", "quantity": 3})),
        Some("k1"),
    )
    .await;
    assert_eq!(
        (status, c["item_count"].as_u64()),
        (StatusCode::OK, Some(4))
    );
    assert_eq!(c["subtotal"]["minor"], 3 * 2400 + 3900);
    let (status, refused) = call(
        &shop.app,
        "PATCH",
        &lines,
        Some(json!({"sku": "TOTE", "quantity": 6})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    let (status, c) = call(
        &shop.app,
        "PATCH",
        &lines,
        Some(json!({"sku": "TOTE", "quantity": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(c["lines"].as_array().unwrap().len(), 1);
    assert_eq!(c["item_count"], 3);
    let (status, _) = call(
        &shop.app,
        "PATCH",
        &lines,
        Some(json!({"sku": "TOTE", "quantity": 1})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not in the cart any more"
    );
}
