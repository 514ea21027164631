//! `POST /_meridian/publish`: product-sync sends the catalog as batches under one version (see
//! `meridian_domain::publish`). Batches store product documents; the last one stores the index and then
//! flips the version pointer, so readers switch atomically. That committing call also prunes snapshots
//! older than the previous one (kept: KV reads of the pointer lag up to a minute at other locations), a
//! bounded number of documents per call so a Worker invocation stays within its 1000 KV operations.

use crate::context::Edge;
use crate::error::EdgeResult;
use crate::http::json_error;
use crate::policy::publish::{check_batch, presents_token};
use crate::policy::request::check_body;
use meridian_domain::api::kv as keys;
use meridian_domain::publish::{PublishBatch, PublishReceipt};
use meridian_domain::CatalogIndex;
use worker::{kv::KvStore, Response, Result};

/// Batches are bounded so a bad publish cannot exhaust the worker's memory (checked before reading).
const MAX_BODY: usize = 20 * 1024 * 1024;
/// KV deletes (and list pages) one committing call may spend on pruning: with a full batch (400 puts)
/// and its few reads and writes, well under 1000 operations.
const PRUNE_BUDGET: usize = 500;

pub(crate) async fn publish(edge: &mut Edge) -> EdgeResult {
    let Some(token) = &edge.config.publish_token else {
        let message =
            "Publishing is disabled: PUBLISH_TOKEN is unset or too short (see the worker log).";
        return Ok(json_error(503, "disabled", message)?);
    };
    let presented = edge.header("authorization").unwrap_or_default();
    if !presents_token(&presented, token) {
        return Ok(json_error(
            401,
            "unauthorized",
            "A valid publish token is required.",
        )?);
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

/// Writes the batch's documents and, on the last batch, commits the version.
async fn store(kv: &KvStore, batch: &PublishBatch) -> Result<Response> {
    let version = batch.version.as_str();
    for product in &batch.products {
        kv.put(&keys::product(version, &product.slug), product)?
            .execute()
            .await?;
    }
    let mut documents = batch.products.len();
    let mut pruned = 0;
    if let Some(index) = &batch.index {
        pruned = commit(kv, version, index).await?;
        documents += 1;
    }
    Response::from_json(&PublishReceipt {
        version: version.to_owned(),
        documents: u32::try_from(documents).unwrap_or(u32::MAX),
        pruned: u32::try_from(pruned).unwrap_or(u32::MAX),
    })
}

/// Stores the index, points readers at `version`, and prunes what is now two versions old.
async fn commit(kv: &KvStore, version: &str, index: &CatalogIndex) -> Result<usize> {
    kv.put(&keys::index(version), index)?.execute().await?;
    let previous = kv.get(keys::VERSION).text().await?;
    kv.put(keys::VERSION, version)?.execute().await?;
    crate::catalog::remember_version(version);
    let mut versions: Vec<String> = kv.get(keys::VERSIONS).json().await?.unwrap_or_default();
    versions.retain(|v| v != version);
    versions.push(version.to_owned());
    // Only a new version prunes: re-publishing the current one must not drop the previous one early.
    if previous.as_deref() == Some(version) {
        kv.put(keys::VERSIONS, &versions)?.execute().await?;
        return Ok(0);
    }
    let mut budget = PRUNE_BUDGET;
    let mut pruned = 0;
    let mut kept = Vec::new();
    for old in versions {
        if old == version || Some(old.as_str()) == previous.as_deref() {
            kept.push(old);
            continue;
        }
        let (deleted, finished) = prune_version(kv, &old, &mut budget).await?;
        pruned += deleted;
        if !finished {
            kept.push(old); // what is left goes next time
        }
    }
    kv.put(keys::VERSIONS, &kept)?.execute().await?;
    Ok(pruned)
}

/// Deletes the documents of `version` while `budget` lasts; returns how many and whether none are left.
async fn prune_version(kv: &KvStore, version: &str, budget: &mut usize) -> Result<(usize, bool)> {
    let mut deleted = 0;
    let mut cursor = None;
    while *budget > 1 {
        *budget -= 1; // the list call itself
        let mut list = kv
            .list()
            .prefix(keys::documents(version))
            .limit(u64::try_from((*budget).min(1000)).unwrap_or(1000));
        if let Some(c) = cursor.take() {
            list = list.cursor(c);
        }
        let page = list.execute().await?;
        for key in &page.keys {
            kv.delete(&key.name).await?;
            deleted += 1;
            *budget -= 1;
        }
        if page.list_complete {
            return Ok((deleted, true));
        }
        cursor = page.cursor;
    }
    Ok((deleted, false))
}
