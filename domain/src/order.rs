//! Orders: the one state machine every status change goes through, and the shapes an order is shown in.
//!
//! ```text
//! pending_payment ──payment──► paid ──fulfil──► fulfilled
//!   │  │                        │                   │
//!   │  └─expire─► expired ──late payment, stock re-reserved──► paid
//!   │                └──────late payment, stock gone──► refunded
//!   └─cancel─► cancelled (late payments: as expired)
//! paid | fulfilled | partially_refunded ──refund──► partially_refunded | refunded
//! ```

use crate::address::Address;
use crate::money::Money;
use crate::pricing::Totals;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    PendingPayment,
    Paid,
    Fulfilled,
    Expired,
    Cancelled,
    Refunded,
    PartiallyRefunded,
}

/// What happens to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// A verified payment for an order whose stock is still held.
    PaymentConfirmed,
    /// A payment for an expired or cancelled order, whose stock could be reserved again.
    LatePaymentAccepted,
    /// A payment for an expired or cancelled order whose stock is gone: refunded in full.
    LatePaymentRefunded,
    Expire,
    Cancel,
    Fulfil,
    /// A refund leaving `remaining` of the amount paid (0: refunded in full).
    Refund {
        remaining: i64,
    },
}

/// An order cannot go from `from` by `transition`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("An order that is {} cannot be {}.", from.label(), transition_label(*transition))]
pub struct TransitionError {
    pub from: OrderStatus,
    pub transition: Transition,
}

impl OrderStatus {
    /// The status after `transition`, or why it is not allowed.
    pub fn apply(self, transition: Transition) -> Result<Self, TransitionError> {
        use OrderStatus::*;
        use Transition::*;
        let next = match (self, transition) {
            (PendingPayment, PaymentConfirmed) => Some(Paid),
            (PendingPayment, Expire) => Some(Expired),
            (PendingPayment, Cancel) => Some(Cancelled),
            (Expired | Cancelled, LatePaymentAccepted) => Some(Paid),
            (Expired | Cancelled, LatePaymentRefunded) => Some(Refunded),
            (Paid | PartiallyRefunded, Fulfil) => Some(Fulfilled),
            (Paid | Fulfilled | PartiallyRefunded, Refund { remaining }) if remaining >= 0 => {
                Some(if remaining == 0 {
                    Refunded
                } else {
                    PartiallyRefunded
                })
            }
            _ => None,
        };
        next.ok_or(TransitionError {
            from: self,
            transition,
        })
    }

    /// The word for people: "waiting for payment", "paid", …
    pub fn label(self) -> &'static str {
        match self {
            Self::PendingPayment => "waiting for payment",
            Self::Paid => "paid",
            Self::Fulfilled => "shipped",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
            Self::Refunded => "refunded",
            Self::PartiallyRefunded => "partially refunded",
        }
    }

    /// The status as the database and the API spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingPayment => "pending_payment",
            Self::Paid => "paid",
            Self::Fulfilled => "fulfilled",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
            Self::Refunded => "refunded",
            Self::PartiallyRefunded => "partially_refunded",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ALL.iter().copied().find(|st| st.as_str() == s)
    }

    /// Stock is held for the order (it counts against the shelf).
    pub fn holds_stock(self) -> bool {
        matches!(
            self,
            Self::PendingPayment | Self::Paid | Self::Fulfilled | Self::PartiallyRefunded
        )
    }
}

pub const ALL: [OrderStatus; 7] = [
    OrderStatus::PendingPayment,
    OrderStatus::Paid,
    OrderStatus::Fulfilled,
    OrderStatus::Expired,
    OrderStatus::Cancelled,
    OrderStatus::Refunded,
    OrderStatus::PartiallyRefunded,
];

fn transition_label(t: Transition) -> &'static str {
    match t {
        Transition::PaymentConfirmed => "paid",
        Transition::LatePaymentAccepted | Transition::LatePaymentRefunded => "paid late",
        Transition::Expire => "expired",
        Transition::Cancel => "cancelled",
        Transition::Fulfil => "fulfilled",
        Transition::Refund { .. } => "refunded",
    }
}

/// One line of an order: names and prices frozen when it was placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub sku: String,
    pub product_title: String,
    pub variant_title: String,
    pub unit_price: Money,
    pub quantity: u32,
    pub line_total: Money,
}

/// One recorded change of status: when, from what, to what, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEventView {
    /// RFC 3339, UTC.
    pub at: String,
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub cause: String,
}

/// An order as its buyer (and the admin API) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    /// The buyer's unguessable link token; the admin API names orders by `number`.
    pub token: String,
    /// Short and human: "M-100042".
    pub number: String,
    pub status: OrderStatus,
    pub email: String,
    pub address: Address,
    pub shipping_method: String,
    pub lines: Vec<OrderLine>,
    pub totals: Totals,
    pub promo_code: Option<String>,
    pub refunded: Money,
    pub tracking_number: Option<String>,
    /// Why the order is where it is, when that needs saying ("refunded: paid after the order expired and
    /// the stock was gone"); the last payment failure while it waits for payment.
    pub note: Option<String>,
    pub payment_error: Option<String>,
    /// RFC 3339: when it was placed, and until when it waits for payment.
    pub created_at: String,
    pub expires_at: String,
    pub events: Vec<OrderEventView>,
}

#[cfg(test)]
mod tests {
    use super::{OrderStatus::*, Transition::*, *};

    #[test]
    fn the_happy_path_and_its_dead_ends() {
        assert_eq!(PendingPayment.apply(PaymentConfirmed), Ok(Paid));
        assert_eq!(Paid.apply(Fulfil), Ok(Fulfilled));
        assert_eq!(Fulfilled.apply(Refund { remaining: 0 }), Ok(Refunded));
        assert_eq!(Paid.apply(Refund { remaining: 5 }), Ok(PartiallyRefunded));
        assert_eq!(
            PartiallyRefunded.apply(Refund { remaining: 0 }),
            Ok(Refunded)
        );
        assert_eq!(PendingPayment.apply(Expire), Ok(Expired));
        assert_eq!(Expired.apply(LatePaymentAccepted), Ok(Paid));
        assert_eq!(Cancelled.apply(LatePaymentRefunded), Ok(Refunded));
    }

    #[test]
    fn invalid_transitions_are_refused_with_a_sentence() {
        let err = Paid.apply(PaymentConfirmed).unwrap_err();
        assert_eq!(err.to_string(), "An order that is paid cannot be paid.");
        assert!(PendingPayment.apply(Fulfil).is_err());
        assert!(PendingPayment.apply(Refund { remaining: 0 }).is_err());
        assert!(Refunded.apply(Refund { remaining: 0 }).is_err());
        assert!(
            Expired.apply(PaymentConfirmed).is_err(),
            "late payments say so"
        );
        assert!(Paid.apply(Expire).is_err());
        assert!(Fulfilled.apply(Fulfil).is_err());
        assert!(Paid.apply(Refund { remaining: -1 }).is_err());
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
    }
}
