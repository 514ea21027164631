//! send-email against a real SMTP server (aiosmtpd) and real Postgres: each kind of email arrives once
//! with a plain-text and an HTML part, the order's real lines and amounts, unicode intact and markup in
//! names and titles escaped; a repeated event sends nothing more; a send that fails while the server is
//! down leaves the job to retry and sends once the server is back; one-time links leave the outbox once
//! sent; without SMTP_URL the job refuses rather than pretending.

use crate::common::import_only;
use crate::mailbox::{Received, SmtpServer};
use crate::notify_fixtures::{
    catalog, change, event, events, links, order, settings, Change, BUYER, LAMP,
};
use meridian_jobs::job::is_refusal;
use meridian_jobs::notify::{send_email, Sent};
use meridian_store::outbox::topic;
use sqlx::PgPool;

const LAMP_HTML: &str = "Lámpara &lt;script&gt;alert(&#x27;x&#x27;)&lt;&#x2f;script&gt; «Ω»";
const BUYER_HTML: &str = "Zoë &lt;b&gt;Ünïcode&lt;&#x2f;b&gt; 山田";

fn only(server: &SmtpServer) -> Received {
    let mut all = server.received();
    assert_eq!(all.len(), 1, "exactly one email: {all:#?}");
    all.remove(0)
}

/// Both parts there, the sender and the Message-ID made from the event.
fn well_formed(mail: &Received, event: i64) {
    assert_eq!(mail.content_type, "multipart/alternative");
    assert_eq!(mail.from, "orders@shop.example");
    assert_eq!(mail.message_id, format!("event-{event}@shop.example"));
    assert!(mail.html.starts_with("<!doctype html>"), "{}", mail.html);
    assert!(
        !mail.text.contains("<p>") && !mail.text.contains("<table"),
        "plain text, not markup: {}",
        mail.text
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn order_emails_carry_the_real_lines_and_amounts_once_each(pool: PgPool) {
    let server = SmtpServer::start().await;
    let (ctx, settings) = (import_only(&pool), settings(Some(server.url())));
    let account = catalog(&pool).await;
    let number = order(&pool, Some(account)).await;

    // Confirmation, at payment.
    change(&pool, &number, Change::Pay).await;
    let paid = event(&pool, topic::ORDER_PAID).await;
    assert!(matches!(
        send_email(&ctx, &settings, &paid).await.unwrap(),
        Sent::Now(_)
    ));
    let mail = only(&server);
    well_formed(&mail, paid.id);
    assert_eq!(mail.to, "zoe@example.com");
    assert_eq!(mail.subject, format!("Order {number} confirmed: $3,834.50"));
    for part in [&mail.text, &mail.html] {
        for amount in [
            "$3,790.00",
            "$1,895.00",
            "$42.50",
            "$3,832.50",
            "$10.00",
            "$12.00",
            "$3,834.50",
        ] {
            assert!(part.contains(amount), "{amount} missing from {part}");
        }
    }
    assert!(
        mail.text.contains(&format!("Hello {BUYER},")),
        "{}",
        mail.text
    );
    assert!(
        mail.text.contains(&format!(
            "2 × {LAMP} (Brass & Glass) at $1,895.00: $3,790.00"
        )),
        "{}",
        mail.text
    );
    let shipping_to = format!(
        "  Total: $3,834.50\n\nShipping to:\n  {BUYER}\n  1 Rue de l'Église\n  42000 Saint-Étienne\n  FR\n"
    );
    assert!(mail.text.contains(&shipping_to), "{}", mail.text);
    assert!(mail.html.contains(BUYER_HTML), "{}", mail.html);
    assert!(mail.html.contains(LAMP_HTML), "{}", mail.html);
    assert!(mail.html.contains("Brass &amp; Glass"));
    assert!(
        !mail.html.contains("<script>") && !mail.html.contains("<b>Ü"),
        "{}",
        mail.html
    );
    let token: String = sqlx::query_scalar("SELECT token FROM orders")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        mail.text
            .contains(&format!("https://shop.example/orders/{token}")),
        "{}",
        mail.text
    );

    // The same event again (a redelivery, a retry after a lost acknowledgement): nothing more is sent.
    assert_eq!(
        send_email(&ctx, &settings, &paid).await.unwrap(),
        Sent::Before
    );
    assert_eq!(server.received().len(), 1);

    // Shipped, with its tracking number.
    change(&pool, &number, Change::Ship("1Z 999 AA1 0123 4567 84")).await;
    let shipped = event(&pool, topic::ORDER_FULFILLED).await;
    send_email(&ctx, &settings, &shipped).await.unwrap();
    let mail = server.received().pop().unwrap();
    well_formed(&mail, shipped.id);
    assert_eq!(mail.subject, format!("Order {number} has shipped"));
    assert!(
        mail.text
            .contains("Tracking number: 1Z 999 AA1 0123 4567 84"),
        "{}",
        mail.text
    );
    assert!(mail.html.contains("$3,834.50"));

    // A partial refund: this refund's amount, and what is refunded so far.
    change(&pool, &number, Change::Refund(4250)).await;
    let refunded = event(&pool, topic::ORDER_REFUNDED).await;
    send_email(&ctx, &settings, &refunded).await.unwrap();
    let mail = server.received().pop().unwrap();
    well_formed(&mail, refunded.id);
    assert_eq!(mail.subject, format!("Refund of $42.50 for order {number}"));
    assert!(
        mail.text.contains("$42.50 of $3,834.50 refunded so far"),
        "{}",
        mail.text
    );
    assert_eq!(server.received().len(), 3, "one email per event");

    let claims: i64 =
        sqlx::query_scalar("SELECT count(*) FROM notifications_sent WHERE channel = 'email'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(claims, 3);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_declined_payment_emails_once_per_order_and_not_after_payment(pool: PgPool) {
    let server = SmtpServer::start().await;
    let (ctx, settings) = (import_only(&pool), settings(Some(server.url())));
    catalog(&pool).await;
    let number = order(&pool, None).await;
    change(&pool, &number, Change::Decline("Your card was declined.")).await;
    change(
        &pool,
        &number,
        Change::Decline("Your card has insufficient funds."),
    )
    .await;
    let failed = event(&pool, topic::ORDER_PAYMENT_FAILED).await;
    assert_eq!(
        failed.payload["message"], "Your card was declined.",
        "the first decline is announced, once"
    );
    send_email(&ctx, &settings, &failed).await.unwrap();
    let mail = only(&server);
    well_formed(&mail, failed.id);
    assert_eq!(
        mail.subject,
        format!("Payment for order {number} did not go through")
    );
    assert!(
        mail.text
            .contains("did not go through: Your card was declined."),
        "{}",
        mail.text
    );
    assert!(
        mail.text
            .contains("https://shop.example/checkout/review?order="),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("$3,834.50"));

    // A decline whose order got paid before the email went out: no email.
    let second = order(&pool, None).await;
    change(&pool, &second, Change::Decline("Your card was declined.")).await;
    change(&pool, &second, Change::Pay).await;
    let late = events(&pool, topic::ORDER_PAYMENT_FAILED)
        .await
        .pop()
        .unwrap();
    assert_eq!(
        send_email(&ctx, &settings, &late).await.unwrap(),
        Sent::Nothing
    );
    assert_eq!(server.received().len(), 1);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn account_links_are_sent_once_then_leave_the_outbox(pool: PgPool) {
    let server = SmtpServer::start().await;
    let (ctx, settings) = (import_only(&pool), settings(Some(server.url())));
    let account = catalog(&pool).await;
    links(&pool, account).await;
    let reset = event(&pool, "account.password_reset").await;
    let verify = event(&pool, "account.verify_email").await;
    send_email(&ctx, &settings, &reset).await.unwrap();
    send_email(&ctx, &settings, &verify).await.unwrap();
    let mails = server.received();
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[0].subject, "Reset your Meridian Shop password");
    assert!(mails[0]
        .text
        .contains("https://shop.example/account/reset?token=reset-secret-1"));
    assert!(mails[0].text.contains("within 30 minutes"));
    assert_eq!(
        mails[1].subject,
        "Confirm your email address for Meridian Shop"
    );
    assert!(mails[1].html.contains("verify-secret-2"));
    for mail in &mails {
        assert_eq!(mail.to, "zoe@example.com");
    }
    // The links are credentials until used: once mailed they are gone from the database.
    let stored: Vec<serde_json::Value> =
        sqlx::query_scalar("SELECT payload FROM outbox ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(
        stored
            .iter()
            .all(|p| p.get("link").is_none() && p["to"] == "zoe@example.com"),
        "{stored:?}"
    );
    // A redelivered reset event (its link now scrubbed) is recognised as sent, not refused.
    let again = event(&pool, "account.password_reset").await;
    assert_eq!(
        send_email(&ctx, &settings, &again).await.unwrap(),
        Sent::Before
    );
    assert_eq!(server.received().len(), 2);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn back_in_stock_links_to_the_product_on_the_store(pool: PgPool) {
    let server = SmtpServer::start().await;
    let (ctx, settings) = (import_only(&pool), settings(Some(server.url())));
    catalog(&pool).await;
    meridian_store::stock_alerts::subscribe(
        &pool,
        "LAMP-CU",
        "Ünï@example.com",
        "ünï@example.com",
        None,
    )
    .await
    .unwrap();
    sqlx::query("UPDATE variants SET available = 3 WHERE sku = 'LAMP-CU'")
        .execute(&pool)
        .await
        .unwrap();
    let back = event(&pool, "stock.back_in_stock").await;
    send_email(&ctx, &settings, &back).await.unwrap();
    let mail = only(&server);
    well_formed(&mail, back.id);
    assert_eq!(mail.to, "Ünï@example.com");
    assert_eq!(mail.subject, format!("Back in stock: {LAMP} (Copper)"));
    assert!(
        mail.text.contains("https://shop.example/p/lamp"),
        "{}",
        mail.text
    );
    assert!(
        mail.html.contains(&format!("{LAMP_HTML} (Copper)")),
        "{}",
        mail.html
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_send_while_the_server_is_down_is_retried_and_sent_once(pool: PgPool) {
    let mut server = SmtpServer::start().await;
    let (ctx, settings) = (import_only(&pool), settings(Some(server.url())));
    catalog(&pool).await;
    let number = order(&pool, None).await;
    change(&pool, &number, Change::Pay).await;
    let paid = event(&pool, topic::ORDER_PAID).await;

    server.stop().await;
    let down = send_email(&ctx, &settings, &paid).await.unwrap_err();
    assert!(
        !is_refusal(&down),
        "a server that is down is worth a retry: {down:#}"
    );
    let claims: i64 = sqlx::query_scalar("SELECT count(*) FROM notifications_sent")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(claims, 0, "the failed send left no claim behind");

    server.resume().await;
    assert!(matches!(
        send_email(&ctx, &settings, &paid).await.unwrap(),
        Sent::Now(_)
    ));
    assert_eq!(
        send_email(&ctx, &settings, &paid).await.unwrap(),
        Sent::Before
    );
    assert_eq!(
        only(&server).subject,
        format!("Order {number} confirmed: $3,834.50")
    );
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn two_runs_of_one_event_at_once_send_one_email(pool: PgPool) {
    let server = SmtpServer::start().await;
    let (ctx, settings) = (import_only(&pool), settings(Some(server.url())));
    catalog(&pool).await;
    let number = order(&pool, None).await;
    change(&pool, &number, Change::Pay).await;
    let paid = event(&pool, topic::ORDER_PAID).await;
    let (a, b) = tokio::join!(
        send_email(&ctx, &settings, &paid),
        send_email(&ctx, &settings, &paid)
    );
    let mut outcomes = [a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|s| matches!(s, Sent::Before));
    assert!(
        matches!(outcomes[0], Sent::Now(_)) && outcomes[1] == Sent::Before,
        "{outcomes:?}"
    );
    assert_eq!(server.received().len(), 1);
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn without_smtp_the_job_refuses(pool: PgPool) {
    let ctx = import_only(&pool);
    catalog(&pool).await;
    let number = order(&pool, None).await;
    change(&pool, &number, Change::Pay).await;
    let paid = event(&pool, topic::ORDER_PAID).await;
    let refused = send_email(&ctx, &settings(None), &paid).await.unwrap_err();
    assert!(is_refusal(&refused));
    assert!(refused.to_string().contains("SMTP_URL"), "{refused}");
}
