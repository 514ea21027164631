//! Shopper accounts and their sessions. Passwords arrive here already hashed (argon2id, by the origin);
//! refresh secrets arrive as their SHA-256, so a copy of the database hands out neither. A session is
//! live until it expires or is revoked (sign-out, password change); the origin asks [`session_account`]
//! on every request made with a session token, so a revoked session stops working at once for writes.

use crate::{StoreError, Tx};
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

/// An account as sign-in needs it.
#[derive(Debug, Clone)]
pub struct StoredAccount {
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub email_verified: bool,
}

impl From<StoredAccount> for meridian_domain::account::AccountView {
    fn from(account: StoredAccount) -> Self {
        Self {
            id: account.id,
            email: account.email,
            email_verified: account.email_verified,
        }
    }
}

/// Why an account was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("An account with this email already exists.")]
    EmailTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Creates an account in the caller's transaction (sign-up queues the verification email in the same
/// one); `email_key` is `meridian_domain::account::email_key` of `email`.
pub async fn create(
    tx: &mut Tx<'_>,
    email: &str,
    email_key: &str,
    password_hash: &str,
) -> Result<Uuid, CreateError> {
    let id = Uuid::new_v4();
    let done = sqlx::query!(
        "INSERT INTO accounts (id, email, email_key, password_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email_key) DO NOTHING",
        id,
        email,
        email_key,
        password_hash,
    )
    .execute(&mut **tx)
    .await
    .map_err(StoreError::from)?;
    if done.rows_affected() == 0 {
        return Err(CreateError::EmailTaken);
    }
    Ok(id)
}

pub async fn by_email(pool: &PgPool, email_key: &str) -> Result<Option<StoredAccount>, StoreError> {
    let row = sqlx::query_as!(
        StoredAccount,
        r#"SELECT id, email, password_hash, email_verified_at IS NOT NULL AS "email_verified!"
           FROM accounts WHERE email_key = $1"#,
        email_key
    )
    .fetch_optional(pool)
    .await?;
    Ok(row)
}

pub async fn by_id(pool: &PgPool, id: Uuid) -> Result<Option<StoredAccount>, StoreError> {
    let row = sqlx::query_as!(
        StoredAccount,
        r#"SELECT id, email, password_hash, email_verified_at IS NOT NULL AS "email_verified!"
           FROM accounts WHERE id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row)
}

/// Starts a session for `account` that lasts `lifetime`; returns its id and end (unix seconds).
pub async fn start_session(
    pool: &PgPool,
    account: Uuid,
    refresh_hash: &[u8],
    lifetime: Duration,
) -> Result<(Uuid, i64), StoreError> {
    let id = Uuid::new_v4();
    let seconds = crate::seconds(lifetime);
    let expires = sqlx::query_scalar!(
        r#"INSERT INTO account_sessions (id, account_id, refresh_hash, expires_at)
           VALUES ($1, $2, $3, now() + make_interval(secs => $4))
           RETURNING extract(epoch FROM expires_at)::bigint AS "expires!""#,
        id,
        account,
        refresh_hash,
        seconds,
    )
    .fetch_one(pool)
    .await?;
    Ok((id, expires))
}

/// A live session: its id, account and end (unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveSession {
    pub id: Uuid,
    pub account: Uuid,
    pub expires: i64,
}

/// The live session whose refresh secret hashes to `refresh_hash`.
pub async fn by_refresh(
    pool: &PgPool,
    refresh_hash: &[u8],
) -> Result<Option<LiveSession>, StoreError> {
    let row = sqlx::query_as!(
        LiveSession,
        r#"SELECT id, account_id AS account, extract(epoch FROM expires_at)::bigint AS "expires!"
           FROM account_sessions
           WHERE refresh_hash = $1 AND revoked_at IS NULL AND expires_at > now()"#,
        refresh_hash
    )
    .fetch_optional(pool)
    .await?;
    Ok(row)
}

/// The account of session `id` if the session is live (not revoked, not expired).
pub async fn session_account(pool: &PgPool, id: Uuid) -> Result<Option<Uuid>, StoreError> {
    let row = sqlx::query_scalar!(
        "SELECT account_id FROM account_sessions
         WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()",
        id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row)
}

/// Ends session `id` (sign-out). Ending an ended session changes nothing.
pub async fn revoke_session(pool: &PgPool, id: Uuid) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE account_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL",
        id
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Deletes the account: its email and password hash go, its sessions, addresses, wishlist and links with
/// it (cascade). Orders and carts are kept but no longer name it (`ON DELETE SET NULL`): an order carries
/// the buyer's details as the order needed them, which the shop must keep.
pub async fn delete(pool: &PgPool, account: Uuid) -> Result<bool, StoreError> {
    let done = sqlx::query!("DELETE FROM accounts WHERE id = $1", account)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets a new password hash and ends every session of the account, in one transaction.
pub async fn change_password(
    tx: &mut Tx<'_>,
    account: Uuid,
    password_hash: &str,
) -> Result<u64, StoreError> {
    sqlx::query!(
        "UPDATE accounts SET password_hash = $2, password_changed_at = now() WHERE id = $1",
        account,
        password_hash,
    )
    .execute(&mut **tx)
    .await?;
    let ended = sqlx::query!(
        "UPDATE account_sessions SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL",
        account
    )
    .execute(&mut **tx)
    .await?;
    Ok(ended.rows_affected())
}
