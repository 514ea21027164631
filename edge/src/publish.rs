//! `/_meridian/publish`: how product-sync and the edge-refresh job bring the edge's catalog up to date.
//!
//! `GET` tells the publisher what the current snapshot holds (version, sequence, document digests), so it
//! sends only what is new. `POST` batches store content-addressed product documents; the last one stores
//! the index and then flips the version pointer, so readers switch atomically. A snapshot older (by
//! sequence) than the current one is refused, so concurrent publishes never let an older catalog win.
//! What the new snapshot no longer references is retired and deleted later (see `prune`).

use crate::context::Edge;
use crate::error::EdgeResult;
use crate::http::json_error;
use crate::policy::publish::{check_batch, presents_token};
use crate::policy::request::check_body;
use crate::prune;
use meridian_domain::api::kv as keys;
use meridian_domain::publish::{PublishBatch, PublishReceipt, PublishState};
use meridian_domain::CatalogIndex;
use worker::{kv::KvStore, Response, Result};

/// Batches are bounded so a bad publish cannot exhaust the worker's memory (checked before reading).
const MAX_BODY: usize = 20 * 1024 * 1024;

/// `GET /_meridian/publish`.
pub(crate) async fn state(edge: &mut Edge) -> EdgeResult {
    if let Some(refused) = refuse_caller(edge)? {
        return Ok(refused);
    }
    Ok(serving(&edge.env.kv("CATALOG")?).await?)
}

/// What the current snapshot holds.
async fn serving(kv: &KvStore) -> Result<Response> {
    let version = kv.get(keys::VERSION).text().await?;
    let sequence = kv.get(keys::SEQUENCE).text().await?;
    let documents = match &version {
        Some(v) => kv
            .get(&keys::index(v))
            .json::<CatalogIndex>()
            .await?
            .map(|i| i.documents)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let state = PublishState {
        version,
        sequence: sequence.and_then(|s| s.parse().ok()).unwrap_or(0),
        documents,
    };
    let response = Response::from_json(&state)?;
    response
        .headers()
        .set("cache-control", "private, no-store")?;
    Ok(response)
}

/// `POST /_meridian/publish`.
pub(crate) async fn publish(edge: &mut Edge) -> EdgeResult {
    if let Some(refused) = refuse_caller(edge)? {
        return Ok(refused);
    }
    let (length, media) = (edge.header("content-length"), edge.header("content-type"));
    if let Err(refusal) = check_body(
        length.as_deref(),
        media.as_deref(),
        "application/json",
        MAX_BODY,
    ) {
        return Ok(json_error(refusal.status(), "bad_body", refusal.message())?);
    }
    let body = edge.body().await?;
    let batch: PublishBatch = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return Ok(json_error(
                422,
                "unprocessable",
                &format!("Not a publish batch: {e}"),
            )?)
        }
    };
    if let Err((status, message)) = check_batch(&batch) {
        return Ok(json_error(status, "unprocessable", &message)?);
    }
    Ok(store(&edge.env.kv("CATALOG")?, &batch).await?)
}

/// The answer to a caller without the publish token (or when publishing is off); `None` lets it in.
fn refuse_caller(edge: &Edge) -> Result<Option<Response>> {
    let Some(token) = &edge.config.publish_token else {
        let message =
            "Publishing is disabled: PUBLISH_TOKEN is unset or too short (see the worker log).";
        return Ok(Some(json_error(503, "disabled", message)?));
    };
    let presented = edge.header("authorization").unwrap_or_default();
    if !presents_token(&presented, token) {
        let message = "A valid publish token is required.";
        return Ok(Some(json_error(401, "unauthorized", message)?));
    }
    Ok(None)
}

/// Writes the batch's documents and, on the last batch, commits the version.
async fn store(kv: &KvStore, batch: &PublishBatch) -> Result<Response> {
    let version = batch.version.as_str();
    let current: i64 = match kv.get(keys::SEQUENCE).text().await? {
        Some(s) => s.parse().unwrap_or(0),
        None => 0,
    };
    if batch.sequence < current {
        let message = format!(
            "Snapshot {version} (sequence {}) is older than the one being served (sequence {current}); \
             publish a fresh snapshot.",
            batch.sequence
        );
        return json_error(409, "stale", &message);
    }
    for d in &batch.documents {
        kv.put(&keys::document(&d.product.slug, &d.digest), &d.product)?
            .execute()
            .await?;
    }
    let mut documents = batch.documents.len();
    let mut pruned = 0;
    if let Some(index) = &batch.index {
        pruned = commit(kv, batch, index).await?;
        documents += 1;
    }
    Response::from_json(&PublishReceipt {
        version: version.to_owned(),
        documents: u32::try_from(documents).unwrap_or(u32::MAX),
        pruned: u32::try_from(pruned).unwrap_or(u32::MAX),
    })
}

/// Stores the index, points readers at the batch's version, retires what the previous snapshot held that
/// this one does not, and prunes what was retired long enough ago.
async fn commit(kv: &KvStore, batch: &PublishBatch, index: &CatalogIndex) -> Result<usize> {
    let version = batch.version.as_str();
    kv.put(&keys::index(version), index)?.execute().await?;
    let previous = kv.get(keys::VERSION).text().await?;
    kv.put(keys::VERSION, version)?.execute().await?;
    kv.put(keys::SEQUENCE, batch.sequence.to_string())?
        .execute()
        .await?;
    crate::catalog::remember_version(version);
    let previous = match previous.filter(|p| p != version) {
        Some(p) => kv
            .get(&keys::index(&p))
            .json::<CatalogIndex>()
            .await?
            .map(|i| (p, i)),
        None => None,
    };
    prune::retire_and_prune(kv, version, index, previous).await
}
