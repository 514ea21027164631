//! Every way the worker's configuration can be wrong, and what each turns off.

use super::*;

const SECRET: &str = "0123456789abcdef0123456789abcdef";

fn raw(url: &str, secret: Option<&str>) -> RawSettings {
    RawSettings {
        origin_url: Some(url.to_owned()),
        origin_secret: secret.map(str::to_owned),
        publish_token: Some(SECRET.to_owned()),
        page_ttl: None,
        payment_origin: Some("https://checkout.stripe.com".to_owned()),
        session_public_key: Some(KEY_HEX.to_owned()),
    }
}

const KEY_HEX: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

#[test]
fn the_session_key_is_read_from_hex_or_accounts_are_off() {
    let ok = Settings::validate(raw("https://o.example", Some(SECRET)));
    assert_eq!(
        ok.session_key.map(|k| k[..2].to_vec()),
        Some(vec![0xd7, 0x5a])
    );
    assert!(ok.problems.is_empty(), "{:?}", ok.problems);
    for bad in [None, Some(""), Some("d75a98"), Some(&"zz".repeat(32)[..])] {
        let s = Settings::validate(RawSettings {
            session_public_key: bad.map(str::to_owned),
            ..raw("https://o.example", Some(SECRET))
        });
        assert_eq!(s.session_key, None, "{bad:?}");
        assert!(
            s.problems.iter().any(|p| p.contains("SESSION_PUBLIC_KEY")),
            "{bad:?}: {:?}",
            s.problems
        );
    }
}

#[test]
fn a_good_configuration_has_no_problems() {
    let s = Settings::validate(raw("https://origin.example/", Some(SECRET)));
    let link = s.origin.unwrap();
    assert_eq!(link.url, "https://origin.example");
    assert_eq!(link.secret, SECRET);
    assert_eq!(s.publish_token.as_deref(), Some(SECRET));
    assert_eq!(s.page_ttl, DEFAULT_PAGE_TTL);
    assert!(s.problems.is_empty());
}

#[test]
fn plain_http_is_for_loopback_only() {
    for ok in [
        "http://127.0.0.1:8081",
        "http://localhost:8081/",
        "http://[::1]:8081",
        "HTTPS://o.example",
    ] {
        assert!(
            Settings::validate(raw(ok, Some(SECRET))).origin.is_ok(),
            "{ok}"
        );
    }
    for bad in [
        "http://origin.example",
        "http://127.0.0.1.evil.example",
        "http://user@10.0.0.1",
        "ftp://x",
        "origin",
    ] {
        let s = Settings::validate(raw(bad, Some(SECRET)));
        assert!(s.origin.is_err(), "{bad}");
        assert_eq!(s.problems.len(), 1);
    }
}

#[test]
fn a_missing_or_short_origin_secret_turns_cart_calls_off() {
    let missing = Settings::validate(raw("https://o.example", None));
    assert!(missing
        .origin
        .unwrap_err()
        .contains("ORIGIN_SECRET is not set"));
    let short = Settings::validate(raw("https://o.example", Some("short")));
    assert!(short.origin.unwrap_err().contains("shorter than 32"));
    let unset_url = Settings::validate(RawSettings {
        origin_secret: Some(SECRET.into()),
        ..Default::default()
    });
    assert!(unset_url
        .origin
        .unwrap_err()
        .contains("ORIGIN_URL is not set"));
}

#[test]
fn a_short_publish_token_disables_publishing_loudly() {
    let mut r = raw("https://o.example", Some(SECRET));
    r.publish_token = Some("change-me".into());
    let s = Settings::validate(r);
    assert_eq!(s.publish_token, None);
    assert!(s.problems[0].contains("PUBLISH_TOKEN"));
    let mut unset = raw("https://o.example", Some(SECRET));
    unset.publish_token = None;
    let s = Settings::validate(unset);
    assert_eq!(
        (s.publish_token, s.problems.len()),
        (None, 0),
        "unset is a choice, not a problem"
    );
}

#[test]
fn a_bad_page_ttl_is_reported_not_silently_replaced() {
    for (value, ttl, problems) in [
        ("60", 60, 0),
        (" 120 ", 120, 0),
        ("5m", 300, 1),
        ("0", 300, 1),
        ("-1", 300, 1),
    ] {
        let mut r = raw("https://o.example", Some(SECRET));
        r.page_ttl = Some(value.into());
        let s = Settings::validate(r);
        assert_eq!((s.page_ttl, s.problems.len()), (ttl, problems), "{value}");
    }
}

#[test]
fn the_payment_origin_is_a_bare_https_origin() {
    let with = |value: Option<&str>| {
        let mut r = raw("https://o.example", Some(SECRET));
        r.payment_origin = value.map(str::to_owned);
        Settings::validate(r)
    };
    let good = with(Some("HTTPS://Checkout.Stripe.com/"));
    assert_eq!(
        good.payment_origin.as_deref(),
        Some("https://checkout.stripe.com")
    );
    assert!(good.problems.is_empty());
    assert_eq!(
        with(Some("http://127.0.0.1:4242"))
            .payment_origin
            .as_deref(),
        Some("http://127.0.0.1:4242")
    );
    for bad in [
        Some("http://pay.example"),
        Some("https://pay.example/c/pay"),
        Some("https://user@pay.example"),
        Some("pay.example"),
        None,
    ] {
        let s = with(bad);
        assert_eq!(s.payment_origin, None, "{bad:?}");
        assert!(s.problems[0].contains("PAYMENT_ORIGIN"), "{bad:?}");
    }
}
