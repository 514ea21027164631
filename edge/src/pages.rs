//! Page routes: catalog pages from the KV snapshot through the page cache; the cart page per shopper.

use crate::catalog::{Catalog, Rendered};
use crate::context::Edge;
use crate::error::EdgeResult;
use crate::gateway;
use crate::http::{html, problem_page};
use meridian_app::Page;

pub(crate) async fn home(edge: &Edge) -> EdgeResult {
    edge.cached(None, |snap| async move {
        let categories = snap.index.categories.clone();
        let page = html(
            &edge.config,
            Page::Home((*snap.index).clone()),
            categories,
            200,
        )?;
        Ok(Rendered::Fresh(page))
    })
    .await
}

pub(crate) async fn category(edge: &Edge, slug: &str) -> EdgeResult {
    edge.cached(None, |snap| async move {
        let index = snap.index;
        let Some(category) = index.category(slug).cloned() else {
            let message = "We could not find that category.";
            let page = problem_page(
                &edge.config,
                404,
                "Category not found",
                message,
                index.categories.clone(),
            )?;
            return Ok(Rendered::Missing(page));
        };
        let cards = index.cards_in(slug).cloned().collect();
        let page = Page::Category { category, cards };
        Ok(Rendered::Fresh(html(
            &edge.config,
            page,
            index.categories.clone(),
            200,
        )?))
    })
    .await
}

/// The product page. Its add-to-cart form carries a placeholder key; every response served (hit or miss)
/// gets its own fresh key (see `personal`), so the shared cached HTML never gives two views the same key.
pub(crate) async fn product(edge: &Edge, slug: &str) -> EdgeResult {
    edge.cached_product(slug, |snap| async move {
        let categories = snap.index.categories.clone();
        Ok(match snap.product(slug).await? {
            Some(product) => Rendered::Fresh(html(
                &edge.config,
                Page::Product(Box::new(product)),
                categories,
                200,
            )?),
            None => {
                let message = "We could not find that product.";
                Rendered::Missing(problem_page(
                    &edge.config,
                    404,
                    "Product not found",
                    message,
                    categories,
                )?)
            }
        })
    })
    .await
}

/// The shopper's own cart: never cached, every figure straight from the origin.
pub(crate) async fn cart(edge: &Edge) -> EdgeResult {
    let categories = match Catalog::open(&edge.env).await? {
        Some(catalog) => catalog
            .index()
            .await?
            .map(|i| i.categories.clone())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let cart = gateway::load_cart(edge).await?;
    Ok(html(&edge.config, Page::Cart(cart), categories, 200)?)
}
