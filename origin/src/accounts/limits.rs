//! Attempt limits for the account routes, per key: sign-in and sign-up per email address, a password check
//! per account. The edge limits per client address as well (a location at a time); these hold across
//! every location, since each origin instance counts what reaches it. A refused attempt answers 429 with
//! `Retry-After` and never reaches the password hash, so guessing costs the attacker time, not us CPU.

use crate::error::ApiError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use meridian_domain::account::email_key;
use std::num::NonZeroU32;
use std::time::Duration;

/// Default attempts per key per minute (`ACCOUNT_ATTEMPTS_PER_MINUTE`).
pub const DEFAULT_PER_MINUTE: u32 = 10;
/// Default cart and checkout writes per client address per minute (`CART_WRITES_PER_MINUTE`, see
/// `crate::throttle`): far above what a shopper clicks, well below a script's pace.
pub const DEFAULT_WRITES_PER_MINUTE: u32 = 300;
/// How often keys that have recovered their full allowance are forgotten.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// Per-key attempt counters.
pub struct AttemptLimits {
    per_key: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl std::fmt::Debug for AttemptLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttemptLimits")
            .field("keys", &self.per_key.len())
            .finish()
    }
}

impl AttemptLimits {
    /// `per_minute` attempts per key, all of them usable at once, refilled evenly over the minute.
    pub fn per_minute(per_minute: u32) -> Self {
        let n = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        Self {
            per_key: RateLimiter::keyed(Quota::per_minute(n)),
            clock: DefaultClock::default(),
        }
    }

    /// Counts an attempt for `key` (a purpose and a normalised email or id); 429 once the allowance is
    /// spent, saying how long until the next attempt is allowed.
    pub(crate) fn attempt(&self, key: String) -> Result<(), ApiError> {
        self.per_key.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            tracing::warn!("attempt limit reached");
            ApiError::TooManyAttempts {
                retry_after: wait.as_secs() + 1,
            }
        })
    }

    /// Counts an attempt at `purpose` (sign-in, sign-up, reset) for an email as typed: one key per address
    /// whatever its case or surrounding spaces.
    pub(crate) fn for_email(&self, purpose: &str, email: &str) -> Result<(), ApiError> {
        self.attempt(format!("{purpose} {}", email_key(email.trim())))
    }

    /// Forgets keys with a full allowance again, forever (bounded memory under many distinct keys).
    pub async fn prune(limits: std::sync::Arc<Self>) {
        let mut every = tokio::time::interval(PRUNE_EVERY);
        loop {
            every.tick().await;
            limits.per_key.retain_recent();
            limits.per_key.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attempt_after_the_allowance_waits() {
        let limits = AttemptLimits::per_minute(3);
        for _ in 0..3 {
            assert!(limits.attempt("sign-in ada@example.com".into()).is_ok());
        }
        match limits.attempt("sign-in ada@example.com".into()) {
            Err(ApiError::TooManyAttempts { retry_after }) => {
                assert!((1..=21).contains(&retry_after))
            }
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(
            limits.attempt("sign-in grace@example.com".into()).is_ok(),
            "other keys are not affected"
        );
    }
}
