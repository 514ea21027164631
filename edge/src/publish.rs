//! `POST /_meridian/publish`: the product-sync job hands over a whole catalog snapshot; documents are
//! written under the new version first and the version key last, so readers switch atomically. Then the
//! snapshots before the previous one are deleted: the previous one stays, because KV reads of the version
//! pointer lag by up to a minute at other locations and their readers still need its documents.

use crate::config::Config;
use crate::http::json_error;
use meridian_domain::api::{kv as keys, PublishReceipt, PublishSnapshot};
use worker::{kv::KvStore, Env, Request, Response, Result};

/// Snapshots are bounded so a bad publish cannot exhaust the worker's memory.
const MAX_SNAPSHOT: usize = 20 * 1024 * 1024;

pub(crate) async fn publish(mut req: Request, env: &Env, config: &Config) -> Result<Response> {
    let Some(token) = &config.publish_token else {
        return json_error(
            503,
            "disabled",
            "Publishing is disabled: PUBLISH_TOKEN is not set.",
        );
    };
    let presented = req.headers().get("authorization")?.unwrap_or_default();
    if !constant_time_eq(presented.as_bytes(), format!("Bearer {token}").as_bytes()) {
        return json_error(401, "unauthorized", "A valid publish token is required.");
    }
    let body = req.bytes().await?;
    if body.len() > MAX_SNAPSHOT {
        return json_error(413, "too_large", "The snapshot is too large.");
    }
    let snapshot: PublishSnapshot = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => {
            return json_error(
                422,
                "unprocessable",
                &format!("Not a catalog snapshot: {e}"),
            )
        }
    };
    if snapshot.version.is_empty() || !snapshot.version.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return json_error(
            422,
            "unprocessable",
            "The version must be non-empty and alphanumeric.",
        );
    }
    let kv = env.kv("CATALOG")?;
    let version = &snapshot.version;
    let previous = kv.get(keys::VERSION).text().await?;
    for product in &snapshot.products {
        kv.put(&keys::product(version, &product.slug), product)?
            .execute()
            .await?;
    }
    kv.put(&keys::index(version), &snapshot.index)?
        .execute()
        .await?;
    kv.put(keys::VERSION, version.as_str())?.execute().await?;
    // Only a new version prunes: re-publishing the current one must not drop the previous one early.
    let pruned = match previous.as_deref() {
        Some(p) if p == version => 0,
        previous => prune(&kv, &[Some(version.as_str()), previous]).await?,
    };
    let documents = u32::try_from(snapshot.products.len() + 1).unwrap_or(u32::MAX);
    Response::from_json(&PublishReceipt {
        version: version.clone(),
        documents,
        pruned,
    })
}

/// Deletes every catalog document whose version is not in `keep`; returns how many.
async fn prune(kv: &KvStore, keep: &[Option<&str>]) -> Result<u32> {
    let mut stale = Vec::new();
    let mut cursor = None;
    loop {
        let mut list = kv.list().prefix(keys::PREFIX.to_owned());
        if let Some(c) = cursor {
            list = list.cursor(c);
        }
        let page = list.execute().await?;
        stale.extend(
            page.keys
                .into_iter()
                .map(|k| k.name)
                .filter(|name| keys::version_of(name).is_some_and(|v| !keep.contains(&Some(v)))),
        );
        if page.list_complete {
            break;
        }
        cursor = page.cursor;
    }
    for name in &stale {
        kv.delete(name).await?;
    }
    Ok(u32::try_from(stale.len()).unwrap_or(u32::MAX))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
