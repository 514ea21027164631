//! Password-reset links: created with the email that carries them (an outbox row, same transaction), used
//! once, before they expire. Using one changes the password and ends every session of the account.

use crate::{accounts, outbox, StoreError, Tx};
use std::time::Duration;
use uuid::Uuid;

/// Outbox topic of the email that carries a reset link.
pub const TOPIC: &str = "account.password_reset";

/// Records a reset for `account` whose secret hashes to `token_hash`, valid for `lifetime`, and queues the
/// email (`payload`, which carries the link) in the same transaction.
pub async fn create(
    tx: &mut Tx<'_>,
    account: Uuid,
    token_hash: &[u8],
    lifetime: Duration,
    payload: serde_json::Value,
) -> Result<(), StoreError> {
    let seconds = crate::seconds(lifetime);
    sqlx::query!(
        "INSERT INTO password_resets (token_hash, account_id, expires_at)
         VALUES ($1, $2, now() + make_interval(secs => $3))",
        token_hash,
        account,
        seconds,
    )
    .execute(&mut **tx)
    .await?;
    outbox::push(tx, TOPIC, payload).await
}

/// The account of an unused, unexpired reset, claimed (locked) for this transaction; `None` otherwise.
pub async fn claim(
    tx: &mut Tx<'_>,
    token_hash: &[u8],
) -> Result<Option<accounts::StoredAccount>, StoreError> {
    let row = sqlx::query_as!(
        accounts::StoredAccount,
        r#"SELECT a.id, a.email, a.password_hash, a.email_verified_at IS NOT NULL AS "email_verified!"
           FROM password_resets r JOIN accounts a ON a.id = r.account_id
           WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now()
           FOR UPDATE OF r"#,
        token_hash
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row)
}

/// Marks every open reset of the account used (the one just used, and any older link still in a mailbox).
pub async fn use_all(tx: &mut Tx<'_>, account: Uuid) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE password_resets SET used_at = now() WHERE account_id = $1 AND used_at IS NULL",
        account
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
