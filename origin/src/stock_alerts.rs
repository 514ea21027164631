//! "Notify me" on a sold-out variant, for a signed-in shopper (the account's email) or a guest (an email
//! they give). Every accepted request answers the same 202, new or repeated, so the form reveals nothing
//! about who asked before; attempts are limited per address so it cannot be used to flood a mailbox.
//! The email itself is queued by the database when the stock comes back (see `meridian_store::stock_alerts`).

use crate::accounts::{signed_out, SignedIn};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use meridian_domain::account::email_key;
use meridian_domain::alerts::{StockAlertAccepted, StockAlertRequest, ALERT_ACCEPTED, IN_STOCK};
use meridian_domain::api::origin as paths;
use meridian_domain::{normalise_email, FieldError};
use meridian_store::accounts;
use meridian_store::stock_alerts::{self, Subscribed};

/// Longer SKUs name nothing we sell: a 404 without a lookup.
const MAX_SKU_LEN: usize = 100;
const BAD_EMAIL: &str = "Enter an email address like name@example.com.";
const NOT_ON_SALE: &str = "There is no such item on sale.";

pub(crate) fn router() -> Router<AppState> {
    Router::new().route(paths::STOCK_ALERTS, post(create_stock_alert))
}

async fn create_stock_alert(
    State(state): State<AppState>,
    who: Option<SignedIn>,
    Json(ask): Json<StockAlertRequest>,
) -> ApiResult<(StatusCode, Json<StockAlertAccepted>)> {
    let (email, account) = match who {
        Some(who) => {
            let account = accounts::by_id(state.db.write(), who.account)
                .await?
                .ok_or_else(|| signed_out("Your session has ended: please sign in again."))?;
            (account.email, Some(account.id))
        }
        None => (guest_email(ask.email.as_deref())?, None),
    };
    // Counted for the signed-in too: one limit per mailbox, whoever asks.
    state.attempts.for_email("stock-alert", &email)?;
    if ask.sku.is_empty() || ask.sku.len() > MAX_SKU_LEN {
        return Err(ApiError::NotFound(NOT_ON_SALE.into()));
    }
    let key = email_key(&email);
    match stock_alerts::subscribe(state.db.write(), &ask.sku, &email, &key, account).await? {
        Subscribed::NotOnSale => Err(ApiError::NotFound(NOT_ON_SALE.into())),
        Subscribed::InStock => Err(ApiError::refused(
            StatusCode::CONFLICT,
            "in_stock",
            IN_STOCK,
        )),
        done @ (Subscribed::Opened | Subscribed::AlreadyOpen) => {
            tracing::info!(sku = %ask.sku, opened = done == Subscribed::Opened, "stock alert");
            let body = StockAlertAccepted {
                message: ALERT_ACCEPTED.into(),
            };
            Ok((StatusCode::ACCEPTED, Json(body)))
        }
    }
}

/// A guest's address, normalised; 422 naming `email` when it is missing or not an address.
fn guest_email(given: Option<&str>) -> ApiResult<String> {
    normalise_email(given.unwrap_or_default())
        .ok_or_else(|| ApiError::invalid(BAD_EMAIL, vec![FieldError::new("email", BAD_EMAIL)]))
}
