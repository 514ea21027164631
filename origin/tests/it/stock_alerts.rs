//! "Notify me" on a sold-out variant: one subscription per address and variant however often it is asked
//! for, one outbox email per subscription when stock returns by any path (plain SQL, an expired order),
//! never a second; the signed-in shopper's alert goes to the account's address; refusals for a variant in
//! stock, an unknown SKU and a bad address.

use crate::accounts::{sign_up, with_session};
use crate::common::call;
use crate::shop::{open, Shop};
use axum::http::StatusCode;
use meridian_domain::alerts::{BackInStock, ALERT_ACCEPTED, BACK_IN_STOCK_TOPIC};
use serde_json::{json, Value};
use uuid::Uuid;

const ALERTS: &str = meridian_domain::api::origin::STOCK_ALERTS;

async fn ask(shop: &Shop, body: Value) -> (StatusCode, Value) {
    call(&shop.app, "POST", ALERTS, Some(body)).await
}

async fn set_stock(shop: &Shop, sku: &str, available: i32) {
    sqlx::query("UPDATE variants SET available = $2 WHERE sku = $1")
        .bind(sku)
        .bind(available)
        .execute(&shop.pool)
        .await
        .unwrap();
}

/// The back-in-stock emails queued so far, oldest first.
async fn emails(shop: &Shop) -> Vec<Value> {
    sqlx::query_scalar("SELECT payload FROM outbox WHERE topic = $1 ORDER BY id")
        .bind(BACK_IN_STOCK_TOPIC)
        .fetch_all(&shop.pool)
        .await
        .unwrap()
}

/// (id, email, email_key, account, notified) of every subscription, oldest first.
async fn alerts(shop: &Shop) -> Vec<(Uuid, String, String, Option<Uuid>, bool)> {
    sqlx::query_as(
        "SELECT id, email, email_key, account_id, notified_at IS NOT NULL FROM stock_alerts
         ORDER BY created_at, notified_at NULLS LAST",
    )
    .fetch_all(&shop.pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_stock_alert_is_sent_once_when_stock_returns(pool: sqlx::PgPool) {
    let shop = open(pool).await;
    set_stock(&shop, "TEE-M", 0).await;
    for email in ["  Ana.Lima@Example.COM ", "ana.lima@example.com"] {
        let (status, body) = ask(&shop, json!({"sku": "TEE-M", "email": email})).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        assert_eq!(body, json!({"message": ALERT_ACCEPTED}));
    }
    let open_alerts = alerts(&shop).await;
    assert_eq!(open_alerts.len(), 1, "asking again is asking once");
    let (id, email, key, account, notified) = open_alerts[0].clone();
    assert_eq!(
        (email.as_str(), key.as_str()),
        ("Ana.Lima@example.com", "ana.lima@example.com")
    );
    assert_eq!((account, notified), (None, false));
    assert!(emails(&shop).await.is_empty());

    set_stock(&shop, "TEE-M", 4).await;
    let sent = emails(&shop).await;
    assert_eq!(sent.len(), 1);
    let payload: BackInStock = serde_json::from_value(sent[0].clone()).unwrap();
    assert_eq!(
        payload,
        BackInStock {
            alert: id,
            to: "Ana.Lima@example.com".into(),
            account: None,
            sku: "TEE-M".into(),
            product_slug: "crew-tee".into(),
            product_title: "crew tee".into(),
            variant_title: Some("Size 1".into()),
            link: "/p/crew-tee".into(),
        }
    );
    assert!(alerts(&shop).await[0].4, "marked notified");

    // Selling out and coming back again does not notify a spent subscription a second time…
    set_stock(&shop, "TEE-M", 0).await;
    set_stock(&shop, "TEE-M", 2).await;
    set_stock(&shop, "TEE-M", 5).await;
    assert_eq!(emails(&shop).await.len(), 1);
    // …but asking again once it is sold out opens a new one.
    set_stock(&shop, "TEE-M", 0).await;
    let (status, _) = ask(
        &shop,
        json!({"sku": "TEE-M", "email": "ana.lima@example.com"}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(alerts(&shop).await.len(), 2);
    set_stock(&shop, "TEE-M", 1).await;
    assert_eq!(emails(&shop).await.len(), 2);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_signed_in_alert_goes_to_the_accounts_email(pool: sqlx::PgPool) {
    let shop = open(pool).await;
    let grant = sign_up(&shop.app, "Grace@Example.com").await;
    let token = grant["token"].as_str().unwrap();
    let account: Uuid = serde_json::from_value(grant["account"]["id"].clone()).unwrap();
    set_stock(&shop, "TOTE", 0).await;
    let (status, body) = with_session(
        &shop.app,
        "POST",
        ALERTS,
        token,
        Some(json!({"sku": "TOTE"})),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    // The same address as a guest is the same subscription.
    let (status, _) = ask(&shop, json!({"sku": "TOTE", "email": "grace@example.com"})).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let rows = alerts(&shop).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, "Grace@example.com");
    assert_eq!(rows[0].3, Some(account));

    set_stock(&shop, "TOTE", 1).await;
    let sent = emails(&shop).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["to"], "Grace@example.com");
    assert_eq!(sent[0]["account"], json!(account));
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn stock_alerts_refuse_an_item_in_stock_an_unknown_sku_and_a_bad_email(pool: sqlx::PgPool) {
    let shop = open(pool).await;
    let (status, body) = ask(&shop, json!({"sku": "TEE-S", "email": "ana@example.com"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "in_stock");
    assert_eq!(
        body["message"],
        "This item is in stock: add it to your cart."
    );

    let (status, body) = ask(&shop, json!({"sku": "NOPE", "email": "ana@example.com"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    set_stock(&shop, "TOTE", 0).await;
    for bad in [
        json!({"sku": "TOTE", "email": "not an email"}),
        json!({"sku": "TOTE"}),
    ] {
        let (status, body) = ask(&shop, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["fields"][0]["field"], "email", "{body}");
        assert!(body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("name@example.com"));
    }
    // A session that is not valid makes it a guest's request: the email is required.
    let (status, _) = with_session(
        &shop.app,
        "POST",
        ALERTS,
        "v4.public.forged",
        Some(json!({"sku": "TOTE"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(alerts(&shop).await.is_empty());
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn stock_alerts_for_one_address_are_limited(pool: sqlx::PgPool) {
    let shop = open(pool).await;
    set_stock(&shop, "TOTE", 0).await;
    let body = json!({"sku": "TOTE", "email": "victim@example.com"});
    for _ in 0..meridian_origin::accounts::limits::DEFAULT_PER_MINUTE {
        assert_eq!(ask(&shop, body.clone()).await.0, StatusCode::ACCEPTED);
    }
    let (status, refusal) = ask(&shop, json!({"sku": "TOTE", "email": "VICTIM@example.com"})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{refusal}");
    let (status, _) = ask(&shop, json!({"sku": "TOTE", "email": "other@example.com"})).await;
    assert_eq!(
        status,
        StatusCode::ACCEPTED,
        "other addresses are not affected"
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn stock_released_by_an_expired_order_sends_the_alert(pool: sqlx::PgPool) {
    let shop = open(pool).await;
    let cart = shop.buyer("TOTE", 5, "buyer@example.com").await;
    let (status, placed) = shop.place(&cart, &Uuid::new_v4().to_string()).await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    assert_eq!(shop.stock("TOTE").await, 0);
    let (status, _) = ask(
        &shop,
        json!({"sku": "TOTE", "email": "waiting@example.com"}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);

    assert_eq!(shop.expire_all().await, 1);
    assert_eq!(shop.stock("TOTE").await, 5);
    let sent = emails(&shop).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0]["to"].as_str(), sent[0]["sku"].as_str()),
        (Some("waiting@example.com"), Some("TOTE"))
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn an_archived_variant_back_in_stock_notifies_once_listed_again(pool: sqlx::PgPool) {
    let shop = open(pool).await;
    set_stock(&shop, "LAST", 0).await;
    let (status, _) = ask(&shop, json!({"sku": "LAST", "email": "ana@example.com"})).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    sqlx::query("UPDATE variants SET archived_at = now() WHERE sku = 'LAST'")
        .execute(&shop.pool)
        .await
        .unwrap();
    set_stock(&shop, "LAST", 3).await;
    assert!(
        emails(&shop).await.is_empty(),
        "not on sale: nothing to buy yet"
    );
    sqlx::query("UPDATE variants SET archived_at = NULL WHERE sku = 'LAST'")
        .execute(&shop.pool)
        .await
        .unwrap();
    assert_eq!(emails(&shop).await.len(), 1);
}
