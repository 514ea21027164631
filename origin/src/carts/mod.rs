//! Carts: create, add a line, read with totals computed here on the server.

mod repo;

use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use meridian_domain::api::{origin as paths, IDEMPOTENCY_HEADER};
use meridian_domain::{AddLine, Cart, MAX_LINE_QUANTITY};
use uuid::Uuid;

pub use repo::load_cart;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(paths::CARTS, post(create_cart))
        .route(&format!("{}/{{id}}", paths::CARTS), get(get_cart))
        .route(&format!("{}/{{id}}/lines", paths::CARTS), post(add_line))
}

async fn create_cart(State(state): State<AppState>) -> ApiResult<(StatusCode, Json<Cart>)> {
    let id = repo::create_cart(state.db.write()).await?;
    let cart = Cart::price(id, Vec::new()).map_err(anyhow::Error::from)?;
    Ok((StatusCode::CREATED, Json(cart)))
}

async fn get_cart(State(state): State<AppState>, Path(id): Path<Uuid>) -> ApiResult<Json<Cart>> {
    // The primary, not the replica: a shopper must see the line they just added.
    load_cart(state.db.write(), id)
        .await?
        .map(Json)
        .ok_or_else(|| cart_not_found(id))
}

/// Adds `quantity` of `sku` (merging with an existing line). Rejections write nothing; a repeated
/// `Idempotency-Key` returns the cart without adding again.
async fn add_line(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    Json(body): Json<AddLine>,
) -> ApiResult<Json<Cart>> {
    if !(1..=MAX_LINE_QUANTITY).contains(&body.quantity) {
        return Err(ApiError::Unprocessable(format!(
            "Quantity must be between 1 and {MAX_LINE_QUANTITY}."
        )));
    }
    let key = idempotency_key(&headers)?;
    repo::add_line(state.db.write(), id, &body, key.as_deref()).await?;
    load_cart(state.db.write(), id)
        .await?
        .map(Json)
        .ok_or_else(|| cart_not_found(id))
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(value) = headers.get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().ok().filter(|k| (1..=200).contains(&k.len()));
    key.map(|k| Some(k.to_owned())).ok_or_else(|| {
        ApiError::BadRequest("Idempotency-Key must be 1 to 200 visible characters.".into())
    })
}

pub(crate) fn cart_not_found(id: Uuid) -> ApiError {
    ApiError::NotFound(format!("There is no cart {id}."))
}
