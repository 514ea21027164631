//! Deleting what no snapshot a reader may still use references.
//!
//! A location reads the version pointer through KV's cache (up to a minute stale) and an isolate trusts it
//! for a few seconds more, so a snapshot that was current two minutes ago may still be read. When a
//! publish switches versions, the previous index and the documents only it referenced are *retired* with
//! the time; a later publish deletes a retired key once `GRACE_MS` has passed, unless the current snapshot
//! references it again or it was retired again since. Deletes per call are bounded (`PRUNE_BUDGET`) so a
//! Worker invocation stays within its 1000 KV operations; what is left goes next time.

use meridian_domain::api::kv as keys;
use meridian_domain::CatalogIndex;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use worker::{kv::KvStore, Result};

/// How long a retired key is kept: KV's propagation (60 s) and the isolate's version TTL, twice over.
const GRACE_MS: f64 = 130_000.0;
/// KV deletes (and list pages) one committing call may spend on pruning: with a full batch (400 puts)
/// and its few reads and writes, well under 1000 operations.
const PRUNE_BUDGET: usize = 500;

/// A key the current snapshot no longer references, and when (ms since the epoch) it stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Retired {
    key: String,
    at: f64,
}

/// Retires what `previous` (the snapshot just replaced) held that `index` (now current, `version`) does
/// not, then deletes what is due. Returns how many keys were deleted.
pub(crate) async fn retire_and_prune(
    kv: &KvStore,
    version: &str,
    index: &CatalogIndex,
    previous: Option<(String, CatalogIndex)>,
) -> Result<usize> {
    let now = js_sys::Date::now();
    let mut retired: Vec<Retired> = kv.get(keys::RETIRED).json().await?.unwrap_or_default();
    let current: HashSet<String> = index
        .documents
        .iter()
        .map(|d| keys::document(&d.slug, &d.digest))
        .chain([keys::index(version)])
        .collect();
    if let Some((old_version, old)) = &previous {
        let gone = old
            .documents
            .iter()
            .map(|d| keys::document(&d.slug, &d.digest))
            .chain([keys::index(old_version)])
            .filter(|k| !current.contains(k));
        retired.extend(gone.map(|key| Retired { key, at: now }));
    }
    let (due, mut kept) = split_due(retired, &current, now);
    let mut budget = PRUNE_BUDGET;
    let mut deleted = 0;
    for (i, key) in due.iter().enumerate() {
        if budget == 0 {
            kept.extend(due[i..].iter().map(|key| Retired {
                key: key.clone(),
                at: 0.0,
            }));
            break;
        }
        kv.delete(key).await?;
        budget -= 1;
        deleted += 1;
    }
    kv.put(keys::RETIRED, &kept)?.execute().await?;
    deleted += prune_old_layout(kv, version, &mut budget).await?;
    Ok(deleted)
}

/// Keys due for deletion, and the retired entries still to keep. An entry is due once `GRACE_MS` old,
/// unless the current snapshot references its key or the key was retired again later (a snapshot that
/// used it may still be read); such an entry is dropped without deleting.
fn split_due(
    retired: Vec<Retired>,
    current: &HashSet<String>,
    now: f64,
) -> (Vec<String>, Vec<Retired>) {
    let mut latest: std::collections::HashMap<&str, f64> = std::collections::HashMap::new();
    for r in &retired {
        let at = latest.entry(r.key.as_str()).or_insert(r.at);
        *at = at.max(r.at);
    }
    let mut due = Vec::new();
    let mut kept = Vec::new();
    let mut seen = HashSet::new();
    for r in &retired {
        let newest = latest[r.key.as_str()];
        if current.contains(&r.key) || r.at < newest {
            continue; // referenced again, or a later retirement of the same key decides
        }
        if !seen.insert(r.key.clone()) {
            continue;
        }
        if now - r.at >= GRACE_MS {
            due.push(r.key.clone());
        } else {
            kept.push(r.clone());
        }
    }
    (due, kept)
}

/// Deletes the per-version documents of the layout before content addressing, a budget at a time.
async fn prune_old_layout(kv: &KvStore, version: &str, budget: &mut usize) -> Result<usize> {
    let Some(versions) = kv.get(keys::VERSIONS).json::<Vec<String>>().await? else {
        return Ok(0);
    };
    let mut deleted = 0;
    let mut left = Vec::new();
    for old in versions.into_iter().filter(|v| v != version) {
        let (n, finished) = prune_version(kv, &old, budget).await?;
        deleted += n;
        if !finished {
            left.push(old);
        }
    }
    if left.is_empty() {
        kv.delete(keys::VERSIONS).await?;
    } else {
        kv.put(keys::VERSIONS, &left)?.execute().await?;
    }
    Ok(deleted)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn r(key: &str, at: f64) -> Retired {
        Retired {
            key: key.into(),
            at,
        }
    }

    #[test]
    fn only_keys_retired_long_enough_ago_and_not_used_since_are_deleted() {
        let now = 1_000_000.0;
        let old = now - GRACE_MS - 1.0;
        let current: HashSet<String> = ["back".to_owned()].into();
        let retired = vec![
            r("gone", old),
            r("back", old),  // the current snapshot uses it again
            r("again", old), // retired again recently: a reader may still use it
            r("again", now - 10.0),
            r("recent", now - 10.0),
        ];
        let (due, kept) = split_due(retired, &current, now);
        assert_eq!(due, vec!["gone".to_owned()]);
        let kept: Vec<_> = kept.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(kept, vec!["again", "recent"]);
    }
}
