//! SMS consent through `GET`/`PUT /api/account/sms`: numbers stored in E.164 whatever separators the
//! shopper typed, non-E.164 numbers refused naming the field, consent refused without a number, clearing
//! the number ending the consent, and only the signed-in account changed.

use crate::accounts::{sign_up, with_session};
use crate::common::{call, state};
use axum::http::StatusCode;
use meridian_domain::sms::{PHONE_INVALID, PHONE_NEEDED};
use meridian_origin::accounts::tokens::SessionKeys;
use meridian_origin::router;
use serde_json::{json, Value};
use sqlx::PgPool;

const SMS: &str = "/api/account/sms";

fn app(pool: PgPool) -> axum::Router {
    let keys = SessionKeys::from_seed_hex(&SessionKeys::new_seed_hex()).unwrap();
    router(state(pool).with_sessions(keys))
}

async fn put(app: &axum::Router, token: &str, body: Value) -> (StatusCode, Value) {
    with_session(app, "PUT", SMS, token, Some(body)).await
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_shopper_opts_in_with_an_e164_number_and_out_again(pool: PgPool) {
    let app = app(pool.clone());
    let grant = sign_up(&app, "zoë@example.com").await;
    let token = grant["token"].as_str().unwrap();
    let other = sign_up(&app, "other@example.com").await;
    let other_token = other["token"].as_str().unwrap();

    let (status, fresh) = with_session(&app, "GET", SMS, token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        fresh,
        json!({"phone": null, "opt_in": false}),
        "nobody is opted in by default"
    );

    let (status, saved) = put(
        &app,
        token,
        json!({"phone": " +44 (20) 7946-0958 ", "opt_in": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved, json!({"phone": "+442079460958", "opt_in": true}));
    let (_, shown) = with_session(&app, "GET", SMS, token, None).await;
    assert_eq!(shown, saved);
    let (_, untouched) = with_session(&app, "GET", SMS, other_token, None).await;
    assert_eq!(
        untouched,
        json!({"phone": null, "opt_in": false}),
        "only the signed-in account changes"
    );

    // Keeping the number but withdrawing consent.
    let (status, paused) = put(
        &app,
        token,
        json!({"phone": "+442079460958", "opt_in": false}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(paused, json!({"phone": "+442079460958", "opt_in": false}));

    // Forgetting the number: consent goes with it.
    put(
        &app,
        token,
        json!({"phone": "+442079460958", "opt_in": true}),
    )
    .await;
    let (status, cleared) = put(&app, token, json!({"phone": null, "opt_in": false})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cleared, json!({"phone": null, "opt_in": false}));
    let stored: (Option<String>, bool) =
        sqlx::query_as("SELECT phone, sms_opt_in FROM accounts WHERE email = 'zoë@example.com'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stored, (None, false));
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn numbers_that_are_not_e164_and_consent_without_a_number_are_refused(pool: PgPool) {
    let app = app(pool.clone());
    let grant = sign_up(&app, "ada@example.com").await;
    let token = grant["token"].as_str().unwrap();
    put(
        &app,
        token,
        json!({"phone": "+14155550123", "opt_in": true}),
    )
    .await;

    let huge = format!("+1{}", "5".repeat(10_000));
    for bad in [
        "020 7946 0958",
        "+0123456789",
        "+12",
        "+1 415 555 O123",
        "+١٤١٥٥٥٥٠١٢٣",
        &huge,
    ] {
        let (status, refusal) = put(&app, token, json!({"phone": bad, "opt_in": true})).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad:?}: {refusal}"
        );
        assert_eq!(refusal["fields"][0]["field"], "phone");
        assert_eq!(refusal["fields"][0]["message"], PHONE_INVALID);
    }
    for empty in [json!(null), json!(""), json!("   ")] {
        let (status, refusal) = put(&app, token, json!({"phone": empty, "opt_in": true})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refusal}");
        assert_eq!(refusal["fields"][0]["message"], PHONE_NEEDED);
    }
    let (_, kept) = with_session(&app, "GET", SMS, token, None).await;
    assert_eq!(
        kept,
        json!({"phone": "+14155550123", "opt_in": true}),
        "a refused change changes nothing"
    );

    // Without a session: the same 401 as every account route.
    let (status, _) = call(
        &app,
        "PUT",
        SMS,
        Some(json!({"phone": "+14155550123", "opt_in": true})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
