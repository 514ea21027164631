//! `send-email`: one email per outbox event (see [`super::compose`] for which topics and what they
//! say). Idempotent: the event's claim row is inserted in a transaction held across the SMTP send and
//! committed only after the server accepted the message, together with the scrub of a one-time link from
//! the outbox row. A failed send rolls the claim back, so the retry sends; a repeated event finds the
//! claim and sends nothing. The one gap left is a crash between the server's OK and our commit: the
//! retry then sends again, with the same Message-ID (made from the event id).

use super::compose::{self, EMAIL_TOPICS};
use super::mailer::Email;
use super::Settings;
use crate::context::JobContext;
use crate::events::{Event, EventJob};
use crate::job::{refusal, Job};
use meridian_store::notifications::{self, Channel};
use serde::{Deserialize, Serialize};

/// Emails the shopper about one outbox event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendEmail {
    pub event: Event,
}

impl Job for SendEmail {
    const NAME: &'static str = "send-email";
    type Settings = Settings;

    fn event_id(&self) -> Option<i64> {
        Some(self.event.id)
    }

    async fn run(&self, ctx: &JobContext, settings: &Settings) -> anyhow::Result<()> {
        send(ctx, settings, &self.event).await.map(drop)
    }
}

impl EventJob for SendEmail {
    const TOPICS: &'static [&'static str] = EMAIL_TOPICS;

    fn for_event(event: Event) -> Self {
        Self { event }
    }
}

/// What [`send`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// Sent now, with this Message-ID.
    Now(String),
    /// Sent before (a repeated event): nothing sent.
    Before,
    /// The event needs no email.
    Nothing,
}

/// Sends the email of `event` unless it was sent before.
pub async fn send(ctx: &JobContext, settings: &Settings, event: &Event) -> anyhow::Result<Sent> {
    let Some(mailer) = &settings.mail else {
        return Err(refusal(
            "email is not configured: set SMTP_URL (and MAIL_FROM) for `jobs worker`",
        ));
    };
    let template = compose::email_template(&event.topic).ok_or_else(|| {
        refusal(format!(
            "send-email has no email for topic {:?}",
            event.topic
        ))
    })?;
    // Claimed first: a sent reset email's payload has lost its link, so it is not composed again.
    let mut tx = ctx.db.begin().await?;
    if !notifications::claim(&mut tx, event.id, Channel::Email, template).await? {
        return Ok(Sent::Before);
    }
    let Some(message) = compose::email(&mut tx, settings, event, template).await? else {
        return Ok(Sent::Nothing);
    };
    let rendered = settings
        .templates
        .email(message.template, message.context)?;
    let email = Email {
        to: message.to,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        event: event.id,
    };
    // On error the transaction is dropped (rolled back): the claim goes, a retry sends.
    let id = mailer.send(&email).await?;
    notifications::record_sent(&mut tx, event.id, Channel::Email, &id).await?;
    if message.scrub_link {
        notifications::scrub_link(&mut tx, event.id).await?;
    }
    tx.commit().await?;
    tracing::info!(
        event = event.id,
        topic = %event.topic,
        template = message.template,
        message_id = %id,
        "email sent"
    );
    Ok(Sent::Now(id))
}
