//! Carts that belong to an account. At sign-in the device's guest cart joins the account: its lines move
//! into the account's open cart (quantities summed, at most the line maximum), or, when the account has
//! none, the account claims it. A cart that already belongs to another account is never touched: its id
//! came from a cookie, and merging it would hand one shopper's cart to another.
//!
//! An account's open cart is its most recently used cart that is not waiting for an order's payment.
//! Paying an order empties the cart it came from (see `orders::pay`) and the shopper keeps using it, so a
//! cart bought from before is open again; a cart with an unpaid order is not, because the lines merged
//! into it would be emptied with the ones being paid for.

use crate::{StoreError, Tx};
use meridian_domain::MAX_LINE_QUANTITY;
use sqlx::PgConnection;
use uuid::Uuid;

/// The account's open cart, if it has one.
pub async fn open_cart(conn: &mut PgConnection, account: Uuid) -> Result<Option<Uuid>, StoreError> {
    open_except(conn, account, None).await
}

/// Joins the guest cart `guest` (if any) to the account, in the caller's transaction, and returns the
/// account's cart afterwards: the one the device should use from now on.
pub async fn adopt(
    tx: &mut Tx<'_>,
    account: Uuid,
    guest: Option<Uuid>,
) -> Result<Option<Uuid>, StoreError> {
    let guest = match guest {
        // Locked first: a cart write racing the sign-in applies before the lines move, or finds no cart.
        Some(id) => {
            sqlx::query_scalar!("SELECT account_id FROM carts WHERE id = $1 FOR UPDATE", id)
                .fetch_optional(&mut **tx)
                .await?
                .map(|owner| Guest { id, owner })
        }
        None => None,
    };
    let open = open_except(tx, account, guest.map(|g| g.id)).await?;
    match plan(account, guest, open) {
        Plan::Keep(cart) => Ok(cart),
        Plan::Claim(cart) => claim(tx, cart, account).await,
        // Locked first, as every cart write does, so an add racing the merge cannot write a quantity
        // read before it. Swept since it was chosen: the account has no cart, so it takes this one.
        Plan::Merge { from, into } => match super::lock(tx, into).await {
            Ok(()) => {
                merge(tx, from, into).await?;
                Ok(Some(into))
            }
            Err(super::CartError::Store(e)) => Err(e),
            Err(_) => claim(tx, from, account).await,
        },
    }
}

async fn claim(tx: &mut Tx<'_>, cart: Uuid, account: Uuid) -> Result<Option<Uuid>, StoreError> {
    sqlx::query!(
        "UPDATE carts SET account_id = $2, updated_at = now() WHERE id = $1",
        cart,
        account
    )
    .execute(&mut **tx)
    .await?;
    Ok(Some(cart))
}

/// Moves the lines of cart `from` into cart `into` (both locked) and deletes `from`. A line of a variant
/// both hold keeps the earlier `added_at` (its place in the cart) and the summed quantity, capped at the
/// line maximum; stock is checked when the order is placed, as for any line.
async fn merge(tx: &mut Tx<'_>, from: Uuid, into: Uuid) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO cart_lines (cart_id, variant_id, quantity, added_at)
         SELECT $2, variant_id, LEAST(quantity, $3), added_at FROM cart_lines WHERE cart_id = $1
         ON CONFLICT (cart_id, variant_id) DO UPDATE
         SET quantity = LEAST(cart_lines.quantity + EXCLUDED.quantity, $3),
             added_at = LEAST(cart_lines.added_at, EXCLUDED.added_at)",
        from,
        into,
        i32::try_from(MAX_LINE_QUANTITY).unwrap_or(i32::MAX),
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!("DELETE FROM carts WHERE id = $1", from)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The account's open cart other than `except`. Not locked here: only a merge writes to it, and locks it.
async fn open_except(
    conn: &mut PgConnection,
    account: Uuid,
    except: Option<Uuid>,
) -> Result<Option<Uuid>, StoreError> {
    let cart = sqlx::query_scalar!(
        "SELECT c.id FROM carts c
         WHERE c.account_id = $1 AND ($2::uuid IS NULL OR c.id <> $2)
           AND NOT EXISTS (SELECT 1 FROM orders o
                           WHERE o.cart_id = c.id AND o.status = 'pending_payment')
         ORDER BY c.updated_at DESC, c.id LIMIT 1",
        account,
        except,
    )
    .fetch_optional(conn)
    .await?;
    Ok(cart)
}

/// The device's cart as sign-in found it: its id and the account it belongs to, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Guest {
    id: Uuid,
    owner: Option<Uuid>,
}

/// What sign-in does with the carts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Nothing to move; the account's cart is this one (or none).
    Keep(Option<Uuid>),
    /// The account takes the guest cart.
    Claim(Uuid),
    Merge {
        from: Uuid,
        into: Uuid,
    },
}

fn plan(account: Uuid, guest: Option<Guest>, open: Option<Uuid>) -> Plan {
    match (guest, open) {
        // Already this account's: the device keeps the cart it is using.
        (Some(g), _) if g.owner == Some(account) => Plan::Keep(Some(g.id)),
        (Some(Guest { id, owner: None }), Some(into)) => Plan::Merge { from: id, into },
        (Some(Guest { id, owner: None }), None) => Plan::Claim(id),
        // No guest cart, or another account's (ignored: never merged, never revealed).
        _ => Plan::Keep(open),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guest_cart_is_merged_claimed_or_ignored() {
        let (me, other) = (Uuid::new_v4(), Uuid::new_v4());
        let (guest, mine) = (Uuid::new_v4(), Uuid::new_v4());
        let unowned = Some(Guest {
            id: guest,
            owner: None,
        });
        assert_eq!(
            plan(me, unowned, Some(mine)),
            Plan::Merge {
                from: guest,
                into: mine
            }
        );
        assert_eq!(plan(me, unowned, None), Plan::Claim(guest));
        let theirs = Some(Guest {
            id: guest,
            owner: Some(other),
        });
        assert_eq!(plan(me, theirs, Some(mine)), Plan::Keep(Some(mine)));
        assert_eq!(plan(me, theirs, None), Plan::Keep(None));
        let own = Some(Guest {
            id: guest,
            owner: Some(me),
        });
        assert_eq!(plan(me, own, Some(mine)), Plan::Keep(Some(guest)));
        assert_eq!(plan(me, None, Some(mine)), Plan::Keep(Some(mine)));
        assert_eq!(plan(me, None, None), Plan::Keep(None));
    }
}
