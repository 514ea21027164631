//! `Edge`: everything one request needs (the request, bindings, configuration, ids, the route), so each
//! handler takes one argument and a new route never adds a parameter to all the others.

use crate::config::Config;
use crate::error::{EdgeError, EdgeResult};
use crate::http;
use crate::policy::{cookie, request};
use meridian_domain::api::{CLIENT_REQUEST_ID_HEADER, REQUEST_ID_HEADER};
use meridian_domain::routes::{match_route, Route};
use meridian_domain::Category;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use worker::web_sys::Request;
use worker::{Context, Env, Response, Result, Url};

pub(crate) struct Edge {
    /// The platform's request itself, not `worker::Request`: converting reads `request.cf`, which
    /// workerd builds anew on every access, and nothing here needs it (a tenth of a cache hit's CPU).
    pub(crate) req: Request,
    /// The request's path, read once.
    pub(crate) path: String,
    pub(crate) env: Env,
    /// Work that may finish after the response (cache writes).
    pub(crate) ctx: Context,
    pub(crate) config: Rc<Config>,
    pub(crate) route: Route,
    /// Minted here for every request; the only id we send on and answer with.
    pub(crate) request_id: String,
    /// The id the client sent, if well formed: logged and passed to the origin as the client's, never ours.
    pub(crate) client_request_id: Option<String>,
    /// The item count of the shopper's cart if this request saw it (0: empty or gone), for the header's
    /// count cookie (see `policy::personal`).
    pub(crate) seen_count: Cell<Option<u32>>,
    /// Set when the page cache answered: `finish` marks the response (`x-meridian-cache: hit`), so the
    /// cached response's immutable headers are copied once, not once per step.
    pub(crate) cache_hit: Cell<bool>,
    /// The body of the response when the page cache built it (hit or fresh render), so `personalise`
    /// fills placeholders without reading it back out of the response.
    pub(crate) page_body: RefCell<Option<Rc<str>>>,
    /// `Set-Cookie` lines decided along the way (a session started, refreshed or ended), sent with
    /// whatever response this request ends in.
    pub(crate) cookies_out: RefCell<Vec<String>>,
}

impl Edge {
    pub(crate) fn new(req: Request, env: Env, ctx: Context) -> Self {
        let config = Config::for_isolate(&env);
        let path = path_of(&req.url());
        let route = match_route(&req.method(), &path);
        let sent = req.headers().get(REQUEST_ID_HEADER).ok().flatten();
        let client_request_id = request::client_request_id(sent.as_deref()).map(str::to_owned);
        Self {
            req,
            path,
            env,
            ctx,
            config,
            route,
            request_id: uuid::Uuid::new_v4().to_string(),
            client_request_id,
            seen_count: Cell::new(None),
            cache_hit: Cell::new(false),
            page_body: RefCell::new(None),
            cookies_out: RefCell::new(Vec::new()),
        }
    }

    /// Records the cart's item count as the origin just reported it (0 when the shopper has no cart).
    pub(crate) fn saw_cart(&self, item_count: u32) {
        self.seen_count.set(Some(item_count));
    }

    /// Sends `line` as a `Set-Cookie` header with this request's response.
    pub(crate) fn set_cookie(&self, line: String) {
        self.cookies_out.borrow_mut().push(line);
    }

    /// The request's URL.
    pub(crate) fn url(&self) -> Result<Url> {
        Ok(Url::parse(&self.req.url())?)
    }

    /// The request body, whole (callers bound its size first, see `gateway`).
    pub(crate) async fn body(&self) -> Result<Vec<u8>> {
        let buffer = worker::wasm_bindgen_futures::JsFuture::from(self.req.array_buffer()?).await?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    }

    /// Plain `http` on a loopback host: `wrangler dev`, the tests (see `policy::cookie`).
    pub(crate) fn is_local_http(&self) -> Result<bool> {
        let url = self.url()?;
        Ok(url.scheme() == "http" && cookie::is_loopback(url.host_str().unwrap_or_default()))
    }

    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.req.headers().get(name).ok().flatten()
    }

    /// `scheme://host[:port]` of this request, as a browser's `Origin` header would spell it.
    pub(crate) fn own_origin(&self) -> Result<String> {
        Ok(self.url()?.origin().ascii_serialization())
    }

    /// The cart cookie's name for this request (see `policy::cookie::cart_cookie_name`).
    pub(crate) fn cart_cookie_name(&self) -> Result<&'static str> {
        let url = self.url()?;
        Ok(cookie::cart_cookie_name(
            url.scheme(),
            url.host_str().unwrap_or_default(),
        ))
    }

    /// The cart id from the shopper's cookie, if it is a well-formed id.
    pub(crate) fn cart_id(&self) -> Result<Option<String>> {
        let name = self.cart_cookie_name()?;
        let header = self.header("cookie").unwrap_or_default();
        Ok(cookie::cookie_value(&header, name)
            .filter(|id| uuid::Uuid::parse_str(id).is_ok())
            .map(str::to_owned))
    }

    /// Whether a write comes from our own pages (see `policy::request::is_same_origin_write`).
    pub(crate) fn is_same_origin_write(&self) -> Result<bool> {
        Ok(request::is_same_origin_write(
            self.header("sec-fetch-site").as_deref(),
            self.header("origin").as_deref(),
            &self.own_origin()?,
        ))
    }

    /// The client id, for the origin's logs.
    pub(crate) fn client_id_header(&self) -> Option<(&'static str, &str)> {
        let id = self.client_request_id.as_deref()?;
        Some((CLIENT_REQUEST_ID_HEADER, id))
    }

    /// A refusal in the route's language: JSON for API routes, an HTML page otherwise. Fixed text only.
    pub(crate) fn refuse(&self, status: u16, code: &str, title: &str, message: &str) -> EdgeResult {
        if self.route.is_api() {
            return Ok(http::json_error(status, code, message)?);
        }
        Ok(http::problem_page(
            &self.config,
            status,
            title,
            message,
            Vec::<Category>::new(),
        )?)
    }

    /// The response for a failed request, logged with what may be logged (never the path: it can hold a
    /// cart id).
    pub(crate) fn failure(&self, err: &EdgeError) -> Result<Response> {
        if matches!(err, EdgeError::SignedOut) && !self.route.is_api() {
            return http::redirect(303, meridian_domain::routes::account::SIGN_IN);
        }
        worker::console_error!(
            "request {} {} {} failed (client id {}): {err}",
            self.request_id,
            self.req.method(),
            self.route.pattern(),
            self.client_request_id.as_deref().unwrap_or("-"),
        );
        let (status, code, message) = err.public();
        let title = if status == 503 {
            "Please come back soon"
        } else {
            "Something went wrong"
        };
        if self.route.is_api() {
            return http::json_error(status, code, message);
        }
        http::problem_page(&self.config, status, title, message, Vec::new())
    }
}

/// The path of a URL as the platform serialises it (`scheme://host[:port]/path[?query][#fragment]`):
/// from the first `/` after the host to the query or fragment. No reparse needed: a serialised special
/// URL always has a path, and `?` and `#` inside it are percent-encoded.
fn path_of(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[after_scheme..];
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    let end = path.find(['?', '#']).unwrap_or(path.len());
    path[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::path_of;

    #[test]
    fn the_path_is_cut_from_the_serialised_url() {
        assert_eq!(path_of("https://shop.example/p/lamp?x=1#top"), "/p/lamp");
        assert_eq!(path_of("http://127.0.0.1:8787/"), "/");
        assert_eq!(path_of("http://127.0.0.1:8787"), "/");
        assert_eq!(
            path_of("https://shop.example/c/b%C3%BCcher/"),
            "/c/b%C3%BCcher/"
        );
        assert_eq!(path_of("https://shop.example/search#q"), "/search");
    }
}
