//! Reading the published catalog snapshot from KV, and the page cache keyed by its version.
//!
//! [`Edge::cached`] is the one way a catalog route answers: it opens the snapshot (503, not cached, while
//! none is published or its index is missing), looks the normalised key up in the isolate's memory
//! (`memo`), then in the Cache API, and otherwise renders and stores the result in both.

use crate::config::ASSET_VERSION;
use crate::context::Edge;
use crate::error::{EdgeError, EdgeResult, NOT_STOCKED};
use crate::memo::{self, EXPIRES_HEADER};
use crate::policy::cache_key::{page_key, ProductsQuery};
use crate::policy::publish::presents_token;
use meridian_domain::api::{kv as keys, EDGE_CACHE_HEADER};
use meridian_domain::{CatalogIndex, ProductDetail};
use std::cell::{OnceCell, RefCell};
use std::future::Future;
use std::rc::Rc;
use worker::{Cache, Env, Headers, KvStore, Response, Result};

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
    env: Env,
    /// The KV binding, taken when first needed: a page answered from the isolate's memory needs none.
    kv: OnceCell<KvStore>,
    pub(crate) version: String,
}

impl Catalog {
    /// The current snapshot (as of at most `VERSION_TTL_MS` ago), or `None` before the first publish.
    pub(crate) async fn open(env: &Env) -> Result<Option<Self>> {
        if let Some(version) = remembered_version() {
            return Ok(Some(Self {
                env: env.clone(),
                kv: OnceCell::new(),
                version,
            }));
        }
        let kv = env.kv("CATALOG")?;
        let version = kv.get(keys::VERSION).text().await?;
        if let Some(version) = &version {
            remember_version(version);
        }
        Ok(version.map(|version| Self {
            env: env.clone(),
            kv: OnceCell::from(kv),
            version,
        }))
    }

    fn kv(&self) -> Result<&KvStore> {
        if let Some(kv) = self.kv.get() {
            return Ok(kv);
        }
        let kv = self.env.kv("CATALOG")?;
        Ok(self.kv.get_or_init(|| kv))
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
        let index: Option<CatalogIndex> =
            self.kv()?.get(&keys::index(&self.version)).json().await?;
        Ok(index.map(|index| {
            let index = Rc::new(index);
            INDEX.with(|i| *i.borrow_mut() = Some((self.version.clone(), Rc::clone(&index))));
            index
        }))
    }

    /// `slug`'s document, found through `index` (the one of this version).
    async fn product(&self, index: &CatalogIndex, slug: &str) -> Result<Option<ProductDetail>> {
        let Some(digest) = index.document(slug) else {
            return Ok(None);
        };
        Ok(self.kv()?.get(&keys::document(slug, digest)).json().await?)
    }
}

/// A snapshot with its index loaded: what every catalog render starts from.
pub(crate) struct Snapshot {
    pub(crate) catalog: Catalog,
    pub(crate) index: Rc<CatalogIndex>,
}

impl Snapshot {
    /// The product's document, `None` if this snapshot does not list it.
    pub(crate) async fn product(&self, slug: &str) -> Result<Option<ProductDetail>> {
        self.catalog.product(&self.index, slug).await
    }
}

/// A rendered response and how the page cache may keep it.
pub(crate) enum Rendered {
    /// 200: shared for the page TTL.
    Fresh(Response),
    /// 404 for an unknown slug: shared briefly, so repeated misses cost no KV read and no render.
    Missing(Response),
}

impl Edge {
    /// Serves this request's catalog response from the edge cache, or renders it from the snapshot. The
    /// cache key names the snapshot version: any publish makes the page render afresh.
    pub(crate) async fn cached<F, Fut>(
        &self,
        query: Option<&ProductsQuery>,
        render: F,
    ) -> EdgeResult
    where
        F: FnOnce(Snapshot) -> Fut,
        Fut: Future<Output = EdgeResult<Rendered>>,
    {
        self.cached_as(None, query, render).await
    }

    /// Like [`Edge::cached`] for what shows one product (its page, its API document): the cache key
    /// names that product's document and the categories, so a publish that changes other products leaves
    /// this page cached, and one that changes this product renders it afresh.
    pub(crate) async fn cached_product<F, Fut>(&self, slug: &str, render: F) -> EdgeResult
    where
        F: FnOnce(Snapshot) -> Fut,
        Fut: Future<Output = EdgeResult<Rendered>>,
    {
        self.cached_as(Some(slug), None, render).await
    }

    async fn cached_as<F, Fut>(
        &self,
        product: Option<&str>,
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
        let generation = match product {
            Some(slug) => catalog.index().await?.and_then(|index| {
                index
                    .document(slug)
                    .map(|digest| format!("{digest}{}", index.shell))
            }),
            None => None,
        }
        .unwrap_or_else(|| catalog.version.clone());
        let key = page_key(&generation, ASSET_VERSION, &self.path, query);
        let now = js_sys::Date::now();
        let cache = Cache::default();
        if !self.wants_fresh_render() {
            if let Some(page) = memo::get(key.as_str(), now) {
                self.cache_hit.set(true);
                return Ok(self.answer(&page)?);
            }
            if let Some(mut hit) = cache.get(key.as_str(), true).await? {
                self.cache_hit.set(true);
                let page = kept(&mut hit, now + f64::from(NEGATIVE_TTL) * 1000.0).await?;
                memo::put(key.as_str(), page.clone());
                return Ok(self.answer(&page)?);
            }
        }
        let Some(index) = catalog.index().await? else {
            let reason = format!(
                "the index of catalog version {} is missing",
                catalog.version
            );
            return Err(unavailable(&reason));
        };
        let (mut rendered, ttl) = match render(Snapshot { catalog, index }).await? {
            Rendered::Fresh(r) => (r, self.config.page_ttl),
            Rendered::Missing(r) => (r, NEGATIVE_TTL),
        };
        let control = format!("public, max-age={}, s-maxage={ttl}", ttl.min(60));
        rendered.headers().set("cache-control", &control)?;
        let page = kept(&mut rendered, now + f64::from(ttl) * 1000.0).await?;
        memo::put(key.as_str(), page.clone());
        let stored = response_of(&page)?;
        stored
            .headers()
            .set(EXPIRES_HEADER, &(page.expires_at as u64).to_string())?;
        self.ctx.wait_until(async move {
            if let Err(err) = cache.put(key.as_str(), stored).await {
                worker::console_warn!("page cache put failed: {err}");
            }
        });
        let response = self.answer(&page)?;
        response.headers().set(EDGE_CACHE_HEADER, "miss")?;
        Ok(response)
    }

    /// `page` as this request's response; its body is handed to `personalise` as it is, so an HTML page
    /// is not read back out of the response to be filled.
    fn answer(&self, page: &memo::Page) -> Result<Response> {
        self.page_body.replace(Some(Rc::clone(&page.body)));
        response_of(page)
    }
}

/// A response's status, headers and body, read once, to be kept (here and in the Cache API) and answered
/// from. `expires_at` (ms since the epoch) unless the response says otherwise (`EXPIRES_HEADER`).
async fn kept(response: &mut Response, expires_at: f64) -> Result<memo::Page> {
    let mut headers = Vec::new();
    let mut expires = None;
    for (name, value) in response.headers().entries() {
        if name == EXPIRES_HEADER {
            // Whole milliseconds: integer text keeps float formatting and parsing out of the wasm.
            expires = value.parse::<u64>().ok().map(|ms| ms as f64);
        } else {
            headers.push((name, value));
        }
    }
    Ok(memo::Page {
        status: response.status_code(),
        headers: Rc::from(headers),
        body: Rc::from(response.text().await?),
        expires_at: expires.unwrap_or(expires_at),
    })
}

/// A new response carrying `page` (its own mutable headers).
fn response_of(page: &memo::Page) -> Result<Response> {
    let headers = Headers::new();
    for (name, value) in page.headers.iter() {
        headers.append(name, value)?;
    }
    Ok(Response::from_bytes(page.body.as_bytes().to_vec())?
        .with_status(page.status)
        .with_headers(headers))
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
