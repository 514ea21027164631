//! Single-use links sent by email (password reset, email verification): a fresh random secret goes in
//! the link, only its SHA-256 is stored, and the email that carries the link is queued in the outbox by
//! the caller, in the transaction that records the link. The jobs send the email; nobody else sees it.

use crate::state::AppState;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::time::Duration;
use uuid::Uuid;

/// A link ready to store and send.
#[derive(Debug)]
pub(super) struct EmailLink {
    /// What the store keeps: the SHA-256 of the link's secret.
    pub(super) hash: Vec<u8>,
    /// The outbox payload of the email: `{account, to, link, expires_in_minutes}`.
    pub(super) email: serde_json::Value,
}

impl EmailLink {
    /// A new link to the shop's `page` for the account `(id, email)`, working for `lifetime`.
    pub(super) fn new(
        state: &AppState,
        page: &str,
        account: (Uuid, &str),
        lifetime: Duration,
    ) -> Self {
        let secret = new_secret();
        let link = format!("{}{page}?token={secret}", state.selling.store_url);
        let (id, to) = account;
        let minutes = lifetime.as_secs() / 60;
        Self {
            hash: digest(&secret),
            email: json!({ "account": id, "to": to, "link": link, "expires_in_minutes": minutes }),
        }
    }
}

/// 256 random bits as 64 hex characters: a link's or a refresh token's secret.
pub(super) fn new_secret() -> String {
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

/// What is stored of a secret, and what a presented secret is looked up by.
pub(super) fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}
