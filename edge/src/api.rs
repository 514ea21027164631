//! `GET /api/catalog/*`: the origin's catalog API shapes, answered from the KV snapshot through the page
//! cache, so scripts and apps read the catalog at the edge without touching the origin.

use crate::catalog::{cached_page, Catalog};
use crate::config::Config;
use crate::http::json_error;
use meridian_domain::{PageRequest, ProductCard};
use worker::{Context, Env, Request, Response, Result};

const NOT_PUBLISHED: &str = "The catalog has not been published yet.";

/// `GET /api/catalog/categories`
pub(crate) async fn categories(
    req: &Request,
    env: &Env,
    config: &Config,
    ctx: &Context,
) -> Result<Response> {
    let catalog = Catalog::open(env).await?;
    let Some(version) = catalog.version.clone() else {
        return json_error(503, "unavailable", NOT_PUBLISHED);
    };
    cached_page(req, &version, config.page_ttl, ctx, || async {
        Response::from_json(&catalog.index().await?.categories)
    })
    .await
}

/// `GET /api/catalog/products?category=&page=&per_page=`
pub(crate) async fn products(
    req: &Request,
    env: &Env,
    config: &Config,
    ctx: &Context,
) -> Result<Response> {
    let catalog = Catalog::open(env).await?;
    let Some(version) = catalog.version.clone() else {
        return json_error(503, "unavailable", NOT_PUBLISHED);
    };
    cached_page(req, &version, config.page_ttl, ctx, || async {
        let url = req.url()?;
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let number = |name: &str| {
            param(name).map(|v| {
                v.parse::<u32>()
                    .map_err(|_| format!("{name} must be a whole number"))
            })
        };
        let request = match (number("page").transpose(), number("per_page").transpose()) {
            (Ok(page), Ok(per_page)) => PageRequest::new(page, per_page),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        let request = match request {
            Ok(r) => r,
            Err(message) => return json_error(400, "bad_request", &message),
        };
        let index = catalog.index().await?;
        let category = param("category");
        if let Some(slug) = &category {
            if index.category(slug).is_none() {
                return json_error(404, "not_found", &format!("There is no category '{slug}'."));
            }
        }
        let cards: Vec<ProductCard> = index
            .cards
            .into_iter()
            .filter(|c| category.as_ref().is_none_or(|s| &c.category_slug == s))
            .collect();
        Response::from_json(&request.slice(&cards))
    })
    .await
}

/// `GET /api/catalog/products/{slug}`
pub(crate) async fn product(
    req: &Request,
    env: &Env,
    config: &Config,
    ctx: &Context,
    slug: &str,
) -> Result<Response> {
    let catalog = Catalog::open(env).await?;
    let Some(version) = catalog.version.clone() else {
        return json_error(503, "unavailable", NOT_PUBLISHED);
    };
    cached_page(req, &version, config.page_ttl, ctx, || async {
        match catalog.product(slug).await? {
            Some(product) => Response::from_json(&product),
            None => json_error(404, "not_found", &format!("There is no product '{slug}'.")),
        }
    })
    .await
}
