//! The Stripe adapter: Checkout Sessions (hosted payment page), refunds, and webhook events, over
//! Stripe's documented form-encoded API. Every POST carries an `Idempotency-Key`, so a retried call gets
//! Stripe's first answer back instead of a second session or a second refund.
//!
//! The session charges one line, "Order M-…", for exactly our total: discounts, shipping and tax are
//! computed by the store (one rounding rule, one place), so the provider never recomputes an amount.

use super::{
    signature, BoxFuture, PaymentProvider, ProviderError, ProviderEvent, RefundDone, RefundRequest,
    Session, SessionRequest, Webhook, WebhookError,
};
use serde::Deserialize;
use std::time::Duration;

pub struct Stripe {
    http: reqwest::Client,
    base: String,
    secret_key: String,
    webhook_secret: String,
}

impl std::fmt::Debug for Stripe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stripe")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Stripe {
    pub fn new(base: &str, secret_key: &str, webhook_secret: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .user_agent("meridian-origin")
            .build()?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            secret_key: secret_key.to_owned(),
            webhook_secret: webhook_secret.to_owned(),
        })
    }

    async fn post<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        form: &[(String, String)],
        key: &str,
    ) -> Result<T, ProviderError> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.secret_key)
            .header("Idempotency-Key", key)
            .form(form)
            .send()
            .await
            .map_err(|e| ProviderError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|e| ProviderError::Unavailable(e.without_url().to_string()))?;
        if status.is_success() {
            return serde_json::from_str(&body)
                .map_err(|e| ProviderError::Unavailable(format!("unreadable answer: {e}")));
        }
        let message = serde_json::from_str::<StripeError>(&body)
            .map(|e| e.error.message.unwrap_or_default())
            .unwrap_or_else(|_| format!("HTTP {status}"));
        if status.is_client_error() && status.as_u16() != 429 {
            Err(ProviderError::Refused(message))
        } else {
            Err(ProviderError::Unavailable(message))
        }
    }
}

#[derive(Deserialize)]
struct StripeError {
    error: StripeErrorBody,
}

#[derive(Deserialize)]
struct StripeErrorBody {
    message: Option<String>,
}

#[derive(Deserialize)]
struct SessionObject {
    id: String,
    url: Option<String>,
}

#[derive(Deserialize)]
struct RefundObject {
    id: String,
    amount: i64,
}

fn session_form(r: &SessionRequest) -> Vec<(String, String)> {
    let items = if r.item_count == 1 {
        "1 item".to_owned()
    } else {
        format!("{} items", r.item_count)
    };
    [
        ("mode", "payment".to_owned()),
        ("success_url", r.success_url.clone()),
        ("cancel_url", r.cancel_url.clone()),
        ("client_reference_id", r.order_number.clone()),
        ("customer_email", r.email.clone()),
        ("expires_at", r.expires_at.to_string()),
        ("metadata[order_token]", r.order_token.clone()),
        ("metadata[order_number]", r.order_number.clone()),
        (
            "payment_intent_data[metadata][order_token]",
            r.order_token.clone(),
        ),
        ("line_items[0][quantity]", "1".to_owned()),
        (
            "line_items[0][price_data][currency]",
            r.currency.to_ascii_lowercase(),
        ),
        (
            "line_items[0][price_data][unit_amount]",
            r.amount_minor.to_string(),
        ),
        (
            "line_items[0][price_data][product_data][name]",
            format!("Order {} ({items})", r.order_number),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

impl PaymentProvider for Stripe {
    fn create_session(
        &self,
        request: SessionRequest,
    ) -> BoxFuture<'_, Result<Session, ProviderError>> {
        Box::pin(async move {
            let form = session_form(&request);
            let session: SessionObject = self
                .post("/v1/checkout/sessions", &form, &request.idempotency_key)
                .await?;
            let url = session
                .url
                .ok_or_else(|| ProviderError::Unavailable("session without a url".into()))?;
            Ok(Session {
                id: session.id,
                url,
            })
        })
    }

    fn refund(&self, request: RefundRequest) -> BoxFuture<'_, Result<RefundDone, ProviderError>> {
        Box::pin(async move {
            let form = vec![
                ("payment_intent".to_owned(), request.payment_intent.clone()),
                ("amount".to_owned(), request.amount_minor.to_string()),
                ("metadata[reason]".to_owned(), request.reason.clone()),
            ];
            let refund: RefundObject = self
                .post("/v1/refunds", &form, &request.idempotency_key)
                .await?;
            Ok(RefundDone {
                id: refund.id,
                amount_minor: refund.amount,
            })
        })
    }

    fn webhook(
        &self,
        payload: &[u8],
        signature: Option<&str>,
        now: i64,
    ) -> Result<Webhook, WebhookError> {
        signature::verify(&self.webhook_secret, payload, signature, now)?;
        decode(payload)
    }
}

#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    event_type: String,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: serde_json::Value,
}

/// The event's id, type and what it means for an order.
fn decode(payload: &[u8]) -> Result<Webhook, WebhookError> {
    let event: Event =
        serde_json::from_slice(payload).map_err(|e| WebhookError::Payload(e.to_string()))?;
    let o = &event.data.object;
    let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    let token = text(&o["metadata"]["order_token"]);
    let id = || text(&o["id"]).ok_or_else(|| WebhookError::Payload("object without an id".into()));
    let event_kind = match event.event_type.as_str() {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded"
            if o["payment_status"] == "paid" =>
        {
            let payment_intent = text(&o["payment_intent"]).ok_or_else(|| {
                WebhookError::Payload("paid session without a payment_intent".into())
            })?;
            ProviderEvent::Paid {
                session: id()?,
                order_token: token,
                payment_intent,
            }
        }
        "checkout.session.expired" => ProviderEvent::SessionExpired {
            session: id()?,
            order_token: token,
        },
        "payment_intent.payment_failed" | "checkout.session.async_payment_failed" => {
            let message = text(&o["last_payment_error"]["message"])
                .unwrap_or_else(|| "The payment did not go through.".to_owned());
            ProviderEvent::PaymentFailed {
                order_token: token,
                message,
            }
        }
        _ => ProviderEvent::Ignored,
    };
    Ok(Webhook {
        event_id: event.id,
        event_type: event.event_type,
        event: event_kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripe_events_decode_to_what_the_store_acts_on() {
        let paid = br#"{"id":"evt_1","type":"checkout.session.completed","data":{"object":{"id":"cs_1","payment_status":"paid","payment_intent":"pi_1","metadata":{"order_token":"abc"}}}}"#;
        let w = decode(paid).unwrap();
        assert_eq!(
            w.event,
            ProviderEvent::Paid {
                session: "cs_1".into(),
                order_token: Some("abc".into()),
                payment_intent: "pi_1".into()
            }
        );
        let unpaid = br#"{"id":"evt_2","type":"checkout.session.completed","data":{"object":{"id":"cs_1","payment_status":"unpaid"}}}"#;
        assert_eq!(
            decode(unpaid).unwrap().event,
            ProviderEvent::Ignored,
            "async methods pay later"
        );
        let failed = br#"{"id":"evt_3","type":"payment_intent.payment_failed","data":{"object":{"id":"pi_1","metadata":{"order_token":"abc"},"last_payment_error":{"message":"Your card was declined."}}}}"#;
        assert_eq!(
            decode(failed).unwrap().event,
            ProviderEvent::PaymentFailed {
                order_token: Some("abc".into()),
                message: "Your card was declined.".into()
            }
        );
        assert!(decode(b"{}").is_err());
    }

    #[test]
    fn one_line_charges_exactly_the_total() {
        let form = session_form(&SessionRequest {
            order_token: "t".into(),
            order_number: "M-100001".into(),
            email: "a@b.co".into(),
            currency: "USD".into(),
            amount_minor: 189_500,
            item_count: 3,
            success_url: "s".into(),
            cancel_url: "c".into(),
            expires_at: 1,
            idempotency_key: "k".into(),
        });
        let get = |k: &str| {
            form.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(
            get("line_items[0][price_data][unit_amount]"),
            Some("189500")
        );
        assert_eq!(get("line_items[0][price_data][currency]"), Some("usd"));
        assert_eq!(
            get("line_items[0][price_data][product_data][name]"),
            Some("Order M-100001 (3 items)")
        );
        assert!(get("line_items[1][quantity]").is_none());
    }
}
