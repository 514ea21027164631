//! Calls to the origin: every one carries our credential, our request id (and the client's, apart), and
//! waits at most `EDGE_ORIGIN_TIMEOUT_SECS`, longer than the origin's own deadline, so the edge never gives
//! up on a write the origin may still apply.

use crate::context::Edge;
use crate::error::{EdgeError, EdgeResult, CART_OFF};
use crate::policy::settings::OriginLink;
use futures_util::future::Either;
use meridian_domain::api::{
    CLIENT_ADDRESS_HEADER, EDGE_ORIGIN_TIMEOUT_SECS, IDEMPOTENCY_HEADER, ORIGIN_AUTH_HEADER,
    REQUEST_ID_HEADER, SESSION_HEADER,
};
use std::time::Duration;
use wasm_bindgen::JsValue;
use worker::{Fetch, Headers, Method, Request, RequestInit, Response};

/// The origin's status and body text.
pub(crate) struct OriginReply {
    pub(crate) status: u16,
    pub(crate) body: String,
}

/// One origin call. `what` names it in logs; the path is never logged (it can hold a cart id).
pub(crate) struct Call<'a> {
    pub(crate) what: &'static str,
    pub(crate) method: Method,
    pub(crate) path: &'a str,
    pub(crate) body: Option<&'a str>,
    pub(crate) idempotency_key: Option<&'a str>,
    /// The shopper's session token, for account calls (`SESSION_HEADER`).
    pub(crate) session: Option<&'a str>,
}

impl<'a> Call<'a> {
    /// A read (reads need no key: they change nothing).
    pub(crate) fn read(what: &'static str, path: &'a str) -> Self {
        Self {
            what,
            method: Method::Get,
            path,
            body: None,
            idempotency_key: None,
            session: None,
        }
    }

    /// A `DELETE` without a body.
    pub(crate) fn delete(what: &'static str, path: &'a str) -> Self {
        Self {
            method: Method::Delete,
            ..Self::read(what, path)
        }
    }

    /// A JSON write that needs no key: signing in or out, refreshing a session (repeating them is
    /// harmless or refused by the origin on its own terms).
    pub(crate) fn send(what: &'static str, method: Method, path: &'a str, body: &'a str) -> Self {
        Self {
            what,
            method,
            path,
            body: Some(body),
            idempotency_key: None,
            session: None,
        }
    }

    /// The same call made for the signed-in shopper holding `token`.
    pub(crate) fn signed(self, token: &'a str) -> Self {
        Self {
            session: Some(token),
            ..self
        }
    }

    /// A write with a JSON body under an idempotency key.
    pub(crate) fn write(
        what: &'static str,
        method: Method,
        path: &'a str,
        body: &'a str,
        key: &'a str,
    ) -> Self {
        Self {
            what,
            method,
            path,
            body: Some(body),
            idempotency_key: Some(key),
            session: None,
        }
    }
}

/// Why one attempt failed.
enum Attempt {
    /// The connection failed before an answer: safe to try once more (see `call_origin`).
    Transport(String),
    /// No answer within the deadline: the origin may still be working, so no second attempt.
    Timeout,
}

impl Edge {
    /// Calls the origin. A transport failure is retried once: workerd reuses pooled connections the origin
    /// may have closed ("Network connection lost"), and a second attempt is safe because every write
    /// carries its idempotency key and reads change nothing.
    pub(crate) async fn call_origin(&self, call: Call<'_>) -> EdgeResult<OriginReply> {
        let mut response = self.fetch_origin(&call).await?;
        let body = response.text().await.map_err(|e| {
            EdgeError::BadGateway(format!(
                "origin call {} failed: {}",
                call.what,
                redact(&call, &e)
            ))
        })?;
        Ok(OriginReply {
            status: response.status_code(),
            body,
        })
    }

    /// [`Edge::call_origin`]'s request and retry, answering the origin's response unread (an image's
    /// body is bytes, not text).
    pub(crate) async fn fetch_origin(&self, call: &Call<'_>) -> EdgeResult<Response> {
        let link = self
            .config
            .origin
            .as_ref()
            .map_err(|reason| EdgeError::Unavailable {
                reason: reason.clone(),
                message: CART_OFF,
            })?;
        let mut outcome = self.attempt(call, link).await?;
        if let Err(Attempt::Transport(first)) = &outcome {
            let id = &self.request_id;
            worker::console_warn!(
                "request {id}: origin call {} failed once ({first}); retrying",
                call.what
            );
            outcome = self.attempt(call, link).await?;
        }
        outcome.map_err(|failure| match failure {
            Attempt::Transport(text) => {
                EdgeError::BadGateway(format!("origin call {} failed: {text}", call.what))
            }
            Attempt::Timeout => EdgeError::BadGateway(format!(
                "origin did not answer {} in {EDGE_ORIGIN_TIMEOUT_SECS}s",
                call.what
            )),
        })
    }

    /// One request to the origin, bounded by `EDGE_ORIGIN_TIMEOUT_SECS`.
    async fn attempt(
        &self,
        call: &Call<'_>,
        link: &OriginLink,
    ) -> EdgeResult<Result<Response, Attempt>> {
        let fetch = Fetch::Request(self.origin_request(call, link)?);
        let fetch = std::pin::pin!(fetch.send());
        let timeout = Duration::from_secs(EDGE_ORIGIN_TIMEOUT_SECS);
        let timeout = std::pin::pin!(worker::Delay::from(timeout));
        Ok(match futures_util::future::select(fetch, timeout).await {
            Either::Left((Ok(response), _)) => Ok(response),
            Either::Left((Err(err), _)) => Err(Attempt::Transport(redact(call, &err))),
            // The write may still land; the shopper's retry carries the same key, so it lands once.
            Either::Right(_) => Err(Attempt::Timeout),
        })
    }

    /// The request for `call`: our credential, our request id, the client's apart, the key, the body.
    fn origin_request(&self, call: &Call<'_>, link: &OriginLink) -> worker::Result<Request> {
        let headers = Headers::new();
        headers.set(ORIGIN_AUTH_HEADER, &link.secret)?;
        headers.set(REQUEST_ID_HEADER, &self.request_id)?;
        if let Some((name, id)) = self.client_id_header() {
            headers.set(name, id)?;
        }
        headers.set("accept", "application/json")?;
        if let Some(key) = call.idempotency_key {
            headers.set(IDEMPOTENCY_HEADER, key)?;
        }
        if let Some(token) = call.session {
            headers.set(SESSION_HEADER, token)?;
        }
        // For the origin's per-client limits (see `throttle`): the address Cloudflare saw.
        if let Some(client) = self.header("cf-connecting-ip") {
            headers.set(CLIENT_ADDRESS_HEADER, &client)?;
        }
        let mut init = RequestInit::new();
        if let Some(body) = call.body {
            headers.set("content-type", "application/json")?;
            init.with_body(Some(JsValue::from_str(body)));
        }
        init.with_method(call.method.clone()).with_headers(headers);
        Request::new_with_init(&format!("{}{}", link.url, call.path), &init)
    }
}

/// A JSON object of string fields, for the origin's small bodies (`{"token": …, "new": …}`): each string
/// escaped by serde_json, with no generic `Value` code in the worker.
pub(crate) fn json_fields(fields: &[(&str, &str)]) -> String {
    let mut out = String::from("{");
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Serialising a string cannot fail.
        out.push_str(&serde_json::to_string(name).unwrap_or_default());
        out.push(':');
        out.push_str(&serde_json::to_string(value).unwrap_or_default());
    }
    out.push('}');
    out
}

/// An error's text without the call's path (runtime errors may quote the URL, and paths hold cart ids).
fn redact(call: &Call<'_>, err: &worker::Error) -> String {
    err.to_string().replace(call.path, "{path}")
}

#[cfg(test)]
mod tests {
    use super::json_fields;

    #[test]
    fn small_bodies_are_json_with_every_string_escaped() {
        let body = json_fields(&[("token", "a\"b"), ("new", "zoë\n</script>")]);
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["token"], "a\"b");
        assert_eq!(parsed["new"], "zoë\n</script>");
        assert_eq!(json_fields(&[]), "{}");
    }
}
