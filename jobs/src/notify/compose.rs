//! What each outbox topic says, and to whom: the event's payload plus, for an order, the order as it
//! is in Postgres now (its real lines and amounts, formatted by the domain's `Money`), turned into a
//! template name and its context. `None`: this event needs no message (a decline on an order paid
//! since).

use super::Settings;
use crate::events::Event;
use crate::job::refusal;
use meridian_domain::alerts::{BackInStock, BACK_IN_STOCK_TOPIC};
use meridian_domain::{routes, Money, OrderStatus, OrderView};
use meridian_store::orders::{self, OrderKey};
use meridian_store::outbox::topic;
use meridian_store::{resets, verifications};
use minijinja::value::{merge_maps, Serde};
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

/// The topics [`super::SendEmail`] handles.
pub(super) const EMAIL_TOPICS: &[&str] = &[
    topic::ORDER_PAID,
    topic::ORDER_PAYMENT_FAILED,
    topic::ORDER_FULFILLED,
    topic::ORDER_REFUNDED,
    resets::TOPIC,
    verifications::TOPIC,
    BACK_IN_STOCK_TOPIC,
];

/// A message to render and send.
#[derive(Debug)]
pub(super) struct Composed {
    /// The template (`email/<template>.*`, `sms/<template>.txt`).
    pub(super) template: &'static str,
    pub(super) to: String,
    pub(super) context: Value,
    /// The payload carries a one-time link to drop from the outbox once sent.
    pub(super) scrub_link: bool,
}

/// The email template of `topic`, if it has one.
pub(super) fn email_template(topic: &str) -> Option<&'static str> {
    Some(match topic {
        topic::ORDER_PAID => "order_confirmation",
        topic::ORDER_PAYMENT_FAILED => "payment_failed",
        topic::ORDER_FULFILLED => "shipped",
        topic::ORDER_REFUNDED => "refunded",
        resets::TOPIC => "password_reset",
        verifications::TOPIC => "verify_email",
        BACK_IN_STOCK_TOPIC => "back_in_stock",
        _ => return None,
    })
}

/// The email announcing `event` with `template` ([`email_template`] of its topic).
pub(super) async fn email(
    conn: &mut PgConnection,
    settings: &Settings,
    event: &Event,
    template: &'static str,
) -> anyhow::Result<Option<Composed>> {
    let base = context! {
        shop_name => settings.shop_name.as_str(),
        store_url => settings.store_url.as_str(),
    };
    match template {
        "password_reset" | "verify_email" => {
            let p: LinkPayload = payload(event)?;
            let context = context! {
                to => &p.to, link => &p.link, expires_in_minutes => p.expires_in_minutes, ..base
            };
            return Ok(Some(Composed {
                template,
                to: p.to,
                context,
                scrub_link: true,
            }));
        }
        "back_in_stock" => {
            let p: BackInStock = payload(event)?;
            let context = context! {
                product => product_name(&p.product_title, p.variant_title.as_deref()),
                link => format!("{}{}", settings.store_url, p.link),
                ..base
            };
            return Ok(Some(Composed {
                template,
                to: p.to,
                context,
                scrub_link: false,
            }));
        }
        _ => {}
    }
    let p: OrderPayload = payload(event)?;
    let order = load_order(conn, &p.number).await?;
    let mut link = format!("{}{}", settings.store_url, routes::order(&order.token));
    let mut extra = context! {};
    match template {
        "payment_failed" => {
            // Paid (or ended) since the decline: the email would only confuse.
            if order.status != OrderStatus::PendingPayment {
                return Ok(None);
            }
            link = format!(
                "{}{}",
                settings.store_url,
                routes::review_after_payment(&order.token)
            );
            extra =
                context! { message => p.message.clone().or_else(|| order.payment_error.clone()) };
        }
        "refunded" => {
            let amount = p
                .amount_minor
                .ok_or_else(|| refusal("order.refunded without amount_minor"))?;
            extra =
                context! { refund => Money::new(amount, order.totals.total.currency).to_string() };
        }
        _ => {}
    }
    let order_ctx = Value::from(Serde(OrderContext::new(&order)));
    let context = merge_maps([context! { order => order_ctx, link => link }, extra, base]);
    Ok(Some(Composed {
        template,
        to: order.email,
        context,
        scrub_link: false,
    }))
}

/// The order `number` names; a refusal when there is none (retrying will not make it appear).
pub(super) async fn load_order(conn: &mut PgConnection, number: &str) -> anyhow::Result<OrderView> {
    orders::load(conn, OrderKey::Number(number))
        .await?
        .ok_or_else(|| refusal(format!("no order {number:?}")))
}

/// `Lamp (Brass)`, or `Lamp` for a variant without a title of its own.
pub(super) fn product_name(product: &str, variant: Option<&str>) -> String {
    match shown_variant(variant) {
        Some(v) => format!("{product} ({v})"),
        None => product.to_owned(),
    }
}

/// A variant title worth showing: not empty, not the supplier's placeholder for "no options".
fn shown_variant(variant: Option<&str>) -> Option<&str> {
    variant.filter(|v| !v.trim().is_empty() && *v != DEFAULT_VARIANT_TITLE)
}

/// What a Shopify-format feed calls the only variant of a product without options.
const DEFAULT_VARIANT_TITLE: &str = "Default Title";

pub(super) fn payload<T: for<'de> Deserialize<'de>>(event: &Event) -> anyhow::Result<T> {
    serde_json::from_value(event.payload.clone()).map_err(|e| {
        refusal(format!(
            "outbox event {} ({}): bad payload: {e}",
            event.id, event.topic
        ))
    })
}

/// The payload of every order topic; `message` and `amount_minor` only on some.
#[derive(Debug, Deserialize)]
pub(super) struct OrderPayload {
    pub(super) number: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    amount_minor: Option<i64>,
}

/// A reset or verification email's payload, as `origin::accounts::links` writes it.
#[derive(Debug, Deserialize)]
struct LinkPayload {
    to: String,
    link: String,
    expires_in_minutes: u64,
}

/// An order as the templates see it: amounts already formatted (`$1,895.00`), optional parts `none`.
#[derive(Debug, Serialize)]
struct OrderContext {
    number: String,
    name: String,
    address_lines: Vec<String>,
    shipping_method: String,
    lines: Vec<LineContext>,
    subtotal: String,
    discount: Option<String>,
    promo_code: Option<String>,
    shipping: String,
    tax: String,
    tax_label: Option<String>,
    tax_included: bool,
    total: String,
    refunded: String,
    fully_refunded: bool,
    tracking_number: Option<String>,
    note: Option<String>,
    expires_at: String,
}

#[derive(Debug, Serialize)]
struct LineContext {
    product_title: String,
    variant_title: Option<String>,
    sku: String,
    quantity: u32,
    unit_price: String,
    line_total: String,
}

impl OrderContext {
    fn new(o: &OrderView) -> Self {
        let t = &o.totals;
        let a = &o.address;
        let city = city_line(&a.city, &a.region, &a.postcode, &a.country);
        let address_lines = [
            a.name.clone(),
            a.line1.clone(),
            a.line2.clone(),
            city,
            a.country.clone(),
        ]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect();
        Self {
            number: o.number.clone(),
            name: a.name.clone(),
            address_lines,
            shipping_method: o.shipping_method.clone(),
            lines: o
                .lines
                .iter()
                .map(|l| LineContext {
                    product_title: l.product_title.clone(),
                    variant_title: shown_variant(Some(&l.variant_title)).map(str::to_owned),
                    sku: l.sku.clone(),
                    quantity: l.quantity,
                    unit_price: l.unit_price.to_string(),
                    line_total: l.line_total.to_string(),
                })
                .collect(),
            subtotal: t.subtotal.to_string(),
            discount: (t.discount.minor != 0).then(|| t.discount.to_string()),
            promo_code: o.promo_code.clone(),
            shipping: t.shipping.to_string(),
            tax: t.tax.to_string(),
            tax_label: t.tax_label.clone(),
            tax_included: t.tax_included,
            total: t.total.to_string(),
            refunded: o.refunded.to_string(),
            fully_refunded: o.refunded.minor >= t.total.minor,
            tracking_number: o.tracking_number.clone(),
            note: o.note.clone(),
            expires_at: readable_time(&o.expires_at),
        }
    }
}

/// The city line as the country writes it: `New York, NY 10118` in North America and Australia,
/// `42000 Saint-Étienne` (postcode first) elsewhere.
fn city_line(city: &str, region: &str, postcode: &str, country: &str) -> String {
    let join = |parts: &[&str], sep: &str| {
        parts
            .iter()
            .filter(|p| !p.trim().is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(sep)
    };
    if matches!(country, "US" | "CA" | "AU") {
        join(&[city, &join(&[region, postcode], " ")], ", ")
    } else {
        join(&[postcode, city, region], " ")
    }
}

/// `2026-11-26T14:05:00Z` → `26 Nov 2026, 14:05 UTC`.
fn readable_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%-d %b %Y, %H:%M UTC").to_string())
        .unwrap_or_else(|_| rfc3339.to_owned())
}

#[cfg(test)]
mod tests {
    use super::city_line;

    #[test]
    fn city_lines_follow_the_country() {
        assert_eq!(
            city_line("New York", "NY", "10118", "US"),
            "New York, NY 10118"
        );
        assert_eq!(
            city_line("Saint-Étienne", "", "42000", "FR"),
            "42000 Saint-Étienne"
        );
        assert_eq!(city_line("Tokyo", "", "", "JP"), "Tokyo");
        assert_eq!(city_line("Sydney", "NSW", "", "AU"), "Sydney, NSW");
    }
}
