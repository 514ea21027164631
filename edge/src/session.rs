//! Who is signed in. The session cookie's token is verified here with the origin's public key (WebCrypto
//! Ed25519 in `crypto`, so the worker carries no curve code), so a missing, forged or expired session is turned away
//! without an origin call. An expired token with a refresh secret is renewed through the origin once; the
//! new cookies leave with the response. The parsing rules are in `policy::session`.

use crate::context::Edge;
use crate::error::{EdgeError, EdgeResult, ACCOUNTS_OFF};
use crate::origin::{json_fields, Call};
use crate::policy::cookie::{cookie_value, session_cookie_names, set_cookie};
use crate::policy::session::{self, Claims, ClaimsError};
use meridian_domain::account::SessionGrant;
use meridian_domain::api::origin as paths;
use worker::Method;

/// A signed-in shopper, as their verified token names them.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    /// The token itself, forwarded to the origin on account calls.
    pub(crate) token: String,
    pub(crate) claims: Claims,
}

impl Session {
    /// The CSRF token this session's forms carry.
    pub(crate) fn csrf(&self) -> String {
        session::csrf_token(&self.claims.session)
    }
}

/// What the token cookie turned out to be.
enum Verdict {
    Valid(Claims),
    Expired,
    Forged,
}

impl Edge {
    /// The signed-in shopper, refreshing an expired token once; `None` when signed out. A forged token
    /// ends the session cookies and is never sent on.
    pub(crate) async fn session(&self) -> EdgeResult<Option<Session>> {
        let key = self.config.session_key.ok_or(EdgeError::Unavailable {
            reason: "SESSION_PUBLIC_KEY is not configured".into(),
            message: ACCOUNTS_OFF,
        })?;
        let cookies = self.header("cookie").unwrap_or_default();
        let (token_name, refresh_name) = session_cookie_names(self.is_local_http()?);
        let token = cookie_value(&cookies, token_name).filter(|t| !t.is_empty());
        if let Some(token) = token {
            match verify(&key, token).await? {
                Verdict::Valid(claims) => {
                    let token = token.to_owned();
                    return Ok(Some(Session { token, claims }));
                }
                Verdict::Forged => {
                    worker::console_warn!("request {}: a forged session token", self.request_id);
                    self.end_session();
                    return Ok(None);
                }
                Verdict::Expired => {}
            }
        }
        let refresh = cookie_value(&cookies, refresh_name).filter(|r| is_refresh_secret(r));
        match refresh {
            Some(refresh) => self.refresh(refresh).await,
            None => {
                if token.is_some() {
                    self.end_session();
                }
                Ok(None)
            }
        }
    }

    /// The signed-in shopper where accounts are on and a session cookie came with the request; `None`
    /// otherwise, without a word to the origin (for pages anyone may see, like checkout).
    pub(crate) async fn session_if_any(&self) -> EdgeResult<Option<Session>> {
        let cookies = self.header("cookie").unwrap_or_default();
        let (token_name, refresh_name) = session_cookie_names(self.is_local_http()?);
        let present = cookie_value(&cookies, token_name).is_some()
            || cookie_value(&cookies, refresh_name).is_some();
        if self.config.session_key.is_none() || !present {
            return Ok(None);
        }
        self.session().await
    }

    /// Renews the session from its refresh secret (one origin call).
    async fn refresh(&self, refresh: &str) -> EdgeResult<Option<Session>> {
        let body = json_fields(&[("refresh", refresh)]);
        let call = Call::send(
            "refresh session",
            Method::Post,
            paths::SESSION_REFRESH,
            &body,
        );
        let reply = self.call_origin(call).await?;
        match reply.status {
            200 => {
                let grant: SessionGrant = serde_json::from_str(&reply.body).map_err(|_| {
                    EdgeError::BadGateway("origin sent an unreadable session".into())
                })?;
                Ok(self.start_session(&grant))
            }
            401 => {
                self.end_session();
                Ok(None)
            }
            status => Err(EdgeError::BadGateway(format!(
                "origin answered {status} to a session refresh"
            ))),
        }
    }

    /// Sets the cookies of a session the origin just granted, and the session they hold.
    pub(crate) fn start_session(&self, grant: &SessionGrant) -> Option<Session> {
        let now = now_secs();
        let age = u32::try_from(grant.session_expires - now).unwrap_or(0);
        let (token_name, refresh_name) = session_cookie_names(self.is_local_http().ok()?);
        self.set_cookie(set_cookie(token_name, &grant.token, age));
        self.set_cookie(set_cookie(refresh_name, &grant.refresh, age));
        // The origin signed it a moment ago over our authenticated link: read, not re-verified.
        let parts = session::split(&grant.token)?;
        let claims = session::claims(&parts.message, now).ok()?;
        Some(Session {
            token: grant.token.clone(),
            claims,
        })
    }

    /// Deletes both session cookies with this response.
    pub(crate) fn end_session(&self) {
        let Ok(local) = self.is_local_http() else {
            return;
        };
        let (token_name, refresh_name) = session_cookie_names(local);
        self.set_cookie(set_cookie(token_name, "", 0));
        self.set_cookie(set_cookie(refresh_name, "", 0));
    }
}

/// The origin's refresh secrets: 64 lowercase hex characters.
fn is_refresh_secret(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The token judged: its shape, then its signature (WebCrypto), then its claims.
async fn verify(key: &[u8; 32], token: &str) -> EdgeResult<Verdict> {
    let Some(parts) = session::split(token) else {
        return Ok(Verdict::Forged);
    };
    if !crate::crypto::ed25519_holds(key, &parts.signed, &parts.signature).await? {
        return Ok(Verdict::Forged);
    }
    Ok(match session::claims(&parts.message, now_secs()) {
        Ok(claims) => Verdict::Valid(claims),
        Err(ClaimsError::Expired) => Verdict::Expired,
        Err(ClaimsError::Unreadable) => Verdict::Forged,
    })
}
