//! `GET /images/{name}`: the product images the jobs imported into object storage (`IMAGES_STORE`), for
//! the edge to serve from the store's own domain and keep in its cache. A storefront route like the
//! others (only the edge may call; shoppers reach it through the edge's `/images/…`), no API key.
//!
//! The name is checked to be exactly one the jobs make (`<16 hex>-<slot>.jpg`, see
//! `meridian_domain::images`) before a key is built, so `..`, escapes or any other object in the store
//! are a 404 without a storage read. Names are content-addressed: the answer may be cached for a year.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use meridian_domain::images::{parse_name, CACHE_CONTROL, CONTENT_TYPE, PATH_PREFIX};
use object_store::path::Path as Key;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route(&format!("{PATH_PREFIX}{{name}}"), get(get_image))
}

async fn get_image(State(state): State<AppState>, Path(name): Path<String>) -> ApiResult<Response> {
    let (Some(store), Some((digest, slot))) = (&state.images, parse_name(&name)) else {
        return Err(not_found());
    };
    let key = Key::from(meridian_domain::images::key(digest, slot));
    let bytes = match store.get(&key).await {
        Ok(found) => found.bytes().await,
        Err(object_store::Error::NotFound { .. }) => return Err(not_found()),
        Err(e) => Err(e),
    }
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("reading image {key}: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, CONTENT_TYPE),
            (header::CACHE_CONTROL, CACHE_CONTROL),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response())
}

fn not_found() -> ApiError {
    ApiError::NotFound("There is no such image.".into())
}
