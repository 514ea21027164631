//! What the stand-in is told at start-up: its keys, where webhooks go, and the chaos switches tests use.

use std::fmt;
use std::time::Duration;

use anyhow::{bail, ensure};

/// Start-up configuration; `main` fills it from flags and `PSP_*` variables, tests from `for_tests`.
#[derive(Clone)]
pub struct PspConfig {
    /// Base of the hosted page URLs handed out in `session.url`; empty means the listener's address.
    pub public_url: String,
    /// The only API key accepted as `Authorization: Bearer …`; must start with `sk_test_`.
    pub secret_key: String,
    /// Where events are POSTed; without it events are only recorded.
    pub webhook_url: Option<String>,
    /// Stripe's `whsec_…` endpoint secret; the whole string is the HMAC key, as with Stripe.
    pub webhook_secret: String,
    /// First retry delay; each later retry waits twice as long.
    pub retry_base: Duration,
    /// Attempts per delivery, the first one included.
    pub max_attempts: u32,
    /// Deliver every event twice (the second copy a little later) to test receivers' deduplication.
    pub duplicate_deliveries: bool,
    /// Delay each delivery by a random 0..=shuffle_max so events arrive out of order; zero turns it off.
    pub shuffle_max: Duration,
    /// Fixed delay before an event's first delivery.
    pub webhook_delay: Duration,
}

impl PspConfig {
    /// Quick retries and no chaos, so a test sees a failed delivery retried within a fraction of a second.
    pub fn for_tests(secret_key: &str, webhook_secret: &str, webhook_url: Option<String>) -> Self {
        Self {
            public_url: String::new(),
            secret_key: secret_key.to_owned(),
            webhook_url,
            webhook_secret: webhook_secret.to_owned(),
            retry_base: Duration::from_millis(50),
            max_attempts: 6,
            duplicate_deliveries: false,
            shuffle_max: Duration::ZERO,
            webhook_delay: Duration::ZERO,
        }
    }

    /// Refuses live-looking keys: this is a test stand-in and must never be mistaken for Stripe.
    pub(crate) fn validate(&self) -> anyhow::Result<()> {
        ensure!(
            self.secret_key.starts_with("sk_test_"),
            "the secret key must start with sk_test_"
        );
        let secret_needed = self.webhook_url.is_some() || !self.webhook_secret.is_empty();
        if secret_needed && !self.webhook_secret.starts_with("whsec_") {
            bail!("the webhook secret must start with whsec_");
        }
        ensure!(self.max_attempts >= 1, "max_attempts must be at least 1");
        Ok(())
    }
}

/// Secrets stay out of logs and panic messages.
impl fmt::Debug for PspConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PspConfig")
            .field("public_url", &self.public_url)
            .field("secret_key", &"<redacted>")
            .field("webhook_url", &self.webhook_url)
            .field("webhook_secret", &"<redacted>")
            .field("retry_base", &self.retry_base)
            .field("max_attempts", &self.max_attempts)
            .field("duplicate_deliveries", &self.duplicate_deliveries)
            .field("shuffle_max", &self.shuffle_max)
            .field("webhook_delay", &self.webhook_delay)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_live_keys_and_odd_secrets() {
        assert!(PspConfig::for_tests("sk_live_x", "whsec_x", None)
            .validate()
            .is_err());
        assert!(
            PspConfig::for_tests("sk_test_x", "secret", Some("http://x".into()))
                .validate()
                .is_err()
        );
        assert!(PspConfig::for_tests("sk_test_x", "", None)
            .validate()
            .is_ok());
        let debug = format!(
            "{:?}",
            PspConfig::for_tests("sk_test_hidden", "whsec_hidden", None)
        );
        assert!(!debug.contains("hidden"));
    }
}
