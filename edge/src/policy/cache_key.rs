//! Page cache keys. Only what changes a response goes into its key: the catalog and asset versions, the
//! canonical path and, for the catalog listing API, its three parameters in a fixed order. Any other query
//! string (`?utm_source=…`, `?r=<random>`) maps to the same key, so nobody can mint new cache entries
//! (and renders) by varying it.

use meridian_domain::routes::is_slug;
use meridian_domain::PageRequest;

/// Largest listing offset served: well above any catalog the snapshot holds (KV index), far below what a
/// client could use to mint cache entries one page number at a time.
const MAX_OFFSET: u64 = 1_000_000;

/// The parameters `GET /api/catalog/products` reads; every other parameter is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ProductsQuery {
    pub(crate) category: Option<String>,
    pub(crate) page: Option<u32>,
    pub(crate) per_page: Option<u32>,
}

impl ProductsQuery {
    /// Reads the known parameters (the first of each name wins); a malformed value is a 400 message.
    pub(crate) fn parse(query: Option<&str>) -> Result<Self, String> {
        let mut parsed = Self::default();
        for (name, value) in query
            .unwrap_or_default()
            .split('&')
            .filter_map(|p| p.split_once('='))
        {
            let number = || {
                value
                    .parse::<u32>()
                    .map_err(|_| format!("{name} must be a whole number"))
            };
            match name {
                "category" if parsed.category.is_none() => {
                    if !is_slug(value) {
                        return Err("category must be a category slug".to_owned());
                    }
                    parsed.category = Some(value.to_owned());
                }
                "page" if parsed.page.is_none() => parsed.page = Some(number()?),
                "per_page" if parsed.per_page.is_none() => parsed.per_page = Some(number()?),
                _ => {}
            }
        }
        let request = PageRequest::new(parsed.page, parsed.per_page)?;
        // Far past any catalog's end: refused before the cache, so page numbers cannot mint entries.
        if request.offset() > MAX_OFFSET {
            return Err(format!(
                "page is out of range (at most {MAX_OFFSET} items are skipped)"
            ));
        }
        Ok(parsed)
    }

    /// The canonical query string, parameters sorted by name, or "" when none is set.
    pub(crate) fn canonical(&self) -> String {
        let pairs: Vec<String> = [
            ("category", self.category.clone()),
            ("page", self.page.map(|p| p.to_string())),
            ("per_page", self.per_page.map(|p| p.to_string())),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
        .collect();
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }
}

/// The cache key of a cacheable `route` at `path` (already canonical: the router redirected any other
/// spelling) under one catalog and asset version.
pub(crate) fn page_key(
    catalog_version: &str,
    asset_version: &str,
    path: &str,
    products_query: Option<&ProductsQuery>,
) -> String {
    let query = products_query
        .map(ProductsQuery::canonical)
        .unwrap_or_default();
    format!("https://page-cache.meridian.internal/{catalog_version}/{asset_version}{path}{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_parameters_never_reach_the_key() {
        let q = ProductsQuery::parse(Some("r=123&per_page=3&utm=x&category=bags&page=2")).unwrap();
        let key = page_key("v1", "a1", "/api/catalog/products", Some(&q));
        assert_eq!(key, "https://page-cache.meridian.internal/v1/a1/api/catalog/products?category=bags&page=2&per_page=3");
        let same = ProductsQuery::parse(Some("page=2&category=bags&per_page=3")).unwrap();
        assert_eq!(
            page_key("v1", "a1", "/api/catalog/products", Some(&same)),
            key
        );
        assert_eq!(
            page_key("v1", "a1", "/p/mug", None),
            "https://page-cache.meridian.internal/v1/a1/p/mug"
        );
    }

    #[test]
    fn the_first_of_a_repeated_parameter_wins() {
        let q = ProductsQuery::parse(Some("page=2&page=3")).unwrap();
        assert_eq!(q.page, Some(2));
        assert_eq!(ProductsQuery::parse(None).unwrap().canonical(), "");
    }

    #[test]
    fn malformed_parameters_are_refused_before_the_cache() {
        assert!(ProductsQuery::parse(Some("page=two")).is_err());
        assert!(ProductsQuery::parse(Some("per_page=1000")).is_err());
        assert!(ProductsQuery::parse(Some("page=0")).is_err());
        assert!(ProductsQuery::parse(Some("page=4000000000")).is_err());
        assert!(ProductsQuery::parse(Some("page=10000&per_page=100")).is_ok());
        assert!(ProductsQuery::parse(Some("category=%3Cb%3E")).is_err());
    }
}
