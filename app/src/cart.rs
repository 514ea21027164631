//! Adding to the cart from the browser: one POST through the edge with an idempotency key minted per
//! click. On a network error or a 5xx the same request is retried with the SAME key, so however many
//! attempts reach the origin, the item is added once (what Stripe's clients do).

use leptos::prelude::*;

/// Result shown under the button: a confirmation or a sentence explaining the refusal.
pub(crate) type Status = RwSignal<Option<Result<String, String>>>;

/// Pause before retry `attempt` (0-based), or `None` when the click has used up its attempts.
#[cfg_attr(
    not(any(feature = "hydrate", test)),
    expect(dead_code, reason = "only the browser build retries")
)]
pub(crate) fn retry_delay_ms(attempt: u32) -> Option<i32> {
    [300, 1000, 3000].get(attempt as usize).copied()
}

/// Whether an answer may be retried with the same key: transport failures and server errors may not have
/// been applied (or were applied and will be replayed); a 4xx is a decision that a retry would repeat.
#[cfg_attr(
    not(any(feature = "hydrate", test)),
    expect(dead_code, reason = "only the browser build retries")
)]
pub(crate) fn is_retryable(status: Option<u16>) -> bool {
    status.is_none_or(|s| s >= 500)
}

pub(crate) fn add_to_cart(sku: String, status: Status) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        status.set(Some(browser::post_line(&sku).await));
    });
    // Server renders never submit forms; the island only runs this in the browser.
    #[cfg(not(feature = "hydrate"))]
    let _ = (sku, status);
}

#[cfg(feature = "hydrate")]
mod browser;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_stop() {
        let delays: Vec<_> = (0..5).map(retry_delay_ms).collect();
        assert_eq!(delays, vec![Some(300), Some(1000), Some(3000), None, None]);
    }

    #[test]
    fn only_failures_that_may_not_have_landed_are_retried() {
        assert!(is_retryable(None), "network error");
        assert!(is_retryable(Some(502)));
        assert!(is_retryable(Some(503)));
        assert!(!is_retryable(Some(200)));
        assert!(!is_retryable(Some(409)));
        assert!(!is_retryable(Some(422)));
    }
}
