//! The last step before a response leaves: the shopper's own parts of an HTML page (cart count, one fresh
//! key per form) filled in after the page cache, the count cookie updated when this request saw the
//! cart, and any session cookie this request started, renewed or ended. The rules are in `policy::personal`.

use crate::context::Edge;
use crate::http::mutable_headers;
use crate::policy::personal::{count_cookie, fill, filled_cache_control, read_count};
use meridian_app::CART_COUNT_PLACEHOLDER;
use meridian_domain::api::{CSRF_PLACEHOLDER, IDEMPOTENCY_PLACEHOLDER};
use std::rc::Rc;
use worker::{Response, Result};

impl Edge {
    pub(crate) async fn personalise(&self, mut response: Response) -> Result<Response> {
        let sent = read_count(&self.header("cookie").unwrap_or_default());
        let seen = self.seen_count.get();
        // What this request learnt wins over what the cookie remembered.
        let count = seen.map_or(sent, |n| Some(n).filter(|n| *n > 0));
        let response = if is_html(&response) {
            let body = match self.page_body.take() {
                Some(body) => body,
                None => Rc::from(response.text().await?),
            };
            let body = self.fill_csrf(body).await;
            fill_page(response, &body, count)?
        } else {
            response
        };
        let mut lines = self.cookies_out.take();
        match seen {
            Some(n) if Some(n).filter(|n| *n > 0) != sent => {
                lines.push(count_cookie(n, !self.is_local_http()?));
            }
            _ => {}
        }
        if lines.is_empty() {
            return Ok(response);
        }
        let headers = mutable_headers(&response)?;
        for line in &lines {
            headers.append("set-cookie", line)?;
        }
        Ok(response.with_headers(headers))
    }
}

impl Edge {
    /// A shared page's signed-in form gets the viewer's CSRF token (nothing when signed out: the form
    /// then leads to sign-in). Only pages holding the placeholder verify the session, and a failure to
    /// (say, the origin down during a refresh) leaves the form tokenless rather than failing the page.
    async fn fill_csrf(&self, body: Rc<str>) -> Rc<str> {
        if !body.contains(CSRF_PLACEHOLDER) {
            return body;
        }
        let token = match self.session_if_any().await {
            Ok(Some(session)) => session.csrf(),
            _ => String::new(),
        };
        Rc::from(body.replace(CSRF_PLACEHOLDER, &token))
    }
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|t| t.starts_with("text/html"))
}

/// The page (`response` with its `body`) with its placeholders filled; private from here on (see
/// `filled_cache_control`).
fn fill_page(mut response: Response, body: &str, count: Option<u32>) -> Result<Response> {
    let filled = fill(
        body,
        IDEMPOTENCY_PLACEHOLDER,
        CART_COUNT_PLACEHOLDER,
        count,
        || uuid::Uuid::new_v4().to_string(),
    );
    let original = response.headers().get("cache-control")?;
    let control = filled_cache_control(original.as_deref(), filled.keys);
    // Our own responses' headers change in place and move to the filled page (`Headers::clone` would
    // copy them); only a Cache API answer's, which are immutable, are copied.
    let headers = if response.headers().set("cache-control", control).is_ok() {
        std::mem::replace(response.headers_mut(), worker::Headers::new())
    } else {
        let headers = mutable_headers(&response)?;
        headers.set("cache-control", control)?;
        headers
    };
    Ok(Response::from_html(filled.html)?
        .with_status(response.status_code())
        .with_headers(headers))
}
