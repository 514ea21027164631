//! The SMS stand-in, dev and test tooling only: answers Twilio's Messages API
//! (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`) as Twilio does — basic auth with the
//! account's SID and token (401, code 20003, otherwise), form-encoded `To`/`From`/`Body` checked with
//! Twilio's error codes, 201 with the message's JSON — and appends each accepted message to a JSONL
//! file the tests read. `jobs sms-gateway` runs it (`cargo xtask dev` and the e2e stack do).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Twilio's longest body (after concatenation), in characters.
const MAX_BODY_CHARS: usize = 1600;

/// The one account the stand-in serves, and where it records messages.
#[derive(Debug, Clone)]
pub struct Gateway {
    pub account_sid: String,
    pub auth_token: String,
    pub record: PathBuf,
}

/// A message as the stand-in recorded it (one JSON object per line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    pub sid: String,
    pub to: String,
    pub from: String,
    pub body: String,
}

struct Shared {
    gateway: Gateway,
    file: Mutex<()>,
}

/// The stand-in's routes.
pub fn router(gateway: Gateway) -> Router {
    let shared = Arc::new(Shared {
        gateway,
        file: Mutex::new(()),
    });
    Router::new()
        .route(
            "/2010-04-01/Accounts/{sid}/Messages.json",
            post(create_message),
        )
        .with_state(shared)
}

/// Reads every message recorded in `path` (none when the file does not exist yet).
pub fn recorded(path: &std::path::Path) -> anyhow::Result<Vec<Recorded>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    text.lines().map(|l| Ok(serde_json::from_str(l)?)).collect()
}

/// Twilio's error body.
fn error(status: StatusCode, code: u32, message: &str) -> Response {
    let body = json!({
        "code": code,
        "message": message,
        "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
        "status": status.as_u16(),
    });
    (status, Json(body)).into_response()
}

fn authorised(gateway: &Gateway, sid: &str, headers: &HeaderMap) -> bool {
    let Some(basic) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(basic.trim()) else {
        return false;
    };
    // A stand-in on localhost: a plain comparison is enough here (no timing attacker to defend from).
    let expected = format!("{}:{}", gateway.account_sid, gateway.auth_token);
    sid == gateway.account_sid && decoded == expected.as_bytes()
}

async fn create_message(
    State(shared): State<Arc<Shared>>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Response {
    let gateway = &shared.gateway;
    if !authorised(gateway, &sid, &headers) {
        return error(StatusCode::UNAUTHORIZED, 20003, "Authenticate");
    }
    let Ok(Form(form)) = form else {
        return error(StatusCode::BAD_REQUEST, 21602, "Message body is required.");
    };
    let field = |name: &str| form.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let Some(to) = field("To") else {
        return error(
            StatusCode::BAD_REQUEST,
            21604,
            "A 'To' phone number is required.",
        );
    };
    let Some(from) = field("From") else {
        return error(
            StatusCode::BAD_REQUEST,
            21603,
            "A 'From' phone number is required.",
        );
    };
    let Some(body) = form.get("Body").filter(|b| !b.trim().is_empty()) else {
        return error(StatusCode::BAD_REQUEST, 21602, "Message body is required.");
    };
    if meridian_domain::sms::normalise_phone(to).as_deref() != Some(to) {
        return error(
            StatusCode::BAD_REQUEST,
            21211,
            &format!("Invalid 'To' Phone Number: {to}"),
        );
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return error(
            StatusCode::BAD_REQUEST,
            21617,
            "The concatenated message body exceeds the 1600 character limit.",
        );
    }
    let message_sid = format!("SM{}", uuid::Uuid::new_v4().simple());
    let recorded = Recorded {
        sid: message_sid.clone(),
        to: to.into(),
        from: from.into(),
        body: body.clone(),
    };
    if let Err(e) = append(&shared, &recorded) {
        tracing::error!(error = %e, "SMS stand-in could not record a message");
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            20500,
            "Internal Server Error",
        );
    }
    let answer = json!({
        "sid": message_sid,
        "account_sid": gateway.account_sid,
        "to": to,
        "from": from,
        "body": body,
        "status": "queued",
        "direction": "outbound-api",
        "num_segments": "1",
        "api_version": "2010-04-01",
        "price": null,
        "error_code": null,
        "error_message": null,
        "uri": format!("/2010-04-01/Accounts/{}/Messages/{message_sid}.json", gateway.account_sid),
    });
    (StatusCode::CREATED, Json(answer)).into_response()
}

fn append(shared: &Shared, message: &Recorded) -> anyhow::Result<()> {
    let _one_writer = shared.file.lock().unwrap_or_else(|e| e.into_inner());
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&shared.gateway.record)?;
    writeln!(file, "{}", serde_json::to_string(message)?)?;
    Ok(())
}

/// Serves the stand-in on `listen` until the process is stopped.
pub async fn serve(listen: std::net::SocketAddr, gateway: Gateway) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, record = %gateway.record.display(), "SMS stand-in listening");
    axum::serve(listener, router(gateway))
        .with_graceful_shutdown(meridian_runtime::shutdown_signal())
        .await?;
    Ok(())
}
