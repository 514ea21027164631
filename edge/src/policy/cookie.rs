//! The cart and session cookies: which names apply to a request, reading them back, and the `Set-Cookie`
//! lines.

use meridian_domain::api::{CART_COOKIE, CART_COOKIE_LOCAL};

/// A cart cookie lives 30 days.
pub(crate) const CART_COOKIE_MAX_AGE: u32 = 30 * 24 * 3600;

/// `__Host-meridian_cart` everywhere except plain `http` on a loopback host (`wrangler dev`, the tests),
/// where a browser cannot store the `Secure` cookie a `__Host-` name requires.
pub(crate) fn cart_cookie_name(scheme: &str, host: &str) -> &'static str {
    if scheme == "http" && is_loopback(host) {
        CART_COOKIE_LOCAL
    } else {
        CART_COOKIE
    }
}

/// The session cookies' names (the signed token, and the refresh secret that gets the next one): `__Host-`
/// like the cart's, except on local plain http.
pub(crate) fn session_cookie_names(local_http: bool) -> (&'static str, &'static str) {
    if local_http {
        ("meridian_session", "meridian_refresh")
    } else {
        ("__Host-meridian_session", "__Host-meridian_refresh")
    }
}

pub(crate) use meridian_domain::api::is_loopback_host as is_loopback;

/// The value of cookie `name` in a `Cookie` header. The first one wins: with a `__Host-` name no other
/// site can have set a second one.
pub(crate) fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

/// The `Set-Cookie` value for cart `id` under `name`.
pub(crate) fn set_cart_cookie(name: &str, id: &str) -> String {
    set_cookie(name, id, CART_COOKIE_MAX_AGE)
}

/// A `Set-Cookie` line for our cookies: whole site, script-proof, not sent on cross-site posts, and
/// `Secure` whenever the name is a `__Host-` one (which browsers require). `max_age` 0 deletes it.
pub(crate) fn set_cookie(name: &str, value: &str, max_age: u32) -> String {
    let secure = if name.starts_with("__Host-") {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_prefixed_name_applies_everywhere_but_local_http() {
        assert_eq!(
            cart_cookie_name("https", "shop.example"),
            "__Host-meridian_cart"
        );
        assert_eq!(
            cart_cookie_name("https", "localhost"),
            "__Host-meridian_cart"
        );
        assert_eq!(
            cart_cookie_name("http", "shop.example"),
            "__Host-meridian_cart"
        );
        assert_eq!(cart_cookie_name("http", "127.0.0.1"), "meridian_cart");
        assert_eq!(cart_cookie_name("http", "LOCALHOST"), "meridian_cart");
        assert_eq!(cart_cookie_name("http", "[::1]"), "meridian_cart");
        assert_eq!(
            cart_cookie_name("http", "127.0.0.2"),
            "__Host-meridian_cart"
        );
    }

    #[test]
    fn cookies_are_read_by_exact_name() {
        let header = "theme=dark; __Host-meridian_cart=abc; meridian_cart=local; x=1=2";
        assert_eq!(cookie_value(header, "__Host-meridian_cart"), Some("abc"));
        assert_eq!(cookie_value(header, "meridian_cart"), Some("local"));
        assert_eq!(cookie_value(header, "x"), Some("1=2"));
        assert_eq!(cookie_value(header, "cart"), None);
        assert_eq!(cookie_value("a=1; a=2", "a"), Some("1"));
        assert_eq!(cookie_value("", "a"), None);
    }

    #[test]
    fn the_set_cookie_line_is_hardened() {
        let line = set_cart_cookie("__Host-meridian_cart", "id1");
        assert_eq!(
            line,
            "__Host-meridian_cart=id1; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000; Secure"
        );
        assert!(!set_cart_cookie("meridian_cart", "id1").contains("Secure"));
        let (token, refresh) = session_cookie_names(false);
        assert_eq!(
            set_cookie(token, "", 0),
            "__Host-meridian_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure"
        );
        assert!(refresh.starts_with("__Host-"));
        assert!(!set_cookie(session_cookie_names(true).0, "t", 9).contains("Secure"));
    }
}
