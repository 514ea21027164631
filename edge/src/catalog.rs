//! Reading the published catalog snapshot from KV, and the page cache keyed by its version.
//!
//! [`Edge::cached`] is the one way a catalog route answers: it opens the snapshot (503, not cached, while
//! none is published or its index is missing), looks the normalised key up in the Cache API, and otherwise
//! renders and stores the result.

use crate::config::ASSET_VERSION;
use crate::context::Edge;
use crate::error::{EdgeError, EdgeResult, NOT_STOCKED};
use crate::policy::cache_key::{page_key, ProductsQuery};
use crate::policy::publish::presents_token;
use meridian_domain::api::{kv as keys, EDGE_CACHE_HEADER};
use meridian_domain::{CatalogIndex, ProductDetail};
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use worker::{Cache, Env, KvStore, Response, Result};

/// Request header with which the publish-token holder asks for a render that skips the cache lookup.
const RENDER_HEADER: &str = "x-meridian-render";
/// Seconds an unknown slug's 404 is cached: short, so a product published meanwhile shows up soon.
const NEGATIVE_TTL: u32 = 60;

/// How long an isolate trusts the snapshot version it last read before reading `catalog:version` again.
/// A publish switches every page within this (plus KV's own propagation, up to a minute across
/// locations); the isolate that takes the publish switches at once. It saves a KV read on every hit.
const VERSION_TTL_MS: f64 = 5_000.0;

thread_local! {
    /// The version this isolate last read, and when (ms since the epoch).
    static VERSION: RefCell<Option<(String, f64)>> = const { RefCell::new(None) };
    /// The index of one version, parsed once per isolate: every render needs it, and it is the largest
    /// document (13 KB for the demo catalog).
    static INDEX: RefCell<Option<(String, Rc<CatalogIndex>)>> = const { RefCell::new(None) };
}

/// Remembers `version` as current in this isolate (after reading it, or after committing a publish).
pub(crate) fn remember_version(version: &str) {
    let now = js_sys::Date::now();
    VERSION.with(|v| *v.borrow_mut() = Some((version.to_owned(), now)));
}

fn remembered_version() -> Option<String> {
    let now = js_sys::Date::now();
    VERSION.with(|v| {
        v.borrow()
            .as_ref()
            .filter(|(_, at)| now - at < VERSION_TTL_MS)
            .map(|(version, _)| version.clone())
    })
}

/// A published snapshot: its version is always known, so an unpublished catalog cannot be read by mistake.
pub(crate) struct Catalog {
    kv: KvStore,
    pub(crate) version: String,
}

impl Catalog {
    /// The current snapshot (as of at most `VERSION_TTL_MS` ago), or `None` before the first publish.
    pub(crate) async fn open(env: &Env) -> Result<Option<Self>> {
        let kv = env.kv("CATALOG")?;
        if let Some(version) = remembered_version() {
            return Ok(Some(Self { kv, version }));
        }
        let version = kv.get(keys::VERSION).text().await?;
        if let Some(version) = &version {
            remember_version(version);
        }
        Ok(version.map(|version| Self { kv, version }))
    }

    /// Categories and product cards of this version; `None` if the index is missing (pruned too early).
    pub(crate) async fn index(&self) -> Result<Option<Rc<CatalogIndex>>> {
        let parsed = INDEX.with(|i| {
            i.borrow()
                .as_ref()
                .filter(|(version, _)| *version == self.version)
                .map(|(_, index)| Rc::clone(index))
        });
        if parsed.is_some() {
            return Ok(parsed);
        }
        let index: Option<CatalogIndex> = self.kv.get(&keys::index(&self.version)).json().await?;
        Ok(index.map(|index| {
            let index = Rc::new(index);
            INDEX.with(|i| *i.borrow_mut() = Some((self.version.clone(), Rc::clone(&index))));
            index
        }))
    }

    pub(crate) async fn product(&self, slug: &str) -> Result<Option<ProductDetail>> {
        Ok(self
            .kv
            .get(&keys::product(&self.version, slug))
            .json()
            .await?)
    }
}

/// A snapshot with its index loaded: what every catalog render starts from.
pub(crate) struct Snapshot {
    pub(crate) catalog: Catalog,
    pub(crate) index: Rc<CatalogIndex>,
}

/// A rendered response and how the page cache may keep it.
pub(crate) enum Rendered {
    /// 200: shared for the page TTL.
    Fresh(Response),
    /// 404 for an unknown slug: shared briefly, so repeated misses cost no KV read and no render.
    Missing(Response),
}

impl Edge {
    /// Serves this request's catalog response from the edge cache, or renders it from the snapshot.
    pub(crate) async fn cached<F, Fut>(
        &self,
        query: Option<&ProductsQuery>,
        render: F,
    ) -> EdgeResult
    where
        F: FnOnce(Snapshot) -> Fut,
        Fut: Future<Output = EdgeResult<Rendered>>,
    {
        let catalog = Catalog::open(&self.env)
            .await?
            .ok_or_else(|| unavailable("no catalog is published yet"))?;
        let key = page_key(&catalog.version, ASSET_VERSION, &self.req.path(), query);
        let cache = Cache::default();
        if !self.wants_fresh_render() {
            if let Some(hit) = cache.get(key.as_str(), true).await? {
                self.cache_hit.set(true);
                return Ok(hit);
            }
        }
        let Some(index) = catalog.index().await? else {
            let reason = format!(
                "the index of catalog version {} is missing",
                catalog.version
            );
            return Err(unavailable(&reason));
        };
        let (mut response, ttl) = match render(Snapshot { catalog, index }).await? {
            Rendered::Fresh(r) => (r, self.config.page_ttl),
            Rendered::Missing(r) => (r, NEGATIVE_TTL),
        };
        let control = format!("public, max-age={}, s-maxage={ttl}", ttl.min(60));
        response.headers().set("cache-control", &control)?;
        let copy = response.cloned()?;
        self.ctx.wait_until(async move {
            if let Err(err) = cache.put(key.as_str(), copy).await {
                worker::console_warn!("page cache put failed: {err}");
            }
        });
        response.headers().set(EDGE_CACHE_HEADER, "miss")?;
        Ok(response)
    }
}

impl Edge {
    /// The holder of the publish token may ask for a fresh render (`x-meridian-render: fresh`): to check
    /// a page after a change, and what `cargo xtask bench` measures as a cache miss. Anyone else's header
    /// is ignored, so clients still cannot bypass the cache.
    fn wants_fresh_render(&self) -> bool {
        self.header(RENDER_HEADER).as_deref() == Some("fresh")
            && self.config.publish_token.as_deref().is_some_and(|token| {
                presents_token(&self.header("authorization").unwrap_or_default(), token)
            })
    }
}

fn unavailable(reason: &str) -> EdgeError {
    EdgeError::Unavailable {
        reason: reason.to_owned(),
        message: NOT_STOCKED,
    }
}
