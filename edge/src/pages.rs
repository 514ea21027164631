//! Page routes: catalog pages from the KV snapshot through the page cache; the cart page per shopper.

use crate::catalog::{cached_page, Catalog};
use crate::config::Config;
use crate::gateway;
use crate::http::{html, problem_page};
use meridian_app::Page;
use worker::{Context, Env, Request, Response, Result};

const NOT_STOCKED: &str = "Our catalog is being published. Please come back in a minute.";

pub(crate) async fn home(
    req: &Request,
    env: &Env,
    config: &Config,
    ctx: &Context,
) -> Result<Response> {
    let catalog = Catalog::open(env).await?;
    let Some(version) = catalog.version.clone() else {
        return problem_page(config, 503, "Opening soon", NOT_STOCKED, None);
    };
    cached_page(req, &version, config.page_ttl, ctx, || async {
        let index = catalog.index().await?;
        let categories = index.categories.clone();
        html(config, Page::Home(index), categories, 200)
    })
    .await
}

pub(crate) async fn category(
    req: &Request,
    env: &Env,
    config: &Config,
    ctx: &Context,
    slug: &str,
) -> Result<Response> {
    let catalog = Catalog::open(env).await?;
    let Some(version) = catalog.version.clone() else {
        return problem_page(config, 503, "Opening soon", NOT_STOCKED, None);
    };
    cached_page(req, &version, config.page_ttl, ctx, || async {
        let index = catalog.index().await?;
        let Some(category) = index.category(slug).cloned() else {
            let message = format!("There is no category called “{slug}”.");
            return problem_page(
                config,
                404,
                "Category not found",
                &message,
                Some(index.categories),
            );
        };
        let cards = index.cards_in(slug).cloned().collect();
        html(
            config,
            Page::Category { category, cards },
            index.categories.clone(),
            200,
        )
    })
    .await
}

pub(crate) async fn product(
    req: &Request,
    env: &Env,
    config: &Config,
    ctx: &Context,
    slug: &str,
) -> Result<Response> {
    let catalog = Catalog::open(env).await?;
    let Some(version) = catalog.version.clone() else {
        return problem_page(config, 503, "Opening soon", NOT_STOCKED, None);
    };
    cached_page(req, &version, config.page_ttl, ctx, || async {
        let categories = catalog.index().await?.categories;
        match catalog.product(slug).await? {
            Some(product) => html(config, Page::Product(Box::new(product)), categories, 200),
            None => problem_page(
                config,
                404,
                "Product not found",
                "We could not find that product.",
                Some(categories),
            ),
        }
    })
    .await
}

/// The shopper's own cart: never cached, every figure straight from the origin.
pub(crate) async fn cart(
    req: &Request,
    env: &Env,
    config: &Config,
    request_id: &str,
) -> Result<Response> {
    let categories = Catalog::open(env).await?.index().await?.categories;
    let cart = gateway::load_cart(req, config, request_id).await?;
    html(config, Page::Cart(cart), categories, 200)
}
