//! Checkout over HTTP: read it (the choices and every amount, computed by `meridian_domain::assemble`), and
//! save a step. A step is validated whole — every field's problem is reported at once — and saves nothing
//! when any field is refused.

use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use meridian_domain::promo::normalise_code;
use meridian_domain::{
    api::origin as paths, assemble, normalise_email, Cart, Checkout, CheckoutUpdate, FieldError,
};
use meridian_store::carts::{self, CartError};
use meridian_store::checkout::{self, ValidStep};
use meridian_store::{promos, Tx};
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route(&paths::cart_checkout("{id}"), get(read).put(update))
}

async fn read(State(state): State<AppState>, Path(id): Path<Uuid>) -> ApiResult<Json<Checkout>> {
    let mut tx = state.db.write().begin().await?;
    let checkout = current(&mut tx, &state, id).await?;
    Ok(Json(checkout))
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Json(step): Json<CheckoutUpdate>,
) -> ApiResult<Json<Checkout>> {
    let mut tx = state.db.write().begin().await?;
    carts::lock(&mut tx, id).await?;
    let cart = cart(&mut tx, id).await?;
    let valid = validate(&mut tx, &state, &cart, step).await?;
    checkout::save(&mut tx, id, &valid).await?;
    let checkout = current(&mut tx, &state, id).await?;
    tx.commit().await?;
    Ok(Json(checkout))
}

/// The checkout of cart `id` as it stands in this transaction.
pub(crate) async fn current(tx: &mut Tx<'_>, state: &AppState, id: Uuid) -> ApiResult<Checkout> {
    let cart = cart(tx, id).await?;
    let details = checkout::load(tx, id).await?;
    let now = chrono::Utc::now().timestamp();
    assemble(cart, details, &state.selling.settings, now).map_err(|e| ApiError::Internal(e.into()))
}

async fn cart(tx: &mut Tx<'_>, id: Uuid) -> ApiResult<Cart> {
    meridian_store::carts::load(tx, id)
        .await?
        .ok_or_else(|| CartError::NotFound.into())
}

/// Checks every field sent; all problems at once (422), or the step to save.
async fn validate(
    tx: &mut Tx<'_>,
    state: &AppState,
    cart: &Cart,
    step: CheckoutUpdate,
) -> ApiResult<ValidStep> {
    let settings = &state.selling.settings;
    let mut errors = Vec::new();
    let mut valid = ValidStep::default();
    if let Some(email) = &step.email {
        match normalise_email(email) {
            Some(e) => valid.email = Some(e),
            None => errors.push(FieldError::new(
                "email",
                "Please enter a valid email address, like name@example.com.",
            )),
        }
    }
    if let Some(address) = &step.address {
        match address.validated(&settings.ships_to()) {
            Ok(a) => valid.address = Some(a),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if let Some(method) = &step.shipping_method {
        let saved = checkout::load(tx, cart.id).await?;
        let country = valid
            .address
            .as_ref()
            .or(saved.address.as_ref())
            .map(|a| a.country.clone());
        let offered = match (country, cart.subtotal) {
            (Some(c), Some(goods)) => settings.shipping_options(&c, goods),
            _ => Vec::new(),
        };
        if offered.iter().any(|o| &o.code == method) {
            valid.shipping_method = Some(method.clone());
        } else {
            errors.push(FieldError::new(
                "shipping_method",
                "Please choose one of the shipping methods offered.",
            ));
        }
    }
    if let Some(typed) = &step.promo_code {
        match promo_step(tx, cart, typed).await? {
            Ok(code) => valid.promo_code = Some(code),
            Err(message) => errors.push(FieldError::new("promo_code", message)),
        }
    }
    if errors.is_empty() {
        return Ok(valid);
    }
    Err(ApiError::invalid(
        "Please check the highlighted fields.",
        errors,
    ))
}

/// An empty code removes it; any other must exist and apply to this cart now.
async fn promo_step(
    tx: &mut Tx<'_>,
    cart: &Cart,
    typed: &str,
) -> ApiResult<Result<Option<String>, String>> {
    let code = normalise_code(typed);
    if code.is_empty() {
        return Ok(Ok(None));
    }
    if code.len() > 40 {
        return Ok(Err(meridian_domain::PromoRefusal::Unknown.to_string()));
    }
    let Some(promo) = promos::find(tx, &code).await? else {
        return Ok(Err(meridian_domain::PromoRefusal::Unknown.to_string()));
    };
    let Some(subtotal) = cart.subtotal else {
        return Ok(Err("Add something to your cart first.".to_owned()));
    };
    let now = chrono::Utc::now().timestamp();
    Ok(promo
        .check(subtotal, now)
        .map(|()| Some(code))
        .map_err(|r| r.to_string()))
}
