//! send-sms through the Twilio adapter to the local stand-in that speaks Twilio's Messages API: an
//! opted-in account gets one text when its order ships (and when its back-in-stock alert fires), a
//! repeated event sends nothing more, opted-out accounts and guests get none, and wrong credentials are
//! refused as Twilio refuses them (401, code 20003) without leaving a claim.

use crate::common::{import_only, serve};
use crate::notify_fixtures::{catalog, change, event, order, Change, LAMP};
use meridian_jobs::job::is_refusal;
use meridian_jobs::notify::sms_gateway::{self, Gateway, Recorded};
use meridian_jobs::notify::{send_sms, NotifyArgs, Settings, Texted};
use meridian_store::notifications;
use meridian_store::outbox::topic;
use serde_json::Value;
use sqlx::PgPool;
use std::path::{Path, PathBuf};

const SID: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "a-token-only-the-test-knows-0123456789";
const FROM: &str = "+15005550006";

/// The stand-in on a free port, recording to a fresh file.
async fn gateway() -> (String, PathBuf) {
    let record = std::env::temp_dir().join(format!("meridian-sms-{}.jsonl", uuid::Uuid::new_v4()));
    let gateway = Gateway {
        account_sid: SID.into(),
        auth_token: TOKEN.into(),
        record: record.clone(),
    };
    (serve(sms_gateway::router(gateway)).await, record)
}

fn settings(url: &str, token: &str) -> Settings {
    NotifyArgs {
        smtp_url: None,
        mail_from: "Meridian <orders@shop.example>".into(),
        store_url: Some("https://shop.example".into()),
        twilio_url: url.into(),
        twilio_account_sid: Some(SID.into()),
        twilio_auth_token: Some(token.into()),
        sms_from: Some(FROM.into()),
    }
    .settings(None, meridian_jobs::http_client())
    .unwrap()
}

fn texts(record: &Path) -> Vec<Recorded> {
    sms_gateway::recorded(record).unwrap()
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn an_opted_in_account_gets_one_text_when_its_order_ships(pool: PgPool) {
    let (url, record) = gateway().await;
    let (ctx, settings) = (import_only(&pool), settings(&url, TOKEN));
    let account = catalog(&pool).await;
    notifications::set_sms(&pool, account, Some("+447700900123"), true)
        .await
        .unwrap();
    let number = order(&pool, Some(account)).await;
    change(&pool, &number, Change::Pay).await;
    change(&pool, &number, Change::Ship("1Z999AA10123456784")).await;
    let shipped = event(&pool, topic::ORDER_FULFILLED).await;

    let Texted::Now(sid) = send_sms(&ctx, &settings, &shipped).await.unwrap() else {
        panic!("not sent")
    };
    assert!(sid.starts_with("SM") && sid.len() == 34, "{sid}");
    assert_eq!(
        send_sms(&ctx, &settings, &shipped).await.unwrap(),
        Texted::Before
    );
    let sent = texts(&record);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        (sent[0].to.as_str(), sent[0].from.as_str()),
        ("+447700900123", FROM)
    );
    assert_eq!(sent[0].sid, sid);
    let token: String = sqlx::query_scalar("SELECT token FROM orders")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        sent[0].body,
        format!("Meridian: order {number} has shipped. Tracking 1Z999AA10123456784. https://shop.example/orders/{token}")
    );
    let kept: String =
        sqlx::query_scalar("SELECT provider_id FROM notifications_sent WHERE channel = 'sms'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(kept, sid);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn opted_out_accounts_and_guests_get_no_text(pool: PgPool) {
    let (url, record) = gateway().await;
    let (ctx, settings) = (import_only(&pool), settings(&url, TOKEN));
    let account = catalog(&pool).await;
    // A number, but no consent.
    notifications::set_sms(&pool, account, Some("+447700900123"), false)
        .await
        .unwrap();
    for owner in [Some(account), None] {
        let number = order(&pool, owner).await;
        change(&pool, &number, Change::Pay).await;
        change(&pool, &number, Change::Ship("TRACK")).await;
    }
    let shipped: Vec<_> = crate::notify_fixtures::events(&pool, topic::ORDER_FULFILLED).await;
    assert_eq!(shipped.len(), 2);
    for e in &shipped {
        assert_eq!(
            send_sms(&ctx, &settings, e).await.unwrap(),
            Texted::NotOptedIn
        );
    }
    assert!(texts(&record).is_empty());
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn back_in_stock_texts_the_opted_in_account_not_the_guest(pool: PgPool) {
    let (url, record) = gateway().await;
    let (ctx, settings) = (import_only(&pool), settings(&url, TOKEN));
    let account = catalog(&pool).await;
    notifications::set_sms(&pool, account, Some("+14155550123"), true)
        .await
        .unwrap();
    let subscribe = |email: &'static str, who| {
        let pool = pool.clone();
        async move {
            meridian_store::stock_alerts::subscribe(&pool, "LAMP-CU", email, email, who)
                .await
                .unwrap();
        }
    };
    subscribe("zoe@example.com", Some(account)).await;
    subscribe("guest@example.com", None).await;
    sqlx::query("UPDATE variants SET available = 3 WHERE sku = 'LAMP-CU'")
        .execute(&pool)
        .await
        .unwrap();
    let back = crate::notify_fixtures::events(&pool, "stock.back_in_stock").await;
    assert_eq!(back.len(), 2);
    let outcomes: Vec<_> = [
        send_sms(&ctx, &settings, &back[0]).await,
        send_sms(&ctx, &settings, &back[1]).await,
    ]
    .into_iter()
    .map(Result::unwrap)
    .collect();
    assert!(matches!(outcomes[0], Texted::Now(_)), "{outcomes:?}");
    assert_eq!(outcomes[1], Texted::NotOptedIn);
    let sent = texts(&record);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "+14155550123");
    assert_eq!(
        sent[0].body,
        format!("Meridian: {LAMP} (Copper) is back in stock. https://shop.example/p/lamp")
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn wrong_credentials_are_refused_as_twilio_refuses_them(pool: PgPool) {
    let (url, record) = gateway().await;
    let ctx = import_only(&pool);
    let account = catalog(&pool).await;
    notifications::set_sms(&pool, account, Some("+447700900123"), true)
        .await
        .unwrap();
    let number = order(&pool, Some(account)).await;
    change(&pool, &number, Change::Pay).await;
    change(&pool, &number, Change::Ship("TRACK")).await;
    let shipped = event(&pool, topic::ORDER_FULFILLED).await;
    let refused = send_sms(&ctx, &settings(&url, "not-the-token"), &shipped)
        .await
        .unwrap_err();
    assert!(is_refusal(&refused), "{refused:#}");
    assert!(format!("{refused:#}").contains("code 20003"), "{refused:#}");
    assert!(!format!("{refused:#}").contains("not-the-token"));
    let claims: i64 = sqlx::query_scalar("SELECT count(*) FROM notifications_sent")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(claims, 0);
    assert!(texts(&record).is_empty());
    // Once configured right, it is sent.
    assert!(matches!(
        send_sms(&ctx, &settings(&url, TOKEN), &shipped)
            .await
            .unwrap(),
        Texted::Now(_)
    ));
}

#[tokio::test]
async fn the_stand_in_answers_with_twilios_codes() {
    let (url, record) = gateway().await;
    let messages = format!("{url}/2010-04-01/Accounts/{SID}/Messages.json");
    let http = reqwest::Client::new();
    let post = |form: Vec<(&'static str, &'static str)>, token: &'static str| {
        http.post(&messages)
            .basic_auth(SID, Some(token))
            .form(&form)
            .send()
    };
    let answer = |r: reqwest::Response| async move {
        (r.status().as_u16(), r.json::<Value>().await.unwrap())
    };
    let (status, body) = answer(
        post(
            vec![("To", "+14155550123"), ("From", FROM), ("Body", "hi")],
            "wrong",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((status, body["code"].as_u64()), (401, Some(20003)));
    let (status, body) = answer(
        post(vec![("From", FROM), ("Body", "hi")], TOKEN)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body["code"].as_u64()), (400, Some(21604)));
    let (status, body) = answer(
        post(
            vec![("To", "0207946"), ("From", FROM), ("Body", "hi")],
            TOKEN,
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((status, body["code"].as_u64()), (400, Some(21211)));
    let long: &'static str = Box::leak("x".repeat(1601).into_boxed_str());
    let (status, body) = answer(
        post(
            vec![("To", "+14155550123"), ("From", FROM), ("Body", long)],
            TOKEN,
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((status, body["code"].as_u64()), (400, Some(21617)));
    let (status, body) = answer(
        post(
            vec![
                ("To", "+14155550123"),
                ("From", FROM),
                ("Body", "Ünïcode ✓ 山田"),
            ],
            TOKEN,
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(body["status"], "queued");
    assert_eq!(body["body"], "Ünïcode ✓ 山田");
    assert_eq!(
        texts(&record).len(),
        1,
        "only the accepted message is recorded"
    );
}
