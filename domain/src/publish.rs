//! Publishing the catalog to the edge, shared by the job that sends and the worker that stores.
//!
//! Product documents are content-addressed: each is stored under its slug and a digest of its content,
//! and the index of a snapshot lists the digest of every product ([`DocumentRef`]). A publish asks the edge
//! what its current snapshot holds ([`PublishState`]) and sends only the documents it lacks, then the new
//! index, which switches readers over. A change to one product writes one document and one index; an
//! unchanged catalog writes nothing.

use crate::{CatalogIndex, ProductDetail};
use serde::{Deserialize, Serialize};

/// A whole catalog under one version, every product with its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogSnapshot {
    pub version: String,
    /// Orders publishes: the edge refuses to commit a snapshot older than the one it serves.
    pub sequence: i64,
    /// Cards, categories and `documents` (the digest of each product below).
    pub index: CatalogIndex,
    pub products: Vec<Document>,
}

/// One product document and the digest it is stored under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub digest: String,
    pub product: ProductDetail,
}

/// Where a product's document is: what a snapshot's index lists for each product.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DocumentRef {
    pub slug: String,
    pub digest: String,
}

/// Most documents one publish call may carry. A Worker invocation may make at most 1000 KV operations, and
/// the call that commits also prunes; so documents are sent in batches of this size.
pub const MAX_PUBLISH_BATCH: usize = 400;

/// Body of one publish call. Batches without `index` only store documents; the last batch carries the
/// index and switches readers to `version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishBatch {
    pub version: String,
    #[serde(default)]
    pub sequence: i64,
    pub documents: Vec<Document>,
    #[serde(default)]
    pub index: Option<CatalogIndex>,
}

/// `GET` of the publish endpoint: the snapshot readers are on, so a publisher sends only what is new.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PublishState {
    pub version: Option<String>,
    pub sequence: i64,
    pub documents: Vec<DocumentRef>,
}

impl CatalogSnapshot {
    /// The publish calls that bring an edge on `state` to this snapshot, at most `size` documents each:
    /// only documents the edge's current snapshot lacks, and only the last call carries the index. No
    /// call at all when the edge already serves this version.
    pub fn batches(&self, state: &PublishState, size: usize) -> Vec<PublishBatch> {
        if state.version.as_deref() == Some(self.version.as_str()) {
            return Vec::new();
        }
        let have: std::collections::HashSet<&DocumentRef> = state.documents.iter().collect();
        let missing: Vec<Document> = self
            .products
            .iter()
            .filter(|d| {
                !have.contains(&DocumentRef {
                    slug: d.product.slug.clone(),
                    digest: d.digest.clone(),
                })
            })
            .cloned()
            .collect();
        let mut batches: Vec<PublishBatch> = missing
            .chunks(size.max(1))
            .map(|documents| PublishBatch {
                version: self.version.clone(),
                sequence: self.sequence,
                documents: documents.to_vec(),
                index: None,
            })
            .collect();
        if batches.is_empty() {
            batches.push(PublishBatch {
                version: self.version.clone(),
                sequence: self.sequence,
                documents: Vec::new(),
                index: None,
            });
        }
        if let Some(last) = batches.last_mut() {
            last.index = Some(self.index.clone());
        }
        batches
    }
}

/// Reply of a publish call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishReceipt {
    pub version: String,
    /// KV documents this call wrote.
    pub documents: u32,
    /// Documents of older snapshots this call deleted (only the committing call prunes).
    #[serde(default)]
    pub pruned: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Category;

    fn document(slug: &str, digest: &str) -> Document {
        Document {
            digest: digest.into(),
            product: ProductDetail {
                slug: slug.into(),
                title: slug.into(),
                description: String::new(),
                vendor: String::new(),
                category: Category {
                    slug: "c".into(),
                    name: "C".into(),
                    product_count: 1,
                },
                tags: Vec::new(),
                options: Vec::new(),
                images: Vec::new(),
                variants: Vec::new(),
            },
        }
    }

    fn snapshot(version: &str, products: Vec<Document>) -> CatalogSnapshot {
        CatalogSnapshot {
            version: version.into(),
            sequence: 7,
            index: CatalogIndex::default(),
            products,
        }
    }

    #[test]
    fn a_first_publish_sends_everything_in_batches_and_only_the_last_commits() {
        let products: Vec<_> = (0..901).map(|i| document(&format!("p{i}"), "d")).collect();
        let batches = snapshot("v1", products.clone()).batches(&PublishState::default(), 400);
        let sizes: Vec<_> = batches.iter().map(|b| b.documents.len()).collect();
        assert_eq!(sizes, vec![400, 400, 101]);
        let sent: Vec<_> = batches.iter().flat_map(|b| b.documents.clone()).collect();
        assert_eq!(sent, products, "every product once, in order");
        let commits: Vec<_> = batches.iter().map(|b| b.index.is_some()).collect();
        assert_eq!(commits, vec![false, false, true]);
        assert!(batches.iter().all(|b| b.sequence == 7));
        let empty = snapshot("v0", Vec::new()).batches(&PublishState::default(), 400);
        assert_eq!(empty.len(), 1, "an empty catalog still commits its index");
    }

    #[test]
    fn only_what_the_edge_lacks_is_sent_and_an_unchanged_catalog_sends_nothing() {
        let state = PublishState {
            version: Some("v1".into()),
            sequence: 3,
            documents: vec![
                DocumentRef {
                    slug: "mug".into(),
                    digest: "a".into(),
                },
                DocumentRef {
                    slug: "tee".into(),
                    digest: "b".into(),
                },
            ],
        };
        let next = snapshot(
            "v2",
            vec![
                document("mug", "a"),
                document("tee", "c"),
                document("new", "n"),
            ],
        );
        let batches = next.batches(&state, 400);
        assert_eq!(batches.len(), 1);
        let sent: Vec<_> = batches[0]
            .documents
            .iter()
            .map(|d| d.product.slug.as_str())
            .collect();
        assert_eq!(
            sent,
            vec!["tee", "new"],
            "the changed and the new product, not the unchanged mug"
        );
        assert!(batches[0].index.is_some());
        assert!(snapshot("v1", Vec::new()).batches(&state, 400).is_empty());
    }
}
