//! Cart and checkout writes per client address, behind the edge's own limit (which counts per location:
//! this one holds across all of them). The edge names the shopper's address in `x-meridian-client`;
//! a request without it (an operator's tool on the private network, the load generator) is not counted,
//! since only the edge and such tools hold the origin's credential. Limits are configuration
//! (`CART_WRITES_PER_MINUTE`).

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use meridian_domain::api::CLIENT_ADDRESS_HEADER;

/// Counts a write (anything but a read) of the named client; 429 with `Retry-After` once over the limit.
pub(crate) async fn limit_writes(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let client = req
            .headers()
            .get(CLIENT_ADDRESS_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|c| !c.is_empty() && c.len() <= 64);
        if let Some(client) = client {
            if let Err(refused) = state.writes.attempt(format!("write {client}")) {
                return refused.into_response();
            }
        }
    }
    next.run(req).await
}
