//! The signed-in shopper's wishlist: list, save a product by its slug, remove it.

use super::SignedIn;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use meridian_store::wishlists::{self, WishlistItem};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(super) struct Save {
    slug: String,
}

pub(super) async fn list(
    State(state): State<AppState>,
    who: SignedIn,
) -> ApiResult<Json<Vec<WishlistItem>>> {
    Ok(Json(wishlists::list(state.db.write(), who.account).await?))
}

/// Saves a product; answers with the whole list. Saving a product twice keeps it once.
pub(super) async fn save(
    State(state): State<AppState>,
    who: SignedIn,
    Json(body): Json<Save>,
) -> ApiResult<Json<Vec<WishlistItem>>> {
    if body.slug.len() > 200 || !wishlists::save(state.db.write(), who.account, &body.slug).await? {
        return Err(ApiError::NotFound(
            "There is no such product on sale.".into(),
        ));
    }
    list(State(state), who).await
}

pub(super) async fn remove(
    State(state): State<AppState>,
    who: SignedIn,
    Path(slug): Path<String>,
) -> ApiResult<StatusCode> {
    if !wishlists::remove(state.db.write(), who.account, &slug).await? {
        return Err(ApiError::NotFound(
            "That product is not on your wishlist.".into(),
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}
