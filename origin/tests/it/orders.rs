//! Placing orders: idempotent, all-or-nothing, stock never below zero, promo uses counted atomically,
//! unpaid orders expire exactly once, and the state machine refuses what makes no sense.

use crate::shop::open;
use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn the_same_key_places_one_order(pool: PgPool) {
    let shop = open(pool).await;
    let cart = shop.buyer("TEE-M", 2, "ana@example.com").await;
    let (first, second) =
        tokio::join!(shop.place(&cart, "same-key"), shop.place(&cart, "same-key"));
    let placed = [first, second]
        .into_iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .collect::<Vec<_>>();
    assert!(!placed.is_empty());
    let (status, again) = shop.place(&cart, "same-key").await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(
        placed.iter().all(|(_, p)| p == &again),
        "every answer names the same order"
    );
    assert_eq!(shop.count("SELECT count(*) FROM orders").await, 1);
    assert_eq!(shop.stock("TEE-M").await, 1, "3 in stock, 2 reserved once");
    let order = shop.order(again["token"].as_str().unwrap()).await;
    assert_eq!(order["status"], "pending_payment");
    assert_eq!(order["number"], again["number"]);
    assert_eq!(order["lines"][0]["line_total"]["minor"], 5200);
    assert_eq!(order["events"][0]["to"], "pending_payment");
    assert_eq!(
        shop.count("SELECT count(*) FROM outbox WHERE topic = 'order.placed'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn an_order_is_refused_whole_and_changes_nothing(pool: PgPool) {
    let shop = open(pool).await;
    let (_, cart) = crate::common::call(
        &shop.app,
        "POST",
        "/api/carts",
        Some(json!({"sku": "TEE-S", "quantity": 1})),
    )
    .await;
    let cart = cart["id"].as_str().unwrap();
    let (status, refusal) = shop.place(cart, "k-incomplete").await;
    assert_eq!(
        (status, refusal["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("incomplete"))
    );
    assert!(refusal["message"]
        .as_str()
        .unwrap()
        .contains("your email, a shipping address, a shipping method"));
    let (status, _) =
        crate::common::call(&shop.app, "POST", &format!("/api/carts/{cart}/order"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no Idempotency-Key");
    // Two lines, the second sold out in the meantime: nothing of the first is kept.
    let cart = shop.buyer("TEE-S", 2, "ana@example.com").await;
    crate::common::call(
        &shop.app,
        "POST",
        &format!("/api/carts/{cart}/lines"),
        Some(json!({"sku": "TOTE", "quantity": 2})),
    )
    .await;
    sqlx::query("UPDATE variants SET available = 1 WHERE sku = 'TOTE'")
        .execute(&shop.pool)
        .await
        .unwrap();
    // That stock change is announced (product.changed); the refused order must add nothing to it.
    let announced = shop.count("SELECT count(*) FROM outbox").await;
    let (status, refusal) = shop.place(&cart, "k-sold-out").await;
    assert_eq!(
        (status, refusal["error"].as_str()),
        (StatusCode::CONFLICT, Some("sold_out"))
    );
    assert_eq!(
        refusal["message"],
        "Only 1 of canvas tote (Size 0) left; please lower the quantity in your cart."
    );
    assert_eq!(
        (shop.stock("TEE-S").await, shop.stock("TOTE").await),
        (10, 1)
    );
    assert_eq!(shop.count("SELECT count(*) FROM orders").await, 0);
    assert_eq!(
        shop.count("SELECT count(*) FROM outbox").await,
        announced,
        "the refused order announced nothing"
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn two_shoppers_race_for_the_last_use_of_a_code(pool: PgPool) {
    let shop = open(pool).await;
    sqlx::query("INSERT INTO promo_codes (code, kind, usage_limit) VALUES ('ONCE', '{\"type\":\"percentage\",\"basis_points\":5000}', 1)")
        .execute(&shop.pool)
        .await
        .unwrap();
    let a = shop.buyer("TEE-S", 1, "a@example.com").await;
    let b = shop.buyer("TEE-S", 1, "b@example.com").await;
    for cart in [&a, &b] {
        assert_eq!(
            shop.checkout(cart, json!({"promo_code": "ONCE"})).await.0,
            StatusCode::OK
        );
    }
    let (ra, rb) = tokio::join!(shop.place(&a, "race-a"), shop.place(&b, "race-b"));
    let mut statuses = [ra.0, rb.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::CONFLICT],
        "{ra:?} {rb:?}"
    );
    let loser = if ra.0 == StatusCode::CONFLICT {
        &ra.1
    } else {
        &rb.1
    };
    assert_eq!(
        (loser["error"].as_str(), loser["message"].as_str()),
        (Some("promo_used_up"), Some("That code has been used up."))
    );
    assert_eq!(
        shop.count("SELECT used::bigint FROM promo_codes WHERE code = 'ONCE'")
            .await,
        1
    );
    assert_eq!(
        shop.stock("TEE-S").await,
        9,
        "the refused order took no stock"
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_per_email_limit_counts_the_address_in_any_case(pool: PgPool) {
    let shop = open(pool).await;
    let first = shop.buyer("LAST", 1, "Ana@Example.com").await;
    shop.checkout(&first, json!({"promo_code": "TAKE5"})).await;
    assert_eq!(shop.place(&first, "take5-1").await.0, StatusCode::CREATED);
    let second = shop.buyer("LAST", 1, "ana@example.COM").await;
    shop.checkout(&second, json!({"promo_code": "TAKE5"})).await;
    let (status, refusal) = shop.place(&second, "take5-2").await;
    assert_eq!(
        (status, refusal["message"].as_str()),
        (
            StatusCode::CONFLICT,
            Some("You have already used that code.")
        )
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn unpaid_orders_expire_once_and_give_everything_back(pool: PgPool) {
    let shop = open(pool).await;
    sqlx::query("UPDATE promo_codes SET usage_limit = 1 WHERE code = 'WELCOME10'")
        .execute(&shop.pool)
        .await
        .unwrap();
    let cart = shop.buyer("TOTE", 5, "ana@example.com").await;
    shop.checkout(&cart, json!({"promo_code": "WELCOME10"}))
        .await;
    let (_, placed) = shop.place(&cart, "expire-me").await;
    assert_eq!(
        (
            shop.stock("TOTE").await,
            shop.count("SELECT used::bigint FROM promo_codes WHERE code = 'WELCOME10'")
                .await
        ),
        (0, 1)
    );
    assert_eq!(shop.expire_all().await, 1);
    assert_eq!(shop.expire_all().await, 0, "exactly once");
    let order = shop.order(placed["token"].as_str().unwrap()).await;
    assert_eq!(order["status"], "expired");
    assert_eq!(
        order["events"][1]["cause"],
        "not paid in time: stock and promo use released"
    );
    assert_eq!(shop.stock("TOTE").await, 5);
    assert_eq!(
        shop.count("SELECT used::bigint FROM promo_codes WHERE code = 'WELCOME10'")
            .await,
        0
    );
    assert_eq!(
        shop.count("SELECT count(*) FROM outbox WHERE topic = 'order.expired'")
            .await,
        1
    );
    // An expired order cannot be paid through the store.
    let key = "pay-expired";
    let path = format!("/api/orders/{}/payment", placed["token"].as_str().unwrap());
    let (status, refusal) =
        crate::common::call_with(&shop.app, "POST", &path, None, Some(key)).await;
    assert_eq!(
        (status, refusal["error"].as_str()),
        (StatusCode::CONFLICT, Some("not_payable"))
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_new_order_from_the_same_cart_replaces_the_unpaid_one(pool: PgPool) {
    let shop = open(pool).await;
    let cart = shop.buyer("TEE-M", 3, "ana@example.com").await;
    let (_, first) = shop.place(&cart, "first").await;
    assert_eq!(shop.stock("TEE-M").await, 0);
    let (status, second) = shop.place(&cart, "second").await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the first order's stock came back for the second: {second}"
    );
    assert_ne!(first["token"], second["token"]);
    assert_eq!(
        shop.order(first["token"].as_str().unwrap()).await["status"],
        "cancelled"
    );
    assert_eq!(shop.stock("TEE-M").await, 0);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn unknown_and_malformed_order_tokens_are_404(pool: PgPool) {
    let shop = open(pool).await;
    for token in ["nope", &"0".repeat(64), "M-100001"] {
        let (status, _) =
            crate::common::call(&shop.app, "GET", &format!("/api/orders/{token}"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{token}");
    }
}
