//! Response helpers shared by every route: security headers, error bodies and pages, redirects.

use crate::config::{leptos_options, Config};
use crate::policy::csp;
use meridian_app::{loader_html, render, Document, Page};
use meridian_domain::api::{ErrorBody, EDGE_CACHE_HEADER, REQUEST_ID_HEADER};
use meridian_domain::Category;
use std::sync::OnceLock;
use worker::{Response, Result};

const SECURITY_HEADERS: [(&str, &str); 3] = [
    (
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
];

/// Hashes of the island loader: the same on every page of one asset version, so computed once per
/// isolate from the loader alone (no supplier text is ever hashed).
fn script_hashes() -> &'static [String] {
    static HASHES: OnceLock<Vec<String>> = OnceLock::new();
    HASHES.get_or_init(|| csp::inline_script_hashes(&loader_html(leptos_options())))
}

/// The CSP of this build (interned with the other fixed header text on first use).
fn content_security_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        let policy = csp::policy(script_hashes(), &[]);
        intern_fixed_text(&policy);
        policy
    })
}

/// Keeps a JS copy of the header names and values every response carries, so passing them to the
/// platform costs a lookup instead of a UTF-8 decode each (~7 µs apiece in workerd, ~30 per page: a CPU
/// profile showed the decoding as a tenth of a cache hit). Needs wasm-bindgen's `enable-interning`.
fn intern_fixed_text(policy: &str) {
    let fixed = [
        REQUEST_ID_HEADER,
        EDGE_CACHE_HEADER,
        "hit",
        "miss",
        "content-security-policy",
        policy,
        "referrer-policy",
        "strict-origin-when-cross-origin",
        "content-type",
        "text/html; charset=utf-8",
        "cache-control",
        "private, no-store",
        "private, no-cache",
        "cookie",
        "x-meridian-render",
    ];
    let security = SECURITY_HEADERS
        .iter()
        .flat_map(|(name, value)| [*name, *value]);
    for text in fixed.into_iter().chain(security) {
        wasm_bindgen::intern(text);
    }
}

/// The CSP of a page whose forms may land on `form_actions` too (the review page's "Pay").
pub(crate) fn policy_with_form_actions(form_actions: &[String]) -> String {
    csp::policy(script_hashes(), form_actions)
}

/// Adds our request id, the security headers and (for a page-cache answer) `x-meridian-cache: hit` to
/// every response leaving the worker. The headers are set in place when the response is ours; only a
/// response straight from the Cache API (immutable headers) is copied, once.
pub(crate) fn finish(response: Response, request_id: &str, cache_hit: bool) -> Result<Response> {
    // `worker::Headers::clone` copies the JS object: set in place and keep the response as it is.
    if response
        .headers()
        .set(REQUEST_ID_HEADER, request_id)
        .is_ok()
    {
        mark(response.headers(), cache_hit)?;
        return Ok(response);
    }
    let headers = mutable_headers(&response)?;
    headers.set(REQUEST_ID_HEADER, request_id)?;
    mark(&headers, cache_hit)?;
    Ok(response.with_headers(headers))
}

/// Everything `finish` adds but the request id.
fn mark(headers: &worker::Headers, cache_hit: bool) -> Result<()> {
    if cache_hit {
        headers.set(EDGE_CACHE_HEADER, "hit")?;
    }
    for (name, value) in SECURITY_HEADERS {
        headers.set(name, value)?;
    }
    // Unless the handler chose a stricter value (the review's CSP, `no-referrer` on checkout pages).
    if !headers.has("content-security-policy")? {
        headers.set("content-security-policy", content_security_policy())?;
    }
    if !headers.has("referrer-policy")? {
        headers.set("referrer-policy", "strict-origin-when-cross-origin")?;
    }
    Ok(())
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
    let response = Response::from_json(&body)?.with_status(status);
    response
        .headers()
        .set("cache-control", "private, no-store")?;
    Ok(response)
}

/// Renders `page` as a full HTML document with the given status; not cacheable unless the page cache
/// says otherwise.
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

/// An error page a shopper can read, with a real status code. `title` and `message` are fixed text.
pub(crate) fn problem_page(
    config: &Config,
    status: u16,
    title: &str,
    message: &str,
    categories: Vec<Category>,
) -> Result<Response> {
    let page = Page::Problem {
        title: title.to_owned(),
        message: message.to_owned(),
    };
    html(config, page, categories, status)
}

/// A redirect to a path of ours (never to anything taken from the request but its own path and query).
pub(crate) fn redirect(status: u16, location: &str) -> Result<Response> {
    let response = Response::empty()?.with_status(status);
    response.headers().set("location", location)?;
    Ok(response)
}
