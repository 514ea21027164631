//! Publishing the catalog to the edge: the whole catalog as one versioned snapshot, sent to the worker's
//! publish endpoint in batches (the last one switches readers over). The version is a hash of the
//! content, so publishing an unchanged catalog keeps the same version and the edge cache stays warm.

use meridian_domain::publish::{CatalogSnapshot, PublishReceipt, MAX_PUBLISH_BATCH};
use meridian_domain::routes;
use meridian_domain::{CatalogIndex, ProductDetail};
use meridian_store::catalog::{categories, load_products, ProductFilter};
use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// Reads the whole catalog from the database and shapes it as a snapshot.
pub async fn snapshot(pool: &PgPool) -> anyhow::Result<CatalogSnapshot> {
    let categories = categories(pool).await?;
    let (products, _) = load_products(pool, ProductFilter::default(), i64::MAX as u64, 0).await?;
    let cards = products.iter().filter_map(ProductDetail::card).collect();
    let index = CatalogIndex { categories, cards };
    let digest = Sha256::digest(serde_json::to_vec(&(&index, &products))?);
    let version = hex::encode(&digest[..6]);
    Ok(CatalogSnapshot {
        version,
        index,
        products,
    })
}

/// Sends `snapshot` to the worker at `edge_url`, authenticated with the shared publish token, in batches;
/// returns the receipts added up. A failed batch fails the publish before readers are switched.
pub async fn publish(
    client: &reqwest::Client,
    edge_url: &str,
    token: &str,
    snapshot: &CatalogSnapshot,
) -> anyhow::Result<PublishReceipt> {
    let url = format!("{}{}", edge_url.trim_end_matches('/'), routes::PUBLISH);
    let mut total = PublishReceipt {
        version: snapshot.version.clone(),
        documents: 0,
        pruned: 0,
    };
    for batch in snapshot.batches(MAX_PUBLISH_BATCH) {
        let response = client
            .post(&url)
            .bearer_auth(token)
            .json(&batch)
            .send()
            .await?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            anyhow::bail!("edge refused the catalog batch ({status}): {body}");
        }
        let receipt: PublishReceipt = response.json().await?;
        total.documents += receipt.documents;
        total.pruned += receipt.pruned;
    }
    Ok(total)
}
