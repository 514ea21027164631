//! The shopper's account pages: paths, builders and the matcher for everything under `/account` and
//! `/wishlist`, and the product page's "notify me" form (`/stock-alerts`). Every `GET` here is a page of one shopper's own (never cached); every `POST` is a form of
//! ours. Kept apart from the catalog and checkout routes so each table stays readable.

pub const ACCOUNT: &str = "/account";
pub const SIGN_IN: &str = "/account/sign-in";
pub const SIGN_UP: &str = "/account/sign-up";
pub const SIGN_OUT: &str = "/account/sign-out";
/// The change-password form (on the account page).
pub const PASSWORD: &str = "/account/password";
/// The delete-account form (on the account page).
pub const DELETE: &str = "/account/delete";
pub const ADDRESSES: &str = "/account/addresses";
pub const ADDRESS_DELETE: &str = "/account/addresses/delete";
pub const ORDERS: &str = "/account/orders";
pub const WISHLIST: &str = "/wishlist";
pub const WISHLIST_REMOVE: &str = "/wishlist/remove";
/// "Forgot your password?": `GET` the form (or, with `?token=`, the new-password form the emailed link
/// opens), `POST` an email to it.
pub const RESET: &str = "/account/reset";
pub const RESET_CONFIRM: &str = "/account/reset/confirm";
/// Where the emailed verification link opens (`?token=`): a page whose button confirms, so a mail
/// scanner fetching the link verifies nothing.
pub const VERIFY: &str = "/account/verify";
/// The product page's "notify me when it is back" form, signed in or not.
pub const STOCK_ALERTS: &str = "/stock-alerts";
/// Query parameter carrying a single-use token from an email.
pub const TOKEN_PARAM: &str = "token";

/// One order in the shopper's history, `/account/orders/{number}`.
pub fn order(number: &str) -> String {
    format!("{ORDERS}/{number}")
}

/// An account page or form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountRoute {
    Overview,
    SignIn,
    SignInSubmit,
    SignUp,
    SignUpSubmit,
    SignOut,
    PasswordSubmit,
    DeleteSubmit,
    Addresses,
    AddressAdd,
    AddressDelete,
    Orders,
    /// `/account/orders/{number}`, the number already checked to be one (`M-` and digits).
    Order(String),
    Wishlist,
    WishlistAdd,
    WishlistRemove,
    Reset,
    ResetAsk,
    ResetConfirm,
    Verify,
    VerifySubmit,
    StockAlert,
}

impl AccountRoute {
    pub fn pattern(&self) -> &'static str {
        match self {
            Self::Overview => ACCOUNT,
            Self::SignIn | Self::SignInSubmit => SIGN_IN,
            Self::SignUp | Self::SignUpSubmit => SIGN_UP,
            Self::SignOut => SIGN_OUT,
            Self::PasswordSubmit => PASSWORD,
            Self::DeleteSubmit => DELETE,
            Self::Addresses | Self::AddressAdd => ADDRESSES,
            Self::AddressDelete => ADDRESS_DELETE,
            Self::Orders => ORDERS,
            Self::Order(_) => "/account/orders/{number}",
            Self::Wishlist | Self::WishlistAdd => WISHLIST,
            Self::WishlistRemove => WISHLIST_REMOVE,
            Self::Reset | Self::ResetAsk => RESET,
            Self::ResetConfirm => RESET_CONFIRM,
            Self::Verify | Self::VerifySubmit => VERIFY,
            Self::StockAlert => STOCK_ALERTS,
        }
    }
}

/// The account route for a read (`GET`/`HEAD`) or a `POST` at `segments` (the path split on `/`, without
/// the leading one); `None` when it is not an account path.
pub(super) fn match_account(read: bool, segments: &[&str]) -> Option<AccountRoute> {
    use AccountRoute as R;
    let route = match (read, segments) {
        (true, ["account"]) => R::Overview,
        (true, ["account", "sign-in"]) => R::SignIn,
        (false, ["account", "sign-in"]) => R::SignInSubmit,
        (true, ["account", "sign-up"]) => R::SignUp,
        (false, ["account", "sign-up"]) => R::SignUpSubmit,
        (false, ["account", "sign-out"]) => R::SignOut,
        (false, ["account", "password"]) => R::PasswordSubmit,
        (false, ["account", "delete"]) => R::DeleteSubmit,
        (true, ["account", "addresses"]) => R::Addresses,
        (false, ["account", "addresses"]) => R::AddressAdd,
        (false, ["account", "addresses", "delete"]) => R::AddressDelete,
        (true, ["account", "orders"]) => R::Orders,
        (true, ["account", "orders", n]) if is_order_number(n) => R::Order((*n).to_owned()),
        (true, ["wishlist"]) => R::Wishlist,
        (false, ["wishlist"]) => R::WishlistAdd,
        (false, ["wishlist", "remove"]) => R::WishlistRemove,
        (true, ["account", "reset"]) => R::Reset,
        (false, ["account", "reset"]) => R::ResetAsk,
        (false, ["account", "reset", "confirm"]) => R::ResetConfirm,
        (true, ["account", "verify"]) => R::Verify,
        (false, ["account", "verify"]) => R::VerifySubmit,
        (false, ["stock-alerts"]) => R::StockAlert,
        _ => return None,
    };
    Some(route)
}

/// An order number as the origin makes it: `M-` and up to 18 digits.
pub fn is_order_number(s: &str) -> bool {
    s.strip_prefix("M-").is_some_and(|digits| {
        !digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::{match_route, Route};

    #[test]
    fn account_pages_read_and_post_at_their_paths() {
        let r = |m: &str, p: &str| match_route(m, p);
        assert_eq!(r("GET", ACCOUNT), Route::Account(AccountRoute::Overview));
        assert_eq!(r("GET", SIGN_IN), Route::Account(AccountRoute::SignIn));
        assert_eq!(
            r("POST", SIGN_IN),
            Route::Account(AccountRoute::SignInSubmit)
        );
        assert_eq!(r("POST", SIGN_OUT), Route::Account(AccountRoute::SignOut));
        assert_eq!(r("GET", SIGN_OUT), Route::NotFound, "sign-out is a form");
        assert_eq!(
            r("GET", &order("M-100001")),
            Route::Account(AccountRoute::Order("M-100001".into()))
        );
        assert_eq!(r("GET", WISHLIST), Route::Account(AccountRoute::Wishlist));
        assert_eq!(
            r("POST", WISHLIST_REMOVE),
            Route::Account(AccountRoute::WishlistRemove)
        );
        assert_eq!(
            r("GET", "/account/"),
            Route::Canonical(ACCOUNT.into()),
            "a trailing slash is redirected like any page's"
        );
    }

    #[test]
    fn only_real_order_numbers_reach_the_origin() {
        assert!(is_order_number("M-1"));
        assert!(is_order_number("M-100001"));
        for bad in [
            "M-",
            "M-1a",
            "m-1",
            "100001",
            "M-1234567890123456789",
            "M--1",
        ] {
            assert!(!is_order_number(bad), "{bad}");
            assert_eq!(match_route("GET", &order(bad)), Route::NotFound, "{bad}");
        }
    }
}
