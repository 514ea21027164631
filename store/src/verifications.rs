//! Email-verification links: created with the email that carries them (an outbox row, same transaction,
//! as password resets are), used once, before they expire. Using one marks the account's address
//! verified, which also shows the account the guest orders placed with that address.

use crate::{outbox, StoreError, Tx};
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

/// Outbox topic of the email that carries a verification link.
pub const TOPIC: &str = "account.verify_email";

/// Records a verification link for `account` whose secret hashes to `token_hash`, valid for `lifetime`,
/// and queues the email (`payload`, which carries the link) in the same transaction.
pub async fn create(
    tx: &mut Tx<'_>,
    account: Uuid,
    token_hash: &[u8],
    lifetime: Duration,
    payload: serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO email_verifications (token_hash, account_id, expires_at)
         VALUES ($1, $2, now() + make_interval(secs => $3))",
        token_hash,
        account,
        crate::seconds(lifetime),
    )
    .execute(&mut **tx)
    .await?;
    outbox::push(tx, TOPIC, payload).await
}

/// Uses the unused, unexpired link whose secret hashes to `token_hash`: the account's address is
/// verified (kept at its first verification) and every open link of the account is spent, so an older
/// email still in the mailbox does nothing. The account, or `None` for a bad, used or expired link.
///
/// One statement: the `UPDATE … WHERE used_at IS NULL` takes the link's row lock, so two uses of one
/// link at once verify once and the second finds nothing.
pub async fn confirm(pool: &PgPool, token_hash: &[u8]) -> Result<Option<Uuid>, StoreError> {
    let account = sqlx::query_scalar!(
        r#"WITH used AS (
               UPDATE email_verifications SET used_at = now()
               WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
               RETURNING account_id),
           spent AS (
               UPDATE email_verifications SET used_at = now()
               WHERE account_id IN (SELECT account_id FROM used) AND used_at IS NULL
                 AND token_hash <> $1)
           UPDATE accounts SET email_verified_at = COALESCE(email_verified_at, now())
           WHERE id IN (SELECT account_id FROM used)
           RETURNING id"#,
        token_hash,
    )
    .fetch_optional(pool)
    .await?;
    Ok(account)
}
