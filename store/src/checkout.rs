//! The checkout details kept on a cart (email, address, shipping method, promo code): read them as the
//! domain's `CheckoutState`, and save a validated step.

use crate::{promos, StoreError, Tx};
use meridian_domain::{Address, CheckoutState};
use sqlx::PgConnection;
use uuid::Uuid;

/// A checkout step already validated by the caller; `None` fields are left as they are.
#[derive(Debug, Clone, Default)]
pub struct ValidStep {
    pub email: Option<String>,
    pub address: Option<Address>,
    pub shipping_method: Option<String>,
    /// `Some(None)` removes the code.
    pub promo_code: Option<Option<String>>,
}

/// The cart's checkout details, with its promo code's current definition.
pub async fn load(conn: &mut PgConnection, cart: Uuid) -> Result<CheckoutState, StoreError> {
    let row = sqlx::query!(
        "SELECT email, address, shipping_method, promo_code FROM carts WHERE id = $1",
        cart
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(CheckoutState::default());
    };
    let address = row
        .address
        .map(serde_json::from_value::<Address>)
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("cart address: {e}")))?;
    let promo = match row.promo_code {
        Some(code) => {
            let definition = promos::find(&mut *conn, &code).await?;
            Some((code, definition))
        }
        None => None,
    };
    Ok(CheckoutState {
        email: row.email,
        address,
        shipping_method: row.shipping_method,
        promo,
    })
}

/// Saves `step` on the cart, which the caller has locked (`carts::lock` also records the activity).
pub async fn save(tx: &mut Tx<'_>, cart: Uuid, step: &ValidStep) -> Result<(), StoreError> {
    let address = step
        .address
        .as_ref()
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let (set_promo, promo) = match &step.promo_code {
        Some(code) => (true, code.clone()),
        None => (false, None),
    };
    sqlx::query!(
        "UPDATE carts SET email = COALESCE($2, email), address = COALESCE($3, address),
                shipping_method = COALESCE($4, shipping_method),
                promo_code = CASE WHEN $5 THEN $6 ELSE promo_code END
         WHERE id = $1",
        cart,
        step.email,
        address,
        step.shipping_method,
        set_promo,
        promo,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
