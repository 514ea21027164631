//! The hosted page and the pay tool: success, declines, invalid numbers and the events they emit.

use axum::http::StatusCode;

use crate::support::{client, create_session, eventually, get_json, start_psp, Receiver};

fn card_form(number: &str) -> Vec<(&'static str, String)> {
    vec![
        ("card_number", number.to_owned()),
        ("exp", "12/99".to_owned()),
        ("cvc", "123".to_owned()),
        ("name", "Ada Lovelace".to_owned()),
    ]
}

#[tokio::test]
async fn hosted_page_shows_amount_items_and_form() {
    let psp = start_psp(None, |_| {}).await;
    let id = create_session(&psp).await;
    let html = client()
        .get(format!("{}/pay/{id}", psp.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("35.00 EUR"), "{html}");
    assert!(html.contains("Linen shirt") && html.contains("Socks &lt;3"));
    assert!(html.contains(r#"<form id="payment-form" method="post" action="/pay/"#));
    for field in ["card_number", "exp", "cvc", "name"] {
        assert!(
            html.contains(&format!(r#"name="{field}""#)),
            "missing {field}"
        );
    }
    assert!(html.contains(">Pay</button>"));
    assert!(html.contains(r#"class="return" href="http://shop.test/cart""#));
}

#[tokio::test]
async fn paying_redirects_and_sends_a_signed_completed_event() {
    let receiver = Receiver::start(0).await;
    let psp = start_psp(Some(receiver.url.clone()), |_| {}).await;
    let id = create_session(&psp).await;
    let page = format!("{}/pay/{id}", psp.url());
    let response = client()
        .post(&page)
        .form(&card_form("4242 4242 4242 4242"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        format!("http://shop.test/thanks?session={id}")
    );

    let delivery = eventually(|| receiver.of_type("checkout.session.completed").pop()).await;
    assert!(delivery.signature_valid);
    assert_eq!(delivery.content_type, "application/json; charset=utf-8");
    assert_eq!(
        delivery.user_agent,
        "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
    );
    assert_eq!(delivery.event["object"], "event");
    assert_eq!(delivery.event["api_version"], "2024-06-20");
    let session = &delivery.event["data"]["object"];
    assert_eq!(session["id"], id.as_str());
    assert_eq!(
        (
            session["status"].as_str(),
            session["payment_status"].as_str()
        ),
        (Some("complete"), Some("paid"))
    );
    assert!(session["payment_intent"]
        .as_str()
        .unwrap()
        .starts_with("pi_"));

    let (_, fetched) = get_json(&psp, &format!("/v1/checkout/sessions/{id}")).await;
    assert_eq!(fetched["status"], "complete");
    // A paid session shows its state and no form; paying again is refused.
    let html = client()
        .get(&page)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("This payment is complete.") && !html.contains("payment-form"));
    assert_eq!(
        psp.pay(&id, "4242424242424242").await,
        Err("This checkout session is complete.".into())
    );
}

#[tokio::test]
async fn declines_rerender_with_message_and_emit_payment_failed() {
    let receiver = Receiver::start(0).await;
    let psp = start_psp(Some(receiver.url.clone()), |_| {}).await;
    let id = create_session(&psp).await;
    let page = format!("{}/pay/{id}", psp.url());

    let response = client()
        .post(&page)
        .form(&card_form("4000 0000 0000 0002"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYMENT_REQUIRED);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(r#"<p class="error" role="alert">Your card was declined.</p>"#),
        "{html}"
    );
    assert!(html.contains(r#"class="return""#) && html.contains("payment-form"));

    let failed = eventually(|| receiver.of_type("payment_intent.payment_failed").pop()).await;
    assert!(failed.signature_valid);
    let intent = &failed.event["data"]["object"];
    assert_eq!(intent["object"], "payment_intent");
    assert_eq!(intent["status"], "requires_payment_method");
    assert_eq!(intent["amount"], 3500);
    assert_eq!(intent["metadata"]["order_id"], "42");
    assert_eq!(intent["last_payment_error"]["code"], "card_declined");
    assert_eq!(
        intent["last_payment_error"]["decline_code"],
        "generic_decline"
    );

    // The JSON pay tool answers the same way for insufficient funds.
    let tool = format!("{}/_psp/sessions/{id}/pay", psp.url());
    let response = client()
        .post(&tool)
        .form(&[("card_number", "4000000000009995")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYMENT_REQUIRED);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["decline_code"], "insufficient_funds");
    assert_eq!(
        body["error"]["message"],
        "Your card has insufficient funds."
    );
    eventually(|| (receiver.of_type("payment_intent.payment_failed").len() == 2).then_some(()))
        .await;

    let response = client()
        .post(&page)
        .form(&card_form("1234 5678"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Your card number is invalid."));

    let (_, session) = get_json(&psp, &format!("/v1/checkout/sessions/{id}")).await;
    assert_eq!(
        (
            session["status"].as_str(),
            session["payment_intent"].is_null()
        ),
        (Some("open"), true)
    );
    // A decline and a later success share one PaymentIntent, as with Stripe.
    psp.pay(&id, "4242424242424242").await.unwrap();
    let (_, paid) = get_json(&psp, &format!("/v1/checkout/sessions/{id}")).await;
    assert_eq!(paid["payment_intent"], intent["id"]);
}

#[tokio::test]
async fn page_checks_expiry_and_cvc() {
    let psp = start_psp(None, |_| {}).await;
    let id = create_session(&psp).await;
    let mut form = card_form("4242424242424242");
    form[1].1 = "13/30".into();
    let response = client()
        .post(format!("{}/pay/{id}", psp.url()))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("expiration date is invalid"));
    assert!(psp.events().await.is_empty());
}
