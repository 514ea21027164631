//! Only the edge may call the API: every request outside the health probes must carry the shared secret
//! in `x-meridian-origin-auth`. The comparison is over SHA-256 digests in constant time, so neither the
//! secret's bytes nor its length leak through timing.

use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use meridian_domain::api::ORIGIN_AUTH_HEADER;
use sha2::{Digest, Sha256};

/// The secret the edge presents, kept as its digest.
#[derive(Clone)]
pub struct EdgeCredential([u8; 32]);

impl EdgeCredential {
    pub fn new(secret: &str) -> Self {
        Self(Sha256::digest(secret.as_bytes()).into())
    }

    /// True when `presented` is the secret.
    pub fn accepts(&self, presented: &[u8]) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented).into();
        digest
            .iter()
            .zip(&self.0)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl std::fmt::Debug for EdgeCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EdgeCredential(..)")
    }
}

/// Middleware: 401 unless the request carries the edge's credential (health probes are exempt).
pub(crate) async fn require_edge(
    State(edge): State<EdgeCredential>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if path == "/healthz" || path == "/readyz" {
        return next.run(request).await;
    }
    let presented = request
        .headers()
        .get(ORIGIN_AUTH_HEADER)
        .map(|v| v.as_bytes());
    if presented.is_some_and(|p| edge.accepts(p)) {
        next.run(request).await
    } else {
        ApiError::Unauthorized.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::EdgeCredential;

    #[test]
    fn only_the_exact_secret_is_accepted() {
        let credential = EdgeCredential::new("s3cret-s3cret-s3cret-s3cret-s3cret");
        assert!(credential.accepts(b"s3cret-s3cret-s3cret-s3cret-s3cret"));
        assert!(!credential.accepts(b"s3cret-s3cret-s3cret-s3cret-s3cre"));
        assert!(!credential.accepts(b""));
        assert_eq!(
            format!("{credential:?}"),
            "EdgeCredential(..)",
            "never logged"
        );
    }
}
