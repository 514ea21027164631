//! Promo codes in the database: definitions kept in step with the store settings, and uses reserved and
//! released atomically. A use is reserved inside the order's transaction with the code's row locked, so
//! two shoppers racing for the last use are served one after the other: exactly one gets it.

use crate::{StoreError, Tx};
use meridian_domain::{Money, Promo, PromoKind, PromoRefusal};
use sqlx::{PgConnection, PgPool};

/// Why a use could not be reserved.
#[derive(Debug, thiserror::Error)]
pub enum UseError {
    #[error(transparent)]
    Refused(#[from] PromoRefusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for UseError {
    fn from(err: sqlx::Error) -> Self {
        Self::Store(err.into())
    }
}

/// Writes every code's definition (new codes are added, existing ones updated; their uses are kept).
pub async fn upsert_all(pool: &PgPool, codes: &[Promo]) -> Result<(), StoreError> {
    for p in codes {
        sqlx::query!(
            "INSERT INTO promo_codes (code, kind, min_subtotal, starts_at, ends_at, usage_limit, per_email_limit)
             VALUES ($1, $2, $3, to_timestamp($4), to_timestamp($5), $6, $7)
             ON CONFLICT (code) DO UPDATE SET kind = EXCLUDED.kind, min_subtotal = EXCLUDED.min_subtotal,
                 starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
                 usage_limit = EXCLUDED.usage_limit, per_email_limit = EXCLUDED.per_email_limit",
            p.code,
            to_json(&p.kind)?,
            p.min_subtotal.as_ref().map(to_json).transpose()?,
            p.starts_at.map(|t| t as f64),
            p.ends_at.map(|t| t as f64),
            p.usage_limit.map(|n| i32::try_from(n).unwrap_or(i32::MAX)),
            p.per_email_limit.map(|n| i32::try_from(n).unwrap_or(i32::MAX)),
        )
        .execute(pool)
        .await?;
    }
    Ok(())
}

/// The code's definition, or `None` if there is no such code.
pub async fn find(conn: &mut PgConnection, code: &str) -> Result<Option<Promo>, StoreError> {
    let row = sqlx::query!(
        r#"SELECT code, kind, min_subtotal, floor(extract(epoch FROM starts_at))::bigint AS starts_at,
                  floor(extract(epoch FROM ends_at))::bigint AS ends_at, usage_limit, per_email_limit
           FROM promo_codes WHERE code = $1"#,
        code
    )
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("promo {code}: {e}"));
    Ok(Some(Promo {
        code: row.code,
        kind: serde_json::from_value::<PromoKind>(row.kind).map_err(corrupt)?,
        min_subtotal: row
            .min_subtotal
            .map(serde_json::from_value::<Money>)
            .transpose()
            .map_err(corrupt)?,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        usage_limit: row.usage_limit.and_then(|n| u32::try_from(n).ok()),
        per_email_limit: row.per_email_limit.and_then(|n| u32::try_from(n).ok()),
    }))
}

/// Reserves one use of `code` for order `order_id` placed by `email`, or says why not. The code's row is
/// locked until the transaction ends — `FOR NO KEY UPDATE`, which other reservations wait for but the
/// foreign-key check of an order naming the code does not (with `FOR UPDATE`, two orders racing for one
/// code deadlock: each holds the key-share lock of its order row's reference the other waits on).
pub async fn reserve(
    tx: &mut Tx<'_>,
    code: &str,
    email: &str,
    order_id: i64,
) -> Result<(), UseError> {
    let limits = sqlx::query!(
        "SELECT used, usage_limit, per_email_limit FROM promo_codes WHERE code = $1 FOR NO KEY UPDATE",
        code
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(PromoRefusal::Unknown)?;
    if limits.usage_limit.is_some_and(|limit| limits.used >= limit) {
        return Err(PromoRefusal::UsedUp.into());
    }
    if let Some(limit) = limits.per_email_limit {
        let mine = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM promo_uses
               WHERE code = $1 AND lower(email) = lower($2) AND released_at IS NULL"#,
            code,
            email
        )
        .fetch_one(&mut **tx)
        .await?;
        if mine >= i64::from(limit) {
            return Err(PromoRefusal::AlreadyUsed.into());
        }
    }
    sqlx::query!(
        "INSERT INTO promo_uses (order_id, code, email) VALUES ($1, $2, $3)",
        order_id,
        code,
        email
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE promo_codes SET used = used + 1 WHERE code = $1",
        code
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Gives back the use order `order_id` held, once: a second call finds it released and does nothing.
pub async fn release(tx: &mut Tx<'_>, order_id: i64) -> Result<(), StoreError> {
    let released = sqlx::query_scalar!(
        "UPDATE promo_uses SET released_at = now() WHERE order_id = $1 AND released_at IS NULL RETURNING code",
        order_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(code) = released {
        sqlx::query!(
            "UPDATE promo_codes SET used = used - 1 WHERE code = $1",
            code
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Takes the use back for an order being paid late (its use was released when it expired), if the code
/// still allows it; a late payment is never refused for its promo — the shopper has paid that price.
pub async fn retake(tx: &mut Tx<'_>, order_id: i64) -> Result<(), StoreError> {
    let code = sqlx::query_scalar!(
        "UPDATE promo_uses SET released_at = NULL WHERE order_id = $1 AND released_at IS NOT NULL RETURNING code",
        order_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(code) = code {
        // May exceed the limit by this one paid order; the CHECK allows `used <= usage_limit` only, so cap it.
        sqlx::query!(
            "UPDATE promo_codes SET used = LEAST(used + 1, COALESCE(usage_limit, used + 1)) WHERE code = $1",
            code
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}
