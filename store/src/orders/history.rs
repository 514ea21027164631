//! A shopper's order history: the orders an account may see, newest first, and one of them by number.
//!
//! An account sees the orders placed from its carts, and, once its email address is verified, the guest
//! orders placed with that address (any case), including those from before the account existed. Every
//! query names the account, so another shopper's order number finds nothing: the caller answers 404,
//! never someone else's order.

use super::read::{load, status, OrderKey};
use crate::catalog::money;
use crate::StoreError;
use meridian_domain::account::OrderSummary;
use meridian_domain::OrderView;
use sqlx::PgConnection;
use uuid::Uuid;

/// "M-100042" → 100042: an order's number is `M-` and its id.
pub fn id_of(number: &str) -> Option<i64> {
    number
        .strip_prefix("M-")
        .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))?
        .parse()
        .ok()
}

/// The account's orders with an id below `before` (all when `None`), newest first, at most `limit`.
pub async fn history(
    conn: &mut PgConnection,
    account: Uuid,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<OrderSummary>, StoreError> {
    visible(conn, account, Which::Before(before), limit).await
}

/// Order `number` as its buyer sees it, if the account may see it; `None` otherwise, exactly as for a
/// number that does not exist.
pub async fn of_account(
    conn: &mut PgConnection,
    account: Uuid,
    number: &str,
) -> Result<Option<OrderView>, StoreError> {
    let Some(id) = id_of(number) else {
        return Ok(None);
    };
    match visible(conn, account, Which::Only(id), 1).await?.pop() {
        Some(order) => load(conn, OrderKey::Token(&order.token)).await,
        None => Ok(None),
    }
}

/// Which of the visible orders to read.
#[derive(Debug, Clone, Copy)]
enum Which {
    Before(Option<i64>),
    Only(i64),
}

/// The one query that says which orders an account may see, for the list and for one order alike.
async fn visible(
    conn: &mut PgConnection,
    account: Uuid,
    which: Which,
    limit: i64,
) -> Result<Vec<OrderSummary>, StoreError> {
    let (before, only) = match which {
        Which::Before(before) => (before, None),
        Which::Only(id) => (None, Some(id)),
    };
    sqlx::query!(
        r#"SELECT o.number AS "number!", o.token, o.status, o.total_minor, o.currency,
                  to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "placed_at!",
                  (SELECT COALESCE(sum(l.quantity), 0) FROM order_lines l WHERE l.order_id = o.id)
                      AS "item_count!"
           FROM orders o JOIN accounts a ON a.id = $1
           WHERE (o.account_id = a.id OR (a.email_verified_at IS NOT NULL AND lower(o.email) = a.email_key))
             AND ($2::bigint IS NULL OR o.id < $2)
             AND ($3::bigint IS NULL OR o.id = $3)
           ORDER BY o.id DESC LIMIT $4"#,
        account,
        before,
        only,
        limit,
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| {
        Ok(OrderSummary {
            status: status(&r.status)?,
            total: money(r.total_minor, &r.currency)?,
            item_count: u32::try_from(r.item_count).unwrap_or(u32::MAX),
            number: r.number,
            token: r.token,
            placed_at: r.placed_at,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::id_of;

    #[test]
    fn an_order_number_is_m_and_its_id() {
        assert_eq!(id_of("M-100042"), Some(100_042));
        for bad in [
            "100042",
            "M-",
            "M-+5",
            "M--1",
            "m-100042",
            "M-1x",
            "M-99999999999999999999",
        ] {
            assert_eq!(id_of(bad), None, "{bad}");
        }
    }
}
