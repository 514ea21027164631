//! Calls to the origin: every one carries our credential, our request id (and the client's, apart), and
//! waits at most `EDGE_ORIGIN_TIMEOUT_SECS`, longer than the origin's own deadline, so the edge never gives
//! up on a write the origin may still apply.

use crate::context::Edge;
use crate::error::{EdgeError, EdgeResult, CART_OFF};
use futures_util::future::Either;
use meridian_domain::api::{
    EDGE_ORIGIN_TIMEOUT_SECS, IDEMPOTENCY_HEADER, ORIGIN_AUTH_HEADER, REQUEST_ID_HEADER,
};
use std::time::Duration;
use wasm_bindgen::JsValue;
use worker::{Fetch, Headers, Method, Request, RequestInit};

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
}

impl Edge {
    pub(crate) async fn call_origin(&self, call: Call<'_>) -> EdgeResult<OriginReply> {
        let link = self
            .config
            .origin
            .as_ref()
            .map_err(|reason| EdgeError::Unavailable {
                reason: reason.clone(),
                message: CART_OFF,
            })?;
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
        let mut init = RequestInit::new();
        if let Some(body) = call.body {
            headers.set("content-type", "application/json")?;
            init.with_body(Some(JsValue::from_str(body)));
        }
        init.with_method(call.method.clone()).with_headers(headers);
        let request = Request::new_with_init(&format!("{}{}", link.url, call.path), &init)?;
        let fetch = Fetch::Request(request);
        let fetch = std::pin::pin!(fetch.send());
        let timeout = Duration::from_secs(EDGE_ORIGIN_TIMEOUT_SECS);
        let timeout = std::pin::pin!(worker::Delay::from(timeout));
        let mut response = match futures_util::future::select(fetch, timeout).await {
            Either::Left((response, _)) => response.map_err(|e| gateway_error(&call, &e))?,
            // The write may still land; the shopper's retry carries the same key, so it lands once.
            Either::Right(_) => {
                let secs = EDGE_ORIGIN_TIMEOUT_SECS;
                return Err(EdgeError::BadGateway(format!(
                    "origin did not answer {} in {secs}s",
                    call.what
                )));
            }
        };
        let body = response
            .text()
            .await
            .map_err(|e| gateway_error(&call, &e))?;
        Ok(OriginReply {
            status: response.status_code(),
            body,
        })
    }
}

/// A failed call, described without the path (runtime errors may quote the URL).
fn gateway_error(call: &Call<'_>, err: &worker::Error) -> EdgeError {
    let text = err.to_string().replace(call.path, "{path}");
    EdgeError::BadGateway(format!("origin call {} failed: {text}", call.what))
}
