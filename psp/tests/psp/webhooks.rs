//! Delivery behaviour: retries after failures, the duplicate switch, no URL, and expiry events.

use axum::http::StatusCode;

use crate::support::{
    client, create_session, eventually, get_json, post_form, session_params, start_psp,
    wait_for_attempts, Receiver,
};

#[tokio::test]
async fn failed_deliveries_are_retried_until_accepted() {
    let receiver = Receiver::start(2).await;
    let psp = start_psp(Some(receiver.url.clone()), |_| {}).await;
    let id = create_session(&psp).await;
    psp.pay(&id, "4242424242424242").await.unwrap();

    let event = wait_for_attempts(&psp, "checkout.session.completed", 3).await;
    assert_eq!(event.attempts, vec![500, 500, 200]);
    let deliveries = receiver.deliveries();
    assert_eq!(deliveries.len(), 3);
    // Every attempt carries the same event, each one validly signed.
    assert!(deliveries
        .iter()
        .all(|d| d.signature_valid && d.event["id"] == event.id.as_str()));
}

#[tokio::test]
async fn unreachable_endpoint_records_connection_errors_and_gives_up() {
    // A port that was just free: connections are refused.
    let free = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", free.local_addr().unwrap());
    drop(free);
    let psp = start_psp(Some(url), |c| c.max_attempts = 3).await;
    let id = create_session(&psp).await;
    psp.expire_now(&id).await;
    let event = wait_for_attempts(&psp, "checkout.session.expired", 3).await;
    assert_eq!(event.attempts, vec![0, 0, 0]);
}

#[tokio::test]
async fn duplicate_switch_delivers_each_event_twice() {
    let receiver = Receiver::start(0).await;
    let psp = start_psp(Some(receiver.url.clone()), |c| {
        c.duplicate_deliveries = true
    })
    .await;
    let id = create_session(&psp).await;
    psp.pay(&id, "4242424242424242").await.unwrap();
    let copies = eventually(|| {
        let copies = receiver.of_type("checkout.session.completed");
        (copies.len() == 2).then_some(copies)
    })
    .await;
    assert_eq!(copies[0].event["id"], copies[1].event["id"]);
    assert!(copies.iter().all(|c| c.signature_valid));
    assert_eq!(psp.events().await.len(), 1);
}

#[tokio::test]
async fn sessions_past_expires_at_expire_with_an_event() {
    let receiver = Receiver::start(0).await;
    let psp = start_psp(Some(receiver.url.clone()), |_| {}).await;
    let mut params = session_params();
    params.push(("expires_at", "1000000000"));
    let (status, session) = post_form(&psp, "/v1/checkout/sessions", &params).await;
    assert_eq!(status, StatusCode::OK);
    let id = session["id"].as_str().unwrap().to_owned();

    // The ticker runs once a second.
    let expired = eventually(|| receiver.of_type("checkout.session.expired").pop()).await;
    assert_eq!(expired.event["data"]["object"]["id"], id.as_str());
    assert_eq!(expired.event["data"]["object"]["status"], "expired");
    let (_, fetched) = get_json(&psp, &format!("/v1/checkout/sessions/{id}")).await;
    assert_eq!(fetched["status"], "expired");
    let html = client()
        .get(format!("{}/pay/{id}", psp.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("This checkout session has expired.") && !html.contains("payment-form"));
}

#[tokio::test]
async fn expire_now_tool_and_event_log() {
    let psp = start_psp(None, |_| {}).await;
    let id = create_session(&psp).await;
    let response = client()
        .post(format!("{}/_psp/sessions/{id}/expire_now", psp.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        psp.pay(&id, "4242424242424242").await,
        Err("This checkout session is expired.".into())
    );

    // Without a webhook URL events are recorded but never attempted.
    let log: serde_json::Value = client()
        .get(format!("{}/_psp/events", psp.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let events = log.as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["type"], "checkout.session.expired");
    assert_eq!(events[0]["attempts"], serde_json::json!([]));
    let payload: serde_json::Value =
        serde_json::from_str(events[0]["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["data"]["object"]["id"], id.as_str());
}
