//! SMS through a provider: [`SmsProvider`] is what the jobs need from one, [`Twilio`] the adapter for
//! Twilio's Messages API (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded
//! `To`/`From`/`Body`, HTTP basic auth with the account SID and auth token, a JSON message back). The base
//! URL is configuration: the local stand-in ([`super::sms_gateway`]) in dev and tests, Twilio's in
//! production.

pub use super::send_sms::SendSms;
use std::future::Future;
use std::pin::Pin;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A text message the provider accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsSent {
    /// The provider's id of the message (Twilio: `SM…`).
    pub sid: String,
    /// Its status when accepted (Twilio: `queued`, `accepted`, …).
    pub status: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    /// The provider refused this message (4xx: bad number, bad credentials): retrying will not help.
    #[error("the SMS provider refused: {0}")]
    Refused(String),
    /// Network trouble, a 5xx or a rate limit: retrying later may succeed.
    #[error("the SMS provider is unavailable: {0}")]
    Unavailable(String),
}

/// What the jobs need from an SMS provider.
pub trait SmsProvider: Send + Sync + 'static {
    /// Sends `body` to `to` (E.164).
    fn send<'a>(&'a self, to: &'a str, body: &'a str) -> BoxFuture<'a, Result<SmsSent, SmsError>>;
}

/// Twilio's Messages API.
pub struct Twilio {
    http: reqwest::Client,
    messages_url: String,
    account_sid: String,
    auth_token: String,
    from: String,
}

/// Never shows the auth token.
impl std::fmt::Debug for Twilio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Twilio")
            .field("messages_url", &self.messages_url)
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"<redacted>")
            .field("from", &self.from)
            .finish()
    }
}

impl Twilio {
    /// The adapter for the account `account_sid` at `base` (e.g. `https://api.twilio.com`); the token
    /// travels only over https (plain http only to this machine).
    pub fn new(
        http: reqwest::Client,
        base: &str,
        account_sid: &str,
        auth_token: &str,
        from: &str,
    ) -> anyhow::Result<Self> {
        let url = reqwest::Url::parse(base)
            .map_err(|e| anyhow::anyhow!("TWILIO_URL {base:?} is not a URL: {e}"))?;
        let local = url.scheme() == "http"
            && url
                .host_str()
                .is_some_and(meridian_domain::api::is_loopback_host);
        anyhow::ensure!(
            url.scheme() == "https" || local,
            "TWILIO_URL must use https (plain http only to localhost), got {base:?}"
        );
        anyhow::ensure!(
            !account_sid.is_empty() && account_sid.bytes().all(|b| b.is_ascii_alphanumeric()),
            "TWILIO_ACCOUNT_SID must be letters and digits (AC…)"
        );
        anyhow::ensure!(!auth_token.is_empty(), "TWILIO_AUTH_TOKEN is empty");
        let messages_url = format!(
            "{}/2010-04-01/Accounts/{account_sid}/Messages.json",
            base.trim_end_matches('/')
        );
        Ok(Self {
            http,
            messages_url,
            account_sid: account_sid.to_owned(),
            auth_token: auth_token.to_owned(),
            from: from.to_owned(),
        })
    }

    async fn post(&self, to: &str, body: &str) -> Result<SmsSent, SmsError> {
        #[derive(serde::Deserialize)]
        struct Answer {
            sid: Option<String>,
            status: Option<serde_json::Value>,
            message: Option<String>,
            code: Option<u32>,
        }
        let form = [("To", to), ("From", self.from.as_str()), ("Body", body)];
        let response = self
            .http
            .post(&self.messages_url)
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .form(&form)
            .send()
            .await
            .map_err(|e| SmsError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let answer: Option<Answer> = response.json().await.ok();
        if status.is_success() {
            let answer = answer.ok_or_else(|| SmsError::Unavailable("unreadable answer".into()))?;
            return match (answer.sid, answer.status) {
                (Some(sid), Some(serde_json::Value::String(status))) => Ok(SmsSent { sid, status }),
                _ => Err(SmsError::Unavailable(
                    "an answer without sid or status".into(),
                )),
            };
        }
        let said = answer
            .map(|a| {
                format!(
                    "{} (code {})",
                    a.message.unwrap_or_default(),
                    a.code.unwrap_or(0)
                )
            })
            .unwrap_or_default();
        let what = format!("HTTP {status}: {said}");
        if status.is_client_error() && status != reqwest::StatusCode::TOO_MANY_REQUESTS {
            Err(SmsError::Refused(what))
        } else {
            Err(SmsError::Unavailable(what))
        }
    }
}

impl SmsProvider for Twilio {
    fn send<'a>(&'a self, to: &'a str, body: &'a str) -> BoxFuture<'a, Result<SmsSent, SmsError>> {
        Box::pin(self.post(to, body))
    }
}
