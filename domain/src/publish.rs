//! Publishing the catalog to the edge: the whole snapshot product-sync builds, and the batches it is sent
//! in. Shared by the job that sends and the worker that stores.

use crate::{CatalogIndex, ProductDetail};
use serde::{Deserialize, Serialize};

/// A whole catalog under one version: what product-sync publishes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogSnapshot {
    pub version: String,
    pub index: CatalogIndex,
    pub products: Vec<ProductDetail>,
}

/// Most products one publish call may carry. A Worker invocation may make at most 1000 KV operations, and
/// the call that commits also prunes; so a catalog is sent in batches of this size.
pub const MAX_PUBLISH_BATCH: usize = 400;

/// Body of one publish call. A catalog is sent as batches under one version: batches without `index`
/// only store products; the last batch carries the index and switches readers to `version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishBatch {
    pub version: String,
    pub products: Vec<ProductDetail>,
    #[serde(default)]
    pub index: Option<CatalogIndex>,
}

impl CatalogSnapshot {
    /// The snapshot as publish calls of at most `size` products; only the last carries the index.
    pub fn batches(&self, size: usize) -> Vec<PublishBatch> {
        let mut batches: Vec<PublishBatch> = self
            .products
            .chunks(size.max(1))
            .map(|products| PublishBatch {
                version: self.version.clone(),
                products: products.to_vec(),
                index: None,
            })
            .collect();
        if batches.is_empty() {
            batches.push(PublishBatch {
                version: self.version.clone(),
                products: Vec::new(),
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

    fn product(slug: &str) -> ProductDetail {
        ProductDetail {
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
        }
    }

    #[test]
    fn a_snapshot_is_sent_in_batches_and_only_the_last_commits() {
        let index = CatalogIndex {
            categories: Vec::new(),
            cards: Vec::new(),
        };
        let products: Vec<_> = (0..901).map(|i| product(&format!("p{i}"))).collect();
        let snapshot = CatalogSnapshot {
            version: "v1".into(),
            index: index.clone(),
            products: products.clone(),
        };
        let batches = snapshot.batches(400);
        let sizes: Vec<_> = batches.iter().map(|b| b.products.len()).collect();
        assert_eq!(sizes, vec![400, 400, 101]);
        let sent: Vec<_> = batches.iter().flat_map(|b| b.products.clone()).collect();
        assert_eq!(sent, products, "every product once, in order");
        let commits: Vec<_> = batches.iter().map(|b| b.index.is_some()).collect();
        assert_eq!(commits, vec![false, false, true]);
        let empty = CatalogSnapshot {
            products: Vec::new(),
            ..snapshot
        };
        assert_eq!(
            empty.batches(400).len(),
            1,
            "an empty catalog still commits its index"
        );
    }
}
