//! `send-sms`: a text about a shipped order or a product back in stock, only to an account that opted
//! in (a number and consent, `PUT /api/account/sms`); guest orders and guest alerts get none. Once per
//! event like the emails: the claim is held across the provider call and committed after its answer.

use super::compose::{load_order, payload, product_name, OrderPayload};
use super::sms::SmsError;
use super::Settings;
use crate::context::JobContext;
use crate::events::{Event, EventJob};
use crate::job::{refusal, Job};
use meridian_domain::alerts::{BackInStock, BACK_IN_STOCK_TOPIC};
use meridian_domain::routes;
use meridian_store::notifications::{self, Channel};
use meridian_store::outbox::topic;
use minijinja::context;
use serde::{Deserialize, Serialize};

/// Texts the shopper about one outbox event, if they opted in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendSms {
    pub event: Event,
}

impl Job for SendSms {
    const NAME: &'static str = "send-sms";
    type Settings = Settings;

    fn event_id(&self) -> Option<i64> {
        Some(self.event.id)
    }

    async fn run(&self, ctx: &JobContext, settings: &Settings) -> anyhow::Result<()> {
        send(ctx, settings, &self.event).await.map(drop)
    }
}

impl EventJob for SendSms {
    const TOPICS: &'static [&'static str] = &[topic::ORDER_FULFILLED, BACK_IN_STOCK_TOPIC];

    fn for_event(event: Event) -> Self {
        Self { event }
    }
}

/// What [`send`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Texted {
    /// Sent now; the provider's message sid.
    Now(String),
    /// Sent before (a repeated event).
    Before,
    /// No opted-in account to text.
    NotOptedIn,
}

/// Texts the news of `event` to its account's number, once, if the account opted in.
pub async fn send(ctx: &JobContext, settings: &Settings, event: &Event) -> anyhow::Result<Texted> {
    let mut tx = ctx.db.begin().await?;
    let (template, phone, context) = match event.topic.as_str() {
        topic::ORDER_FULFILLED => {
            let p: OrderPayload = payload(event)?;
            let Some(phone) = notifications::sms_number_for_order(&mut tx, &p.number).await? else {
                return Ok(Texted::NotOptedIn);
            };
            let order = load_order(&mut tx, &p.number).await?;
            let context = context! {
                number => &order.number,
                tracking_number => order.tracking_number.as_deref().unwrap_or("to follow"),
                link => format!("{}{}", settings.store_url, routes::order(&order.token)),
            };
            ("shipped", phone, context)
        }
        BACK_IN_STOCK_TOPIC => {
            let p: BackInStock = payload(event)?;
            let Some(account) = p.account else {
                return Ok(Texted::NotOptedIn);
            };
            let Some(phone) = notifications::sms_number_for_account(&mut tx, account).await? else {
                return Ok(Texted::NotOptedIn);
            };
            let context = context! {
                product => product_name(&p.product_title, p.variant_title.as_deref()),
                link => format!("{}{}", settings.store_url, p.link),
            };
            ("back_in_stock", phone, context)
        }
        other => return Err(refusal(format!("send-sms has no text for topic {other:?}"))),
    };
    let Some(provider) = &settings.sms else {
        return Err(refusal(
            "SMS is not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and SMS_FROM for `jobs worker`",
        ));
    };
    if !notifications::claim(&mut tx, event.id, Channel::Sms, template).await? {
        return Ok(Texted::Before);
    }
    let body = settings.templates.sms(
        template,
        context! { shop_name => settings.shop_name.as_str(), ..context },
    )?;
    // On error the transaction is dropped (rolled back): the claim goes, a retry sends.
    let sent = provider.send(&phone, &body).await.map_err(|e| match e {
        SmsError::Refused(_) => refusal(e.to_string()),
        SmsError::Unavailable(_) => anyhow::Error::new(e),
    })?;
    notifications::record_sent(&mut tx, event.id, Channel::Sms, &sent.sid).await?;
    tx.commit().await?;
    tracing::info!(
        event = event.id,
        topic = %event.topic,
        template,
        sid = %sent.sid,
        status = %sent.status,
        "SMS sent"
    );
    Ok(Texted::Now(sent.sid))
}
