//! Reading the published catalog snapshot from KV, and the page cache keyed by its version.

use crate::config::ASSET_VERSION;
use meridian_domain::api::{kv as keys, EDGE_CACHE_HEADER};
use meridian_domain::{CatalogIndex, ProductDetail};
use std::future::Future;
use worker::{Cache, Context, Env, KvStore, Request, Response, Result};

/// The snapshot current when the request arrived. All reads of one request use the same version.
pub(crate) struct Catalog {
    kv: KvStore,
    pub(crate) version: Option<String>,
}

impl Catalog {
    pub(crate) async fn open(env: &Env) -> Result<Self> {
        let kv = env.kv("CATALOG")?;
        let version = kv.get(keys::VERSION).text().await?;
        Ok(Self { kv, version })
    }

    /// Categories and product cards; empty before the first publish.
    pub(crate) async fn index(&self) -> Result<CatalogIndex> {
        let Some(version) = &self.version else {
            return Ok(CatalogIndex::default());
        };
        Ok(self
            .kv
            .get(&keys::index(version))
            .json()
            .await?
            .unwrap_or_default())
    }

    pub(crate) async fn product(&self, slug: &str) -> Result<Option<ProductDetail>> {
        let Some(version) = &self.version else {
            return Ok(None);
        };
        Ok(self.kv.get(&keys::product(version, slug)).json().await?)
    }
}

/// Serves `render`'s page from the edge cache when this catalog version already rendered it.
///
/// The key holds the catalog and asset versions, so a publish or a deploy moves every page to a new key at
/// once: nothing is purged and nothing stale is served. Only 200s are stored. The response says `hit` or
/// `miss` in `x-meridian-cache`.
pub(crate) async fn cached_page<F, Fut>(
    req: &Request,
    version: &str,
    ttl: u32,
    ctx: &Context,
    render: F,
) -> Result<Response>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Response>>,
{
    let url = req.url()?;
    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
    let key = format!(
        "https://page-cache.meridian.internal/{version}/{ASSET_VERSION}{}{query}",
        url.path()
    );
    let cache = Cache::default();
    if let Some(hit) = cache.get(key.as_str(), true).await? {
        let headers = crate::http::mutable_headers(&hit)?;
        headers.set(EDGE_CACHE_HEADER, "hit")?;
        return Ok(hit.with_headers(headers));
    }
    let mut response = render().await?;
    if response.status_code() == 200 {
        response.headers().set(
            "cache-control",
            &format!("public, max-age=60, s-maxage={ttl}"),
        )?;
        let copy = response.cloned()?;
        ctx.wait_until(async move {
            if let Err(err) = cache.put(key.as_str(), copy).await {
                worker::console_warn!("page cache put failed: {err}");
            }
        });
    }
    response.headers().set(EDGE_CACHE_HEADER, "miss")?;
    Ok(response)
}
