//! `Authorization: Bearer sk_test_…` on every `/v1` call, compared in constant time; refusals use
//! Stripe's wording and never echo more of the offered key than its last four characters.

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::error::ApiError;
use crate::state::SharedState;

pub(crate) async fn require_secret_key(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    let header = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let Some(offered) = header
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
    else {
        return ApiError::unauthorized(
            "You did not provide an API key. You need to provide your API key in the Authorization header, \
             using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        )
        .into_response();
    };
    if !bool::from(offered.as_bytes().ct_eq(state.config.secret_key.as_bytes())) {
        let message = format!("Invalid API Key provided: {}", mask(offered));
        return ApiError::unauthorized(message).into_response();
    }
    next.run(request).await
}

/// `sk_test_********1234` as Stripe shows it: the prefix and the last four characters only.
fn mask(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let prefix = ["sk_test_", "sk_live_", "rk_test_", "rk_live_"]
        .into_iter()
        .find(|p| key.starts_with(p))
        .map_or(0, str::len);
    let shown_tail = if chars.len() >= prefix + 8 { 4 } else { 0 };
    let hidden = chars.len() - prefix - shown_tail;
    let head: String = chars[..prefix].iter().collect();
    let tail: String = chars[chars.len() - shown_tail..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(hidden))
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_all_but_prefix_and_tail() {
        assert_eq!(mask("sk_test_abcdefgh1234"), "sk_test_********1234");
        assert_eq!(mask("short"), "*****");
        assert_eq!(mask("sk_test_ab"), "sk_test_**");
    }
}
