//! Email and SMS from outbox events (issue 9). [`SendEmail`] mails the shopper about an order (confirmed,
//! payment failed, shipped, refunded), an account link (password reset, email verification) or a
//! back-in-stock alert; [`SendSms`] texts shipping and back-in-stock news to accounts that opted in.
//! Both send each event at most once: a claim row in Postgres, held in a transaction across the send and
//! committed only once the server took the message ([`meridian_store::notifications`]).
//!
//! Messages come from the templates in `jobs/templates/` ([`render`]); emails go over SMTP with lettre
//! ([`mailer`]), SMS through an [`sms::SmsProvider`] (Twilio's Messages API; [`sms_gateway`] is the
//! local stand-in that speaks it).

mod compose;
mod config;
mod email;
pub mod mailer;
pub mod render;
mod send_sms;
pub mod sms;
pub mod sms_gateway;

pub use config::{NotifyArgs, Settings, SmsGatewayArgs};
pub use email::{send as send_email, SendEmail, Sent};
pub use send_sms::{send as send_sms, Texted};
pub use sms::SendSms;
