//! Adding to the cart from the browser: one POST through the edge, with an idempotency key per click so a
//! retried request cannot add the item twice.

use leptos::prelude::*;

/// Result shown under the button: a confirmation or a sentence explaining the refusal.
pub(crate) type Status = RwSignal<Option<Result<String, String>>>;

pub(crate) fn add_to_cart(sku: String, status: Status) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        status.set(Some(browser::post_line(&sku).await));
    });
    // Server renders never submit forms; the island only runs this in the browser.
    #[cfg(not(feature = "hydrate"))]
    let _ = (sku, status);
}

#[cfg(feature = "hydrate")]
mod browser {
    use meridian_domain::api::{edge, ErrorBody, IDEMPOTENCY_HEADER};
    use meridian_domain::AddLine;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Headers, Request, RequestCredentials, RequestInit, Response};

    const NETWORK: &str = "We could not reach the store. Check your connection and try again.";

    pub(super) async fn post_line(sku: &str) -> Result<String, String> {
        let (status_ok, text) = send(sku).await.map_err(|_| NETWORK.to_owned())?;
        if status_ok {
            return Ok("Added to your cart.".to_owned());
        }
        Err(serde_json::from_str::<ErrorBody>(&text)
            .map(|e| e.message)
            .unwrap_or_else(|_| "Sorry, we could not add this item.".to_owned()))
    }

    async fn send(sku: &str) -> Result<(bool, String), JsValue> {
        let window = web_sys::window().ok_or(JsValue::NULL)?;
        let body = serde_json::to_string(&AddLine {
            sku: sku.to_owned(),
            quantity: 1,
        })
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
        let headers = Headers::new()?;
        headers.set("content-type", "application/json")?;
        headers.set(IDEMPOTENCY_HEADER, &window.crypto()?.random_uuid())?;
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(&JsValue::from_str(&body));
        init.set_headers(&headers);
        init.set_credentials(RequestCredentials::SameOrigin);
        let request = Request::new_with_str_and_init(edge::CART_LINES, &init)?;
        let response: Response = JsFuture::from(window.fetch_with_request(&request))
            .await?
            .dyn_into()?;
        let text = JsFuture::from(response.text()?)
            .await?
            .as_string()
            .unwrap_or_default();
        Ok((response.ok(), text))
    }
}
