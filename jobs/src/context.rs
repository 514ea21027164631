//! What every job shares: clients only (database, HTTP, the edge to publish to). A job's own settings
//! live in its folder, next to its code.

use sqlx::PgPool;
use std::time::Duration;

/// Where and how to publish the catalog to the edge.
#[derive(Clone)]
pub struct EdgeTarget {
    /// The worker's public URL, e.g. `https://shop.example.com`.
    pub url: String,
    /// Shared secret the worker checks on `POST /_meridian/publish`.
    pub token: String,
}

/// Shows the URL, never the token: a context logged with `?` must not leak the publish secret.
impl std::fmt::Debug for EdgeTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EdgeTarget")
            .field("url", &self.url)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// The clients every job handler gets: cheap to clone, shared by all jobs of a worker.
#[derive(Debug, Clone)]
pub struct JobContext {
    pub db: PgPool,
    pub http: reqwest::Client,
    /// `None`: import only, publish nothing (e.g. before the edge exists).
    pub edge: Option<EdgeTarget>,
}

/// Redirects followed at most; a feed or the edge has no reason to bounce us around.
const MAX_REDIRECTS: usize = 5;

/// An HTTP client with timeouts, so a hung supplier or edge fails the job (and it retries) instead of
/// holding a worker forever. Redirects are followed only within the same origin (scheme, host and port):
/// a feed URL that passed our checks cannot send us to an internal host.
pub fn http_client() -> reqwest::Client {
    let same_origin = reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().map(reqwest::Url::origin);
        if attempt.previous().len() <= MAX_REDIRECTS && first == Some(attempt.url().origin()) {
            attempt.follow()
        } else {
            attempt.stop()
        }
    });
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .redirect(same_origin)
        .user_agent("meridian-jobs/0.1")
        .build()
        .expect("a client with static settings builds")
}

/// Reads `response`'s body unless it is over `cap` bytes, as declared or as sent (an absent or wrong
/// Content-Length cannot get past the cap); `None` as soon as it is over, without reading the rest. Every
/// body a job fetches from a supplier goes through here.
pub async fn body_within(
    mut response: reqwest::Response,
    cap: u64,
) -> reqwest::Result<Option<Vec<u8>>> {
    if response.content_length().is_some_and(|n| n > cap) {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if (body.len() + chunk.len()) as u64 > cap {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

#[cfg(test)]
mod tests {
    use super::EdgeTarget;

    #[test]
    fn the_publish_token_never_reaches_a_log() {
        let target = EdgeTarget {
            url: "https://shop.example.com".into(),
            token: "0123456789abcdef0123456789abcdef".into(),
        };
        let shown = format!("{target:?}");
        assert!(shown.contains("https://shop.example.com"));
        assert!(!shown.contains("0123456789abcdef"), "{shown}");
    }
}
