//! The Checkout Session model and the JSON shapes Stripe gives it and the objects around it (the
//! PaymentIntent of a failed payment, the Charge of a refund).

use std::collections::BTreeMap;

use serde_json::{json, Value};

/// A session's lifecycle as Stripe names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Open,
    Complete,
    Expired,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Complete => "complete",
            Status::Expired => "expired",
        }
    }
}

/// One `line_items[N]` entry with inline `price_data`.
#[derive(Debug, Clone)]
pub(crate) struct LineItem {
    pub(crate) name: String,
    pub(crate) quantity: i64,
    pub(crate) unit_amount: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) id: String,
    pub(crate) status: Status,
    pub(crate) amount_total: i64,
    pub(crate) currency: String,
    pub(crate) client_reference_id: Option<String>,
    pub(crate) customer_email: Option<String>,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) line_items: Vec<LineItem>,
    pub(crate) success_url: String,
    pub(crate) cancel_url: Option<String>,
    pub(crate) url: String,
    pub(crate) created: i64,
    pub(crate) expires_at: i64,
    /// Allocated at the first payment attempt, so a decline and a later success share one PaymentIntent
    /// (as with Stripe); exposed in the session JSON only once paid.
    pub(crate) payment_intent: Option<String>,
    /// The Charge behind a successful payment; refunds are counted against it.
    pub(crate) charge: Option<String>,
    pub(crate) amount_refunded: i64,
}

impl Session {
    pub(crate) fn is_paid(&self) -> bool {
        self.status == Status::Complete
    }

    /// Stripe's `checkout.session` object.
    pub(crate) fn to_json(&self) -> Value {
        let paid = self.is_paid();
        json!({
            "id": self.id,
            "object": "checkout.session",
            "amount_subtotal": self.amount_total,
            "amount_total": self.amount_total,
            "cancel_url": self.cancel_url,
            "client_reference_id": self.client_reference_id,
            "created": self.created,
            "currency": self.currency,
            "customer_email": self.customer_email,
            "expires_at": self.expires_at,
            "livemode": false,
            "metadata": self.metadata,
            "mode": "payment",
            "payment_intent": if paid { self.payment_intent.clone() } else { None },
            "payment_method_types": ["card"],
            "payment_status": if paid { "paid" } else { "unpaid" },
            "status": self.status.as_str(),
            "success_url": self.success_url,
            // Stripe drops the hosted URL once the session can no longer be paid.
            "url": if self.status == Status::Open { Some(&self.url) } else { None },
        })
    }

    /// Stripe's `payment_intent` object after a declined attempt (`payment_intent.payment_failed`).
    pub(crate) fn failed_intent_json(&self, decline_code: &str, message: &str, now: i64) -> Value {
        json!({
            "id": self.payment_intent,
            "object": "payment_intent",
            "amount": self.amount_total,
            "currency": self.currency,
            "created": now,
            "livemode": false,
            "metadata": self.metadata,
            "status": "requires_payment_method",
            "last_payment_error": {
                "type": "card_error",
                "code": "card_declined",
                "decline_code": decline_code,
                "message": message,
            },
        })
    }

    /// Stripe's `charge` object, as `charge.refunded` carries it.
    pub(crate) fn charge_json(&self) -> Value {
        json!({
            "id": self.charge,
            "object": "charge",
            "amount": self.amount_total,
            "amount_captured": self.amount_total,
            "amount_refunded": self.amount_refunded,
            "captured": true,
            "created": self.created,
            "currency": self.currency,
            "livemode": false,
            "metadata": self.metadata,
            "paid": true,
            "payment_intent": self.payment_intent,
            "refunded": self.amount_refunded >= self.amount_total,
            "status": "succeeded",
        })
    }

    /// `success_url` with Stripe's `{CHECKOUT_SESSION_ID}` template filled in.
    pub(crate) fn success_redirect(&self) -> String {
        self.success_url.replace("{CHECKOUT_SESSION_ID}", &self.id)
    }
}

/// A fresh Stripe-style id: `prefix` then 24 random hex digits.
pub(crate) fn new_id(prefix: &str) -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}{}", &random[..24])
}

pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
