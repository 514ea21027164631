//! Admin inventory routes: stock levels (all, or only the low ones), one variant's movements,
//! adjustments by SKU (set, add, remove, each with a reason), and a variant's own low-stock threshold.
//! Reads need `inventory:read`, writes `inventory:write`; each adjustment is recorded as a movement naming
//! the key that made it, and takes an `Idempotency-Key`, so a retried "add 10" adds ten once.

use super::keys::require;
use super::PREFIX;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::idempotency::{claim, replay, respond, IdempotencyKey};
use crate::state::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use meridian_store::inventory::read::{self, StockFilter};
use meridian_store::inventory::{self, AdjustError, Change, Movement, StockItem, MAX_REASON_CHARS};
use serde::{Deserialize, Serialize};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(&format!("{PREFIX}/inventory"), get(list_stock))
        .route(&format!("{PREFIX}/inventory/{{sku}}"), get(show_stock))
        .route(
            &format!("{PREFIX}/inventory/{{sku}}/movements"),
            get(list_movements),
        )
        .route(
            &format!("{PREFIX}/inventory/{{sku}}/adjustments"),
            post(adjust_stock),
        )
        .route(
            &format!("{PREFIX}/inventory/{{sku}}/threshold"),
            put(set_threshold),
        )
}

/// The caller's key has `inventory:read`.
#[derive(Debug)]
struct StockRead;

/// The caller's key (its id) has `inventory:write`.
#[derive(Debug)]
struct StockWrite(i64);

impl FromRequestParts<AppState> for StockRead {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        require(parts, state, "inventory:read").await.map(|_| Self)
    }
}

impl FromRequestParts<AppState> for StockWrite {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        require(parts, state, "inventory:write").await.map(Self)
    }
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    /// Only variants on sale at or below their low-stock threshold.
    #[serde(default)]
    low: bool,
    /// The last SKU of the previous page.
    after: Option<String>,
    limit: Option<i64>,
}

#[derive(Debug, Serialize)]
struct StockList {
    items: Vec<StockItem>,
    /// Pass as `after` for the next page; absent on the last page.
    next_after: Option<String>,
}

async fn list_stock(
    _: StockRead,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<StockList>> {
    let limit = page_limit(q.limit)?;
    let filter = StockFilter {
        low: q.low,
        after: q.after.filter(|a| !a.is_empty()),
        limit,
    };
    let mut conn = state.db.write().acquire().await?;
    let items = read::list(&mut conn, &filter).await?;
    let full = i64::try_from(items.len()).unwrap_or(0) == limit;
    let next_after = full.then(|| items.last().map(|i| i.sku.clone())).flatten();
    Ok(Json(StockList { items, next_after }))
}

async fn show_stock(
    _: StockRead,
    State(state): State<AppState>,
    Path(sku): Path<String>,
) -> ApiResult<Json<StockItem>> {
    let mut conn = state.db.write().acquire().await?;
    read::item(&mut conn, &sku)
        .await?
        .map(Json)
        .ok_or_else(|| not_found(&sku))
}

#[derive(Debug, Deserialize)]
struct MovementQuery {
    /// `next_before` of the previous page: older movements than this id.
    before: Option<i64>,
    limit: Option<i64>,
}

#[derive(Debug, Serialize)]
struct MovementList {
    movements: Vec<Movement>,
    next_before: Option<i64>,
}

async fn list_movements(
    _: StockRead,
    State(state): State<AppState>,
    Path(sku): Path<String>,
    Query(q): Query<MovementQuery>,
) -> ApiResult<Json<MovementList>> {
    let limit = page_limit(q.limit)?;
    let mut conn = state.db.write().acquire().await?;
    let movements = read::movements(&mut conn, &sku, q.before, limit)
        .await?
        .ok_or_else(|| not_found(&sku))?;
    let full = i64::try_from(movements.len()).unwrap_or(0) == limit;
    let next_before = full.then(|| movements.last().map(|m| m.id)).flatten();
    Ok(Json(MovementList {
        movements,
        next_before,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ChangeKind {
    Set,
    Add,
    Remove,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Adjustment {
    change: ChangeKind,
    quantity: i64,
    reason: String,
}

#[derive(Debug, Serialize)]
struct Adjusted {
    item: StockItem,
    /// The movement recorded; `null` when a `set` named the stock there already was.
    movement: Option<Movement>,
}

async fn adjust_stock(
    StockWrite(key_id): StockWrite,
    State(state): State<AppState>,
    Path(sku): Path<String>,
    key: IdempotencyKey,
    Json(body): Json<Adjustment>,
) -> ApiResult<Response> {
    if key.0.is_none() {
        return Err(ApiError::BadRequest(
            "An adjustment needs an Idempotency-Key header, so a retry is not applied twice."
                .into(),
        ));
    }
    let reason = body.reason.trim();
    if reason.is_empty()
        || reason.chars().count() > MAX_REASON_CHARS
        || reason.chars().any(char::is_control)
    {
        return Err(ApiError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_reason",
            format!("reason must be 1 to {MAX_REASON_CHARS} printable characters."),
        ));
    }
    let quantity = i32::try_from(body.quantity).unwrap_or(i32::MAX);
    let change = match body.change {
        ChangeKind::Set => Change::Set(quantity),
        ChangeKind::Add => Change::Add(quantity),
        ChangeKind::Remove => Change::Remove(quantity),
    };
    let mut tx = state.db.write().begin().await?;
    let fingerprint = format!("stock {sku} {change:?} {reason}");
    if let Some(first) = claim(&mut tx, &key, &fingerprint).await? {
        return Ok(replay(first, StatusCode::OK));
    }
    let (item, movement) = inventory::adjust(&mut tx, &sku, change, reason, Some(key_id))
        .await
        .map_err(refusal)?;
    respond(tx, &key, StatusCode::OK, &Adjusted { item, movement }).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Threshold {
    /// `null`: the store-wide threshold applies.
    low_stock_threshold: Option<i64>,
}

/// Sets (or clears) the variant's own low-stock threshold. A PUT of a value: repeating it changes
/// nothing, so it needs no `Idempotency-Key`.
async fn set_threshold(
    _: StockWrite,
    State(state): State<AppState>,
    Path(sku): Path<String>,
    Json(body): Json<Threshold>,
) -> ApiResult<Json<StockItem>> {
    let threshold = match body.low_stock_threshold {
        None => None,
        Some(n) => Some(
            i32::try_from(n)
                .ok()
                .filter(|n| (0..=inventory::MAX_UNITS).contains(n))
                .ok_or_else(|| {
                    ApiError::refused(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "bad_threshold",
                        format!(
                            "low_stock_threshold must be null or between 0 and {}.",
                            inventory::MAX_UNITS
                        ),
                    )
                })?,
        ),
    };
    let mut conn = state.db.write().acquire().await?;
    read::set_threshold(&mut conn, &sku, threshold)
        .await?
        .map(Json)
        .ok_or_else(|| not_found(&sku))
}

fn refusal(err: AdjustError) -> ApiError {
    let message = err.to_string();
    match err {
        AdjustError::NotFound(_) => ApiError::NotFound(message),
        AdjustError::NotEnough { .. } => {
            ApiError::refused(StatusCode::CONFLICT, "not_enough_stock", message)
        }
        AdjustError::OutOfRange(_) => {
            ApiError::refused(StatusCode::UNPROCESSABLE_ENTITY, "bad_quantity", message)
        }
        AdjustError::Store(e) => e.into(),
    }
}

fn page_limit(limit: Option<i64>) -> ApiResult<i64> {
    let limit = limit.unwrap_or(50);
    if (1..=200).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::BadRequest(
            "`limit` must be between 1 and 200.".into(),
        ))
    }
}

fn not_found(sku: &str) -> ApiError {
    ApiError::NotFound(format!("There is no variant with SKU {sku:?}."))
}
