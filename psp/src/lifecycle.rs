//! A session's transitions (paid, declined, expired) and the events each emits. The hosted page, the
//! `/v1` API, the `/_psp` tools and the expiry ticker all go through here, so they cannot disagree.

use std::time::Duration;

use serde_json::Value;

use crate::cards::{self, Verdict};
use crate::session::{new_id, now, Session, Status};
use crate::state::SharedState;
use crate::webhooks::emit;

/// Why a payment did not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PayError {
    NotFound,
    NotOpen(Status),
    InvalidNumber,
    Declined {
        decline_code: &'static str,
        message: &'static str,
    },
}

impl PayError {
    pub(crate) fn message(&self) -> String {
        match self {
            PayError::NotFound => "No such checkout session.".into(),
            PayError::NotOpen(status) => format!("This checkout session is {}.", status.as_str()),
            PayError::InvalidNumber => cards::INVALID_NUMBER.into(),
            PayError::Declined { message, .. } => (*message).into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExpireError {
    NotFound,
    NotOpen(Status),
}

/// Pays session `id` with `card_number`; on success the session is complete and
/// `checkout.session.completed` is emitted, on a decline `payment_intent.payment_failed`.
pub(crate) fn pay(state: &SharedState, id: &str, card_number: &str) -> Result<Session, PayError> {
    let mut store = state.store();
    let session = store.sessions.get_mut(id).ok_or(PayError::NotFound)?;
    if let Some(expired) = expire_if_due(session) {
        drop(store);
        emit(state, "checkout.session.expired", expired);
        return Err(PayError::NotOpen(Status::Expired));
    }
    if session.status != Status::Open {
        return Err(PayError::NotOpen(session.status));
    }
    let (decline_code, message) = match cards::judge(card_number) {
        Verdict::InvalidNumber => return Err(PayError::InvalidNumber),
        Verdict::Decline {
            decline_code,
            message,
        } => (decline_code, message),
        Verdict::Approve => {
            let intent = session
                .payment_intent
                .get_or_insert_with(|| new_id("pi_"))
                .clone();
            session.status = Status::Complete;
            session.charge = Some(new_id("ch_"));
            let paid = session.clone();
            store.by_intent.insert(intent, paid.id.clone());
            drop(store);
            emit(state, "checkout.session.completed", paid.to_json());
            return Ok(paid);
        }
    };
    session.payment_intent.get_or_insert_with(|| new_id("pi_"));
    let intent = session.failed_intent_json(decline_code, message, now());
    drop(store);
    emit(state, "payment_intent.payment_failed", intent);
    Err(PayError::Declined {
        decline_code,
        message,
    })
}

/// Expires an open session now (Stripe's `/expire`, the `/_psp` tool).
pub(crate) fn expire(state: &SharedState, id: &str) -> Result<Session, ExpireError> {
    let mut store = state.store();
    let session = store.sessions.get_mut(id).ok_or(ExpireError::NotFound)?;
    if session.status != Status::Open {
        return Err(ExpireError::NotOpen(session.status));
    }
    session.status = Status::Expired;
    let expired = session.clone();
    drop(store);
    emit(state, "checkout.session.expired", expired.to_json());
    Ok(expired)
}

/// Marks every open session past `expires_at` expired, once a second, until the task is aborted.
pub(crate) async fn run_expiry_ticker(state: SharedState) {
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    loop {
        ticker.tick().await;
        expire_overdue(&state);
    }
}

fn expire_overdue(state: &SharedState) {
    let expired: Vec<Value> = state
        .store()
        .sessions
        .values_mut()
        .filter_map(expire_if_due)
        .collect();
    for session in expired {
        emit(state, "checkout.session.expired", session);
    }
}

/// Expires `session` if it is open and past its deadline, answering the expired session's JSON.
fn expire_if_due(session: &mut Session) -> Option<Value> {
    if session.status != Status::Open || session.expires_at > now() {
        return None;
    }
    session.status = Status::Expired;
    Some(session.to_json())
}
