//! What the notification jobs keep: a claim per outbox event and channel, held in the sender's
//! transaction across the send so each email or SMS goes out once; the scrub of a sent link from its
//! outbox row; and the SMS contact of an account (its E.164 number, only with the shopper's consent).

use crate::{StoreError, Tx};
use meridian_domain::sms::SmsSettings;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// The way a notification travels; an event sends at most one of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }
}

/// Claims `(event, channel)` for this transaction: true when nobody sent it before, and then the row
/// stays locked until the caller commits (sent) or rolls back (not sent: a retry may claim it again).
/// A second sender of the same event waits here for the first one's outcome.
pub async fn claim(
    tx: &mut Tx<'_>,
    event: i64,
    channel: Channel,
    template: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "INSERT INTO notifications_sent (event_id, channel, template) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        event,
        channel.as_str(),
        template,
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Keeps what the provider called the message (an email's Message-ID, an SMS sid) on the claim.
pub async fn record_sent(
    tx: &mut Tx<'_>,
    event: i64,
    channel: Channel,
    provider_id: &str,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE notifications_sent SET provider_id = $3, sent_at = now()
         WHERE event_id = $1 AND channel = $2",
        event,
        channel.as_str(),
        provider_id,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Drops the `link` of a sent email from its outbox row: a reset or verification link is a credential
/// until used, and once in the mailbox it has no reason to stay readable in the database.
pub async fn scrub_link(tx: &mut Tx<'_>, event: i64) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE outbox SET payload = payload - 'link' WHERE id = $1",
        event
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The number to text about order `number`: its account's, if the account opted in. Guest orders
/// (no account) get none.
pub async fn sms_number_for_order(
    conn: &mut PgConnection,
    number: &str,
) -> Result<Option<String>, StoreError> {
    let phone = sqlx::query_scalar!(
        r#"SELECT a.phone AS "phone!" FROM orders o JOIN accounts a ON a.id = o.account_id
           WHERE o.number = $1 AND a.sms_opt_in AND a.phone IS NOT NULL"#,
        number
    )
    .fetch_optional(conn)
    .await?;
    Ok(phone)
}

/// The number to text for `account`, if it opted in.
pub async fn sms_number_for_account(
    conn: &mut PgConnection,
    account: Uuid,
) -> Result<Option<String>, StoreError> {
    let phone = sqlx::query_scalar!(
        r#"SELECT phone AS "phone!" FROM accounts
           WHERE id = $1 AND sms_opt_in AND phone IS NOT NULL"#,
        account
    )
    .fetch_optional(conn)
    .await?;
    Ok(phone)
}

/// The account's SMS settings; `None` when the account no longer exists.
pub async fn sms_settings(pool: &PgPool, account: Uuid) -> Result<Option<SmsSettings>, StoreError> {
    let row = sqlx::query!(
        "SELECT phone, sms_opt_in FROM accounts WHERE id = $1",
        account
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| SmsSettings {
        phone: r.phone,
        opt_in: r.sms_opt_in,
    }))
}

/// Sets the account's number (already E.164) and consent; forgetting the number ends the consent.
/// `None` when the account no longer exists.
pub async fn set_sms(
    pool: &PgPool,
    account: Uuid,
    phone: Option<&str>,
    opt_in: bool,
) -> Result<Option<SmsSettings>, StoreError> {
    let row = sqlx::query!(
        "UPDATE accounts SET phone = $2, sms_opt_in = $3 AND $2::text IS NOT NULL WHERE id = $1
         RETURNING phone, sms_opt_in",
        account,
        phone,
        opt_in,
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| SmsSettings {
        phone: r.phone,
        opt_in: r.sms_opt_in,
    }))
}
