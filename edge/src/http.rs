//! Response helpers shared by every route: request ids, security headers, error bodies and pages, cookies.

use crate::config::Config;
use meridian_app::{render, Document, Page};
use meridian_domain::api::{ErrorBody, REQUEST_ID_HEADER};
use meridian_domain::Category;
use worker::{Request, Response, Result};

const SECURITY_HEADERS: [(&str, &str); 5] = [
    (
        "content-security-policy",
        // The island loader is one inline module script; wasm needs 'wasm-unsafe-eval'.
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data: https:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    ),
    ("strict-transport-security", "max-age=31536000; includeSubDomains"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("x-frame-options", "DENY"),
];

/// The caller's request id if it looks like one of ours, else a new one. Carried to origin and logs.
pub(crate) fn request_id(req: &Request) -> String {
    req.headers()
        .get(REQUEST_ID_HEADER)
        .ok()
        .flatten()
        .filter(|id| {
            (8..=64).contains(&id.len())
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// Adds the request id and security headers to every response leaving the worker.
pub(crate) fn finish(mut response: Response, request_id: &str) -> Result<Response> {
    let headers = mutable_headers(&response)?;
    headers.set(REQUEST_ID_HEADER, request_id)?;
    for (name, value) in SECURITY_HEADERS {
        headers.set(name, value)?;
    }
    response = response.with_headers(headers);
    Ok(response)
}

/// A mutable copy of a response's headers: those of a Cache API response are immutable.
pub(crate) fn mutable_headers(response: &Response) -> Result<worker::Headers> {
    let copy = worker::Headers::new();
    for (name, value) in response.headers().entries() {
        copy.append(&name, &value)?;
    }
    Ok(copy)
}

pub(crate) fn json_error(status: u16, code: &str, message: &str) -> Result<Response> {
    let body = ErrorBody {
        error: code.to_owned(),
        message: message.to_owned(),
    };
    Ok(Response::from_json(&body)?.with_status(status))
}

/// Renders `page` as a full HTML document with the given status and cache policy.
pub(crate) fn html(
    config: &Config,
    page: Page,
    categories: Vec<Category>,
    status: u16,
) -> Result<Response> {
    let doc = Document {
        options: config.leptos_options(),
        stylesheet: config.stylesheet(),
        categories,
    };
    let response = Response::from_html(render(doc, page))?.with_status(status);
    response
        .headers()
        .set("cache-control", "private, no-store")?;
    Ok(response)
}

/// An error page a shopper can read, with a real status code.
pub(crate) fn problem_page(
    config: &Config,
    status: u16,
    title: &str,
    message: &str,
    categories: Option<Vec<Category>>,
) -> Result<Response> {
    let page = Page::Problem {
        title: title.to_owned(),
        message: message.to_owned(),
    };
    html(config, page, categories.unwrap_or_default(), status)
}

/// The value of cookie `name`, if the request carries it.
pub(crate) fn cookie(req: &Request, name: &str) -> Option<String> {
    let header = req.headers().get("cookie").ok().flatten()?;
    header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}
