//! The write gateway: cart calls go to the origin carrying the request id and an idempotency key. The
//! origin validates and prices everything; the edge refuses what is hostile before reading it, forwards
//! the rest, and passes the origin's answer on.

use crate::context::Edge;
use crate::error::{EdgeError, EdgeResult};
use crate::http::{json_error, redirect};
use crate::origin::{Call, OriginReply};
use crate::policy::cookie::set_cart_cookie;
use crate::policy::form::Fields;
use crate::policy::request::{check_body, idempotency_key};
use meridian_domain::api::{origin as paths, IDEMPOTENCY_HEADER};
use meridian_domain::{AddLine, Cart};
use worker::{Method, Response};

mod form;
mod update;

pub(crate) use form::add_line_form;
pub(crate) use update::update_line_form;

/// Larger cart bodies are refused before they are read.
const MAX_BODY: usize = 16 * 1024;

/// The origin's answer to an add, and the cart cookie to set if a cart was created.
struct Added {
    status: u16,
    body: String,
    new_cookie: Option<String>,
}

impl Added {
    /// The origin's answer passed on as it is, with no new cart cookie.
    fn unchanged(reply: OriginReply) -> Self {
        Self {
            status: reply.status,
            body: reply.body,
            new_cookie: None,
        }
    }
}

/// Adds `line` under `key`: to the shopper's cart if they have one the origin still knows, else by creating
/// a cart that holds the line (one idempotent call: a retry gets the same cart back, never a second one).
async fn forward_line(edge: &Edge, line: &AddLine, key: &str) -> EdgeResult<Added> {
    let body = serde_json::to_string(line)?;
    if let Some(id) = edge.cart_id()? {
        let reply = edge
            .call_origin(post("add line", &paths::cart_lines(&id), &body, key))
            .await?;
        // A cart the origin no longer knows (expired, or a reset database) is replaced, not an error.
        if reply.status != 404 {
            if reply.status == 200 {
                note_cart(edge, &reply.body);
            }
            return Ok(Added::unchanged(reply));
        }
    }
    // A signed-in shopper's new cart is the account's (its orders then show in the history).
    let session = edge.session_if_any().await?;
    let create = post("create cart", paths::CARTS, &body, key);
    let create = match &session {
        Some(session) => create.signed(&session.token),
        None => create,
    };
    let created = edge.call_origin(create).await?;
    if created.status != 201 {
        return Ok(Added::unchanged(created));
    }
    let cart: Cart = serde_json::from_str(&created.body)
        .map_err(|_| EdgeError::BadGateway("origin sent an unreadable cart".into()))?;
    edge.saw_cart(cart.item_count);
    let id = cart.id.to_string();
    let new_cookie = Some(set_cart_cookie(edge.cart_cookie_name()?, &id));
    // The cart was created holding the line: to the caller this is a successful add (200).
    Ok(Added {
        status: 200,
        body: created.body,
        new_cookie,
    })
}

/// Remembers the item count of a cart the origin answered with, for the header (see `Edge::saw_cart`).
/// An unreadable body changes nothing: the count is a convenience, the answer is passed on either way.
pub(crate) fn note_cart(edge: &Edge, body: &str) {
    if let Ok(cart) = serde_json::from_str::<Cart>(body) {
        edge.saw_cart(cart.item_count);
    }
}

fn post<'a>(what: &'static str, path: &'a str, body: &'a str, key: &'a str) -> Call<'a> {
    Call::write(what, Method::Post, path, body, key)
}

/// A form post from our own pages, read once the guard passed (cross-site, size, type); `Err` is the
/// refusal page to answer with.
pub(crate) async fn read_form(edge: &mut Edge, max: usize) -> EdgeResult<Result<Fields, Response>> {
    if let Some(refused) = guard_write(edge, "application/x-www-form-urlencoded", max)? {
        return Ok(Err(refused));
    }
    Ok(Ok(Fields::parse(&edge.body().await?)))
}

/// The page for a form whose key is not one of ours: a reload gives the form a fresh key.
pub(crate) fn stale_form(edge: &Edge, title: &str) -> EdgeResult {
    edge.refuse(
        400,
        "bad_request",
        title,
        "Please reload the page and try again.",
    )
}

/// Refuses cross-site writes and bodies of the wrong size or type, before anything is read.
fn guard_write(edge: &Edge, media_type: &str, max: usize) -> EdgeResult<Option<Response>> {
    if !edge.is_same_origin_write()? {
        let message = "This request came from another site, so nothing was changed.";
        return Ok(Some(edge.refuse(
            403,
            "cross_site",
            "Request refused",
            message,
        )?));
    }
    let length = edge.header("content-length");
    let media = edge.header("content-type");
    if let Err(refusal) = check_body(length.as_deref(), media.as_deref(), media_type, max) {
        return Ok(Some(edge.refuse(
            refusal.status(),
            "bad_body",
            "Request refused",
            refusal.message(),
        )?));
    }
    Ok(None)
}

/// `POST /api/cart/lines` with `{"sku", "quantity"}`: the island's add to cart.
pub(crate) async fn add_line(edge: &mut Edge) -> EdgeResult {
    if let Some(refused) = guard_write(edge, "application/json", MAX_BODY)? {
        return Ok(refused);
    }
    let bytes = edge.body().await?;
    let Ok(line) = serde_json::from_slice::<AddLine>(&bytes) else {
        let message = r#"The body must be JSON like {"sku": "…", "quantity": 1}."#;
        return Ok(json_error(400, "bad_request", message)?);
    };
    let Ok(key) = idempotency_key(edge.header(IDEMPOTENCY_HEADER)) else {
        let message = "Idempotency-Key must be 1 to 200 visible characters.";
        return Ok(json_error(400, "bad_request", message)?);
    };
    let added = forward_line(edge, &line, &key).await?;
    // 201 from a cart creation is, to the island, a line added like any other.
    let status = if added.status == 201 {
        200
    } else {
        added.status
    };
    let reply = Response::ok(added.body)?.with_status(status);
    reply.headers().set("content-type", "application/json")?;
    reply.headers().set("cache-control", "private, no-store")?;
    if let Some(cookie) = added.new_cookie {
        reply.headers().set("set-cookie", &cookie)?;
    }
    Ok(reply)
}

/// The shopper's cart from the origin; `None` if they have none (or it no longer exists).
pub(crate) async fn load_cart(edge: &Edge) -> EdgeResult<Option<Cart>> {
    let Some(id) = edge.cart_id()? else {
        edge.saw_cart(0);
        return Ok(None);
    };
    let path = paths::cart(&id);
    let reply = edge.call_origin(Call::read("read cart", &path)).await?;
    match reply.status {
        200 => {
            let cart: Cart = serde_json::from_str(&reply.body)
                .map_err(|_| EdgeError::BadGateway("origin sent an unreadable cart".into()))?;
            edge.saw_cart(cart.item_count);
            Ok(Some(cart))
        }
        404 => {
            edge.saw_cart(0);
            Ok(None)
        }
        status => Err(EdgeError::BadGateway(format!(
            "origin answered {status} for a cart"
        ))),
    }
}

/// `GET /api/cart`: the cart as JSON, for scripts and the header's item count.
pub(crate) async fn get_cart(edge: &Edge) -> EdgeResult {
    match load_cart(edge).await? {
        Some(cart) => {
            let response = Response::from_json(&cart)?;
            response
                .headers()
                .set("cache-control", "private, no-store")?;
            Ok(response)
        }
        None => Ok(json_error(404, "not_found", "You have no cart yet.")?),
    }
}

/// After a form post: the cart page, with the new cart's cookie if one was created.
fn see_cart(new_cookie: Option<String>) -> EdgeResult {
    let reply = redirect(303, meridian_domain::routes::CART)?;
    if let Some(cookie) = new_cookie {
        reply.headers().set("set-cookie", &cookie)?;
    }
    Ok(reply)
}
