//! Meridian's Cloudflare Worker: server-renders the storefront from the KV catalog snapshot, caches pages
//! in the Cache API under versioned keys, and is the gateway that forwards every write to the origin.

mod account;
mod api;
mod catalog;
mod checkout;
mod config;
mod context;
mod crypto;
mod error;
mod gateway;
mod http;
mod images;
mod memo;
mod orders;
mod origin;
mod pages;
mod personal;
mod policy;
mod prune;
mod publish;
mod session;
mod throttle;

use context::Edge;
use error::EdgeResult;
use meridian_domain::routes::Route;
use worker::{event, web_sys, Context, Env, Response, Result};

#[event(fetch)]
async fn fetch(req: web_sys::Request, env: Env, ctx: Context) -> Result<Response> {
    let mut edge = Edge::new(req, env, ctx);
    let response = match limited(&mut edge).await {
        Ok(response) => response,
        Err(err) => edge.failure(&err)?,
    };
    let response = edge.personalise(response).await?;
    http::finish(response, &edge.request_id, edge.cache_hit.get())
}

/// The route's answer, unless the client is over the route's edge rate limit (see `throttle`).
async fn limited(edge: &mut Edge) -> EdgeResult {
    if let Some(limit) = throttle::client_limit(&edge.route) {
        if let Some(refused) = edge.throttle_client(limit).await? {
            return Ok(refused);
        }
    }
    route(edge).await
}

/// One arm per route of `meridian_domain::routes`; the matching itself lives there.
async fn route(edge: &mut Edge) -> EdgeResult {
    match edge.route.clone() {
        Route::Home => pages::home(edge).await,
        Route::Category(slug) => pages::category(edge, &slug).await,
        Route::Product(slug) => pages::product(edge, &slug).await,
        Route::Cart => pages::cart(edge).await,
        Route::CartAdd => gateway::add_line_form(edge).await,
        Route::CartUpdate => gateway::update_line_form(edge).await,
        Route::Checkout => checkout::details(edge).await,
        Route::CheckoutSubmit => checkout::save_details(edge).await,
        Route::CheckoutShipping => checkout::shipping(edge).await,
        Route::CheckoutShippingSubmit => checkout::save_shipping(edge).await,
        Route::CheckoutReview => checkout::review(edge).await,
        Route::CheckoutPromo => checkout::save_promo(edge).await,
        Route::CheckoutPay => checkout::pay(edge).await,
        Route::Order(token) => orders::order(edge, &token).await,
        Route::Image(name) => edge.image(&name).await,
        Route::ApiCartLines => gateway::add_line(edge).await,
        Route::ApiCart => gateway::get_cart(edge).await,
        Route::ApiCategories => api::categories(edge).await,
        Route::ApiProducts => api::products(edge).await,
        Route::ApiProduct(slug) => api::product(edge, &slug).await,
        Route::Publish => publish::publish(edge).await,
        Route::PublishState => publish::state(edge).await,
        Route::Account(page) => account::route(edge, page).await,
        Route::Canonical(path) => {
            // The same request at its one canonical address (the query is kept; the cache key ignores
            // what it does not use).
            let query = edge
                .url()?
                .query()
                .map(|q| format!("?{q}"))
                .unwrap_or_default();
            Ok(http::redirect(301, &format!("{path}{query}"))?)
        }
        Route::ApiNotFound => Ok(http::json_error(
            404,
            "not_found",
            "There is no such API route.",
        )?),
        Route::NotFound => edge.refuse(
            404,
            "not_found",
            "Page not found",
            "We could not find that page.",
        ),
    }
}
