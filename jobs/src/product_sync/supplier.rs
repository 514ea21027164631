//! The supplier stand-in, dev and test tooling only: serves a bundled feed as a Shopify store's public
//! `/products.json` (same JSON, same `limit`/`page` paging, same 250 cap), so product-sync runs against the
//! real wire format. `jobs supplier --listen … --feed …` runs it (`cargo xtask dev` and the image test do);
//! it is no part of a production sync, which reads a real supplier over https.

use super::shopify::{Product, ProductsPage, PAGE_LIMIT};
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
    let values = products
        .iter()
        .map(|p| serde_json::to_value(p).expect("a product serialises"))
        .collect();
    router_json(values)
}

/// The stand-in's routes over products as raw JSON, served as they are (malformed ones included).
pub fn router_json(products: Vec<serde_json::Value>) -> Router {
    Router::new()
        .route("/products.json", get(products_page))
        .with_state(Arc::new(products))
}

/// Reads a feed file in the `/products.json` format.
pub fn load_feed(path: &std::path::Path) -> anyhow::Result<Vec<Product>> {
    let text = std::fs::read_to_string(path)?;
    Ok(serde_json::from_str::<ProductsPage>(&text)?.products)
}

/// Reads a feed file's products as raw JSON, so a feed with odd products can be served as it is.
pub fn load_feed_json(path: &std::path::Path) -> anyhow::Result<Vec<serde_json::Value>> {
    #[derive(serde::Deserialize)]
    struct Page {
        products: Vec<serde_json::Value>,
    }
    let text = std::fs::read_to_string(path)?;
    Ok(serde_json::from_str::<Page>(&text)?.products)
}

async fn products_page(
    State(products): State<Arc<Vec<serde_json::Value>>>,
    Query(q): Query<PageQuery>,
) -> Result<Json<serde_json::Value>, (StatusCode, String)> {
    let limit = q.limit.unwrap_or(30);
    let page = q.page.unwrap_or(1);
    if limit == 0 || limit > PAGE_LIMIT || page == 0 {
        return Err((
            StatusCode::BAD_REQUEST,
            format!("limit must be 1..={PAGE_LIMIT} and page >= 1"),
        ));
    }
    let items: Vec<_> = products
        .iter()
        .skip((page - 1) * limit)
        .take(limit)
        .cloned()
        .collect();
    Ok(Json(serde_json::json!({ "products": items })))
}

/// Serves the stand-in on `listen` until the process is stopped: the product feed, and the stock levels
/// in `stock` (`/inventory.csv`, see `crate::inventory::supplier`) when that file exists.
pub async fn serve(
    listen: std::net::SocketAddr,
    feed: &std::path::Path,
    stock: &std::path::Path,
) -> anyhow::Result<()> {
    let products = load_feed_json(feed)?;
    let count = products.len();
    let mut routes = router_json(products);
    match std::fs::read(stock) {
        Ok(csv) => routes = routes.merge(crate::inventory::supplier::router(csv)),
        Err(error) => tracing::warn!(%error, path = %stock.display(), "no stock levels served"),
    }
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(addr = %listener.local_addr()?, products = count, "supplier stand-in listening");
    axum::serve(listener, routes)
        .with_graceful_shutdown(meridian_runtime::shutdown_signal())
        .await?;
    Ok(())
}
