//! Reading the supplier feed, bounded in every direction: only `https` URLs (plain `http` only to a
//! loopback stand-in), pages of at most a configured size streamed with a cap, at most a configured number
//! of pages, and a stop when the supplier repeats a page (a CDN that ignores `?page=`). Each product is
//! parsed on its own, so one unreadable product is skipped instead of failing its page.

use super::shopify::{Product, PAGE_LIMIT};
use crate::job::refusal;
use meridian_store::catalog::runs::SkipReason;
use reqwest::Url;
use std::collections::HashSet;
use std::net::IpAddr;

/// How much of a feed is read at most.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_pages: u32,
    pub max_page_bytes: u64,
    pub page_size: usize,
}

/// What a feed listed.
#[derive(Debug, Default)]
pub struct Feed {
    /// Each product once, in feed order.
    pub products: Vec<Product>,
    /// Every product id the feed named, including unreadable products (they keep their last good version
    /// instead of being archived).
    pub listed: Vec<i64>,
    pub skipped: Vec<SkipReason>,
}

/// Checks a feed's base URL: `https`, or `http` to a loopback address (the local stand-in). Anything else
/// is refused for good: retrying cannot make it acceptable.
pub fn feed_url(text: &str) -> anyhow::Result<Url> {
    let url = Url::parse(text.trim())
        .map_err(|e| refusal(format!("the feed URL {text:?} is not a URL: {e}")))?;
    let host = url.host_str().unwrap_or_default();
    let ip = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .ok();
    let loopback = host == "localhost" || ip.is_some_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" if !host.is_empty() && !ip.is_some_and(internal) => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(refusal(format!(
            "the feed URL {text:?} is refused: only https (or http to a loopback stand-in) is fetched"
        ))),
    }
}

/// A private, link-local or unspecified address: never a supplier's. Only literal addresses are checked;
/// a host name that resolves to one is not (that needs a resolver that filters addresses).
fn internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let shared = v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64; // 100.64.0.0/10
            v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || shared
        }
        // `[::ffff:10.0.0.1]` is an IPv4 address in disguise: judge it as one.
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some() => v6
            .to_ipv4_mapped()
            .is_some_and(|v4| internal(IpAddr::V4(v4))),
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_unspecified() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    }
}

/// Reads every page of `{base}/products.json`. Fails on the first bad page: a partial catalog is not
/// imported, so a flaky supplier cannot make products disappear.
pub async fn fetch_all(
    client: &reqwest::Client,
    base: &Url,
    limits: Limits,
) -> anyhow::Result<Feed> {
    let mut feed = Feed::default();
    let mut seen = HashSet::new();
    let mut previous: Vec<i64> = Vec::new();
    let page_size = limits.page_size.clamp(1, PAGE_LIMIT);
    for page in 1..=limits.max_pages {
        let url = format!(
            "{}/products.json?limit={page_size}&page={page}",
            base.as_str().trim_end_matches('/')
        );
        let body = get_capped(client, &url, limits.max_page_bytes).await?;
        let values = parse_page(&body).map_err(|e| anyhow::anyhow!("{url}: {e}"))?;
        let ids: Vec<i64> = values.iter().map(product_id).collect();
        if values.is_empty() || ids == previous {
            if !values.is_empty() {
                tracing::warn!(
                    page,
                    "the supplier repeated the previous page; stopping there"
                );
            }
            return Ok(feed);
        }
        for value in values {
            add_product(&mut feed, &mut seen, value);
        }
        previous = ids;
    }
    Err(refusal(format!(
        "the feed has more than {} pages; raise SUPPLIER_MAX_PAGES if that is expected",
        limits.max_pages
    )))
}

/// Parses one product and adds it, or records why it was skipped.
fn add_product(feed: &mut Feed, seen: &mut HashSet<i64>, value: serde_json::Value) {
    let id = product_id(&value);
    let skip = |reason: String| SkipReason {
        product_id: id,
        variant_id: None,
        reason,
    };
    match serde_json::from_value::<Product>(value) {
        Ok(product) if seen.insert(product.id) => {
            feed.listed.push(product.id);
            feed.products.push(product);
        }
        Ok(_) => feed.skipped.push(skip(
            "listed more than once in the feed; the first is kept".into(),
        )),
        Err(e) => {
            if id != 0 {
                feed.listed.push(id);
            }
            feed.skipped.push(skip(format!("unreadable product: {e}")));
        }
    }
}

fn product_id(value: &serde_json::Value) -> i64 {
    value
        .get("id")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0)
}

fn parse_page(body: &[u8]) -> anyhow::Result<Vec<serde_json::Value>> {
    #[derive(serde::Deserialize)]
    struct Page {
        products: Vec<serde_json::Value>,
    }
    Ok(serde_json::from_slice::<Page>(body)?.products)
}

/// GETs `url` and reads the body, refusing one over `cap` bytes without reading it all.
async fn get_capped(client: &reqwest::Client, url: &str, cap: u64) -> anyhow::Result<Vec<u8>> {
    let response = client.get(url).send().await?;
    let status = response.status();
    // A redirect our client would not follow (to another host) ends up here as a 3xx.
    anyhow::ensure!(status.is_success(), "{url} answered {status}");
    crate::context::body_within(response, cap)
        .await?
        .ok_or_else(|| {
            refusal(format!(
                "{url} sent a page over {cap} bytes (SUPPLIER_MAX_PAGE_BYTES)"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_feeds_are_fetched() {
        for ok in [
            "https://supplier.example",
            "http://127.0.0.1:8082",
            "http://localhost:1/shop",
            "http://[::1]:8082",
            // An international domain name, spelled as DNS carries it (see below).
            "https://xn--bcher-kva.example/feed",
        ] {
            assert!(feed_url(ok).is_ok(), "{ok}");
        }
        // The workspace builds `url` without Unicode domain-name tables (idna_adapter 1.0 in Cargo.lock:
        // they were a tenth of the edge worker's upload); a Unicode host is refused with a message naming
        // the URL, and its punycode spelling above works.
        let error = feed_url("https://bücher.example/feed").unwrap_err();
        assert!(crate::job::is_refusal(&error));
        assert!(error.to_string().contains("bücher.example"), "{error}");
        for bad in [
            "http://supplier.example",
            "http://10.0.0.1",
            "http://169.254.169.254/latest",
            "https://169.254.169.254/latest",
            "https://10.1.2.3",
            "https://[fd00::1]",
            "https://[::ffff:169.254.169.254]",
            "https://[::ffff:10.0.0.1]",
            "https://100.64.0.1",
            "ftp://127.0.0.1",
            "file:///etc/passwd",
            "not a url",
        ] {
            let error = feed_url(bad).unwrap_err();
            assert!(crate::job::is_refusal(&error), "{bad}");
        }
    }
}
