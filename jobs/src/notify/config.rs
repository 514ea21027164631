//! The notification settings: where mail goes (SMTP_URL, MAIL_FROM), the store's public URL the links
//! point at (STORE_URL), and the SMS provider (TWILIO_*, SMS_FROM). Read once by `jobs worker`; without
//! SMTP_URL (or the Twilio settings) the jobs refuse to send instead of pretending they did.

use super::mailer::Mailer;
use super::render::Templates;
use super::sms::{SmsProvider, Twilio};
use anyhow::Context;
use clap::Args;
use std::sync::Arc;

/// Flattened into `jobs worker`'s arguments; every field has its environment variable.
#[derive(Clone, Args)]
pub struct NotifyArgs {
    /// SMTP server for email: `smtp://host:port` (plain, localhost only), `smtp://…?tls=required` or
    /// `smtps://user:password@host:465`. Unset: emails are refused (dead letters), never dropped.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of every email; its display name is the shop's name in the messages.
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "Meridian <orders@meridian.localhost>"
    )]
    pub mail_from: String,
    /// The store's public URL, in front of every link in a message; default: EDGE_URL.
    #[arg(long, env = "STORE_URL")]
    pub store_url: Option<String>,
    /// Base URL of the SMS provider's API (Twilio's, or the local stand-in `jobs sms-gateway`).
    #[arg(long, env = "TWILIO_URL", default_value = "https://api.twilio.com")]
    pub twilio_url: String,
    #[arg(long, env = "TWILIO_ACCOUNT_SID")]
    pub twilio_account_sid: Option<String>,
    #[arg(long, env = "TWILIO_AUTH_TOKEN", hide_env_values = true)]
    pub twilio_auth_token: Option<String>,
    /// The number (E.164) or sender id texts come from.
    #[arg(long, env = "SMS_FROM")]
    pub sms_from: Option<String>,
}

/// Shows which settings are there, never the SMTP password or the Twilio token.
impl std::fmt::Debug for NotifyArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyArgs")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<set>"))
            .field("mail_from", &self.mail_from)
            .field("store_url", &self.store_url)
            .field("twilio_url", &self.twilio_url)
            .field("twilio_account_sid", &self.twilio_account_sid)
            .field(
                "twilio_auth_token",
                &self.twilio_auth_token.as_ref().map(|_| "<redacted>"),
            )
            .field("sms_from", &self.sms_from)
            .finish()
    }
}

/// What the notification jobs run with: built once, cheap to clone.
#[derive(Clone)]
pub struct Settings {
    /// `None`: SMTP_URL is not set.
    pub mail: Option<Mailer>,
    /// `None`: the Twilio settings are not set.
    pub sms: Option<Arc<dyn SmsProvider>>,
    /// The store's public URL without a trailing slash.
    pub store_url: String,
    /// The shop's name, from MAIL_FROM's display name.
    pub shop_name: String,
    pub templates: Arc<Templates>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("notify::Settings")
            .field("mail", &self.mail)
            .field("sms", &self.sms.as_ref().map(|_| "<configured>"))
            .field("store_url", &self.store_url)
            .field("shop_name", &self.shop_name)
            .finish()
    }
}

impl NotifyArgs {
    /// The settings, checked: a malformed SMTP_URL or a half-configured SMS provider stops the worker at
    /// start-up. `edge_url` is the default store URL.
    pub fn settings(
        &self,
        edge_url: Option<&str>,
        http: reqwest::Client,
    ) -> anyhow::Result<Settings> {
        let store_url = self
            .store_url
            .as_deref()
            .or(edge_url)
            .unwrap_or("http://127.0.0.1:8787")
            .trim_end_matches('/')
            .to_owned();
        reqwest::Url::parse(&store_url)
            .with_context(|| format!("STORE_URL {store_url:?} is not a URL"))?;
        let from: lettre::message::Mailbox = self
            .mail_from
            .parse()
            .with_context(|| format!("MAIL_FROM {:?} is not an address", self.mail_from))?;
        let shop_name = from
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "Meridian".into());
        let mail = self
            .smtp_url
            .as_deref()
            .map(|url| Mailer::new(url, from))
            .transpose()?;
        let sms = match (
            &self.twilio_account_sid,
            &self.twilio_auth_token,
            &self.sms_from,
        ) {
            (Some(sid), Some(token), Some(from)) => {
                let twilio = Twilio::new(http, &self.twilio_url, sid, token, from)?;
                Some(Arc::new(twilio) as Arc<dyn SmsProvider>)
            }
            (None, None, _) => None,
            _ => anyhow::bail!(
                "SMS needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and SMS_FROM together"
            ),
        };
        Ok(Settings {
            mail,
            sms,
            store_url,
            shop_name,
            templates: Arc::new(Templates::new()?),
        })
    }
}

/// `jobs sms-gateway`: the local stand-in for Twilio's Messages API (dev and tests only).
#[derive(Clone, Args)]
pub struct SmsGatewayArgs {
    #[arg(long, default_value = "127.0.0.1:8084")]
    pub listen: std::net::SocketAddr,
    /// The one account it serves; requests must authenticate as it.
    #[arg(long, env = "TWILIO_ACCOUNT_SID")]
    pub account_sid: String,
    #[arg(long, env = "TWILIO_AUTH_TOKEN", hide_env_values = true)]
    pub auth_token: String,
    /// Each accepted message is appended here as one JSON line.
    #[arg(long)]
    pub record: std::path::PathBuf,
}

impl std::fmt::Debug for SmsGatewayArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsGatewayArgs")
            .field("listen", &self.listen)
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"<redacted>")
            .field("record", &self.record)
            .finish()
    }
}

impl SmsGatewayArgs {
    /// Serves the stand-in until the process is stopped.
    pub async fn serve(self) -> anyhow::Result<()> {
        let gateway = super::sms_gateway::Gateway {
            account_sid: self.account_sid,
            auth_token: self.auth_token,
            record: self.record,
        };
        super::sms_gateway::serve(self.listen, gateway).await
    }
}
