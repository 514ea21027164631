//! The catalog as the edge serves it, read from the database: categories, cards, and every live product's
//! document with a digest of its content. Versions and digests are content hashes, so an unchanged catalog
//! has the same version and an unchanged product the same document key.

use meridian_domain::publish::{CatalogSnapshot, Document, DocumentRef};
use meridian_domain::{CatalogIndex, ProductDetail};
use meridian_store::catalog::{categories, load_products, ProductFilter};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// Reads the whole catalog and shapes it as a snapshot published under `sequence`.
pub async fn snapshot(pool: &PgPool, sequence: i64) -> anyhow::Result<CatalogSnapshot> {
    let categories = categories(pool).await?;
    let (products, _) = load_products(pool, ProductFilter::default(), i64::MAX as u64, 0).await?;
    let cards = products.iter().filter_map(ProductDetail::card).collect();
    let products = products
        .into_iter()
        .map(|product| {
            Ok(Document {
                digest: digest(&product, 16)?,
                product,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut documents: Vec<DocumentRef> = products
        .iter()
        .map(|d| DocumentRef {
            slug: d.product.slug.clone(),
            digest: d.digest.clone(),
        })
        .collect();
    documents.sort();
    let shell = digest(&categories, 12)?;
    let index = CatalogIndex {
        categories,
        cards,
        documents,
        shell,
    };
    Ok(CatalogSnapshot {
        version: digest(&index, 12)?,
        sequence,
        index,
        products,
    })
}

/// The first `hex_len` hex digits of the SHA-256 of `value`'s JSON.
fn digest(value: &impl Serialize, hex_len: usize) -> anyhow::Result<String> {
    let hash = Sha256::digest(serde_json::to_vec(value)?);
    let mut hex = hex::encode(hash);
    hex.truncate(hex_len);
    Ok(hex)
}
