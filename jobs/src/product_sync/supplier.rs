//! A local stand-in for the supplier: serves a bundled feed as a Shopify store's public `/products.json`
//! (same JSON, same `limit`/`page` paging, same 250 cap), so product-sync runs against the real wire format.

use crate::shopify::{Product, ProductsPage, PAGE_LIMIT};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Debug, Deserialize)]
struct PageQuery {
    limit: Option<usize>,
    page: Option<usize>,
}

/// The stand-in's routes over a fixed list of products.
pub fn router(products: Vec<Product>) -> Router {
    Router::new()
        .route("/products.json", get(products_page))
        .with_state(Arc::new(products))
}

/// Reads a feed file in the `/products.json` format.
pub fn load_feed(path: &std::path::Path) -> anyhow::Result<Vec<Product>> {
    let text = std::fs::read_to_string(path)?;
    Ok(serde_json::from_str::<ProductsPage>(&text)?.products)
}

async fn products_page(
    State(products): State<Arc<Vec<Product>>>,
    Query(q): Query<PageQuery>,
) -> Result<Json<ProductsPage>, (StatusCode, String)> {
    let limit = q.limit.unwrap_or(30);
    let page = q.page.unwrap_or(1);
    if limit == 0 || limit > PAGE_LIMIT || page == 0 {
        return Err((
            StatusCode::BAD_REQUEST,
            format!("limit must be 1..={PAGE_LIMIT} and page >= 1"),
        ));
    }
    let items = products
        .iter()
        .skip((page - 1) * limit)
        .take(limit)
        .cloned()
        .collect();
    Ok(Json(ProductsPage { products: items }))
}

/// Serves the stand-in on `listen` until the process is stopped.
pub async fn serve(listen: std::net::SocketAddr, feed: &std::path::Path) -> anyhow::Result<()> {
    let products = load_feed(feed)?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(addr = %listener.local_addr()?, products = products.len(), "supplier stand-in listening");
    axum::serve(listener, router(products))
        .with_graceful_shutdown(meridian_runtime::shutdown_signal())
        .await?;
    Ok(())
}
