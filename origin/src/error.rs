//! The one error type of the HTTP API, mapped to status codes and JSON bodies in one place. Store and
//! domain errors become client errors here and nowhere else.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use meridian_domain::api::ErrorBody;
use meridian_domain::{CheckoutRefusal, FieldError};
use meridian_store::carts::CartError;
use meridian_store::idempotency::ClaimError;
use meridian_store::orders::ChangeError;
use meridian_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    Conflict(String),
    #[error("This service only answers the storefront's edge.")]
    Unauthorized,
    /// A refusal with its own machine code (and, for forms, the fields to fix).
    #[error("{message}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message: String,
        fields: Vec<FieldError>,
    },
    #[error("This API needs a valid key: send `Authorization: Bearer mk_…`.")]
    NoApiKey,
    #[error("This key may not do that: it needs the {0} scope.")]
    Forbidden(&'static str),
    /// The database is saturated (pool, lock or statement timeout): retrying shortly may succeed.
    #[error("The store is busy; please try again in a moment.")]
    Busy,
    /// A request with the same `Idempotency-Key` is still running: retry (with the same key) shortly.
    #[error("{0}")]
    InFlight(String),
    /// Too many attempts for one key (an email's sign-ins): wait `retry_after` seconds.
    #[error("Too many attempts: please wait {retry_after} seconds and try again.")]
    TooManyAttempts { retry_after: u64 },
    /// Anything we did not expect: logged in full, reported to the client as a bare 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        if err.is_busy() {
            tracing::warn!(error = %err, "database busy");
            Self::Busy
        } else {
            Self::Internal(err.into())
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        StoreError::from(err).into()
    }
}

impl From<CartError> for ApiError {
    fn from(err: CartError) -> Self {
        match err {
            CartError::NotFound => Self::NotFound(err.to_string()),
            CartError::Refused(r) if r.is_stock_conflict() => Self::Conflict(r.to_string()),
            CartError::Refused(r) => Self::Unprocessable(r.to_string()),
            CartError::Store(e) => e.into(),
        }
    }
}

impl From<ChangeError> for ApiError {
    fn from(err: ChangeError) -> Self {
        match err {
            ChangeError::Invalid(e) => {
                Self::refused(StatusCode::CONFLICT, "invalid_transition", e.to_string())
            }
            ChangeError::Store(e) => e.into(),
        }
    }
}

impl From<ClaimError> for ApiError {
    fn from(err: ClaimError) -> Self {
        match err {
            ClaimError::Reused => Self::Unprocessable(err.to_string()),
            ClaimError::InFlight => Self::InFlight(err.to_string()),
            ClaimError::Store(e) => e.into(),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => Self::Unprocessable(e.body_text()),
            other => Self::BadRequest(other.body_text()),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}

impl ApiError {
    /// A refusal with a stable `code` for programs and a sentence for people.
    pub fn refused(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self::Refused {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// 422 with every field to fix, as each form's refusal answers.
    pub fn invalid(message: impl Into<String>, fields: Vec<FieldError>) -> Self {
        Self::Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid",
            message: message.into(),
            fields,
        }
    }

    /// Seconds a client should wait before trying again, if the refusal is a "not now".
    fn retry_after(&self, status: StatusCode) -> Option<u64> {
        match self {
            Self::TooManyAttempts { retry_after } => Some(*retry_after),
            // 503: the island and well-behaved clients retry these shortly with the same key.
            _ if status == StatusCode::SERVICE_UNAVAILABLE => Some(1),
            _ => None,
        }
    }

    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            Self::Unprocessable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Self::Unauthorized | Self::NoApiKey => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::Refused { status, code, .. } => (*status, code),
            Self::Busy => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            Self::InFlight(_) => (StatusCode::SERVICE_UNAVAILABLE, "in_flight"),
            Self::TooManyAttempts { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.parts();
        let wait = self.retry_after(status);
        let message = match &self {
            Self::Internal(err) => {
                tracing::error!(error = ?err, "request failed");
                "Something went wrong on our side; please try again.".to_owned()
            }
            other => other.to_string(),
        };
        let mut response = match self {
            Self::Refused { fields, .. } if !fields.is_empty() => {
                let body = CheckoutRefusal {
                    error: code.to_owned(),
                    message,
                    fields,
                };
                (status, axum::Json(body)).into_response()
            }
            _ => (
                status,
                axum::Json(ErrorBody {
                    error: code.to_owned(),
                    message,
                }),
            )
                .into_response(),
        };
        if let Some(seconds) = wait {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}
