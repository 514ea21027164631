//! Sending a buyer to the payment provider: the idempotency key of the payment call, which provider URLs
//! the edge will redirect to, and the `form-action` sources the review page needs for that redirect.
//!
//! Chromium applies a page's CSP `form-action` to every redirect that follows a form submission, so the
//! "Pay" form's 303 to the provider is blocked unless the provider's origin is listed on the page that
//! holds the form. That origin is `PAYMENT_ORIGIN`; under `wrangler dev` on loopback `http` (tests, local
//! stacks) a provider on another loopback port is accepted too, as the cart cookie's local name is.

use super::cookie::is_loopback;
use sha2::{Digest, Sha256};

/// Form-action sources that let the review page's form land on a provider on another loopback port.
const LOCAL_SOURCES: [&str; 2] = ["http://127.0.0.1:*", "http://localhost:*"];

/// The payment call's key for order `token`, derived from the "Pay" form's key: a resubmitted form places
/// the same order (same key) and gets the same payment session (same derived key), never a second
/// charge page. The token is part of it because one form may pay for an order the shopper came back with
/// and, if that one can no longer be paid, place and pay a new one: two calls that must not share a key.
pub(crate) fn payment_key(form_key: &str, token: &str) -> String {
    let digest = Sha256::digest(format!("meridian payment {token} {form_key}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    // A UUID like every other key (version 8: "custom"), so it passes the same checks everywhere.
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// Whether the edge may redirect a buyer to `url`, which the origin got from the provider: a plain
/// absolute URL under `payment_origin`, or (only when this request is local `http`) on a loopback host.
pub(crate) fn allowed_url(url: &str, payment_origin: Option<&str>, local: bool) -> bool {
    let plain = !url.is_empty()
        && url.len() <= 2048
        && url
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'<' | b'>' | b'\\'));
    let Some((scheme, rest)) = url.split_once("://").filter(|_| plain) else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return false;
    }
    let under_origin = payment_origin.is_some_and(|origin| {
        url.len() > origin.len()
            && url[..origin.len()].eq_ignore_ascii_case(origin)
            && url.as_bytes()[origin.len()] == b'/'
    });
    let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
    under_origin || (local && scheme == "http" && is_loopback(host))
}

/// Extra `form-action` sources for a page holding the "Pay" form.
pub(crate) fn form_action_sources(payment_origin: Option<&str>, local: bool) -> Vec<String> {
    let mut sources: Vec<String> = payment_origin.map(str::to_owned).into_iter().collect();
    if local {
        sources.extend(LOCAL_SOURCES.map(str::to_owned));
    }
    sources
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRIPE: Option<&str> = Some("https://checkout.stripe.com");

    #[test]
    fn the_payment_key_is_a_stable_uuid_of_its_own() {
        let key = "4f1c2a9e-1111-4222-8333-444455556666";
        let derived = payment_key(key, "t1");
        assert_eq!(
            derived,
            payment_key(key, "t1"),
            "a resubmitted form derives the same key"
        );
        assert_ne!(derived, key);
        assert_ne!(
            derived,
            payment_key(key, "t2"),
            "another order, another key"
        );
        assert_ne!(
            derived,
            payment_key("4f1c2a9e-1111-4222-8333-444455556667", "t1")
        );
        assert!(crate::policy::request::valid_idempotency_key(&derived));
    }

    #[test]
    fn only_the_provider_origin_is_a_redirect_target() {
        assert!(allowed_url(
            "https://checkout.stripe.com/c/pay/cs_1",
            STRIPE,
            false
        ));
        for bad in [
            "https://checkout.stripe.com.evil.example/c",
            "https://checkout.stripe.com@evil.example/c",
            "https://evil.example/https://checkout.stripe.com/",
            "https://checkout.stripe.com",
            "//checkout.stripe.com/c",
            "https://checkout.stripe.com/c\r\nset-cookie:x",
            "javascript:alert(1)",
            "",
        ] {
            assert!(!allowed_url(bad, STRIPE, false), "{bad:?}");
        }
        assert!(!allowed_url("https://checkout.stripe.com/c", None, false));
    }

    #[test]
    fn a_local_stack_may_pay_on_another_loopback_port() {
        assert!(allowed_url("http://127.0.0.1:4242/pay/cs_1", None, true));
        assert!(allowed_url("http://localhost:4242/pay/cs_1", STRIPE, true));
        assert!(!allowed_url(
            "http://127.0.0.1:4242/pay/cs_1",
            STRIPE,
            false
        ));
        assert!(!allowed_url("http://evil.example/pay", None, true));
        assert!(!allowed_url("http://user@127.0.0.1:4242/pay", None, true));
    }

    #[test]
    fn the_review_page_lists_the_provider_for_its_form() {
        assert_eq!(
            form_action_sources(STRIPE, false),
            vec!["https://checkout.stripe.com"]
        );
        assert_eq!(
            form_action_sources(None, true),
            vec!["http://127.0.0.1:*", "http://localhost:*"]
        );
        assert!(form_action_sources(None, false).is_empty());
    }
}
