//! Tokens signed by pasetors exactly as the origin signs them, taken apart and checked here.

use super::*;
use pasetors::claims::Claims as PasetoClaims;
use pasetors::keys::AsymmetricSecretKey;
use pasetors::{public, version4::V4};

const ACCOUNT: &str = "5f0c7d2e-8f7a-4b8e-9a55-0d1e2f3a4b5c";
const SESSION: &str = "a3b1c2d4-1111-4222-8333-444455556666";

fn keypair() -> ed25519_compact::KeyPair {
    ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new([7; 32]))
}

/// A token like the origin's, expiring at `exp`, signed with `assertion`.
fn token(exp: &str, assertion: &[u8]) -> String {
    let pair = keypair();
    let secret = AsymmetricSecretKey::<V4>::from(pair.sk.as_ref()).unwrap();
    let mut c = PasetoClaims::new().unwrap();
    c.expiration(exp).unwrap();
    c.subject(ACCOUNT).unwrap();
    c.add_additional("sid", SESSION).unwrap();
    public::sign(&secret, &c, None, Some(assertion)).unwrap()
}

fn signature_holds(parts: &SignedParts) -> bool {
    let sig = ed25519_compact::Signature::from_slice(&parts.signature).unwrap();
    keypair().pk.verify(&parts.signed, &sig).is_ok()
}

const NOW: i64 = 1_795_000_000; // 2026-11-18T11:06:40Z
const LATER: &str = "2026-11-26T12:00:00Z";

#[test]
fn an_origin_token_verifies_and_names_its_session() {
    let parts = split(&token(LATER, SESSION_ASSERTION)).expect("a v4.public token");
    assert!(signature_holds(&parts));
    let claims = claims(&parts.message, NOW).unwrap();
    assert_eq!(claims.account, ACCOUNT);
    assert_eq!(claims.session, SESSION);
    assert_eq!(claims.expires, 1_795_651_200 + 12 * 3600);
}

#[test]
fn a_changed_token_or_another_purpose_does_not_verify() {
    let good = token(LATER, SESSION_ASSERTION);
    let other = split(&token(LATER, b"some other use")).unwrap();
    assert!(
        !signature_holds(&other),
        "the implicit assertion binds the use"
    );
    // Flip one character of the body: either it no longer decodes or the signature fails.
    let at = HEADER.len() + 10;
    let flipped = if &good[at..=at] == "A" { "B" } else { "A" };
    let tampered = format!("{}{flipped}{}", &good[..at], &good[at + 1..]);
    assert!(split(&tampered).is_none_or(|p| !signature_holds(&p)));
    for junk in [
        "",
        "v4.public.",
        "v3.public.abc",
        "v4.local.abc",
        "v4.public.!!!",
        &"x".repeat(5000),
    ] {
        assert!(split(junk).is_none(), "{junk:.20}");
    }
}

#[test]
fn an_expired_token_is_told_apart_from_a_bad_one() {
    let parts = split(&token("2026-11-18T00:00:00Z", SESSION_ASSERTION)).unwrap();
    assert_eq!(claims(&parts.message, NOW), Err(ClaimsError::Expired));
    assert_eq!(claims(b"{}", NOW), Err(ClaimsError::Unreadable));
    let bad_ids = br#"{"sub":"x","sid":"y","exp":"2026-11-26T12:00:00Z"}"#;
    assert_eq!(claims(bad_ids, NOW), Err(ClaimsError::Unreadable));
}

#[test]
fn expiry_times_parse_like_chrono() {
    for s in [
        "1970-01-01T00:00:00Z",
        "2000-02-29T23:59:59Z",
        "2026-11-26T12:34:56Z",
        "2100-03-01T00:00:00Z",
    ] {
        let want = chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp();
        assert_eq!(rfc3339_utc(s), Some(want), "{s}");
    }
    for bad in [
        "2026-11-26T12:34:56+00:00",
        "2026-13-01T00:00:00Z",
        "2026-11-26 12:34:56Z",
        "",
    ] {
        assert_eq!(rfc3339_utc(bad), None, "{bad}");
    }
}

#[test]
fn csrf_tokens_belong_to_one_session() {
    let t = csrf_token(SESSION);
    assert!(csrf_matches(Some(&t), SESSION));
    assert!(!csrf_matches(Some(&t), ACCOUNT));
    assert!(!csrf_matches(None, SESSION));
    assert!(!csrf_matches(Some(""), SESSION));
    assert!(!csrf_matches(Some(&t[..t.len() - 1]), SESSION));
}
