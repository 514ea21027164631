//! A stand-in for the edge's publish endpoint: answers what it serves (`GET`), records batches and
//! switches on the committing one (`POST`), checking the token like the worker does.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use meridian_domain::publish::{PublishBatch, PublishReceipt, PublishState};
use std::sync::{Arc, Mutex};

pub(crate) const TOKEN: &str = "test-publish-token-0123456789abcdef";

/// What the stand-in edge was sent, and the snapshot it serves.
#[derive(Default)]
pub(crate) struct FakeEdge {
    pub(crate) batches: Vec<PublishBatch>,
    pub(crate) serving: PublishState,
    /// Batches refused for carrying a snapshot older than the one served (the real edge's 409).
    pub(crate) refused: usize,
}

pub(crate) type Published = Arc<Mutex<FakeEdge>>;

fn authorised(headers: &HeaderMap) -> Result<(), StatusCode> {
    if headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(&format!("Bearer {TOKEN}"))
    {
        return Err(StatusCode::UNAUTHORIZED);
    }
    Ok(())
}

/// `GET`: what the stand-in serves, as the worker answers it.
async fn serving(
    State(edge): State<Published>,
    headers: HeaderMap,
) -> Result<Json<PublishState>, StatusCode> {
    authorised(&headers)?;
    Ok(Json(edge.lock().unwrap().serving.clone()))
}

/// `POST`: records the batch, checking the token like the worker does; the committing batch switches
/// what it serves.
async fn capture(
    State(edge): State<Published>,
    headers: HeaderMap,
    Json(s): Json<PublishBatch>,
) -> Result<Json<PublishReceipt>, StatusCode> {
    authorised(&headers)?;
    let receipt = PublishReceipt {
        version: s.version.clone(),
        documents: s.documents.len() as u32 + u32::from(s.index.is_some()),
        pruned: 0,
    };
    let mut edge = edge.lock().unwrap();
    if s.sequence < edge.serving.sequence {
        edge.refused += 1;
        return Err(StatusCode::CONFLICT);
    }
    if let Some(index) = &s.index {
        edge.serving = PublishState {
            version: Some(s.version.clone()),
            sequence: s.sequence,
            documents: index.documents.clone(),
        };
    }
    edge.batches.push(s);
    Ok(Json(receipt))
}

/// The stand-in's routes, sharing `edge`.
pub(crate) fn router(edge: Published) -> Router {
    Router::new()
        .route("/_meridian/publish", post(capture).get(serving))
        .with_state(edge)
}
