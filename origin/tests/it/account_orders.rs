//! Orders that belong to accounts, and the email verification that shows an account its guest orders: the
//! history lists what the account may see and nothing else; another account's order number answers as a
//! number that does not exist; verification links work once and expire.

use crate::accounts::{sign_up, with_session, PASSWORD};
use crate::common::call;
use crate::shop::{open, Shop};
use axum::http::StatusCode;
use serde_json::{json, Value};
use sqlx::PgPool;

const VERIFY: &str = "/api/account/email-verification";
const CONFIRM: &str = "/api/account/email-verification/confirm";

/// Signs in with `cart` as the device's guest cart; the grant.
async fn sign_in(shop: &Shop, email: &str, cart: Option<&str>) -> Value {
    let body = json!({"email": email, "password": PASSWORD, "cart": cart});
    let (status, grant) = call(&shop.app, "POST", "/api/sessions", Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{grant}");
    grant
}

fn token(grant: &Value) -> &str {
    grant["token"].as_str().unwrap()
}

/// The tokens of the verification links queued for `to`, oldest first.
async fn verification_tokens(pool: &PgPool, to: &str) -> Vec<String> {
    let links: Vec<String> = sqlx::query_scalar(
        "SELECT payload->>'link' FROM outbox WHERE topic = 'account.verify_email' AND payload->>'to' = $1 ORDER BY id",
    )
    .bind(to)
    .fetch_all(pool)
    .await
    .unwrap();
    links
        .iter()
        .map(|l| l.split("token=").nth(1).unwrap().to_owned())
        .collect()
}

async fn confirm(shop: &Shop, token: &str) -> (StatusCode, Value) {
    call(&shop.app, "POST", CONFIRM, Some(json!({ "token": token }))).await
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn an_accounts_order_is_in_its_history_and_no_other_accounts(pool: PgPool) {
    let shop = open(pool).await;
    sign_up(&shop.app, "ada.orders@example.com").await;
    let eve = sign_up(&shop.app, "eve.orders@example.com").await;
    let cart = shop.buyer("TEE-S", 2, "ada.orders@example.com").await;
    let ada = sign_in(&shop, "ada.orders@example.com", Some(&cart)).await;
    assert_eq!(ada["cart"], cart.as_str(), "the account claimed the cart");
    let (status, placed) = shop.place(&cart, "ada-order").await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    let number = placed["number"].as_str().unwrap();

    let (status, list) =
        with_session(&shop.app, "GET", "/api/account/orders", token(&ada), None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let entry = &list.as_array().unwrap()[0];
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(entry["number"], number);
    assert_eq!(entry["token"], placed["token"]);
    assert_eq!(entry["status"], "pending_payment");
    assert_eq!(entry["item_count"], 2);
    let order = shop.order(placed["token"].as_str().unwrap()).await;
    assert_eq!(entry["total"], order["totals"]["total"]);
    assert_eq!(entry["placed_at"], order["created_at"]);
    assert!(entry["placed_at"].as_str().unwrap().ends_with('Z'));

    // The detail is the order as its token link shows it.
    let path = format!("/api/account/orders/{number}");
    let (status, detail) = with_session(&shop.app, "GET", &path, token(&ada), None).await;
    assert_eq!((status, &detail), (StatusCode::OK, &order));

    // Another account: the same 404 as a number that does not exist, and an empty list (IDOR).
    let (status, theirs) = with_session(&shop.app, "GET", &path, token(&eve), None).await;
    let (unknown_status, unknown) = with_session(
        &shop.app,
        "GET",
        "/api/account/orders/M-999999",
        token(&eve),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{theirs}");
    assert_eq!((status, &theirs), (unknown_status, &unknown));
    let (_, list) = with_session(&shop.app, "GET", "/api/account/orders", token(&eve), None).await;
    assert_eq!(list, json!([]));
    assert_eq!(
        call(&shop.app, "GET", &path, None).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Paging: nothing below the only order; a malformed `before` is refused.
    let (status, page) = with_session(
        &shop.app,
        "GET",
        &format!("/api/account/orders?before={number}"),
        token(&ada),
        None,
    )
    .await;
    assert_eq!((status, page), (StatusCode::OK, json!([])));
    let bad = "/api/account/orders?before=100042";
    assert_eq!(
        with_session(&shop.app, "GET", bad, token(&ada), None)
            .await
            .0,
        StatusCode::BAD_REQUEST
    );

    // Deleting the account keeps the order, which no longer names it.
    let confirm = json!({"password": PASSWORD});
    let (status, _) = with_session(
        &shop.app,
        "DELETE",
        "/api/account",
        token(&ada),
        Some(confirm),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        shop.count("SELECT count(*) FROM orders WHERE account_id IS NULL")
            .await,
        1
    );
    assert_eq!(
        shop.count("SELECT count(*) FROM accounts").await,
        1,
        "eve's"
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_guest_order_with_the_same_email_shows_once_the_email_is_verified(pool: PgPool) {
    let shop = open(pool).await;
    let grace = sign_up(&shop.app, "grace.guest@example.com").await;
    assert_eq!(grace["account"]["email_verified"], false);
    // Placed as a guest, with the address in other case.
    let cart = shop.buyer("TOTE", 1, "Grace.Guest@Example.com").await;
    let (_, placed) = shop.place(&cart, "guest-order").await;
    let path = format!("/api/account/orders/{}", placed["number"].as_str().unwrap());

    let (_, list) =
        with_session(&shop.app, "GET", "/api/account/orders", token(&grace), None).await;
    assert_eq!(list, json!([]), "not before the address is verified");
    assert_eq!(
        with_session(&shop.app, "GET", &path, token(&grace), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // The link sign-up queued verifies the address.
    let tokens = verification_tokens(&shop.pool, "grace.guest@example.com").await;
    assert_eq!(tokens.len(), 1, "sign-up sent one link");
    assert_eq!(confirm(&shop, &tokens[0]).await.0, StatusCode::NO_CONTENT);
    let (_, me) = with_session(&shop.app, "GET", "/api/account", token(&grace), None).await;
    assert_eq!(me["email_verified"], true, "{me}");
    let (_, list) =
        with_session(&shop.app, "GET", "/api/account/orders", token(&grace), None).await;
    assert_eq!(list[0]["number"], placed["number"], "{list}");
    let (status, order) = with_session(&shop.app, "GET", &path, token(&grace), None).await;
    assert_eq!(
        (status, &order["token"]),
        (StatusCode::OK, &placed["token"])
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_verification_link_works_once_and_not_after_a_day(pool: PgPool) {
    let shop = open(pool).await;
    let lin = sign_up(&shop.app, "lin.verify@example.com").await;
    assert_eq!(
        call(&shop.app, "POST", VERIFY, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, answer) = with_session(&shop.app, "POST", VERIFY, token(&lin), None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    let payload: Value = sqlx::query_scalar(
        "SELECT payload FROM outbox WHERE topic = 'account.verify_email' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&shop.pool)
    .await
    .unwrap();
    assert_eq!(payload["expires_in_minutes"], 24 * 60);
    assert_eq!(payload["account"], lin["account"]["id"]);
    assert!(payload["link"]
        .as_str()
        .unwrap()
        .starts_with("https://shop.example/account/verify?token="));
    let tokens = verification_tokens(&shop.pool, "lin.verify@example.com").await;
    assert_eq!(tokens.len(), 2, "sign-up's and the one asked for");
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM email_verifications")
        .fetch_all(&shop.pool)
        .await
        .unwrap();
    assert!(
        stored.iter().all(|h| h.len() == 32),
        "only digests are kept"
    );

    // Past its day a link does nothing; a bad token answers alike.
    sqlx::query("UPDATE email_verifications SET expires_at = now() - interval '1 second' WHERE token_hash = sha256(convert_to($1, 'UTF8'))")
        .bind(&tokens[0])
        .execute(&shop.pool)
        .await
        .unwrap();
    let (late, refusal) = confirm(&shop, &tokens[0]).await;
    assert_eq!(late, StatusCode::BAD_REQUEST, "{refusal}");
    assert!(refusal["message"]
        .as_str()
        .unwrap()
        .contains("no longer valid"));
    assert_eq!(confirm(&shop, "not-a-token").await, (late, refusal.clone()));

    // The fresh one works once; using it spends every other open link of the account.
    with_session(&shop.app, "POST", VERIFY, token(&lin), None).await;
    let tokens = verification_tokens(&shop.pool, "lin.verify@example.com").await;
    assert_eq!(confirm(&shop, &tokens[1]).await.0, StatusCode::NO_CONTENT);
    assert_eq!(
        confirm(&shop, &tokens[1]).await.0,
        StatusCode::BAD_REQUEST,
        "single use"
    );
    assert_eq!(
        confirm(&shop, &tokens[2]).await.0,
        StatusCode::BAD_REQUEST,
        "spent too"
    );

    // Verified: asking again sends nothing.
    let (status, answer) = with_session(&shop.app, "POST", VERIFY, token(&lin), None).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(answer["message"]
        .as_str()
        .unwrap()
        .contains("already verified"));
    assert_eq!(
        verification_tokens(&shop.pool, "lin.verify@example.com")
            .await
            .len(),
        3
    );
}
