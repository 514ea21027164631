//! Shopper accounts: what a sign-up or sign-in carries, the rules a new password must meet, the key an
//! email is found by, and the session a sign-in grants. Pure rules; hashing and storage live in the origin.

use crate::{Money, OrderStatus};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Signed into every session token as PASETO's implicit assertion: a token minted with the same key
/// for another purpose does not verify as a session.
pub const SESSION_ASSERTION: &[u8] = b"meridian session v1";

/// Shortest password accepted (OWASP ASVS 2.1.1 asks for at least 12 characters).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted, in bytes: long passphrases fit, and a megabyte "password" is refused before
/// anything hashes it.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// The sign-in and sign-up form, as JSON. `Debug` never shows the password.
#[derive(Clone, Serialize, Deserialize)]
pub struct Credentials {
    pub email: String,
    pub password: String,
    /// The guest cart of the device signing in (the edge's cart cookie), merged into the account's cart
    /// or claimed by the account. Absent for clients that send none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cart: Option<Uuid>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .field("cart", &self.cart)
            .finish()
    }
}

/// A password change: the current one proves it is the owner. `Debug` shows neither.
#[derive(Clone, Serialize, Deserialize)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordChange { <redacted> }")
    }
}

/// What the shopper sees of their account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: Uuid,
    pub email: String,
    /// Whether the shopper opened a verification link sent to `email` (which also shows them the guest
    /// orders placed with it). Absent in answers from before verification existed: false.
    #[serde(default)]
    pub email_verified: bool,
}

/// What a sign-in grants: a short-lived signed token (PASETO v4.public) the edge verifies on its own, and
/// a refresh secret that gets the next token until the session ends.
#[derive(Clone, Serialize, Deserialize)]
pub struct SessionGrant {
    pub token: String,
    /// Unix seconds after which `token` is refused.
    pub token_expires: i64,
    pub refresh: String,
    /// Unix seconds after which `refresh` is refused: the session's end.
    pub session_expires: i64,
    pub account: AccountView,
    /// The account's cart after sign-in merged or claimed the device's guest cart: the edge points its
    /// cart cookie at it. `None` when the account has no cart.
    #[serde(default)]
    pub cart: Option<Uuid>,
}

impl std::fmt::Debug for SessionGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionGrant")
            .field("account", &self.account)
            .field("cart", &self.cart)
            .finish_non_exhaustive()
    }
}

/// One order in the signed-in shopper's history (`GET ACCOUNT_ORDERS`, newest first); the whole order is
/// `GET ACCOUNT_ORDER`, the same `OrderView` its token link shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    /// "M-100042".
    pub number: String,
    /// The order's link token (`/orders/{token}`).
    pub token: String,
    pub status: OrderStatus,
    /// RFC 3339, UTC.
    pub placed_at: String,
    pub total: Money,
    /// Items in the order: the sum of its lines' quantities.
    pub item_count: u32,
}

/// How many orders one page of the history holds at most.
pub const ORDER_HISTORY_PAGE: i64 = 50;

/// The claims inside a session token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionClaims {
    pub account: Uuid,
    pub session: Uuid,
}

/// Why a new password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRefusal {
    #[error("Use at least {MIN_PASSWORD_CHARS} characters for your password.")]
    TooShort,
    #[error("That password is too long (at most {MAX_PASSWORD_BYTES} bytes).")]
    TooLong,
    #[error("Your password cannot be the same as your email address.")]
    SameAsEmail,
}

/// Checks a new password. Any characters are allowed (NIST SP 800-63B: no composition rules); only the
/// length and the email itself are refused.
pub fn check_password(password: &str, email: &str) -> Result<(), PasswordRefusal> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordRefusal::TooLong);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordRefusal::TooShort);
    }
    if password.trim().eq_ignore_ascii_case(email.trim()) {
        return Err(PasswordRefusal::SameAsEmail);
    }
    Ok(())
}

/// The key an account is found by: the normalised email, lower-cased whole, so `Ada@Example.com` and
/// `ada@example.com` are one account. (Mail servers may treat local parts as case-sensitive; no shopper
/// expects two accounts that differ by case.)
pub fn email_key(normalised_email: &str) -> String {
    normalised_email.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_judged_by_length_only() {
        assert_eq!(
            check_password("short", "a@b.example"),
            Err(PasswordRefusal::TooShort)
        );
        // 12 characters of any script count as 12, whatever their bytes.
        assert_eq!(check_password("ñandú ñandú!", "a@b.example"), Ok(()));
        assert_eq!(
            check_password("correct horse battery", "a@b.example"),
            Ok(())
        );
        assert_eq!(
            check_password(&"x".repeat(MAX_PASSWORD_BYTES + 1), "a@b.example"),
            Err(PasswordRefusal::TooLong)
        );
        assert_eq!(
            check_password("Long.Name@Example.com", "long.name@example.com"),
            Err(PasswordRefusal::SameAsEmail)
        );
    }

    #[test]
    fn an_email_key_ignores_case() {
        assert_eq!(
            email_key("Ada.L@example.com"),
            email_key("ada.l@example.com")
        );
        assert_eq!(email_key("Ünïcode@example.com"), "ünïcode@example.com");
    }

    #[test]
    fn debug_output_never_shows_a_password() {
        let c = Credentials {
            email: "a@b.example".into(),
            password: "hunter2hunter2".into(),
            cart: None,
        };
        assert!(!format!("{c:?}").contains("hunter2"));
        let change = PasswordChange {
            current: "hunter2hunter2".into(),
            new: "swordfish-swordfish".into(),
        };
        assert!(!format!("{change:?}").contains("hunter2"));
    }

    #[test]
    fn older_clients_send_no_cart_and_read_grants_without_one() {
        let c: Credentials =
            serde_json::from_str(r#"{"email":"a@b.example","password":"x"}"#).unwrap();
        assert_eq!(c.cart, None);
        let cart = Uuid::from_u128(0x5f0c_7d2e);
        let c: Credentials = serde_json::from_value(
            serde_json::json!({"email": "a@b.example", "password": "x", "cart": cart}),
        )
        .unwrap();
        assert_eq!(c.cart, Some(cart));
        let grant: SessionGrant = serde_json::from_value(serde_json::json!({
            "token": "t", "token_expires": 1, "refresh": "r", "session_expires": 2,
            "account": {"id": cart, "email": "a@b.example"}
        }))
        .unwrap();
        assert_eq!((grant.cart, grant.account.email_verified), (None, false));
    }
}
