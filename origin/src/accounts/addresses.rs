//! The signed-in shopper's saved addresses: list, add, replace, delete. Each address is validated exactly
//! as checkout validates one (the store's countries, every problem listed at once). An id that is not one
//! of this account's addresses is a 404, whoever owns it.

use super::SignedIn;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use meridian_domain::Address;
use meridian_store::addresses::{self, SavedAddress, MAX_PER_ACCOUNT};
use uuid::Uuid;

pub(super) async fn list(
    State(state): State<AppState>,
    who: SignedIn,
) -> ApiResult<Json<Vec<SavedAddress>>> {
    Ok(Json(addresses::list(state.db.write(), who.account).await?))
}

pub(super) async fn add(
    State(state): State<AppState>,
    who: SignedIn,
    Json(address): Json<Address>,
) -> ApiResult<(StatusCode, Json<SavedAddress>)> {
    let address = checked(&state, &address)?;
    let id = addresses::add(state.db.write(), who.account, &address)
        .await?
        .ok_or_else(|| {
            ApiError::Conflict(format!(
                "You can keep up to {MAX_PER_ACCOUNT} addresses: delete one to add another."
            ))
        })?;
    Ok((StatusCode::CREATED, Json(SavedAddress { id, address })))
}

pub(super) async fn replace(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<Uuid>,
    Json(address): Json<Address>,
) -> ApiResult<Json<SavedAddress>> {
    let address = checked(&state, &address)?;
    if !addresses::replace(state.db.write(), who.account, id, &address).await? {
        return Err(no_such_address());
    }
    Ok(Json(SavedAddress { id, address }))
}

pub(super) async fn remove(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    if !addresses::remove(state.db.write(), who.account, id).await? {
        return Err(no_such_address());
    }
    Ok(StatusCode::NO_CONTENT)
}

fn checked(state: &AppState, address: &Address) -> ApiResult<Address> {
    address
        .validated(&state.selling.settings.ships_to())
        .map_err(|fields| ApiError::invalid("Please fix the address fields below.", fields))
}

fn no_such_address() -> ApiError {
    ApiError::NotFound("There is no such address in your account.".into())
}
