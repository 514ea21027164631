//! `GET /images/{name}`: the product images the jobs imported, served from the store's own domain (so the
//! CSP's `img-src 'self'` holds and no page depends on the supplier's CDN). The first request in a
//! location asks the origin; the answer is kept in the Cache API for a year, as the name is
//! content-addressed and never changes meaning. The route matcher already checked the name's shape, so a
//! malformed one never reaches the origin.

use crate::context::Edge;
use crate::error::{EdgeError, EdgeResult};
use crate::origin::Call;
use meridian_domain::images::{CACHE_CONTROL, CONTENT_TYPE, PATH_PREFIX};
use worker::{Cache, Headers, Response};

/// The Cache API key of an image: one per name, whatever host the request came in on.
fn cache_key(name: &str) -> String {
    format!("https://image-cache.meridian.internal{PATH_PREFIX}{name}")
}

impl Edge {
    /// Answers `/images/{name}` from the cache, or from the origin (and keeps it).
    pub(crate) async fn image(&self, name: &str) -> EdgeResult {
        let key = cache_key(name);
        let cache = Cache::default();
        if let Some(hit) = cache.get(key.as_str(), true).await? {
            self.cache_hit.set(true);
            return Ok(hit);
        }
        let path = format!("{PATH_PREFIX}{name}");
        let mut answer = self.fetch_origin(&Call::read("image", &path)).await?;
        match answer.status_code() {
            200 => {}
            404 => {
                return self.refuse(
                    404,
                    "not_found",
                    "Image not found",
                    "There is no such image.",
                )
            }
            other => {
                return Err(EdgeError::BadGateway(format!(
                    "origin answered {other} for an image"
                )))
            }
        }
        let bytes = answer.bytes().await?;
        let response = image_response(bytes.clone())?;
        let stored = image_response(bytes)?;
        self.ctx.wait_until(async move {
            if let Err(err) = cache.put(key.as_str(), stored).await {
                worker::console_warn!("image cache put failed: {err}");
            }
        });
        Ok(response)
    }
}

/// An image answer with the headers every copy carries.
fn image_response(bytes: Vec<u8>) -> worker::Result<Response> {
    let headers = Headers::new();
    headers.set("content-type", CONTENT_TYPE)?;
    headers.set("cache-control", CACHE_CONTROL)?;
    Ok(Response::from_bytes(bytes)?.with_headers(headers))
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_cache_entry_per_name() {
        assert_eq!(
            super::cache_key("0123456789abcdef-400.jpg"),
            "https://image-cache.meridian.internal/images/0123456789abcdef-400.jpg"
        );
    }
}
