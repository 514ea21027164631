//! The edge's one error type and, in one place, what each failure looks like to the client: internal
//! detail goes to the log with the request id; the shopper gets a fixed sentence.

use worker::Response;

#[derive(Debug)]
pub(crate) enum EdgeError {
    /// The runtime failed us (KV, the Cache API, building a response).
    Internal(worker::Error),
    /// The origin failed, timed out or answered something we cannot use: 502.
    BadGateway(String),
    /// The edge cannot serve this right now (catalog not published, index missing, writes not
    /// configured): 503 with `message` for the client, `reason` for the log.
    Unavailable {
        reason: String,
        message: &'static str,
    },
    /// The origin says the shopper's session has ended (revoked after the token was signed): the
    /// cookies are already dropped; the answer is "sign in".
    SignedOut,
}

pub(crate) type EdgeResult<T = Response> = Result<T, EdgeError>;

impl From<worker::Error> for EdgeError {
    fn from(err: worker::Error) -> Self {
        Self::Internal(err)
    }
}

impl From<serde_json::Error> for EdgeError {
    fn from(err: serde_json::Error) -> Self {
        Self::Internal(err.into())
    }
}

impl std::fmt::Display for EdgeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Internal(err) => write!(f, "internal: {err}"),
            Self::BadGateway(what) => write!(f, "bad gateway: {what}"),
            Self::Unavailable { reason, .. } => write!(f, "unavailable: {reason}"),
            Self::SignedOut => f.write_str("the session has ended"),
        }
    }
}

impl EdgeError {
    /// Status, stable code and the sentence the client sees.
    pub(crate) fn public(&self) -> (u16, &'static str, &'static str) {
        match self {
            Self::Internal(_) => (
                500,
                "internal",
                "Something went wrong. Please try again in a moment.",
            ),
            Self::BadGateway(_) => (
                502,
                "bad_gateway",
                "The store could not complete this request; please try again.",
            ),
            Self::Unavailable { message, .. } => (503, "unavailable", message),
            Self::SignedOut => (401, "signed_out", "Please sign in again."),
        }
    }
}

/// Shopper text when the catalog has not been published (or its index is missing).
pub(crate) const NOT_STOCKED: &str =
    "Our catalog is being published. Please come back in a minute.";

/// Shopper text when the edge cannot reach the origin by configuration.
pub(crate) const CART_OFF: &str = "The cart is unavailable right now. Please try again later.";

/// Shopper text when accounts are not configured at this edge (no session public key).
pub(crate) const ACCOUNTS_OFF: &str =
    "Accounts are unavailable right now. You can still shop and check out as a guest.";
