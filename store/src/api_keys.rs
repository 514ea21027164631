//! API keys for the admin API. A key is shown once when created; only its SHA-256 is stored, so a copy of
//! the database does not hand out working keys. Keys look like `mk_<8 chars>_<32 hex>`: the first part is
//! a public prefix that identifies the key in listings and logs.

use crate::StoreError;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// Every scope a key may have (the `api_keys_scopes_check` constraint lists the same).
pub const SCOPES: [&str; 7] = [
    "orders:read",
    "orders:write",
    "inventory:read",
    "inventory:write",
    "webhooks:read",
    "webhooks:write",
    "reports:read",
];

/// An unrevoked key, as the admin API sees its caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub id: i64,
    pub scopes: Vec<String>,
}

/// A new key: the secret to hand over (once) and its public prefix.
#[derive(Debug)]
pub struct NewKey {
    pub key: String,
    pub prefix: String,
}

pub async fn create(pool: &PgPool, name: &str, scopes: &[String]) -> Result<NewKey, StoreError> {
    let prefix = format!("mk_{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let key = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
    sqlx::query!(
        "INSERT INTO api_keys (name, prefix, secret_hash, scopes) VALUES ($1, $2, $3, $4)",
        name,
        prefix,
        hash(&key),
        scopes
    )
    .execute(pool)
    .await?;
    Ok(NewKey { key, prefix })
}

/// The unrevoked key `key`, or `None` for an unknown or revoked one. The lookup is by hash, so no
/// comparison of secrets happens in our code at all.
pub async fn find(pool: &PgPool, key: &str) -> Result<Option<Caller>, StoreError> {
    let row = sqlx::query_as!(
        Caller,
        "SELECT id, scopes FROM api_keys WHERE secret_hash = $1 AND revoked_at IS NULL",
        hash(key)
    )
    .fetch_optional(pool)
    .await?;
    Ok(row)
}

pub async fn revoke(pool: &PgPool, prefix: &str) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "UPDATE api_keys SET revoked_at = now() WHERE prefix = $1 AND revoked_at IS NULL",
        prefix
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

fn hash(key: &str) -> Vec<u8> {
    Sha256::digest(key.as_bytes()).to_vec()
}
