//! Talking to the edge's publish endpoint: what it serves now (`GET`), and the batches that bring it to a
//! snapshot (`POST`, the last one commits). Only documents the edge lacks are sent.

use meridian_domain::publish::{CatalogSnapshot, PublishReceipt, PublishState, MAX_PUBLISH_BATCH};
use meridian_domain::routes;

fn url(edge_url: &str) -> String {
    format!("{}{}", edge_url.trim_end_matches('/'), routes::PUBLISH)
}

/// What the edge at `edge_url` serves now.
pub async fn state(
    client: &reqwest::Client,
    edge_url: &str,
    token: &str,
) -> anyhow::Result<PublishState> {
    let response = client.get(url(edge_url)).bearer_auth(token).send().await?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        anyhow::bail!("edge refused to say what it serves ({status}): {body}");
    }
    Ok(response.json().await?)
}

/// Sends what the edge (serving `state`) lacks of `snapshot`, in batches; returns the receipts added up
/// (zero documents when the edge already serves this version: nothing is written). A failed batch fails
/// the publish before readers are switched.
pub async fn publish(
    client: &reqwest::Client,
    edge_url: &str,
    token: &str,
    state: &PublishState,
    snapshot: &CatalogSnapshot,
) -> anyhow::Result<PublishReceipt> {
    let mut total = PublishReceipt {
        version: snapshot.version.clone(),
        documents: 0,
        pruned: 0,
    };
    for batch in snapshot.batches(state, MAX_PUBLISH_BATCH) {
        let response = client
            .post(url(edge_url))
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
