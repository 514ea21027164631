//! Payments through the Stripe adapter against the stand-in over real HTTP: only a verified webhook makes
//! an order paid; duplicated, out-of-order, forged and stale deliveries change nothing; declines are kept
//! for the buyer; a payment after expiry is kept when the stock is still there and refunded when it is not.

use crate::shop::{open, open_with, Shop, WEBHOOK_SECRET};
use axum::http::StatusCode;
use sqlx::PgPool;
use std::time::Duration;

const SUCCESS: &str = "4242 4242 4242 4242";
const DECLINE: &str = "4000000000000002";

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_verified_webhook_and_only_that_makes_an_order_paid(pool: PgPool) {
    let shop = open(pool).await;
    let cart = shop.buyer("TEE-S", 2, "ana@example.com").await;
    let (token, session) = shop.order_and_session(&cart).await;
    assert_eq!(
        shop.session(&token).await,
        session,
        "asking again gives the same payment page"
    );
    assert_eq!(shop.order(&token).await["status"], "pending_payment");
    shop.psp.pay(&session, SUCCESS).await.unwrap();
    let order = shop.wait_status(&token, "paid").await;
    assert_eq!(
        order["events"][1]["cause"],
        "payment confirmed by the provider"
    );
    assert_eq!(shop.stock("TEE-S").await, 8);
    assert_eq!(
        shop.count("SELECT count(*) FROM cart_lines").await,
        0,
        "the bought cart is empty"
    );
    assert_eq!(
        shop.count("SELECT count(*) FROM outbox WHERE topic = 'order.paid'")
            .await,
        1
    );
    let charged: serde_json::Value = shop
        .psp
        .events()
        .await
        .iter()
        .find(|e| e.event_type == "checkout.session.completed")
        .map(|e| serde_json::from_str(&e.payload).unwrap())
        .unwrap();
    assert_eq!(
        charged["data"]["object"]["amount_total"], order["totals"]["total"]["minor"],
        "the provider charged our total"
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn duplicated_and_shuffled_deliveries_apply_once(pool: PgPool) {
    let shop = open_with(pool, |mut c| {
        c.duplicate_deliveries = true;
        c.shuffle_max = Duration::from_millis(150);
        c
    })
    .await;
    let cart = shop.buyer("TEE-S", 1, "ana@example.com").await;
    let (token, session) = shop.order_and_session(&cart).await;
    shop.psp.pay(&session, DECLINE).await.unwrap_err();
    shop.psp.pay(&session, SUCCESS).await.unwrap();
    shop.wait_status(&token, "paid").await;
    wait_deliveries(&shop, 4).await;
    let paid_events = shop
        .count("SELECT count(*) FROM order_events WHERE to_status = 'paid'")
        .await;
    assert_eq!(paid_events, 1, "two deliveries of the payment, one change");
    let order = shop.order(&token).await;
    assert_eq!(
        order["payment_error"],
        serde_json::Value::Null,
        "a late decline notice does not undo the payment"
    );
}

async fn wait_deliveries(shop: &Shop, n: usize) {
    for _ in 0..200 {
        let delivered: usize = shop
            .psp
            .events()
            .await
            .iter()
            .map(|e| e.attempts.iter().filter(|s| **s == 200).count())
            .sum();
        if delivered >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the stand-in did not deliver {n} events");
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn forged_and_stale_webhooks_are_refused_and_change_nothing(pool: PgPool) {
    let shop = open(pool).await;
    let cart = shop.buyer("TEE-S", 1, "ana@example.com").await;
    let (token, session) = shop.order_and_session(&cart).await;
    let payload = serde_json::json!({"id": "evt_forged", "object": "event", "type": "checkout.session.completed",
        "data": {"object": {"id": session, "payment_status": "paid", "payment_intent": "pi_forged",
                            "metadata": {"order_token": token}}}})
    .to_string();
    let now = chrono::Utc::now().timestamp();
    let http = reqwest::Client::new();
    let url = format!("{}/webhooks/stripe", shop.origin_url);
    let cases = [
        (
            "wrong secret",
            meridian_psp::sign("whsec_someone_else", now, &payload),
        ),
        (
            "stale",
            meridian_psp::sign(WEBHOOK_SECRET, now - 3600, &payload),
        ),
        ("malformed", "t=abc".to_owned()),
    ];
    for (what, signature) in cases {
        let res = http
            .post(&url)
            .header("stripe-signature", signature)
            .body(payload.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{what}");
    }
    let unsigned = http.post(&url).body(payload.clone()).send().await.unwrap();
    assert_eq!(unsigned.status(), StatusCode::BAD_REQUEST);
    assert_eq!(shop.order(&token).await["status"], "pending_payment");
    assert_eq!(shop.count("SELECT count(*) FROM payment_events").await, 0);
    // The same payload correctly signed is accepted: the refusals above were about the signature.
    let good = meridian_psp::sign(WEBHOOK_SECRET, now, &payload);
    let res = http
        .post(&url)
        .header("stripe-signature", good)
        .body(payload)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(shop.order(&token).await["status"], "paid");
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_decline_is_kept_for_the_buyer_and_the_order_waits(pool: PgPool) {
    let shop = open(pool).await;
    let cart = shop.buyer("TEE-S", 1, "ana@example.com").await;
    let (token, session) = shop.order_and_session(&cart).await;
    assert_eq!(
        shop.psp
            .pay(&session, "4000 0000 0000 9995")
            .await
            .unwrap_err(),
        "Your card has insufficient funds."
    );
    for _ in 0..200 {
        if shop.order(&token).await["payment_error"] != serde_json::Value::Null {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let order = shop.order(&token).await;
    assert_eq!(
        (order["status"].as_str(), order["payment_error"].as_str()),
        (
            Some("pending_payment"),
            Some("Your card has insufficient funds.")
        )
    );
    assert_eq!(
        shop.stock("TEE-S").await,
        9,
        "still held while the buyer may try another card"
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_late_payment_is_kept_if_the_stock_is_there_and_refunded_if_not(pool: PgPool) {
    let shop = open(pool).await;
    // Late, stock still there: paid, stock taken again.
    let cart = shop.buyer("TEE-S", 2, "ana@example.com").await;
    let (kept, session) = shop.order_and_session(&cart).await;
    shop.expire_all().await;
    assert_eq!(shop.stock("TEE-S").await, 10);
    shop.psp.pay(&session, SUCCESS).await.unwrap();
    let order = shop.wait_status(&kept, "paid").await;
    assert!(order["events"][2]["cause"]
        .as_str()
        .unwrap()
        .starts_with("paid after it had ended"));
    assert_eq!(shop.stock("TEE-S").await, 8);
    // Late, stock gone to another buyer: refunded in full, and the order says why.
    let cart = shop.buyer("TOTE", 5, "bo@example.com").await;
    let (refunded, session) = shop.order_and_session(&cart).await;
    shop.expire_all().await;
    let other = shop.buyer("TOTE", 5, "cy@example.com").await;
    assert_eq!(
        shop.place(&other, "takes-the-totes").await.0,
        StatusCode::CREATED
    );
    shop.psp.pay(&session, SUCCESS).await.unwrap();
    let order = shop.wait_status(&refunded, "refunded").await;
    assert_eq!(order["refunded"], order["totals"]["total"]);
    assert!(order["note"].as_str().unwrap().contains("refunded in full"));
    assert_eq!(
        shop.stock("TOTE").await,
        0,
        "never below zero, never oversold"
    );
    let refunds = shop
        .psp
        .events()
        .await
        .into_iter()
        .filter(|e| e.event_type == "charge.refunded")
        .count();
    assert_eq!(refunds, 1);
}
