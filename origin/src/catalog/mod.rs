//! Catalog: the read API the edge falls back to, and the import the product-sync job writes through.

pub mod import;
mod repo;

pub use repo::{categories, load_products, ProductFilter};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use meridian_domain::api::origin as paths;
use meridian_domain::{Category, Page, ProductCard, ProductDetail};
use serde::Deserialize;

pub const DEFAULT_PER_PAGE: u32 = 24;
pub const MAX_PER_PAGE: u32 = 100;

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
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(DEFAULT_PER_PAGE);
    if page == 0 {
        return Err(ApiError::BadRequest("page starts at 1".into()));
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(ApiError::BadRequest(format!(
            "per_page must be between 1 and {MAX_PER_PAGE}"
        )));
    }
    let pool = state.db.read();
    if let Some(slug) = &q.category {
        if !categories(pool).await?.iter().any(|c| &c.slug == slug) {
            return Err(ApiError::NotFound(format!(
                "There is no category '{slug}'."
            )));
        }
    }
    let filter = ProductFilter {
        category: q.category.as_deref(),
        slug: None,
    };
    let offset = u64::from(page - 1) * u64::from(per_page);
    let (products, total) = load_products(pool, filter, u64::from(per_page), offset).await?;
    let items = products.iter().filter_map(ProductDetail::card).collect();
    Ok(Json(Page {
        items,
        page,
        per_page,
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
