//! Email over SMTP with lettre: one pooled transport per worker, a multipart/alternative message (plain
//! text first, HTML second) with a Message-ID derived from the outbox event, and the server's answer
//! sorted into "try again later" and "will never work" (a 5xx, an address that is not one).

use crate::job::refusal;
use anyhow::Context;
use lettre::message::{header, Mailbox, MultiPart};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};
use meridian_domain::api::is_loopback_host;
use std::time::Duration;

/// How long one SMTP conversation may take: the sender holds its claim (a database transaction) across
/// it, so a hung server must fail the attempt (it is retried) rather than hold the connection.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// An email ready to send.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The outbox event it announces: the Message-ID is made from it, so a message re-sent after a crash
    /// between the server's OK and our commit carries the same id and mail clients show it once.
    pub event: i64,
}

/// The SMTP transport and the sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// `host:port`, for logs (the URL may carry a password).
    server: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("server", &self.server)
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl Mailer {
    /// A mailer for `smtp_url`. Plain `smtp://` (no TLS) is accepted only to this machine: anywhere
    /// else the messages (reset links) and the password would cross the network in clear.
    pub fn new(smtp_url: &str, from: Mailbox) -> anyhow::Result<Self> {
        let url = reqwest::Url::parse(smtp_url).context("SMTP_URL is not a URL")?;
        let host = url.host_str().unwrap_or_default().to_owned();
        let tls = url.scheme() == "smtps"
            || url
                .query_pairs()
                .any(|(k, v)| k == "tls" && v == "required");
        anyhow::ensure!(
            tls || is_loopback_host(&host),
            "SMTP_URL must use TLS (smtps:// or ?tls=required) except to localhost, got host {host:?}"
        );
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .context("SMTP_URL is not an SMTP URL (smtp:// or smtps://)")?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let server = format!(
            "{host}:{}",
            url.port()
                .map_or_else(|| "default".into(), |p| p.to_string())
        );
        Ok(Self {
            transport,
            from,
            server,
        })
    }

    /// The domain of the sender's address, the right-hand side of every Message-ID.
    fn domain(&self) -> &str {
        self.from.email.domain()
    }

    /// The Message-ID of the email announcing outbox event `event`.
    pub fn message_id(&self, event: i64) -> String {
        format!("<event-{event}@{}>", self.domain())
    }

    /// Sends `email`; its Message-ID on success. A refusal (see [`crate::job::Refusal`]) when retrying
    /// cannot help: the address is not one, or the server refused for good (5xx).
    pub async fn send(&self, email: &Email) -> anyhow::Result<String> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| refusal(format!("{:?} is not an email address: {e}", email.to)))?;
        let id = self.message_id(email.event);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&email.subject)
            .message_id(Some(id.clone()))
            .header(header::Date::now())
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
            .context("building the email")?;
        match self.transport.send(message).await {
            Ok(_) => Ok(id),
            Err(e) if e.is_permanent() => Err(refusal(format!(
                "the SMTP server {} refused the email for good: {e}",
                self.server
            ))),
            Err(e) => Err(anyhow::anyhow!(
                "sending through the SMTP server {}: {e}",
                self.server
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Mailer;

    fn from() -> lettre::message::Mailbox {
        "Shop <orders@shop.example>".parse().unwrap()
    }

    // The transport's pool needs a Tokio runtime, even to be dropped.
    #[tokio::test]
    async fn plain_smtp_only_to_this_machine() {
        assert!(Mailer::new("smtp://127.0.0.1:2525", from()).is_ok());
        assert!(Mailer::new("smtp://localhost:2525", from()).is_ok());
        assert!(Mailer::new("smtps://u:p@smtp.example.com:465", from()).is_ok());
        assert!(Mailer::new("smtp://u:p@smtp.example.com:587?tls=required", from()).is_ok());
        let clear = Mailer::new("smtp://u:p@smtp.example.com:25", from()).unwrap_err();
        assert!(clear.to_string().contains("must use TLS"), "{clear}");
        assert!(Mailer::new("http://127.0.0.1:2525", from()).is_err());
        assert!(Mailer::new("not a url", from()).is_err());
    }

    #[tokio::test]
    async fn message_ids_name_the_event_and_the_senders_domain() {
        let mailer = Mailer::new("smtp://127.0.0.1:2525", from()).unwrap();
        assert_eq!(mailer.message_id(42), "<event-42@shop.example>");
        let shown = format!(
            "{:?}",
            Mailer::new("smtps://me:hunter2@smtp.example.com", from()).unwrap()
        );
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
