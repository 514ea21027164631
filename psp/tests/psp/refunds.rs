//! `POST /v1/refunds`: partial, default-remaining, too large, already refunded, and `charge.refunded`.

use axum::http::StatusCode;

use crate::support::{create_session, get_json, post_form, start_psp};

#[tokio::test]
async fn partial_refunds_up_to_the_paid_amount() {
    let psp = start_psp(None, |_| {}).await;
    let id = create_session(&psp).await;
    psp.pay(&id, "4242424242424242").await.unwrap();
    let (_, session) = get_json(&psp, &format!("/v1/checkout/sessions/{id}")).await;
    let intent = session["payment_intent"].as_str().unwrap().to_owned();

    let (status, refund) = post_form(
        &psp,
        "/v1/refunds",
        &[
            ("payment_intent", intent.as_str()),
            ("amount", "1000"),
            ("reason", "requested_by_customer"),
            ("metadata[rma]", "7"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{refund}");
    assert!(refund["id"].as_str().unwrap().starts_with("re_"));
    assert_eq!(refund["object"], "refund");
    assert_eq!(
        (refund["amount"].as_i64(), refund["status"].as_str()),
        (Some(1000), Some("succeeded"))
    );
    assert_eq!(
        (
            refund["currency"].as_str(),
            refund["payment_intent"].as_str()
        ),
        (Some("eur"), Some(intent.as_str()))
    );
    assert_eq!(refund["metadata"]["rma"], "7");

    let (status, body) = post_form(
        &psp,
        "/v1/refunds",
        &[("payment_intent", intent.as_str()), ("amount", "3000")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        (
            body["error"]["code"].as_str(),
            body["error"]["param"].as_str()
        ),
        (Some("amount_too_large"), Some("amount"))
    );

    // Without an amount, what is left (25.00) is refunded; after that nothing is.
    let (_, rest) = post_form(&psp, "/v1/refunds", &[("payment_intent", intent.as_str())]).await;
    assert_eq!(rest["amount"], 2500);
    let (status, body) =
        post_form(&psp, "/v1/refunds", &[("payment_intent", intent.as_str())]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "charge_already_refunded");

    let events = psp.events().await;
    let refunded: Vec<serde_json::Value> = events
        .iter()
        .filter(|e| e.event_type == "charge.refunded")
        .map(|e| serde_json::from_str(&e.payload).unwrap())
        .collect();
    assert_eq!(refunded.len(), 2);
    let charge = &refunded[1]["data"]["object"];
    assert_eq!(
        (
            charge["amount_refunded"].as_i64(),
            charge["refunded"].as_bool()
        ),
        (Some(3500), Some(true))
    );
    assert_eq!(charge["payment_intent"], intent.as_str());
}

#[tokio::test]
async fn refunding_an_unknown_intent_is_404() {
    let psp = start_psp(None, |_| {}).await;
    let (status, body) = post_form(&psp, "/v1/refunds", &[("payment_intent", "pi_missing")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["param"], "payment_intent");
}
