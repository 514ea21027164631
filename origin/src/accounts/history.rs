//! The signed-in shopper's orders: the list (newest first, a page at a time) and one order by number,
//! shown exactly as its token link shows it. Which orders an account may see is the store's one query
//! (`orders::history`): its own, and the guest orders placed with its email once that is verified. Any
//! other number answers the same 404 as a number that does not exist.

use super::SignedIn;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use axum::extract::State;
use meridian_domain::account::{OrderSummary, ORDER_HISTORY_PAGE};
use meridian_domain::OrderView;
use meridian_store::orders;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(super) struct Page {
    /// The last number of the previous page ("M-100042"): this page starts below it.
    before: Option<String>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    who: SignedIn,
    Query(page): Query<Page>,
) -> ApiResult<Json<Vec<OrderSummary>>> {
    let before = match page.before.as_deref() {
        None | Some("") => None,
        Some(number) => Some(orders::id_of(number).ok_or_else(|| {
            ApiError::BadRequest("`before` must be an order number like M-100042.".into())
        })?),
    };
    // The primary: the shopper opens the history right after placing an order.
    let mut conn = state.db.write().acquire().await?;
    let list = orders::history(&mut conn, who.account, before, ORDER_HISTORY_PAGE).await?;
    Ok(Json(list))
}

pub(super) async fn detail(
    State(state): State<AppState>,
    who: SignedIn,
    Path(number): Path<String>,
) -> ApiResult<Json<OrderView>> {
    let mut conn = state.db.write().acquire().await?;
    orders::of_account(&mut conn, who.account, &number)
        .await?
        .map(Json)
        .ok_or_else(crate::orders::not_found)
}
