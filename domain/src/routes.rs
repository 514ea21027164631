//! Every path the shopper's browser, the island and the publish job use, defined once: the builders that
//! make links and the matcher the edge routes with. (The origin's own paths stay in `api::origin`.)
//!
//! Adding a page means one builder, one `Route` variant and one match arm here; the compiler then points
//! at the edge handler that is missing.

pub const HOME: &str = "/";
pub const CART: &str = "/cart";
/// The add-to-cart form's target when JavaScript is off.
pub const CART_ADD: &str = "/cart/add";
/// The cart page's quantity and remove forms.
pub const CART_UPDATE: &str = "/cart/update";
/// Checkout step 1: contact email and shipping address (`GET` the form, `POST` it).
pub const CHECKOUT: &str = "/checkout";
/// Checkout step 2: the shipping method.
pub const CHECKOUT_SHIPPING: &str = "/checkout/shipping";
/// Checkout step 3: everything the shopper is about to pay for, the promo form and "Pay".
pub const CHECKOUT_REVIEW: &str = "/checkout/review";
pub const CHECKOUT_PROMO: &str = "/checkout/promo";
/// Places the order and sends the shopper to the payment provider.
pub const CHECKOUT_PAY: &str = "/checkout/pay";
/// Prefix of the buyer's order pages, `/orders/{token}`.
pub const ORDERS: &str = "/orders";
/// Query parameter naming the order a shopper returns with from the provider's page without paying.
pub const RETURNING_ORDER_PARAM: &str = "order";
/// The island's add to cart (JSON).
pub const API_CART_LINES: &str = "/api/cart/lines";
/// The shopper's cart as JSON.
pub const API_CART: &str = "/api/cart";
pub const API_CATEGORIES: &str = "/api/catalog/categories";
pub const API_PRODUCTS: &str = "/api/catalog/products";
/// Where product-sync publishes the catalog snapshot.
pub const PUBLISH: &str = "/_meridian/publish";

pub mod account;
pub use account::AccountRoute;

/// Longest slug the matcher accepts; anything longer is a 404 without a lookup.
pub const MAX_SLUG_LEN: usize = 200;

pub fn product(slug: &str) -> String {
    format!("/p/{slug}")
}

pub fn category(slug: &str) -> String {
    format!("/c/{slug}")
}

pub fn api_product(slug: &str) -> String {
    format!("{API_PRODUCTS}/{slug}")
}

/// The buyer's order page: the confirmation, and where the provider returns after a payment.
pub fn order(token: &str) -> String {
    format!("{ORDERS}/{token}")
}

/// Where the provider's "return to the store" link leads when the buyer did not pay: the review, which
/// then says why (a decline) and offers "Pay" again.
pub fn review_after_payment(token: &str) -> String {
    format!("{CHECKOUT_REVIEW}?{RETURNING_ORDER_PARAM}={token}")
}

/// What a request asks for. Slugs are already checked to have the catalog's shape
/// (`^[a-z0-9]+(-[a-z0-9]+)*$`), so a malformed one never costs a KV read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    Category(String),
    Product(String),
    Cart,
    CartAdd,
    CartUpdate,
    /// `GET /checkout` (the form) and `POST /checkout` (its submission).
    Checkout,
    CheckoutSubmit,
    CheckoutShipping,
    CheckoutShippingSubmit,
    CheckoutReview,
    CheckoutPromo,
    CheckoutPay,
    /// `/orders/{token}`, the token already checked to be one (64 lowercase hex).
    Order(String),
    /// `/images/{name}`, the name already checked to be one the image import makes (`images::is_name`).
    Image(String),
    ApiCartLines,
    ApiCart,
    ApiCategories,
    ApiProducts,
    ApiProduct(String),
    Publish,
    /// `GET` of the publish endpoint: what the edge's current snapshot holds.
    PublishState,
    /// A page or form of the shopper's account (see `account`).
    Account(AccountRoute),
    /// A known page or API path written with a trailing slash: answer 301 to this canonical path.
    Canonical(String),
    /// Nothing under `/api/` matched: a JSON 404.
    ApiNotFound,
    NotFound,
}

impl Route {
    /// The route's pattern, for logs: it names the route without the ids or slugs in the path.
    pub fn pattern(&self) -> &'static str {
        match self {
            Self::Home => HOME,
            Self::Category(_) => "/c/{slug}",
            Self::Product(_) => "/p/{slug}",
            Self::Cart => CART,
            Self::CartAdd => CART_ADD,
            Self::CartUpdate => CART_UPDATE,
            Self::Checkout | Self::CheckoutSubmit => CHECKOUT,
            Self::CheckoutShipping | Self::CheckoutShippingSubmit => CHECKOUT_SHIPPING,
            Self::CheckoutReview => CHECKOUT_REVIEW,
            Self::CheckoutPromo => CHECKOUT_PROMO,
            Self::CheckoutPay => CHECKOUT_PAY,
            Self::Order(_) => "/orders/{token}",
            Self::Image(_) => "/images/{name}",
            Self::ApiCartLines => API_CART_LINES,
            Self::ApiCart => API_CART,
            Self::ApiCategories => API_CATEGORIES,
            Self::ApiProducts => API_PRODUCTS,
            Self::ApiProduct(_) => "/api/catalog/products/{slug}",
            Self::Publish | Self::PublishState => PUBLISH,
            Self::Account(route) => route.pattern(),
            Self::Canonical(_) => "(trailing slash)",
            Self::ApiNotFound => "/api/(unknown)",
            Self::NotFound => "(unknown)",
        }
    }

    /// JSON errors for API routes, HTML pages for the rest.
    pub fn is_api(&self) -> bool {
        matches!(
            self,
            Self::ApiCartLines
                | Self::ApiCart
                | Self::ApiCategories
                | Self::ApiProducts
                | Self::ApiProduct(_)
                | Self::Publish
                | Self::PublishState
                | Self::ApiNotFound
        )
    }
}

/// The route for `method` (upper case, as HTTP sends it) and `path` (without the query).
pub fn match_route(method: &str, path: &str) -> Route {
    let read = matches!(method, "GET" | "HEAD");
    if read && path.len() > 1 && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/');
        let canonical = if trimmed.is_empty() { HOME } else { trimmed };
        return match match_route(method, canonical) {
            Route::NotFound | Route::ApiNotFound | Route::Canonical(_) => not_found(path),
            _ => Route::Canonical(canonical.to_owned()),
        };
    }
    let segments: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    match (read, method, segments.as_slice()) {
        (true, _, [""]) => Route::Home,
        (true, _, ["c", slug]) if is_slug(slug) => Route::Category((*slug).to_owned()),
        (true, _, ["p", slug]) if is_slug(slug) => Route::Product((*slug).to_owned()),
        (true, _, ["cart"]) => Route::Cart,
        (true, _, ["checkout"]) => Route::Checkout,
        (true, _, ["checkout", "shipping"]) => Route::CheckoutShipping,
        (true, _, ["checkout", "review"]) => Route::CheckoutReview,
        (true, _, ["orders", token]) if is_order_token(token) => Route::Order((*token).to_owned()),
        (true, _, ["images", name]) if crate::images::is_name(name) => {
            Route::Image((*name).to_owned())
        }
        (true, _, ["api", "cart"]) => Route::ApiCart,
        (true, _, ["api", "catalog", "categories"]) => Route::ApiCategories,
        (true, _, ["api", "catalog", "products"]) => Route::ApiProducts,
        (true, _, ["api", "catalog", "products", slug]) if is_slug(slug) => {
            Route::ApiProduct((*slug).to_owned())
        }
        (_, "POST", ["cart", "add"]) => Route::CartAdd,
        (_, "POST", ["cart", "update"]) => Route::CartUpdate,
        (_, "POST", ["checkout"]) => Route::CheckoutSubmit,
        (_, "POST", ["checkout", "shipping"]) => Route::CheckoutShippingSubmit,
        (_, "POST", ["checkout", "promo"]) => Route::CheckoutPromo,
        (_, "POST", ["checkout", "pay"]) => Route::CheckoutPay,
        (_, "POST", ["api", "cart", "lines"]) => Route::ApiCartLines,
        (_, "POST", ["_meridian", "publish"]) => Route::Publish,
        (_, "GET", ["_meridian", "publish"]) => Route::PublishState,
        (_, "GET" | "HEAD" | "POST", rest) => match account::match_account(read, rest) {
            Some(route) => Route::Account(route),
            None => not_found(path),
        },
        _ => not_found(path),
    }
}

fn not_found(path: &str) -> Route {
    if path.starts_with("/api/") {
        Route::ApiNotFound
    } else {
        Route::NotFound
    }
}

/// The catalog's slug shape: lowercase ASCII letters and digits in groups joined by single hyphens.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SLUG_LEN
        && s.split('-').all(|g| {
            !g.is_empty()
                && g.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// An order's link token as the origin mints it: 64 lowercase hex characters (256 random bits). Anything
/// else is a 404 without asking the origin.
pub fn is_order_token(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests;
