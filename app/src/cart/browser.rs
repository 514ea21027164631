//! The browser side of "add to cart": `fetch` with the click's key, retried on failure with that key.

use super::{is_retryable, retry_delay_ms};
use meridian_domain::api::{ErrorBody, IDEMPOTENCY_HEADER};
use meridian_domain::routes;
use meridian_domain::AddLine;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestCredentials, RequestInit, Response};

const NETWORK: &str = "We could not reach the store. Check your connection and try again.";
const SERVER: &str = "Sorry, we could not add this item. Please try again.";

pub(super) async fn post_line(sku: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or_else(|| NETWORK.to_owned())?;
    // One key for this click and all its retries.
    let key = window
        .crypto()
        .map(|c| c.random_uuid())
        .map_err(|_| NETWORK.to_owned())?;
    let mut attempt = 0;
    loop {
        let outcome = send(&window, sku, &key).await.ok();
        let status = outcome.as_ref().map(|(status, _)| *status);
        if is_retryable(status) {
            if let Some(delay) = retry_delay_ms(attempt) {
                sleep(&window, delay).await;
                attempt += 1;
                continue;
            }
        }
        return match outcome {
            None => Err(NETWORK.to_owned()),
            Some((200..=299, _)) => Ok("Added to your cart.".to_owned()),
            Some((_, text)) => Err(serde_json::from_str::<ErrorBody>(&text)
                .map(|e| e.message)
                .unwrap_or_else(|_| SERVER.to_owned())),
        };
    }
}

async fn send(window: &web_sys::Window, sku: &str, key: &str) -> Result<(u16, String), JsValue> {
    let body = serde_json::to_string(&AddLine {
        sku: sku.to_owned(),
        quantity: 1,
    })
    .map_err(|e| JsValue::from_str(&e.to_string()))?;
    let headers = Headers::new()?;
    headers.set("content-type", "application/json")?;
    headers.set(IDEMPOTENCY_HEADER, key)?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body));
    init.set_headers(&headers);
    init.set_credentials(RequestCredentials::SameOrigin);
    let request = Request::new_with_str_and_init(routes::API_CART_LINES, &init)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await?
        .dyn_into()?;
    let text = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    Ok((response.status(), text))
}

/// Resolves after `ms` milliseconds (`setTimeout` as a promise).
async fn sleep(window: &web_sys::Window, ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}
