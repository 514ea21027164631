//! What a request may carry: our request id versus the client's, idempotency keys, the cross-site check
//! for writes, and body limits decided before a byte of the body is read.

/// The client's `x-request-id`, if it is shaped like an id (8–64 of `[A-Za-z0-9-]`). It is only logged and
/// passed on as the client's; the edge always mints its own id, so a client cannot pose as another request.
pub(crate) fn client_request_id(sent: Option<&str>) -> Option<&str> {
    sent.filter(|id| {
        (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// An idempotency key as the edge accepts it: a UUID, what the island, the form and the edge itself mint.
/// A replay answers with the first response (a cart and its cookie), so a key must be unguessable: a
/// client-chosen word like `k-1` could be someone else's.
pub(crate) fn valid_idempotency_key(key: &str) -> bool {
    key.len() == 36 && uuid::Uuid::parse_str(key).is_ok()
}

/// The key the client sent, or a new one if it sent none; `Err` if what it sent is not a key (minting one
/// then would silently turn a retry into a second write).
pub(crate) fn idempotency_key(sent: Option<String>) -> Result<String, ()> {
    match sent {
        Some(key) if valid_idempotency_key(&key) => Ok(key),
        Some(_) => Err(()),
        None => Ok(uuid::Uuid::new_v4().to_string()),
    }
}

/// Whether a state-changing request comes from our own pages. Browsers send `Sec-Fetch-Site` and `Origin`
/// on every POST; a forged cross-site form carries `cross-site` (or `same-site` from a sibling subdomain)
/// and a foreign `Origin`. Clients that send neither (curl, the tests, very old browsers) are not browsers
/// driven by another site, so they pass: the SameSite cookie already keeps their carts apart.
pub(crate) fn is_same_origin_write(
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    own_origin: &str,
) -> bool {
    let site_ok = sec_fetch_site.is_none_or(|s| s.eq_ignore_ascii_case("same-origin"));
    let origin_ok = origin.is_none_or(|o| o.eq_ignore_ascii_case(own_origin));
    site_ok && origin_ok
}

/// Why a body is refused before it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyRefusal {
    /// 411: no (or an unreadable) `content-length`, so its size is unknown.
    LengthRequired,
    /// 413: larger than the route accepts.
    TooLarge,
    /// 415: not the media type the route reads.
    UnsupportedType,
}

impl BodyRefusal {
    pub(crate) fn status(self) -> u16 {
        match self {
            Self::LengthRequired => 411,
            Self::TooLarge => 413,
            Self::UnsupportedType => 415,
        }
    }

    /// Fixed text for the shopper or the script: nothing from the request.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Self::LengthRequired => "The request must say how long its body is (content-length).",
            Self::TooLarge => "The request body is too large.",
            Self::UnsupportedType => "The request body is not in a format this address accepts.",
        }
    }
}

/// Checks `content-length` and `content-type` against what a route accepts; returns the length to read.
pub(crate) fn check_body(
    content_length: Option<&str>,
    content_type: Option<&str>,
    expected_type: &str,
    max: usize,
) -> Result<usize, BodyRefusal> {
    let length = content_length
        .and_then(|l| l.trim().parse::<usize>().ok())
        .ok_or(BodyRefusal::LengthRequired)?;
    if length > max {
        return Err(BodyRefusal::TooLarge);
    }
    let media_type = content_type
        .and_then(|t| t.split(';').next())
        .map(str::trim)
        .unwrap_or_default();
    if !media_type.eq_ignore_ascii_case(expected_type) {
        return Err(BodyRefusal::UnsupportedType);
    }
    Ok(length)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_kept_apart_only_when_well_formed() {
        assert_eq!(client_request_id(Some("abcd-1234")), Some("abcd-1234"));
        assert_eq!(client_request_id(Some("short")), None);
        assert_eq!(client_request_id(Some("has space in it")), None);
        assert_eq!(client_request_id(Some(&"a".repeat(65))), None);
        assert_eq!(client_request_id(None), None);
    }

    #[test]
    fn idempotency_keys_are_uuids() {
        assert!(valid_idempotency_key(
            "4f1c2a9e-1111-4222-8333-444455556666"
        ));
        assert!(!valid_idempotency_key(""));
        assert!(!valid_idempotency_key("a b"));
        assert!(!valid_idempotency_key(&"k".repeat(201)));
        assert!(!valid_idempotency_key("caf\u{e9}"));
        assert!(!valid_idempotency_key("k-1"), "guessable");
    }

    #[test]
    fn a_sent_key_is_kept_and_only_a_missing_one_is_minted() {
        let sent = "4f1c2a9e-1111-4222-8333-444455556666";
        assert_eq!(idempotency_key(Some(sent.into())), Ok(sent.into()));
        assert_eq!(idempotency_key(Some("k-1".into())), Err(()));
        assert_eq!(idempotency_key(Some("not a key".into())), Err(()));
        let minted = idempotency_key(None).unwrap();
        assert!(uuid::Uuid::parse_str(&minted).is_ok());
        assert_ne!(minted, idempotency_key(None).unwrap());
    }

    #[test]
    fn only_our_own_pages_may_write() {
        let own = "https://shop.example";
        assert!(is_same_origin_write(Some("same-origin"), Some(own), own));
        assert!(is_same_origin_write(None, None, own), "non-browser clients");
        assert!(is_same_origin_write(Some("same-origin"), None, own));
        assert!(!is_same_origin_write(
            Some("cross-site"),
            Some("https://evil.example"),
            own
        ));
        assert!(!is_same_origin_write(Some("cross-site"), None, own));
        assert!(!is_same_origin_write(
            Some("same-site"),
            Some("https://x.shop.example"),
            own
        ));
        assert!(!is_same_origin_write(Some("none"), None, own));
        assert!(!is_same_origin_write(
            None,
            Some("https://evil.example"),
            own
        ));
        assert!(
            !is_same_origin_write(None, Some("null"), own),
            "sandboxed frames send null"
        );
    }

    #[test]
    fn bodies_are_checked_before_they_are_read() {
        let form = "application/x-www-form-urlencoded";
        assert_eq!(check_body(Some("12"), Some(form), form, 100), Ok(12));
        assert_eq!(
            check_body(
                Some("12"),
                Some("application/json; charset=utf-8"),
                "application/json",
                100
            ),
            Ok(12)
        );
        assert_eq!(
            check_body(None, Some(form), form, 100),
            Err(BodyRefusal::LengthRequired)
        );
        assert_eq!(
            check_body(Some("x"), Some(form), form, 100),
            Err(BodyRefusal::LengthRequired)
        );
        assert_eq!(
            check_body(Some("101"), Some(form), form, 100),
            Err(BodyRefusal::TooLarge)
        );
        let multipart = "multipart/form-data; boundary=x";
        assert_eq!(
            check_body(Some("5"), Some(multipart), form, 100),
            Err(BodyRefusal::UnsupportedType)
        );
        assert_eq!(
            check_body(Some("5"), None, form, 100),
            Err(BodyRefusal::UnsupportedType)
        );
        assert_eq!(BodyRefusal::TooLarge.status(), 413);
    }
}
