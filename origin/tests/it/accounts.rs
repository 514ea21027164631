//! Accounts through the API as the edge calls it: sign-up rules, argon2id at rest, sign-in that answers
//! an unknown email and a wrong password alike, sessions that end on sign-out and password change.

use crate::common::{call, send, state, EDGE_SECRET};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use meridian_domain::api::{ORIGIN_AUTH_HEADER, SESSION_HEADER};
use meridian_origin::accounts::tokens::SessionKeys;
use meridian_origin::router;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::time::{Duration, Instant};

pub(crate) const PASSWORD: &str = "correct horse battery staple";

fn app(pool: PgPool) -> axum::Router {
    let keys = SessionKeys::from_seed_hex(&SessionKeys::new_seed_hex()).unwrap();
    router(state(pool).with_sessions(keys))
}

pub(crate) async fn with_session(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(ORIGIN_AUTH_HEADER, EDGE_SECRET)
        .header(SESSION_HEADER, token)
        .header("content-type", "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    send(app, req).await
}

pub(crate) async fn sign_up(app: &axum::Router, email: &str) -> Value {
    let (status, grant) = call(
        app,
        "POST",
        "/api/accounts",
        Some(json!({"email": email, "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{grant}");
    grant
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn sign_up_checks_the_form_and_stores_only_an_argon2id_hash(pool: PgPool) {
    let app = app(pool.clone());
    let (status, refusal) = call(
        &app,
        "POST",
        "/api/accounts",
        Some(json!({"email": "not an email", "password": "short"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = refusal["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "password"], "{refusal}");

    let grant = sign_up(&app, "  Zoë.Ünïcode@Example.COM ").await;
    assert_eq!(grant["account"]["email"], "Zoë.Ünïcode@example.com");
    assert!(grant["token"].as_str().unwrap().starts_with("v4.public."));
    let (hash, email_key): (String, String) =
        sqlx::query_as("SELECT password_hash, email_key FROM accounts")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(!hash.contains(PASSWORD));
    assert_eq!(email_key, "zoë.ünïcode@example.com");

    // The same address in other case is the same account.
    let (status, taken) = call(
        &app,
        "POST",
        "/api/accounts",
        Some(json!({"email": "zoë.ünïcode@EXAMPLE.com", "password": "another long password"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{taken}");
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(accounts, 1);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn sign_in_answers_an_unknown_email_and_a_wrong_password_alike(pool: PgPool) {
    let app = app(pool);
    sign_up(&app, "ada@example.com").await;
    let (ok, grant) = call(
        &app,
        "POST",
        "/api/sessions",
        Some(json!({"email": "ADA@example.com", "password": PASSWORD})),
    )
    .await;
    assert_eq!(ok, StatusCode::OK, "{grant}");
    assert_eq!(grant["account"]["email"], "ada@example.com");

    let attempt = |email: &'static str, password: &'static str| {
        let app = app.clone();
        async move {
            let started = Instant::now();
            let answer = call(
                &app,
                "POST",
                "/api/sessions",
                Some(json!({"email": email, "password": password})),
            )
            .await;
            (answer, started.elapsed())
        }
    };
    let ((wrong_status, wrong), wrong_time) =
        attempt("ada@example.com", "not the password at all").await;
    let ((unknown_status, unknown), unknown_time) =
        attempt("nobody@example.com", "not the password at all").await;
    assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        (unknown_status, &unknown),
        (wrong_status, &wrong),
        "the same answer"
    );
    assert_eq!(wrong["message"], "The email or password is not right.");
    // Both checked a real argon2id hash: neither answers in a fraction of the other's time.
    let (fast, slow) = if wrong_time < unknown_time {
        (wrong_time, unknown_time)
    } else {
        (unknown_time, wrong_time)
    };
    assert!(
        fast * 3 > slow,
        "wrong password {wrong_time:?}, unknown email {unknown_time:?}"
    );
    assert!(
        fast > Duration::from_millis(5),
        "a hash was checked: {fast:?}"
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_session_ends_at_sign_out_and_a_forged_token_is_refused(pool: PgPool) {
    let app = app(pool);
    let grant = sign_up(&app, "grace@example.com").await;
    let token = grant["token"].as_str().unwrap();
    let (status, me) = with_session(&app, "GET", "/api/account", token, None).await;
    assert_eq!(
        (status, me["email"].as_str()),
        (StatusCode::OK, Some("grace@example.com"))
    );

    // Another deployment's key, a tampered token, and no token at all.
    let stranger = SessionKeys::from_seed_hex(&SessionKeys::new_seed_hex()).unwrap();
    let claims = meridian_domain::account::SessionClaims {
        account: grant["account"]["id"].as_str().unwrap().parse().unwrap(),
        session: uuid::Uuid::new_v4(),
    };
    let (forged, _) = stranger.sign(&claims, Duration::from_secs(600)).unwrap();
    let mut tampered = token.to_owned();
    tampered.insert(20, 'x');
    for bad in [forged.as_str(), tampered.as_str(), ""] {
        let (status, body) = with_session(&app, "GET", "/api/account", bad, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{bad}: {body}");
    }

    // A refresh gets a working token; after sign-out neither the token nor the refresh works.
    let (status, renewed) = call(
        &app,
        "POST",
        "/api/sessions/refresh",
        Some(json!({"refresh": grant["refresh"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    let renewed_token = renewed["token"].as_str().unwrap();
    assert_eq!(
        with_session(&app, "GET", "/api/account", renewed_token, None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        with_session(&app, "DELETE", "/api/sessions/current", token, None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    for t in [token, renewed_token] {
        assert_eq!(
            with_session(&app, "GET", "/api/account", t, None).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let (status, _) = call(
        &app,
        "POST",
        "/api/sessions/refresh",
        Some(json!({"refresh": grant["refresh"]})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_password_change_signs_out_every_other_device(pool: PgPool) {
    let app = app(pool);
    let first = sign_up(&app, "lin@example.com").await;
    let (_, second) = call(
        &app,
        "POST",
        "/api/sessions",
        Some(json!({"email": "lin@example.com", "password": PASSWORD})),
    )
    .await;
    let token = first["token"].as_str().unwrap();

    let wrong = json!({"current": "not my password!!", "new": "a brand new passphrase"});
    let (status, refusal) =
        with_session(&app, "PUT", "/api/account/password", token, Some(wrong)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refusal}");
    assert_eq!(refusal["fields"][0]["field"], "current");

    let change = json!({"current": PASSWORD, "new": "a brand new passphrase"});
    let (status, fresh) =
        with_session(&app, "PUT", "/api/account/password", token, Some(change)).await;
    assert_eq!(status, StatusCode::OK, "{fresh}");
    for old in [token, second["token"].as_str().unwrap()] {
        assert_eq!(
            with_session(&app, "GET", "/api/account", old, None).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        with_session(
            &app,
            "GET",
            "/api/account",
            fresh["token"].as_str().unwrap(),
            None
        )
        .await
        .0,
        StatusCode::OK
    );
    let old_password = json!({"email": "lin@example.com", "password": PASSWORD});
    assert_eq!(
        call(&app, "POST", "/api/sessions", Some(old_password))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let new_password = json!({"email": "lin@example.com", "password": "a brand new passphrase"});
    assert_eq!(
        call(&app, "POST", "/api/sessions", Some(new_password))
            .await
            .0,
        StatusCode::OK
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn without_a_signing_key_accounts_are_off(pool: PgPool) {
    let app = router(state(pool));
    let (status, body) = call(
        &app,
        "POST",
        "/api/sessions",
        Some(json!({"email": "a@b.example", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn the_attempt_after_the_limit_waits(pool: PgPool) {
    // Three a minute: one attempt comes back every 20 s, far longer than three hashes take even in a
    // debug build on a busy machine (at 10 a minute, ten ~0.7 s hashes outlast the 6 s refill).
    let keys = SessionKeys::from_seed_hex(&SessionKeys::new_seed_hex()).unwrap();
    let app = router(state(pool).with_sessions(keys).with_attempts_per_minute(3));
    sign_up(&app, "mallory.target@example.com").await;
    let guess = json!({"email": "Mallory.Target@example.com", "password": "guess number one!"});
    for n in 1..=3 {
        let (status, _) = call(&app, "POST", "/api/sessions", Some(guess.clone())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess {n}");
    }
    let req = Request::post("/api/sessions")
        .header(ORIGIN_AUTH_HEADER, EDGE_SECRET)
        .header("content-type", "application/json")
        .body(Body::from(guess.to_string()))
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=21).contains(&wait), "Retry-After: {wait}");
    // Even the right password waits now: the limit is on attempts, not on failures.
    let right = json!({"email": "mallory.target@example.com", "password": PASSWORD});
    let (status, body) = call(&app, "POST", "/api/sessions", Some(right)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("Too many attempts"));
    // Another shopper signs in as usual.
    sign_up(&app, "someone.else@example.com").await;
    let other = json!({"email": "someone.else@example.com", "password": PASSWORD});
    assert_eq!(
        call(&app, "POST", "/api/sessions", Some(other)).await.0,
        StatusCode::OK
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_deleted_account_leaves_no_personal_data_and_no_session(pool: PgPool) {
    let app = app(pool.clone());
    let grant = sign_up(&app, "erase.me@example.com").await;
    let token = grant["token"].as_str().unwrap();
    let wrong = json!({"password": "not my password!!"});
    assert_eq!(
        with_session(&app, "DELETE", "/api/account", token, Some(wrong))
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let right = json!({"password": PASSWORD});
    assert_eq!(
        with_session(&app, "DELETE", "/api/account", token, Some(right))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let left: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM account_sessions)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(left, 0, "no account row and no session remain");
    assert_eq!(
        with_session(&app, "GET", "/api/account", token, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = call(
        &app,
        "POST",
        "/api/sessions",
        Some(json!({"email": "erase.me@example.com", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The address is free for a new account.
    sign_up(&app, "erase.me@example.com").await;
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn addresses_are_checked_and_only_their_owner_sees_them(pool: PgPool) {
    let app = app(pool);
    let ada = sign_up(&app, "ada.addresses@example.com").await;
    let eve = sign_up(&app, "eve.addresses@example.com").await;
    let (ada, eve) = (
        ada["token"].as_str().unwrap(),
        eve["token"].as_str().unwrap(),
    );
    let home = json!({"name": "  Zoë   O'Brien-Łukasz ", "line1": "1 Main St", "city": "Springfield",
                      "region": "il", "postcode": "62704", "country": "us"});

    let (status, refusal) = with_session(
        &app,
        "POST",
        "/api/account/addresses",
        ada,
        Some(json!({"name": "Ada", "country": "US", "postcode": "1"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refusal}");
    assert!(
        refusal["fields"].as_array().unwrap().len() >= 3,
        "every problem at once: {refusal}"
    );

    let (status, saved) =
        with_session(&app, "POST", "/api/account/addresses", ada, Some(home)).await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    assert_eq!(
        saved["address"]["name"], "Zoë O'Brien-Łukasz",
        "normalised as checkout does"
    );
    assert_eq!(saved["address"]["region"], "IL");
    let path = format!("/api/account/addresses/{}", saved["id"].as_str().unwrap());

    // Another account: the list is empty and the id is a 404 for every verb (IDOR).
    let (_, theirs) = with_session(&app, "GET", "/api/account/addresses", eve, None).await;
    assert_eq!(theirs, json!([]));
    let other = json!({"name": "Eve", "line1": "2 Side St", "city": "Austin", "region": "TX", "postcode": "73301", "country": "US"});
    assert_eq!(
        with_session(&app, "PUT", &path, eve, Some(other.clone()))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        with_session(&app, "DELETE", &path, eve, None).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, mine) = with_session(&app, "GET", "/api/account/addresses", ada, None).await;
    assert_eq!(
        mine[0]["address"]["city"], "Springfield",
        "untouched by the other account"
    );
    // Signed out: 401.
    assert_eq!(
        call(&app, "GET", "/api/account/addresses", None).await.0,
        StatusCode::UNAUTHORIZED
    );

    // The owner replaces and deletes it.
    let (status, replaced) = with_session(&app, "PUT", &path, ada, Some(other)).await;
    assert_eq!(
        (status, replaced["address"]["city"].as_str()),
        (StatusCode::OK, Some("Austin"))
    );
    assert_eq!(
        with_session(&app, "DELETE", &path, ada, None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        with_session(&app, "DELETE", &path, ada, None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_wishlist_is_its_owners_alone(pool: PgPool) {
    // The seeded catalog (its router is not needed: this one signs sessions).
    let _ = crate::common::seeded(pool.clone()).await;
    let app = app(pool);
    let ada = sign_up(&app, "ada.wishes@example.com").await;
    let eve = sign_up(&app, "eve.wishes@example.com").await;
    let (ada, eve) = (
        ada["token"].as_str().unwrap(),
        eve["token"].as_str().unwrap(),
    );
    let wishlist = "/api/account/wishlist";

    for slug in ["crew-tee", "pocket-tee", "crew-tee"] {
        let (status, list) =
            with_session(&app, "POST", wishlist, ada, Some(json!({"slug": slug}))).await;
        assert_eq!(status, StatusCode::OK, "{list}");
    }
    let (_, list) = with_session(&app, "GET", wishlist, ada, None).await;
    let slugs: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs.len(), 2, "saved twice, kept once: {list}");
    let pocket = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "pocket-tee")
        .unwrap();
    assert_eq!(pocket["in_stock"], false, "its only variant has no stock");
    let (status, _) = with_session(
        &app,
        "POST",
        wishlist,
        ada,
        Some(json!({"slug": "no-such-thing"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Eve sees her own (empty) list and cannot remove Ada's items.
    assert_eq!(
        with_session(&app, "GET", wishlist, eve, None).await.1,
        json!([])
    );
    assert_eq!(
        with_session(&app, "DELETE", "/api/account/wishlist/crew-tee", eve, None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        with_session(&app, "GET", wishlist, ada, None)
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        2
    );

    assert_eq!(
        with_session(&app, "DELETE", "/api/account/wishlist/crew-tee", ada, None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let (_, list) = with_session(&app, "GET", wishlist, ada, None).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        call(&app, "GET", wishlist, None).await.0,
        StatusCode::UNAUTHORIZED
    );
}

/// The reset links queued in the outbox for `to`.
async fn reset_links(pool: &PgPool, to: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT payload->>'link' FROM outbox WHERE topic = 'account.password_reset' AND payload->>'to' = $1 ORDER BY id")
        .bind(to)
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_reset_link_works_once_and_not_after_an_hour(pool: PgPool) {
    let app = app(pool.clone());
    let grant = sign_up(&app, "forgetful@example.com").await;
    let ask = |email: &str| json!({"email": email});

    // An unknown address gets the same answer and no email.
    let (unknown_status, unknown) = call(
        &app,
        "POST",
        "/api/account/password-reset",
        Some(ask("nobody@example.com")),
    )
    .await;
    let (status, answer) = call(
        &app,
        "POST",
        "/api/account/password-reset",
        Some(ask("Forgetful@Example.com")),
    )
    .await;
    assert_eq!((unknown_status, &unknown), (status, &answer));
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(reset_links(&pool, "nobody@example.com").await.is_empty());
    let links = reset_links(&pool, "forgetful@example.com").await;
    assert_eq!(links.len(), 1);
    let token = links[0].split("token=").nth(1).unwrap().to_owned();
    assert!(
        links[0].starts_with("http://127.0.0.1:8787/account/reset?token="),
        "{}",
        links[0]
    );
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM password_resets")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(
        stored
            .iter()
            .all(|h| h.len() == 32 && h != token.as_bytes()),
        "only a digest is kept"
    );

    let confirm = |new: &str| json!({"token": token, "new": new});
    let (status, refusal) = call(
        &app,
        "POST",
        "/api/account/password-reset/confirm",
        Some(confirm("short")),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refusal}");
    let (status, body) = call(
        &app,
        "POST",
        "/api/account/password-reset/confirm",
        Some(confirm("remembered at last")),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NO_CONTENT,
        "a refused try does not spend the link: {body}"
    );
    let (status, body) = call(
        &app,
        "POST",
        "/api/account/password-reset/confirm",
        Some(confirm("and once more please")),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "single use: {body}");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("no longer valid"));

    // The old session ended; only the new password signs in.
    assert_eq!(
        with_session(
            &app,
            "GET",
            "/api/account",
            grant["token"].as_str().unwrap(),
            None
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );
    let old = json!({"email": "forgetful@example.com", "password": PASSWORD});
    assert_eq!(
        call(&app, "POST", "/api/sessions", Some(old)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let new = json!({"email": "forgetful@example.com", "password": "remembered at last"});
    assert_eq!(
        call(&app, "POST", "/api/sessions", Some(new)).await.0,
        StatusCode::OK
    );

    // A link older than an hour does nothing.
    call(
        &app,
        "POST",
        "/api/account/password-reset",
        Some(ask("forgetful@example.com")),
    )
    .await;
    let late = reset_links(&pool, "forgetful@example.com")
        .await
        .pop()
        .unwrap();
    sqlx::query(
        "UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL",
    )
    .execute(&pool)
    .await
    .unwrap();
    let token = late.split("token=").nth(1).unwrap();
    let (status, _) = call(
        &app,
        "POST",
        "/api/account/password-reset/confirm",
        Some(json!({"token": token, "new": "too late for this one"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
