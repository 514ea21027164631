//! Fetching one supplier image: only https (or http to a loopback stand-in), the jobs' client (no
//! redirect off the image's origin), a bounded body, and only the image types we decode. What cannot
//! become an image is a [`Fetched::Skip`] with the reason; what may work later (a timeout, a 5xx) is an
//! error, so the job retries it.

use crate::product_sync::fetch::feed_url;
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;

/// The types the `image` crate decodes for us here (its `jpeg`, `png`, `webp` and `gif` features).
pub const ACCEPTED: [&str; 4] = ["image/jpeg", "image/png", "image/webp", "image/gif"];

/// What one fetch gave.
#[derive(Debug)]
pub enum Fetched {
    Bytes(Vec<u8>),
    /// Not an image we take, for good (until the retry window passes): the reason is recorded.
    Skip(String),
}

/// Fetches `src`, reading at most `max_bytes` of body.
pub async fn fetch(http: &reqwest::Client, src: &str, max_bytes: usize) -> anyhow::Result<Fetched> {
    let Ok(url) = feed_url(src) else {
        return Ok(skip(
            "refused: only https (or http to a loopback stand-in) is fetched",
        ));
    };
    let response = http.get(url).send().await?;
    let status = response.status();
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        anyhow::bail!("the supplier answered {status} for {src}");
    }
    if !status.is_success() {
        return Ok(skip(&format!("the supplier answered {status}")));
    }
    let kind = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !ACCEPTED.contains(&kind.as_str()) {
        let shown = if kind.is_empty() { "no type" } else { &kind };
        return Ok(skip(&format!("not an image we take ({shown})")));
    }
    let Some(body) = crate::context::body_within(response, max_bytes as u64).await? else {
        return Ok(skip(&too_big(max_bytes)));
    };
    if body.is_empty() {
        return Ok(skip("the supplier sent an empty body"));
    }
    Ok(Fetched::Bytes(body))
}

fn skip(reason: &str) -> Fetched {
    Fetched::Skip(reason.to_owned())
}

fn too_big(max_bytes: usize) -> String {
    format!("larger than {max_bytes} bytes")
}
