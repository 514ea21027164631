//! The one place for paths, headers and key formats that more than one part of Meridian must agree on.

use serde::{Deserialize, Serialize};

/// Error body of every JSON API: a stable code for programs, a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
}

/// Header carrying the id minted at the edge through origin and jobs.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// Header naming a write so a retry is recognised instead of applied twice.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// Response header the edge sets on cacheable pages: `hit` or `miss`.
pub const EDGE_CACHE_HEADER: &str = "x-meridian-cache";
/// Cookie holding the shopper's cart id. The `__Host-` prefix makes browsers accept it only with `Secure`,
/// `Path=/` and no `Domain`, so a sibling subdomain cannot plant a cart on our shoppers.
pub const CART_COOKIE: &str = "__Host-meridian_cart";
/// The cart cookie's name on `http://localhost` and `http://127.0.0.1` during development, where a browser
/// cannot store a `Secure` (and so no `__Host-`) cookie. The edge decides which name applies, in one place.
pub const CART_COOKIE_LOCAL: &str = "meridian_cart";
/// Form field of the no-JavaScript add-to-cart form carrying its idempotency key.
pub const IDEMPOTENCY_FIELD: &str = "idempotency_key";
/// The hidden field carrying a signed-in form's CSRF token (derived from the session by the edge).
pub const CSRF_FIELD: &str = "csrf";
/// Stands for the CSRF token in a shared (cached) page's signed-in form (the product page's "Save to
/// wishlist"): the edge fills in the viewer's token, or nothing when signed out, in every response.
pub const CSRF_PLACEHOLDER: &str = "__meridian_csrf__";
/// What the page renders in that field; the edge replaces it with a fresh key in every response it serves,
/// so a cached, shared page never hands two shoppers (or two views) the same key.
pub const IDEMPOTENCY_PLACEHOLDER: &str = "__meridian_idempotency_key__";
/// Header on every edge → origin call carrying the shared secret (`ORIGIN_SECRET`); the origin answers
/// 401 to any API call without it, so only the edge can reach the write service.
pub const ORIGIN_AUTH_HEADER: &str = "x-meridian-origin-auth";
/// A request id the client sent: logged apart, never used as ours (the edge always mints its own).
pub const CLIENT_REQUEST_ID_HEADER: &str = "x-client-request-id";
/// Shortest shared secret (bytes) the edge, the origin and the jobs accept: shorter ones fail at startup.
pub const MIN_SECRET_LEN: usize = 32;
/// How long the origin works on one request before it answers 503 itself. The edge waits longer
/// ([`EDGE_ORIGIN_TIMEOUT_SECS`]), so it never gives up on a write the origin may still apply.
pub const ORIGIN_REQUEST_TIMEOUT_SECS: u64 = 8;
/// How long the edge waits for the origin.
pub const EDGE_ORIGIN_TIMEOUT_SECS: u64 = 12;

/// `localhost`, `127.0.0.1` or `::1` (with or without brackets): the only hosts plain `http` may name in
/// `ORIGIN_URL` and `EDGE_URL` (local stacks, tests); everything else must be `https`.
pub fn is_loopback_host(host: &str) -> bool {
    matches!(
        host.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "::1" | "[::1]"
    )
}

/// Origin routes, relative to `ORIGIN_URL`.
/// The shopper's session token (PASETO v4.public), forwarded by the edge on calls made for a signed-in
/// shopper.
pub const SESSION_HEADER: &str = "x-meridian-session";
/// The shopper's address as Cloudflare saw it (`CF-Connecting-IP`), forwarded by the edge so the origin
/// can limit cart and checkout writes per client across every location.
pub const CLIENT_ADDRESS_HEADER: &str = "x-meridian-client";

pub mod origin {
    /// Accounts: `POST` signs up (a `Credentials` body; answers a `SessionGrant`).
    pub const ACCOUNTS: &str = "/api/accounts";
    /// The signed-in account (`GET`), with the session token in `SESSION_HEADER`.
    pub const ACCOUNT: &str = "/api/account";
    /// `PUT` a `PasswordChange`: ends every session of the account and grants a new one.
    pub const ACCOUNT_PASSWORD: &str = "/api/account/password";
    /// The signed-in account's saved addresses: `GET` lists, `POST` an `Address` adds.
    pub const ACCOUNT_ADDRESSES: &str = "/api/account/addresses";
    /// One saved address: `PUT` replaces, `DELETE` removes (404 unless it is the account's own).
    pub const ACCOUNT_ADDRESS: &str = "/api/account/addresses/{id}";
    /// The signed-in account's wishlist: `GET` lists, `POST {"slug": …}` saves a product.
    pub const WISHLIST: &str = "/api/account/wishlist";
    /// `DELETE` removes a product (by slug) from the wishlist.
    pub const WISHLIST_ITEM: &str = "/api/account/wishlist/{slug}";
    /// `PUT` an `sms::SmsSettings` (signed in): the account's mobile number and its consent to text
    /// messages (shipping, back in stock); answers the settings as stored.
    pub const ACCOUNT_SMS: &str = "/api/account/sms";
    /// `POST {"email": …}`: emails a single-use reset link if an account uses the address (always 202).
    pub const PASSWORD_RESET: &str = "/api/account/password-reset";
    /// `POST {"token": …, "new": …}`: sets the new password with a reset link's token.
    pub const PASSWORD_RESET_CONFIRM: &str = "/api/account/password-reset/confirm";
    /// The signed-in account's orders: `GET` lists `account::OrderSummary`s, newest first, at most
    /// `account::ORDER_HISTORY_PAGE`; `?before={number}` gives the page after that order. Its own orders,
    /// and the guest orders placed with its email once that email is verified.
    pub const ACCOUNT_ORDERS: &str = "/api/account/orders";
    /// `GET` one order of the history by number: the `OrderView` its token link shows (404 for an order
    /// the account may not see, as for no order).
    pub const ACCOUNT_ORDER: &str = "/api/account/orders/{number}";
    /// `POST` (signed in): emails a single-use verification link for the account's address (202).
    pub const EMAIL_VERIFICATION: &str = "/api/account/email-verification";
    /// `POST {"token": …}`: marks the address verified with a verification link's token (204).
    pub const EMAIL_VERIFICATION_CONFIRM: &str = "/api/account/email-verification/confirm";
    /// `POST` signs in (a `Credentials` body; answers a `SessionGrant`).
    pub const SESSIONS: &str = "/api/sessions";
    /// `POST {"refresh": …}`: the next token of a live session.
    pub const SESSION_REFRESH: &str = "/api/sessions/refresh";
    /// `DELETE` signs out (ends the session of the token sent).
    pub const SESSION_CURRENT: &str = "/api/sessions/current";
    /// The catalog API has the same paths and shapes at the origin and at the edge (which answers from
    /// its snapshot), so these are the edge's.
    pub const CATEGORIES: &str = crate::routes::API_CATEGORIES;
    pub const PRODUCTS: &str = crate::routes::API_PRODUCTS;
    /// `POST CARTS` with an `AddLine` body creates a cart holding that first line, all or nothing, and is
    /// idempotent under its `Idempotency-Key`: a retry gets the same cart back, never a second one.
    pub const CARTS: &str = "/api/carts";

    pub fn cart(id: &str) -> String {
        format!("{CARTS}/{id}")
    }

    /// `POST` adds an `AddLine`; `PATCH` sets a line's quantity (`SetLine`, 0 removes it).
    pub fn cart_lines(id: &str) -> String {
        format!("{CARTS}/{id}/lines")
    }

    /// `GET` the `Checkout`; `PUT` a `CheckoutUpdate` (422 `CheckoutRefusal` naming the fields to fix).
    pub fn cart_checkout(id: &str) -> String {
        format!("{CARTS}/{id}/checkout")
    }

    /// `POST` (Idempotency-Key required): places the order → 201 `PlacedOrder`; 409 `sold_out` or
    /// `promo_used_up` when the shelf or the code ran out, 422 `incomplete` when a step is missing.
    pub fn cart_order(id: &str) -> String {
        format!("{CARTS}/{id}/order")
    }

    pub const ORDERS: &str = "/api/orders";

    /// `GET` the buyer's `OrderView` by its token.
    pub fn order(token: &str) -> String {
        format!("{ORDERS}/{token}")
    }

    /// `POST` (Idempotency-Key required): a hosted payment page for a pending order → `PaymentStart`.
    pub fn order_payment(token: &str) -> String {
        format!("{ORDERS}/{token}/payment")
    }

    /// Where the payment provider posts its signed events (authenticated by signature, not by the edge).
    pub const STRIPE_WEBHOOK: &str = "/webhooks/stripe";

    /// `POST` an `alerts::StockAlertRequest` ("notify me" on a sold-out variant): 202
    /// `alerts::StockAlertAccepted`, the same for a new or a repeated request; 409 `in_stock` when the
    /// variant can be bought now, 404 for no such variant on sale, 422 for a missing or bad email.
    pub const STOCK_ALERTS: &str = "/api/stock-alerts";
}

/// Keys of the catalog snapshot in KV. Every document key carries the snapshot version, so publishing a new
/// version switches all readers (and all edge cache keys) at once without purging anything.
pub mod kv {
    pub const VERSION: &str = "catalog:version";

    pub fn index(version: &str) -> String {
        format!("catalog:{version}:index")
    }

    /// A product document, content-addressed: snapshots that share the product share the key.
    pub fn document(slug: &str, digest: &str) -> String {
        format!("catalog:doc:{slug}:{digest}")
    }

    /// The sequence of the snapshot `VERSION` points at: an older snapshot is refused.
    pub const SEQUENCE: &str = "catalog:sequence";

    /// Keys no longer referenced by the current snapshot, with when they were let go: deleted once no
    /// location can still be reading a snapshot that references them.
    pub const RETIRED: &str = "catalog:retired";

    /// Prefix of every document of one snapshot version of the old layout (documents per version).
    pub fn documents(version: &str) -> String {
        format!("catalog:{version}:")
    }

    /// Versions of the old layout whose documents may still be in KV, oldest first: pruned, never added.
    pub const VERSIONS: &str = "catalog:versions";
}
