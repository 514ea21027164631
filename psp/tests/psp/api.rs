//! The `/v1` Checkout Session API: creation, validation, authentication and idempotency.

use axum::http::StatusCode;

use crate::support::{
    client, create_session, get_json, post_form, session_params, start_psp, SECRET_KEY,
};

#[tokio::test]
async fn creates_a_session_with_total_and_hosted_url() {
    let psp = start_psp(None, |_| {}).await;
    let (status, session) = post_form(&psp, "/v1/checkout/sessions", &session_params()).await;
    assert_eq!(status, StatusCode::OK);
    let id = session["id"].as_str().unwrap();
    assert!(id.starts_with("cs_test_"));
    assert_eq!(session["object"], "checkout.session");
    assert_eq!(session["amount_total"], 3500);
    assert_eq!(session["currency"], "eur");
    assert_eq!(session["url"], format!("{}/pay/{id}", psp.url()));
    assert_eq!(
        (
            session["status"].as_str(),
            session["payment_status"].as_str()
        ),
        (Some("open"), Some("unpaid"))
    );
    assert!(session["payment_intent"].is_null());
    assert_eq!(session["metadata"]["order_id"], "42");
    assert_eq!(session["client_reference_id"], "order-42");
    assert_eq!(session["livemode"], false);
    let lifetime = session["expires_at"].as_i64().unwrap() - session["created"].as_i64().unwrap();
    assert_eq!(lifetime, 24 * 60 * 60);

    let (status, fetched) = get_json(&psp, &format!("/v1/checkout/sessions/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, session);
}

#[tokio::test]
async fn invalid_parameters_name_the_param() {
    let psp = start_psp(None, |_| {}).await;
    let without_success: Vec<_> = session_params()
        .into_iter()
        .filter(|(k, _)| *k != "success_url")
        .collect();
    let (status, body) = post_form(&psp, "/v1/checkout/sessions", &without_success).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert_eq!(body["error"]["param"], "success_url");

    let mut negative = session_params();
    negative[8] = ("line_items[0][price_data][unit_amount]", "-5");
    let (status, body) = post_form(&psp, "/v1/checkout/sessions", &negative).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"]["param"],
        "line_items[0][price_data][unit_amount]"
    );

    let mut not_a_number = session_params();
    not_a_number[6] = ("line_items[0][quantity]", "two");
    let (_, body) = post_form(&psp, "/v1/checkout/sessions", &not_a_number).await;
    assert_eq!(body["error"]["code"], "parameter_invalid_integer");

    let (status, body) = get_json(&psp, "/v1/checkout/sessions/cs_test_nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "resource_missing");
}

#[tokio::test]
async fn refuses_wrong_or_missing_keys_without_echoing_them() {
    let psp = start_psp(None, |_| {}).await;
    let url = format!("{}/v1/checkout/sessions", psp.url());
    let wrong = "sk_test_wrongwrongwrong9876";
    let response = client()
        .post(&url)
        .bearer_auth(wrong)
        .form(&session_params())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = response.json().await.unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Invalid API Key provided: sk_test_"),
        "{message}"
    );
    assert!(
        message.ends_with("9876") && !message.contains(wrong),
        "{message}"
    );
    assert_eq!(body["error"]["type"], "invalid_request_error");

    let response = client()
        .get(format!("{url}/cs_test_x"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn idempotency_key_replays_and_refuses_other_bodies() {
    let psp = start_psp(None, |_| {}).await;
    let url = format!("{}/v1/checkout/sessions", psp.url());
    let send = |params: Vec<(&'static str, &'static str)>| {
        client()
            .post(&url)
            .bearer_auth(SECRET_KEY)
            .header("Idempotency-Key", "key-1")
            .form(&params)
            .send()
    };
    let first: serde_json::Value = send(session_params()).await.unwrap().json().await.unwrap();
    let again = send(session_params()).await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);

    let mut other = session_params();
    other[3] = ("client_reference_id", "order-43");
    let refused = send(other).await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["type"], "idempotency_error");

    // Without a key every POST creates a new session.
    assert_ne!(create_session(&psp).await, create_session(&psp).await);
}

#[tokio::test]
async fn expire_endpoint_only_expires_open_sessions() {
    let psp = start_psp(None, |_| {}).await;
    let id = create_session(&psp).await;
    let path = format!("/v1/checkout/sessions/{id}/expire");
    let (status, session) = post_form(&psp, &path, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(session["status"], "expired");
    let (status, body) = post_form(&psp, &path, &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["type"], "invalid_request_error");
}
