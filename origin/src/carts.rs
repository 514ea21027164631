//! Carts over HTTP: create (with its first line), add a line, change or remove a line, read with totals computed on the server.
//! Writes are idempotent under their `Idempotency-Key`; the SQL and the rules live in the store/domain.

use crate::accounts::SignedIn;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::idempotency::{claim, claim_cart, replay, respond, IdempotencyKey};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use meridian_domain::api::origin as paths;
use meridian_domain::{AddLine, Cart, SetLine};
use meridian_store::carts::{self, CartError};
use meridian_store::idempotency::ClaimError;
use uuid::Uuid;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(paths::CARTS, post(create_cart))
        .route(&format!("{}/{{id}}", paths::CARTS), get(get_cart))
        .route(
            &format!("{}/{{id}}/lines", paths::CARTS),
            post(add_line).patch(set_line),
        )
}

/// `POST /api/carts`, optionally with a first line (`{"sku", "quantity"}`): the cart is only created if
/// the line is accepted, and a retry with the same key gets the same cart back, never a second one.
/// Creates a cart, holding the first line if one is sent; a signed-in shopper's cart is the account's
/// from the start, so an order placed from it shows in the account's history.
async fn create_cart(
    State(state): State<AppState>,
    key: IdempotencyKey,
    owner: Option<SignedIn>,
    body: Bytes,
) -> ApiResult<Response> {
    let line: Option<AddLine> = optional_json(&body)?;
    let mut tx = state.db.begin_cart_write().await?;
    if let Some(first) = claim(&mut tx, &key, &fingerprint(line.as_ref())).await? {
        return Ok(replay(first, StatusCode::CREATED));
    }
    let id = carts::create(&mut tx, owner.map(|o| o.account)).await?;
    let cart = match &line {
        Some(line) => carts::add_line(&mut tx, id, line).await?,
        None => loaded(&mut tx, id).await?,
    };
    respond(tx, &key, StatusCode::CREATED, &cart).await
}

async fn get_cart(State(state): State<AppState>, Path(id): Path<Uuid>) -> ApiResult<Json<Cart>> {
    // The primary, not the replica: a shopper must see the line they just added.
    let mut conn = state.db.write().acquire().await?;
    carts::load(&mut conn, id)
        .await?
        .map(Json)
        .ok_or_else(|| CartError::NotFound.into())
}

/// Adds `quantity` of `sku` (merging with an existing line). Refusals write nothing; a repeated
/// `Idempotency-Key` answers with the first response without adding again.
async fn add_line(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    key: IdempotencyKey,
    Json(line): Json<AddLine>,
) -> ApiResult<Response> {
    let mut tx = state.db.begin_cart_write().await?;
    if let Some(first) = claim_cart(&mut tx, &key, &fingerprint(Some(&line)), id).await? {
        // The key may have created this very cart with this line (a form resubmitted once the cookie
        // arrived): the same write. With any other cart it named another request.
        if first.body.get("id") != Some(&serde_json::json!(id)) {
            return Err(ClaimError::Reused.into());
        }
        return Ok(replay(first, StatusCode::OK));
    }
    let cart = carts::add_line(&mut tx, id, &line).await?;
    respond(tx, &key, StatusCode::OK, &cart).await
}

/// Sets a line's quantity (0 removes it). Setting is naturally idempotent, and the key still makes a
/// retried change answer with its first result.
async fn set_line(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    key: IdempotencyKey,
    Json(line): Json<SetLine>,
) -> ApiResult<Response> {
    if line.quantity > meridian_domain::MAX_LINE_QUANTITY {
        return Err(CartError::Refused(meridian_domain::LineRefusal::Quantity).into());
    }
    let mut tx = state.db.begin_cart_write().await?;
    let fingerprint = format!(
        "cart set {id} {}",
        serde_json::to_string(&line).unwrap_or_default()
    );
    if let Some(first) = claim_cart(&mut tx, &key, &fingerprint, id).await? {
        return Ok(replay(first, StatusCode::OK));
    }
    let cart = carts::set_line(&mut tx, id, &line).await?;
    respond(tx, &key, StatusCode::OK, &cart).await
}

async fn loaded(tx: &mut meridian_store::Tx<'_>, id: Uuid) -> ApiResult<Cart> {
    carts::load(tx, id)
        .await?
        .ok_or_else(|| CartError::NotFound.into())
}

/// What a cart write does, for its idempotency key: creating a cart with a line and adding that line to
/// the cart it created are the same write (which cart is checked on replay). JSON keeps it unambiguous
/// whatever the SKU holds.
fn fingerprint(line: Option<&AddLine>) -> String {
    let body = line.and_then(|l| serde_json::to_string(l).ok());
    format!("cart add {}", body.unwrap_or_default())
}

/// An empty body is `None`; anything else must be the JSON of `T` (400 if malformed, 422 if mistyped).
fn optional_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> ApiResult<Option<T>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(body).map(Some).map_err(|e| {
        let message = format!("The request body is not valid: {e}");
        match e.classify() {
            serde_json::error::Category::Data => ApiError::Unprocessable(message),
            _ => ApiError::BadRequest(message),
        }
    })
}
