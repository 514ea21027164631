//! Orders in the database: placing one (stock, promo and outbox in one transaction), reading it as the
//! buyer, the signed-in shopper or the admin sees it, and moving it through the domain's state machine
//! with every change recorded.

mod history;
mod lifecycle;
mod payment;
mod place;
mod read;

pub use history::{history, id_of, of_account};
pub use lifecycle::{expire, expire_due, fulfil, lock, transition, ChangeError, Locked};
pub use payment::{pay, record_payment_error, record_refund, set_payment_session, Paid};
pub use place::{place, NewOrder, PlaceError};
pub use read::{list, load, OrderFilter, OrderKey, OrderSummary};

/// A 64-hex-character token with 256 random bits: the buyer's link to their order.
pub fn new_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Whether `s` has a token's shape (checked before any lookup).
pub fn is_token(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
