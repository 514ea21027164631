//! Meridian's Cloudflare Worker: server-renders the storefront from the KV catalog snapshot, caches pages
//! in the Cache API under versioned keys, and is the gateway that forwards every write to the origin.

mod api;
mod catalog;
mod config;
mod gateway;
mod http;
mod pages;
mod publish;

use config::Config;
use worker::{event, Context, Env, Method, Request, Response, Result};

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let request_id = http::request_id(&req);
    let config = Config::from_env(&env)?;
    let is_api = req.path().starts_with("/api/");
    let response = match route(req, &env, &config, &ctx, &request_id).await {
        Ok(response) => response,
        Err(err) => {
            // Internal detail goes to the log with the request id, never to the shopper.
            worker::console_error!("request {request_id} failed: {err}");
            if is_api {
                let message = "The store could not complete this request; please try again.";
                return http::finish(http::json_error(502, "bad_gateway", message)?, &request_id);
            }
            http::problem_page(
                &config,
                500,
                "Something went wrong",
                "Please try again in a moment.",
                None,
            )?
        }
    };
    http::finish(response, &request_id)
}

async fn route(
    req: Request,
    env: &Env,
    config: &Config,
    ctx: &Context,
    request_id: &str,
) -> Result<Response> {
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (req.method(), segments.as_slice()) {
        (Method::Get | Method::Head, [""]) => pages::home(&req, env, config, ctx).await,
        (Method::Get | Method::Head, ["c", slug]) => {
            pages::category(&req, env, config, ctx, slug).await
        }
        (Method::Get | Method::Head, ["p", slug]) => {
            pages::product(&req, env, config, ctx, slug).await
        }
        (Method::Get | Method::Head, ["cart"]) => pages::cart(&req, env, config, request_id).await,
        (Method::Get | Method::Head, ["api", "catalog", "categories"]) => {
            api::categories(&req, env, config, ctx).await
        }
        (Method::Get | Method::Head, ["api", "catalog", "products"]) => {
            api::products(&req, env, config, ctx).await
        }
        (Method::Get | Method::Head, ["api", "catalog", "products", slug]) => {
            api::product(&req, env, config, ctx, slug).await
        }
        (Method::Post, ["cart", "add"]) => gateway::add_line_form(req, config, request_id).await,
        (Method::Post, ["api", "cart", "lines"]) => {
            gateway::add_line(req, config, request_id).await
        }
        (Method::Get, ["api", "cart"]) => gateway::get_cart(&req, config, request_id).await,
        (Method::Post, ["_meridian", "publish"]) => publish::publish(req, env, config).await,
        (_, ["api", ..]) => http::json_error(404, "not_found", "There is no such API route."),
        _ => http::problem_page(
            config,
            404,
            "Page not found",
            "We could not find that page.",
            None,
        ),
    }
}
