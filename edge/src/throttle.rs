//! Rate limits at the edge, with Cloudflare's Rate Limiting binding (`[[ratelimits]]` in wrangler.toml,
//! which `wrangler dev` runs locally): attempts to sign in, sign up or reset a password by client address
//! and by email, and cart and checkout writes by client address. The origin keeps its own per-key limits
//! behind these, since an edge limit counts per location.
//!
//! A missing binding (an environment deployed without `[[ratelimits]]`) is logged and lets the request
//! through: the origin's limit still holds.

use crate::context::Edge;
use crate::error::EdgeResult;
use meridian_domain::routes::{AccountRoute, Route};
use worker::Response;

/// Seconds a refused client should wait: the limits' period (Cloudflare's are 10 or 60 s).
const RETRY_AFTER_SECS: u32 = 60;

/// Which limit a request counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Limit {
    /// Sign-in, sign-up and reset attempts from one address.
    AuthByClient,
    /// Sign-in, sign-up and reset attempts for one email, from anywhere.
    AuthByEmail,
    /// Cart and checkout writes from one address.
    WritesByClient,
}

impl Limit {
    fn binding(self) -> &'static str {
        match self {
            Self::AuthByClient => "AUTH_CLIENT_LIMITER",
            Self::AuthByEmail => "AUTH_EMAIL_LIMITER",
            Self::WritesByClient => "WRITE_CLIENT_LIMITER",
        }
    }
}

/// The per-address limit a route counts against, if any (email keys are added by the handlers, which
/// read the form).
pub(crate) fn client_limit(route: &Route) -> Option<Limit> {
    use AccountRoute as A;
    match route {
        Route::CartAdd
        | Route::CartUpdate
        | Route::ApiCartLines
        | Route::CheckoutSubmit
        | Route::CheckoutShippingSubmit
        | Route::CheckoutPromo
        | Route::CheckoutPay
        | Route::Account(A::StockAlert) => Some(Limit::WritesByClient),
        Route::Account(A::SignInSubmit | A::SignUpSubmit | A::ResetAsk | A::ResetConfirm) => {
            Some(Limit::AuthByClient)
        }
        _ => None,
    }
}

impl Edge {
    /// The client's address as Cloudflare reports it (`CF-Connecting-IP`); one shared key without it.
    fn client_address(&self) -> String {
        self.header("cf-connecting-ip")
            .unwrap_or_else(|| "unknown".to_owned())
    }

    /// Counts this request against `limit` under the client's address.
    pub(crate) async fn throttle_client(&self, limit: Limit) -> EdgeResult<Option<Response>> {
        let key = format!("{}:{}", self.route.pattern(), self.client_address());
        self.throttle(limit, key).await
    }

    /// Counts an attempt for `email` (as the origin keys it: lower case) on this route.
    pub(crate) async fn throttle_email(&self, email: &str) -> EdgeResult<Option<Response>> {
        let key = format!("{}:{}", self.route.pattern(), email.trim().to_lowercase());
        self.throttle(Limit::AuthByEmail, key).await
    }

    /// `Some(429 answer)` once `key` is over `limit`.
    async fn throttle(&self, limit: Limit, key: String) -> EdgeResult<Option<Response>> {
        let limiter = match self.env.rate_limiter(limit.binding()) {
            Ok(limiter) => limiter,
            Err(err) => {
                worker::console_error!(
                    "rate limit binding {} is missing ({err}): not limiting at the edge",
                    limit.binding()
                );
                return Ok(None);
            }
        };
        if limiter.limit(key).await?.success {
            return Ok(None);
        }
        Ok(Some(self.too_many()?))
    }

    /// 429 with `Retry-After`, as a page or JSON: the edge's limit and the origin's answer alike.
    pub(crate) fn too_many(&self) -> EdgeResult {
        let response = self.refuse(
            429,
            "too_many_requests",
            "Too many attempts",
            "Too many attempts in a short time. Please wait a minute and try again.",
        )?;
        response
            .headers()
            .set("retry-after", &RETRY_AFTER_SECS.to_string())?;
        Ok(response)
    }
}
