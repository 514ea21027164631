//! The route table against the paths the storefront builds and the ones attackers invent.

use super::*;

#[test]
fn builders_and_matcher_agree() {
    assert_eq!(match_route("GET", HOME), Route::Home);
    assert_eq!(
        match_route("GET", &product("linen-shirt-2")),
        Route::Product("linen-shirt-2".into())
    );
    assert_eq!(
        match_route("HEAD", &category("bags")),
        Route::Category("bags".into())
    );
    assert_eq!(match_route("GET", CART), Route::Cart);
    assert_eq!(match_route("POST", CART_ADD), Route::CartAdd);
    assert_eq!(match_route("POST", API_CART_LINES), Route::ApiCartLines);
    assert_eq!(match_route("GET", API_CART), Route::ApiCart);
    assert_eq!(match_route("GET", API_CATEGORIES), Route::ApiCategories);
    assert_eq!(match_route("GET", API_PRODUCTS), Route::ApiProducts);
    assert_eq!(
        match_route("GET", &api_product("mug")),
        Route::ApiProduct("mug".into())
    );
    assert_eq!(match_route("POST", PUBLISH), Route::Publish);
    assert_eq!(match_route("GET", PUBLISH), Route::PublishState);
}

const TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#[test]
fn checkout_pages_read_and_post_at_one_path() {
    assert_eq!(match_route("POST", CART_UPDATE), Route::CartUpdate);
    assert_eq!(match_route("GET", CHECKOUT), Route::Checkout);
    assert_eq!(match_route("POST", CHECKOUT), Route::CheckoutSubmit);
    assert_eq!(
        match_route("GET", CHECKOUT_SHIPPING),
        Route::CheckoutShipping
    );
    assert_eq!(
        match_route("POST", CHECKOUT_SHIPPING),
        Route::CheckoutShippingSubmit
    );
    assert_eq!(match_route("GET", CHECKOUT_REVIEW), Route::CheckoutReview);
    assert_eq!(match_route("POST", CHECKOUT_PROMO), Route::CheckoutPromo);
    assert_eq!(match_route("POST", CHECKOUT_PAY), Route::CheckoutPay);
    assert_eq!(
        match_route("GET", &order(TOKEN)),
        Route::Order(TOKEN.into())
    );
    assert_eq!(
        review_after_payment(TOKEN),
        format!("/checkout/review?order={TOKEN}")
    );
    assert_eq!(match_route("GET", CHECKOUT_PAY), Route::NotFound);
    assert_eq!(match_route("GET", CART_UPDATE), Route::NotFound);
    assert_eq!(match_route("POST", CHECKOUT_REVIEW), Route::NotFound);
    assert_eq!(match_route("POST", &order(TOKEN)), Route::NotFound);
    assert_eq!(
        match_route("GET", "/checkout/"),
        Route::Canonical(CHECKOUT.into())
    );
}

#[test]
fn malformed_order_tokens_are_not_found_without_a_lookup() {
    assert!(is_order_token(TOKEN));
    for bad in [
        &TOKEN[1..],
        &format!("{TOKEN}0"),
        &TOKEN.to_uppercase(),
        &TOKEN.replace('a', "g"),
        "",
    ] {
        assert!(!is_order_token(bad), "{bad}");
        assert_eq!(match_route("GET", &order(bad)), Route::NotFound, "{bad}");
    }
}

#[test]
fn methods_must_match() {
    assert_eq!(match_route("GET", CART_ADD), Route::NotFound);
    assert_eq!(match_route("POST", &product("mug")), Route::NotFound);
    assert_eq!(match_route("GET", API_CART_LINES), Route::ApiNotFound);
    assert_eq!(match_route("DELETE", API_CART), Route::ApiNotFound);
    assert_eq!(match_route("PUT", PUBLISH), Route::NotFound);
}

#[test]
fn trailing_slashes_redirect_to_the_canonical_path() {
    assert_eq!(
        match_route("GET", "/p/mug/"),
        Route::Canonical("/p/mug".into())
    );
    assert_eq!(
        match_route("GET", "/c/bags//"),
        Route::Canonical("/c/bags".into())
    );
    assert_eq!(match_route("GET", "/cart/"), Route::Canonical(CART.into()));
    assert_eq!(
        match_route("GET", "/api/catalog/products/"),
        Route::Canonical(API_PRODUCTS.into())
    );
    assert_eq!(match_route("GET", "//"), Route::Canonical(HOME.into()));
    assert_eq!(
        match_route("GET", "/nothing/"),
        Route::NotFound,
        "only known paths redirect"
    );
    assert_eq!(
        match_route("POST", "/cart/add/"),
        Route::NotFound,
        "writes never redirect"
    );
}

#[test]
fn malformed_slugs_are_not_found_without_a_lookup() {
    for bad in [
        "/p/Mug",
        "/p/mug--x",
        "/p/-mug",
        "/p/mug-",
        "/p/%3Cscript%3E",
        "/p/",
        "/p/a/b",
        "/c/caf\u{e9}",
    ] {
        assert!(
            matches!(
                match_route("GET", bad),
                Route::NotFound | Route::Canonical(_)
            ),
            "{bad}"
        );
    }
    assert_eq!(
        match_route("GET", "/api/catalog/products/NOPE"),
        Route::ApiNotFound
    );
    assert!(!is_slug(&"a".repeat(MAX_SLUG_LEN + 1)));
    assert!(is_slug(&"a".repeat(MAX_SLUG_LEN)));
}

#[test]
fn patterns_never_carry_the_path() {
    assert_eq!(match_route("GET", "/p/secret-slug").pattern(), "/p/{slug}");
    assert_eq!(
        match_route("GET", &order(TOKEN)).pattern(),
        "/orders/{token}"
    );
    assert!(!match_route("POST", CHECKOUT_PAY).is_api());
    assert!(match_route("POST", API_CART_LINES).is_api());
    assert!(!match_route("POST", CART_ADD).is_api());
    assert!(match_route("GET", "/api/whatever").is_api());
}

#[test]
fn only_image_names_the_import_makes_are_image_routes() {
    let path = crate::images::path("0123456789abcdef", 800);
    let route = match_route("GET", &path);
    assert_eq!(route, Route::Image("0123456789abcdef-800.jpg".into()));
    assert_eq!(route.pattern(), "/images/{name}");
    assert_eq!(match_route("HEAD", &path), route);
    assert_eq!(match_route("POST", &path), Route::NotFound);
    for bad in [
        "/images/..%2f0123456789abcdef-800.jpg",
        "/images/0123456789abcdef-800.png",
        "/images/a/0123456789abcdef-800.jpg",
        "/images/",
    ] {
        assert_eq!(match_route("GET", bad), Route::NotFound, "{bad}");
    }
}
