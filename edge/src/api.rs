//! `GET /api/catalog/*`: the origin's catalog API shapes, answered from the KV snapshot through the page
//! cache, so scripts and apps read the catalog at the edge without touching the origin.

use crate::catalog::Rendered;
use crate::context::Edge;
use crate::error::EdgeResult;
use crate::http::json_error;
use crate::policy::cache_key::ProductsQuery;
use meridian_domain::{PageRequest, ProductCard};
use worker::Response;

/// `GET /api/catalog/categories`
pub(crate) async fn categories(edge: &Edge) -> EdgeResult {
    edge.cached(None, |snap| async move {
        Ok(Rendered::Fresh(Response::from_json(
            &snap.index.categories,
        )?))
    })
    .await
}

/// `GET /api/catalog/products?category=&page=&per_page=`. Other parameters are ignored (and kept out of
/// the cache key); a page past the last one is a 404 that is not cached.
pub(crate) async fn products(edge: &Edge) -> EdgeResult {
    let query = match ProductsQuery::parse(edge.url()?.query()) {
        Ok(query) => query,
        Err(message) => return Ok(json_error(400, "bad_request", &message)?),
    };
    let request = PageRequest::new(query.page, query.per_page).unwrap_or(PageRequest {
        page: 1,
        per_page: 1,
    });
    let category = query.category.clone();
    edge.cached(Some(&query), |snap| async move {
        let index = snap.index;
        if let Some(slug) = &category {
            if index.category(slug).is_none() {
                let message = format!("There is no category '{slug}'.");
                return Ok(Rendered::Missing(json_error(404, "not_found", &message)?));
            }
        }
        let cards: Vec<ProductCard> = index
            .cards
            .iter()
            .filter(|c| category.as_ref().is_none_or(|s| &c.category_slug == s))
            .cloned()
            .collect();
        let pages = cards.len().div_ceil(request.per_page as usize).max(1);
        if request.page as usize > pages {
            let message = format!("There are {pages} pages.");
            // Briefly cached like an unknown slug; `page` itself is bounded before the cache (see
            // `ProductsQuery::parse`), so this cannot be used to mint entries without end.
            return Ok(Rendered::Missing(json_error(404, "not_found", &message)?));
        }
        Ok(Rendered::Fresh(Response::from_json(
            &request.slice(&cards),
        )?))
    })
    .await
}

/// `GET /api/catalog/products/{slug}`
pub(crate) async fn product(edge: &Edge, slug: &str) -> EdgeResult {
    edge.cached_product(slug, |snap| async move {
        Ok(match snap.product(slug).await? {
            Some(product) => Rendered::Fresh(Response::from_json(&product)?),
            None => {
                let message = format!("There is no product '{slug}'.");
                Rendered::Missing(json_error(404, "not_found", &message)?)
            }
        })
    })
    .await
}
