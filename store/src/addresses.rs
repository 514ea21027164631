//! Addresses saved to an account. Every read and write names the account as well as the address, so an
//! address id from another account finds nothing: the caller answers 404, never another shopper's data.

use crate::StoreError;
use meridian_domain::Address;
use sqlx::types::Json;
use sqlx::PgPool;
use uuid::Uuid;

/// How many addresses one account may keep.
pub const MAX_PER_ACCOUNT: i64 = 20;

pub use meridian_domain::saved::SavedAddress;

/// The account's addresses, oldest first.
pub async fn list(pool: &PgPool, account: Uuid) -> Result<Vec<SavedAddress>, StoreError> {
    let rows = sqlx::query!(
        r#"SELECT id, address AS "address: Json<Address>" FROM account_addresses
           WHERE account_id = $1 ORDER BY created_at, id"#,
        account
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SavedAddress {
            id: r.id,
            address: r.address.0,
        })
        .collect())
}

/// Saves `address` (already validated); `None` when the account already keeps [`MAX_PER_ACCOUNT`].
pub async fn add(
    pool: &PgPool,
    account: Uuid,
    address: &Address,
) -> Result<Option<Uuid>, StoreError> {
    let id = Uuid::new_v4();
    // The count and the insert in one statement; two saves racing at the limit may both pass, which
    // only lets an account keep one more: not worth a lock.
    let saved = sqlx::query_scalar!(
        "INSERT INTO account_addresses (id, account_id, address)
         SELECT $1, $2, $3 WHERE (SELECT count(*) FROM account_addresses WHERE account_id = $2) < $4
         RETURNING id",
        id,
        account,
        Json(address) as _,
        MAX_PER_ACCOUNT,
    )
    .fetch_optional(pool)
    .await?;
    Ok(saved)
}

/// Replaces the account's address `id`; false when the account has no such address.
pub async fn replace(
    pool: &PgPool,
    account: Uuid,
    id: Uuid,
    address: &Address,
) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "UPDATE account_addresses SET address = $3 WHERE id = $1 AND account_id = $2",
        id,
        account,
        Json(address) as _,
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the account's address `id`; false when the account has no such address.
pub async fn remove(pool: &PgPool, account: Uuid, id: Uuid) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "DELETE FROM account_addresses WHERE id = $1 AND account_id = $2",
        id,
        account
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}
