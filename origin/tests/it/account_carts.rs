//! The guest cart at sign-in: merged into the account's cart (quantities summed, at most 99 a line) or
//! claimed when the account has none; another account's cart is never touched; the grant names the
//! account's cart, and so does a refresh.

use crate::accounts::{sign_up, PASSWORD};
use crate::common::call;
use crate::shop::{open, Shop};
use axum::http::StatusCode;
use serde_json::{json, Value};

async fn sign_in(shop: &Shop, email: &str, cart: Option<&str>) -> Value {
    let mut body = json!({"email": email, "password": PASSWORD});
    if let Some(cart) = cart {
        body["cart"] = json!(cart);
    }
    let (status, grant) = call(&shop.app, "POST", "/api/sessions", Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{grant}");
    grant
}

/// A new guest cart holding `lines` (quantities set directly, past what stock would let an add take).
async fn guest_cart(shop: &Shop, lines: &[(&str, i32)]) -> String {
    let (status, cart) = call(&shop.app, "POST", "/api/carts", None).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = cart["id"].as_str().unwrap().to_owned();
    for (sku, quantity) in lines {
        sqlx::query(
            "INSERT INTO cart_lines (cart_id, variant_id, quantity)
             SELECT $1::uuid, id, $3 FROM variants WHERE sku = $2",
        )
        .bind(&id)
        .bind(sku)
        .bind(quantity)
        .execute(&shop.pool)
        .await
        .unwrap();
    }
    id
}

/// The cart's lines as (sku, quantity), by SKU.
async fn lines(shop: &Shop, cart: &str) -> Vec<(String, i32)> {
    sqlx::query_as(
        "SELECT v.sku, l.quantity FROM cart_lines l JOIN variants v ON v.id = l.variant_id
         WHERE l.cart_id = $1::uuid ORDER BY v.sku",
    )
    .bind(cart)
    .fetch_all(&shop.pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn sign_in_merges_the_guest_cart_into_the_accounts_cart(pool: sqlx::PgPool) {
    let shop = open(pool).await;
    // Sign-up with a guest cart claims it; without one the account has no cart.
    let mine = guest_cart(&shop, &[("TEE-S", 5)]).await;
    let (status, ada) = call(
        &shop.app,
        "POST",
        "/api/accounts",
        Some(json!({"email": "ada.cart@example.com", "password": PASSWORD, "cart": mine})),
    )
    .await;
    assert_eq!((status, &ada["cart"]), (StatusCode::CREATED, &json!(mine)));
    let eve = sign_up(&shop.app, "eve.cart@example.com").await;
    assert_eq!(eve["cart"], Value::Null);

    let guest = guest_cart(&shop, &[("TEE-S", 98), ("TOTE", 2)]).await;
    let grant = sign_in(&shop, "ada.cart@example.com", Some(&guest)).await;
    assert_eq!(grant["cart"], mine.as_str(), "the account's cart");
    assert_eq!(
        lines(&shop, &mine).await,
        [("TEE-S".to_owned(), 99), ("TOTE".to_owned(), 2)],
        "summed, at most 99"
    );
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM carts WHERE id = $1::uuid")
        .bind(&guest)
        .fetch_one(&shop.pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "the guest cart is gone");
    let (status, cart) = call(&shop.app, "GET", &format!("/api/carts/{mine}"), None).await;
    assert_eq!(status, StatusCode::OK, "the merged cart reads: {cart}");

    // Another account's cart, named as the guest cart, is neither merged nor claimed (IDOR).
    let theirs = guest_cart(&shop, &[("TOTE", 1)]).await;
    let eve = sign_in(&shop, "eve.cart@example.com", Some(&theirs)).await;
    assert_eq!(eve["cart"], theirs.as_str(), "eve claims her guest cart");
    let grant = sign_in(&shop, "ada.cart@example.com", Some(&theirs)).await;
    assert_eq!(grant["cart"], mine.as_str());
    assert_eq!(lines(&shop, &theirs).await, [("TOTE".to_owned(), 1)]);
    assert_eq!(lines(&shop, &mine).await[1], ("TOTE".to_owned(), 2));
    let owner: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT account_id FROM carts WHERE id = $1::uuid")
            .bind(&theirs)
            .fetch_one(&shop.pool)
            .await
            .unwrap();
    assert_eq!(
        owner.map(|o| o.to_string()),
        eve["account"]["id"].as_str().map(str::to_owned)
    );

    // Without a cart (an older client), or with one that does not exist: the account's cart.
    let grant = sign_in(&shop, "ada.cart@example.com", None).await;
    assert_eq!(grant["cart"], mine.as_str());
    let vanished = uuid::Uuid::new_v4().to_string();
    let grant = sign_in(&shop, "ada.cart@example.com", Some(&vanished)).await;
    assert_eq!(grant["cart"], mine.as_str());
    let (status, renewed) = call(
        &shop.app,
        "POST",
        "/api/sessions/refresh",
        Some(json!({"refresh": grant["refresh"]})),
    )
    .await;
    assert_eq!((status, &renewed["cart"]), (StatusCode::OK, &json!(mine)));
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_cart_waiting_for_its_orders_payment_is_not_merged_into(pool: sqlx::PgPool) {
    let shop = open(pool).await;
    let paying = shop.buyer("TEE-S", 1, "lin.cart@example.com").await;
    let (_, lin) = call(
        &shop.app,
        "POST",
        "/api/accounts",
        Some(json!({"email": "lin.cart@example.com", "password": PASSWORD, "cart": paying})),
    )
    .await;
    assert_eq!(lin["cart"], paying.as_str());
    let (status, _) = shop.place(&paying, "lin-order").await;
    assert_eq!(status, StatusCode::CREATED);

    // Paying empties the cart an order came from, so new lines go to a cart of their own.
    let guest = guest_cart(&shop, &[("TOTE", 1)]).await;
    let grant = sign_in(&shop, "lin.cart@example.com", Some(&guest)).await;
    assert_eq!(grant["cart"], guest.as_str(), "claimed, not merged");
    assert_eq!(lines(&shop, &paying).await, [("TEE-S".to_owned(), 1)]);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_cart_started_while_signed_in_is_the_accounts(pool: sqlx::PgPool) {
    let shop = open(pool).await;
    let grant = sign_up(&shop.app, "cart.starter@example.com").await;
    let token = grant["token"].as_str().unwrap();
    let (status, cart) = crate::accounts::with_session(
        &shop.app,
        "POST",
        "/api/carts",
        token,
        Some(json!({"sku": "TEE-S", "quantity": 1})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{cart}");
    // Another device signing in without a cart is handed this one.
    let other = sign_in(&shop, "cart.starter@example.com", None).await;
    assert_eq!(other["cart"], cart["id"]);
    // A token that no longer names a live session starts a guest cart, not a refusal.
    let (status, _) = call(&shop.app, "DELETE", "/api/sessions/current", None).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "signing out needs the session"
    );
    let (status, _) =
        crate::accounts::with_session(&shop.app, "DELETE", "/api/sessions/current", token, None)
            .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, guest) = crate::accounts::with_session(
        &shop.app,
        "POST",
        "/api/carts",
        token,
        Some(json!({"sku": "TEE-S", "quantity": 1})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{guest}");
    let owner: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT account_id FROM carts WHERE id = $1::uuid")
            .bind(guest["id"].as_str().unwrap())
            .fetch_one(&shop.pool)
            .await
            .unwrap();
    assert_eq!(owner, None);
}
