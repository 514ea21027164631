//! The Content-Security-Policy. Scripts run only from our own origin plus the island loader, an inline
//! module script that is the same on every page of one asset version: it is allowed by its SHA-256 hash,
//! so no other inline script (say, one smuggled in through an HTML-injection bug) can run.

use base64::Engine;
use sha2::{Digest, Sha256};

/// `'sha256-…'` sources for every inline `<script>` in `html` (scripts with `src` are covered by 'self').
/// Meant for markup we generate ourselves (the loader), not for pages carrying supplier text.
pub(crate) fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else {
            break;
        };
        let opening = &rest[..open_end];
        let body = &rest[open_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !opening.contains(" src=") {
            let digest = Sha256::digest(&body.as_bytes()[..close]);
            hashes.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &body[close..];
    }
    hashes
}

/// The policy for every response. Images are our own `/media/…`; wasm needs 'wasm-unsafe-eval'. Forms post
/// to us only, except where a page lists `form_actions` (the review page's "Pay" form, whose answer
/// redirects to the payment provider: see `policy::payment`).
pub(crate) fn policy(script_hashes: &[String], form_actions: &[String]) -> String {
    let mut script_src = vec!["'self'", "'wasm-unsafe-eval'"];
    script_src.extend(script_hashes.iter().map(String::as_str));
    let mut form_action = vec!["'self'"];
    form_action.extend(form_actions.iter().map(String::as_str));
    format!(
        "default-src 'self'; script-src {}; style-src 'self'; img-src 'self'; connect-src 'self'; \
         object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action {}",
        script_src.join(" "),
        form_action.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = r#"<link rel="modulepreload" href="/pkg/a.js"><script type="module">alert(1)</script><script src="/x.js"></script>"#;
        // printf 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            inline_script_hashes(html),
            vec!["'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='".to_owned()]
        );
        assert!(inline_script_hashes("<p>no scripts</p>").is_empty());
        assert!(inline_script_hashes("<script>unclosed").is_empty());
    }

    #[test]
    fn the_policy_allows_no_inline_script_but_the_hashed_ones() {
        let p = policy(&["'sha256-abc='".to_owned()], &[]);
        assert!(p.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-abc='; "));
        assert!(!p.contains("unsafe-inline"));
        assert!(p.contains("img-src 'self';"));
        assert!(p.contains("frame-ancestors 'none'"));
        assert!(p.ends_with("form-action 'self'"));
    }

    #[test]
    fn a_page_may_let_its_forms_land_on_the_payment_provider() {
        let p = policy(&[], &["https://checkout.stripe.com".to_owned()]);
        assert!(p.ends_with("form-action 'self' https://checkout.stripe.com"));
    }
}
