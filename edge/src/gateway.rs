//! The write gateway: cart calls go to the origin in one round trip, carrying the request id and an
//! idempotency key. The origin validates and prices everything; the edge only passes its answers on.

use crate::config::Config;
use crate::http::{cookie, json_error, problem_page};
use futures_util::future::Either;
use meridian_domain::api::{
    origin as paths, ErrorBody, CART_COOKIE, IDEMPOTENCY_HEADER, REQUEST_ID_HEADER,
};
use meridian_domain::{AddLine, Cart};
use wasm_bindgen::JsValue;
use worker::{Fetch, Headers, Method, Request, RequestInit, Response, Result};

/// Larger bodies are refused before they reach the origin.
const MAX_BODY: usize = 16 * 1024;
/// How long the edge waits for the origin before answering 502.
const ORIGIN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// A cart cookie lives 30 days.
const CART_COOKIE_MAX_AGE: u32 = 30 * 24 * 3600;

/// One call to the origin.
async fn origin(
    config: &Config,
    method: Method,
    path: &str,
    body: Option<String>,
    request_id: &str,
    idempotency_key: Option<&str>,
) -> Result<Response> {
    let headers = Headers::new();
    headers.set(REQUEST_ID_HEADER, request_id)?;
    headers.set("accept", "application/json")?;
    if let Some(key) = idempotency_key {
        headers.set(IDEMPOTENCY_HEADER, key)?;
    }
    let mut init = RequestInit::new();
    if let Some(body) = body {
        headers.set("content-type", "application/json")?;
        init.with_body(Some(JsValue::from_str(&body)));
    }
    init.with_method(method).with_headers(headers);
    let request = Request::new_with_init(&format!("{}{path}", config.origin_url), &init)?;
    let fetch = Fetch::Request(request);
    let fetch = std::pin::pin!(fetch.send());
    let timeout = std::pin::pin!(worker::Delay::from(ORIGIN_TIMEOUT));
    match futures_util::future::select(fetch, timeout).await {
        Either::Left((response, _)) => response,
        // A write may still land after we give up; its idempotency key makes the shopper's retry safe.
        Either::Right(_) => Err(worker::Error::RustError(format!(
            "origin did not answer {path} in time"
        ))),
    }
}

/// The cart id from the shopper's cookie, if it is a well-formed id.
fn cart_id(req: &Request) -> Option<String> {
    cookie(req, CART_COOKIE).filter(|id| uuid::Uuid::parse_str(id).is_ok())
}

fn cart_cookie(req: &Request, id: &str) -> Result<String> {
    let secure = if req.url()?.scheme() == "https" {
        "; Secure"
    } else {
        ""
    };
    Ok(format!(
        "{CART_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={CART_COOKIE_MAX_AGE}{secure}"
    ))
}

/// Adds a line to the shopper's cart, creating the cart (and its cookie) on first use.
/// Returns the origin's status and body, and the cookie to set if the cart is new.
async fn forward_line(
    req: &Request,
    config: &Config,
    body: String,
    request_id: &str,
    key: &str,
) -> Result<(Response, Option<String>)> {
    if let Some(id) = cart_id(req) {
        let response = origin(
            config,
            Method::Post,
            &paths::cart_lines(&id),
            Some(body.clone()),
            request_id,
            Some(key),
        )
        .await?;
        // A cart the origin no longer knows (expired, or a reset database) is replaced, not an error.
        if response.status_code() != 404 {
            return Ok((response, None));
        }
    }
    let mut created = origin(config, Method::Post, paths::CARTS, None, request_id, None).await?;
    if created.status_code() != 201 {
        return Ok((created, None));
    }
    let id = created.json::<Cart>().await?.id.to_string();
    let response = origin(
        config,
        Method::Post,
        &paths::cart_lines(&id),
        Some(body),
        request_id,
        Some(key),
    )
    .await?;
    Ok((response, Some(cart_cookie(req, &id)?)))
}

fn idempotency_key(req: &Request) -> String {
    req.headers()
        .get(IDEMPOTENCY_HEADER)
        .ok()
        .flatten()
        .filter(|k| (1..=200).contains(&k.len()))
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// `POST /api/cart/lines` with `{"sku", "quantity"}`: the island's add to cart.
pub(crate) async fn add_line(
    mut req: Request,
    config: &Config,
    request_id: &str,
) -> Result<Response> {
    let body = req.bytes().await?;
    if body.len() > MAX_BODY {
        return json_error(413, "too_large", "The request body is too large.");
    }
    let body = String::from_utf8(body).unwrap_or_default();
    let key = idempotency_key(&req);
    let (mut response, new_cookie) = forward_line(&req, config, body, request_id, &key).await?;
    let text = response.text().await?;
    let reply = Response::ok(text)?.with_status(response.status_code());
    reply.headers().set("content-type", "application/json")?;
    reply.headers().set("cache-control", "private, no-store")?;
    if let Some(cookie) = new_cookie {
        reply.headers().set("set-cookie", &cookie)?;
    }
    Ok(reply)
}

/// `POST /cart/add` from the product form when JavaScript is off: same write, then a redirect to the cart.
pub(crate) async fn add_line_form(
    mut req: Request,
    config: &Config,
    request_id: &str,
) -> Result<Response> {
    let form = req.form_data().await?;
    let field = |name| match form.get(name) {
        Some(worker::FormEntry::Field(v)) => Some(v),
        _ => None,
    };
    let sku = field("sku").unwrap_or_default();
    let Ok(quantity) = field("quantity")
        .unwrap_or_else(|| "1".into())
        .parse::<u32>()
    else {
        return problem_page(
            config,
            422,
            "Could not add to cart",
            "Quantity must be a whole number.",
            None,
        );
    };
    let body = serde_json::to_string(&AddLine { sku, quantity })?;
    let key = idempotency_key(&req);
    let (mut response, new_cookie) = forward_line(&req, config, body, request_id, &key).await?;
    if response.status_code() != 200 {
        let status = response.status_code();
        let message = response
            .json::<ErrorBody>()
            .await
            .map(|e| e.message)
            .unwrap_or_default();
        return problem_page(config, status, "Could not add to cart", &message, None);
    }
    let reply = Response::empty()?.with_status(303);
    reply.headers().set("location", "/cart")?;
    if let Some(cookie) = new_cookie {
        reply.headers().set("set-cookie", &cookie)?;
    }
    Ok(reply)
}

/// The shopper's cart from the origin; `None` if they have none (or it no longer exists).
pub(crate) async fn load_cart(
    req: &Request,
    config: &Config,
    request_id: &str,
) -> Result<Option<Cart>> {
    let Some(id) = cart_id(req) else {
        return Ok(None);
    };
    let mut response = origin(
        config,
        Method::Get,
        &paths::cart(&id),
        None,
        request_id,
        None,
    )
    .await?;
    match response.status_code() {
        200 => Ok(Some(response.json().await?)),
        404 => Ok(None),
        status => Err(worker::Error::RustError(format!(
            "origin answered {status} for a cart"
        ))),
    }
}

/// `GET /api/cart`: the cart as JSON, for scripts and the header's item count.
pub(crate) async fn get_cart(req: &Request, config: &Config, request_id: &str) -> Result<Response> {
    match load_cart(req, config, request_id).await? {
        Some(cart) => {
            let response = Response::from_json(&cart)?;
            response
                .headers()
                .set("cache-control", "private, no-store")?;
            Ok(response)
        }
        None => json_error(404, "not_found", "You have no cart yet."),
    }
}
