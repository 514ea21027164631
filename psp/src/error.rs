//! Stripe's error object. Every `/v1` failure answers `{"error":{"type","code","message","param"}}` with
//! Stripe's status codes, so the origin's adapter exercises the same error paths it meets against Stripe.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// One Stripe API error; built by the constructors below so messages match Stripe's wording.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    status: StatusCode,
    kind: &'static str,
    code: Option<&'static str>,
    message: String,
    param: Option<String>,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            code: None,
            message: message.into(),
            param: None,
        }
    }

    fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    fn param(mut self, param: &str) -> Self {
        self.param = Some(param.to_owned());
        self
    }

    /// A 400 `invalid_request_error` about one parameter.
    pub(crate) fn invalid(param: &str, code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", message)
            .code(code)
            .param(param)
    }

    pub(crate) fn missing(param: &str) -> Self {
        Self::invalid(
            param,
            "parameter_missing",
            format!("Missing required param: {param}."),
        )
    }

    pub(crate) fn invalid_integer(param: &str, value: &str) -> Self {
        Self::invalid(
            param,
            "parameter_invalid_integer",
            format!("Invalid integer: {value}"),
        )
    }

    /// Stripe answers 404 `resource_missing` for unknown ids.
    pub(crate) fn no_such(object: &str, param: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            format!("No such {object}: '{id}'"),
        )
        .code("resource_missing")
        .param(param)
    }

    /// A 400 about the object's state rather than a parameter (expiring a paid session, …).
    pub(crate) fn state(code: Option<&'static str>, message: impl Into<String>) -> Self {
        let mut error = Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", message);
        error.code = code;
        error
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_request_error", message)
    }

    pub(crate) fn idempotency(status: StatusCode, message: impl Into<String>) -> Self {
        Self::new(status, "idempotency_error", message)
    }

    pub(crate) fn unknown_route(method: &str, path: &str) -> Self {
        let message = format!("Unrecognized request URL ({method}: {path}).");
        Self::new(StatusCode::NOT_FOUND, "invalid_request_error", message)
    }

    fn body(&self) -> Value {
        // Stripe leaves absent fields out rather than sending nulls.
        let mut error = Map::new();
        error.insert("type".into(), json!(self.kind));
        error.insert("message".into(), json!(self.message));
        if let Some(code) = self.code {
            error.insert("code".into(), json!(code));
        }
        if let Some(param) = &self.param {
            error.insert("param".into(), json!(param));
        }
        json!({ "error": error })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}
