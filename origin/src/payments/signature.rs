//! Stripe's webhook signature scheme: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`, where each `v1` is
//! HMAC-SHA256 keyed with the endpoint secret over `"<t>.<payload>"`. A delivery is accepted when its
//! timestamp is within the tolerance (replays of old deliveries fail) and any `v1` matches in constant time.

use super::WebhookError;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Stripe's default tolerance.
pub(crate) const TOLERANCE_SECS: i64 = 300;

pub(crate) fn verify(
    secret: &str,
    payload: &[u8],
    header: Option<&str>,
    now: i64,
) -> Result<(), WebhookError> {
    let header = header.ok_or(WebhookError::Malformed)?;
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", sig)) => candidates.extend(hex::decode(sig).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(WebhookError::Malformed)?;
    if candidates.is_empty() {
        return Err(WebhookError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(WebhookError::Stale);
    }
    let expected = expected(secret, timestamp, payload);
    let matched = candidates.iter().fold(0u8, |any, c| {
        any | u8::from(bool::from(c.as_slice().ct_eq(&expected)))
    });
    if matched == 1 {
        Ok(())
    } else {
        Err(WebhookError::Mismatch)
    }
}

fn expected(secret: &str, timestamp: i64, payload: &[u8]) -> Vec<u8> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac.finalize().into_bytes().to_vec()
}

/// The header value Stripe would send: for tests and tools that sign as the provider does.
pub fn sign(secret: &str, timestamp: i64, payload: &[u8]) -> String {
    format!(
        "t={timestamp},v1={}",
        hex::encode(expected(secret, timestamp, payload))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";

    #[test]
    fn a_fresh_signed_payload_verifies() {
        let header = sign(SECRET, 1_000, b"{}");
        assert_eq!(verify(SECRET, b"{}", Some(&header), 1_100), Ok(()));
        // Several v1 entries (secret rotation): any match is enough.
        let rotated = format!("t=1000,v1={},{}", "00".repeat(32), &header[7..]);
        assert_eq!(verify(SECRET, b"{}", Some(&rotated), 1_000), Ok(()));
    }

    #[test]
    fn forged_stale_and_malformed_deliveries_fail() {
        let header = sign(SECRET, 1_000, b"{}");
        assert_eq!(
            verify(SECRET, b"{ }", Some(&header), 1_000),
            Err(WebhookError::Mismatch)
        );
        assert_eq!(
            verify("whsec_other", b"{}", Some(&header), 1_000),
            Err(WebhookError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, b"{}", Some(&header), 1_000 + TOLERANCE_SECS + 1),
            Err(WebhookError::Stale)
        );
        assert_eq!(
            verify(SECRET, b"{}", None, 1_000),
            Err(WebhookError::Malformed)
        );
        assert_eq!(
            verify(SECRET, b"{}", Some("t=1000"), 1_000),
            Err(WebhookError::Malformed)
        );
        assert_eq!(
            verify(SECRET, b"{}", Some("v1=abcd"), 1_000),
            Err(WebhookError::Malformed)
        );
    }
}
