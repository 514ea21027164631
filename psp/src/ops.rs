//! Test and operations endpoints under `/_psp/` (not Stripe's): the event log with delivery attempts,
//! forcing expiry, and paying without a browser. Unauthenticated: the stand-in listens on loopback.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::lifecycle::{self, ExpireError, PayError};
use crate::state::SharedState;

pub(crate) fn router() -> Router<SharedState> {
    Router::new()
        .route("/_psp/events", get(list_events))
        .route("/_psp/sessions/{id}/expire_now", post(expire_now))
        .route("/_psp/sessions/{id}/pay", post(pay_session))
}

#[derive(Debug, Deserialize)]
struct PayForm {
    card_number: String,
}

async fn list_events(State(state): State<SharedState>) -> Response {
    Json(state.events.all()).into_response()
}

async fn expire_now(State(state): State<SharedState>, Path(id): Path<String>) -> Response {
    match lifecycle::expire(&state, &id) {
        Ok(session) => Json(session.to_json()).into_response(),
        Err(ExpireError::NotFound) => failure(
            StatusCode::NOT_FOUND,
            "resource_missing",
            "No such checkout session.",
        ),
        Err(ExpireError::NotOpen(status)) => failure(
            StatusCode::CONFLICT,
            "session_not_open",
            &format!("The session is {}.", status.as_str()),
        ),
    }
}

/// The hosted form's POST as JSON: 200 with the session and where the browser would be sent, or the
/// same refusal the page would show.
async fn pay_session(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Form(form): Form<PayForm>,
) -> Response {
    match lifecycle::pay(&state, &id, &form.card_number) {
        Ok(session) => Json(
            json!({ "redirect_url": session.success_redirect(), "session": session.to_json() }),
        )
        .into_response(),
        Err(error) => pay_failure(&error),
    }
}

fn pay_failure(error: &PayError) -> Response {
    let message = error.message();
    match error {
        PayError::NotFound => failure(StatusCode::NOT_FOUND, "resource_missing", &message),
        PayError::NotOpen(_) => failure(StatusCode::CONFLICT, "session_not_open", &message),
        PayError::InvalidNumber => failure(StatusCode::BAD_REQUEST, "invalid_number", &message),
        PayError::Declined { decline_code, .. } => {
            let body = json!({ "error": {
                "type": "card_error", "code": "card_declined", "decline_code": decline_code, "message": message,
            }});
            (StatusCode::PAYMENT_REQUIRED, Json(body)).into_response()
        }
    }
}

fn failure(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}
