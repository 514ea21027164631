//! Catalog: the read API over the live catalog (the edge serves the same shapes from its snapshot).

use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use meridian_domain::api::origin as paths;
use meridian_domain::{Category, Page, PageRequest, ProductCard, ProductDetail};
use meridian_store::catalog::{categories, load_cards, load_products, ProductFilter};
use serde::Deserialize;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(paths::CATEGORIES, get(list_categories))
        .route(paths::PRODUCTS, get(list_products))
        .route(&format!("{}/{{slug}}", paths::PRODUCTS), get(get_product))
}

async fn list_categories(State(state): State<AppState>) -> ApiResult<Json<Vec<Category>>> {
    Ok(Json(categories(state.db.read()).await?))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    category: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

async fn list_products(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Page<ProductCard>>> {
    let request = PageRequest::new(q.page, q.per_page).map_err(ApiError::BadRequest)?;
    let pool = state.db.read();
    let category = q.category.as_deref();
    let (items, total) = load_cards(
        pool,
        category,
        u64::from(request.per_page),
        request.offset(),
    )
    .await?;
    // Only an empty page can mean an unknown category: the check costs a query, so only then.
    if let (Some(slug), true) = (category, items.is_empty()) {
        if !categories(pool).await?.iter().any(|c| c.slug == slug) {
            return Err(ApiError::NotFound(format!(
                "There is no category '{slug}'."
            )));
        }
    }
    Ok(Json(Page {
        items,
        page: request.page,
        per_page: request.per_page,
        total,
    }))
}

async fn get_product(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<ProductDetail>> {
    let filter = ProductFilter {
        category: None,
        slug: Some(&slug),
    };
    let (mut found, _) = load_products(state.db.read(), filter, 1, 0).await?;
    found
        .pop()
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("There is no product '{slug}'.")))
}
