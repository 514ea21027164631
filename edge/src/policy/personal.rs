//! The per-shopper parts of an HTML page, filled in after the page cache: the header's cart count and a
//! fresh idempotency key for every form. Pages are rendered and shared with placeholders; what a response
//! carries after filling is one shopper's, so it leaves the edge `private`.
//!
//! The count travels in a small cookie the edge sets whenever it sees the cart (add, update, cart and
//! checkout pages): digits only, validated when read, never trusted for anything but the header.

/// The cookie holding the number of items the edge last saw in the shopper's cart.
pub(crate) const COUNT_COOKIE: &str = "meridian_cart_count";
/// More than any cart holds (lines × `MAX_LINE_QUANTITY`); a larger value is a forged cookie, ignored.
const MAX_COUNT: u32 = 9_999;

/// The count in a `Cookie` header: `None` when absent, zero, or anything but 1–4 digits.
pub(crate) fn read_count(cookie_header: &str) -> Option<u32> {
    let value = super::cookie::cookie_value(cookie_header, COUNT_COOKIE)?;
    if value.is_empty() || value.len() > 4 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok().filter(|n| (1..=MAX_COUNT).contains(n))
}

/// The `Set-Cookie` line for `count` (0 deletes the cookie). It lives as long as the cart cookie.
pub(crate) fn count_cookie(count: u32, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let (value, age) = match count.min(MAX_COUNT) {
        0 => (String::new(), 0),
        n => (n.to_string(), super::cookie::CART_COOKIE_MAX_AGE),
    };
    format!("{COUNT_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={age}{secure}")
}

/// A page with its placeholders filled, and how many form keys it received.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Filled {
    pub(crate) html: String,
    pub(crate) keys: usize,
}

/// Replaces every `key_placeholder` with its own key from `mint` (two forms on one page never share a
/// key: the origin would refuse the second write as a reuse) and `count_placeholder` with the count's
/// digits, or nothing.
pub(crate) fn fill(
    html: &str,
    key_placeholder: &str,
    count_placeholder: &str,
    count: Option<u32>,
    mut mint: impl FnMut() -> String,
) -> Filled {
    let count = count.map(|n| n.to_string()).unwrap_or_default();
    let mut parts = html.split(key_placeholder);
    let mut out = parts
        .next()
        .unwrap_or_default()
        .replace(count_placeholder, &count);
    let mut keys = 0;
    for part in parts {
        out.push_str(&mint());
        out.push_str(&part.replace(count_placeholder, &count));
        keys += 1;
    }
    Filled { html: out, keys }
}

/// `Cache-Control` of a filled page: never stored when it holds form keys (or was never storable);
/// otherwise the browser may keep it but must ask again before reuse, so the count stays current.
pub(crate) fn filled_cache_control(original: Option<&str>, keys: usize) -> &'static str {
    if keys > 0 || original.is_none_or(|c| c.contains("no-store")) {
        "private, no-store"
    } else {
        "private, no-cache"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_small_counts_are_read() {
        assert_eq!(read_count("a=1; meridian_cart_count=3"), Some(3));
        assert_eq!(read_count("meridian_cart_count=9999"), Some(9999));
        for bad in ["", "0", "10000", "-1", "+3", "3<b>", "0x1", "１"] {
            assert_eq!(
                read_count(&format!("meridian_cart_count={bad}")),
                None,
                "{bad:?}"
            );
        }
        assert_eq!(read_count("other=3"), None);
    }

    #[test]
    fn the_cookie_is_set_for_a_count_and_deleted_for_none() {
        assert_eq!(
            count_cookie(3, true),
            "meridian_cart_count=3; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000; Secure"
        );
        assert_eq!(
            count_cookie(0, false),
            "meridian_cart_count=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
        );
        assert!(count_cookie(123_456, false).starts_with("meridian_cart_count=9999;"));
    }

    #[test]
    fn every_form_gets_its_own_key_and_the_count_fills_every_slot() {
        let mut n = 0;
        let html = "<b>#</b><i>K</i><i>K</i><b>#</b>";
        let filled = fill(html, "K", "#", Some(4), || {
            n += 1;
            format!("key{n}")
        });
        assert_eq!(filled.html, "<b>4</b><i>key1</i><i>key2</i><b>4</b>");
        assert_eq!(filled.keys, 2);
        let plain = fill("<b>#</b>", "K", "#", None, || unreachable!());
        assert_eq!(
            plain,
            Filled {
                html: "<b></b>".into(),
                keys: 0
            }
        );
    }

    #[test]
    fn filled_pages_are_private() {
        let shared = Some("public, max-age=60, s-maxage=300");
        assert_eq!(filled_cache_control(shared, 0), "private, no-cache");
        assert_eq!(filled_cache_control(shared, 1), "private, no-store");
        assert_eq!(
            filled_cache_control(Some("private, no-store"), 0),
            "private, no-store"
        );
        assert_eq!(filled_cache_control(None, 0), "private, no-store");
    }
}
