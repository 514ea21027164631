//! Session tokens: PASETO v4.public (Ed25519), signed here with the secret key from
//! `SESSION_SIGNING_KEY`, verified by the edge with the public key alone, so account pages need no origin
//! call to know who is signed in. A token names the account (`sub`) and the session (`sid`) and lives
//! [`TOKEN_LIFETIME`]; the refresh secret gets the next one. The implicit assertion binds tokens to this
//! use: a token minted for something else with the same key does not verify as a session.

use meridian_domain::account::SessionClaims;
use pasetors::claims::{Claims, ClaimsValidationRules};
use pasetors::keys::{AsymmetricPublicKey, AsymmetricSecretKey};
use pasetors::token::UntrustedToken;
use pasetors::{public, version4::V4, Public};
use std::time::Duration;
use uuid::Uuid;

/// How long a session token is accepted: short, because the edge cannot see a revocation.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// The implicit assertion every session token is signed with (not sent; both sides know it).
pub use meridian_domain::account::SESSION_ASSERTION;

/// The signing key pair, from a 32-byte Ed25519 seed.
pub struct SessionKeys {
    secret: AsymmetricSecretKey<V4>,
    public: AsymmetricPublicKey<V4>,
    public_hex: String,
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionKeys")
            .field("public", &self.public_hex)
            .finish_non_exhaustive()
    }
}

impl SessionKeys {
    /// Keys from the seed as 64 hex characters (`SESSION_SIGNING_KEY`).
    pub fn from_seed_hex(seed: &str) -> anyhow::Result<Self> {
        let seed: [u8; 32] = hex::decode(seed.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "SESSION_SIGNING_KEY must be 64 hex characters (a 32-byte Ed25519 seed)"
                )
            })?;
        let pair = ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new(seed));
        Ok(Self {
            secret: AsymmetricSecretKey::<V4>::from(pair.sk.as_ref())
                .map_err(|e| anyhow::anyhow!("session key: {e}"))?,
            public: AsymmetricPublicKey::<V4>::from(pair.pk.as_ref())
                .map_err(|e| anyhow::anyhow!("session key: {e}"))?,
            public_hex: hex::encode(pair.pk.as_ref()),
        })
    }

    /// A fresh seed, as 64 hex characters (`origin session-key`).
    pub fn new_seed_hex() -> String {
        hex::encode(ed25519_compact::Seed::generate().as_ref())
    }

    /// The public key as 64 hex characters: the edge's `SESSION_PUBLIC_KEY`.
    pub fn public_hex(&self) -> &str {
        &self.public_hex
    }

    /// A token for `claims`, expiring after `lifetime`; with its expiry in unix seconds.
    pub fn sign(
        &self,
        claims: &SessionClaims,
        lifetime: Duration,
    ) -> anyhow::Result<(String, i64)> {
        let now = chrono::Utc::now();
        let expires = now + chrono::Duration::from_std(lifetime)?;
        let mut c = Claims::new_expires_in(&lifetime).map_err(|e| anyhow::anyhow!("{e}"))?;
        c.expiration(&expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        c.subject(&claims.account.to_string())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        c.add_additional("sid", claims.session.to_string())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let token = public::sign(&self.secret, &c, None, Some(SESSION_ASSERTION))
            .map_err(|e| anyhow::anyhow!("signing a session token: {e}"))?;
        Ok((token, expires.timestamp()))
    }

    /// The claims of a token this key signed and that has not expired; `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<SessionClaims> {
        let untrusted = UntrustedToken::<Public, V4>::try_from(token).ok()?;
        let rules = ClaimsValidationRules::new();
        let trusted = public::verify(
            &self.public,
            &untrusted,
            &rules,
            None,
            Some(SESSION_ASSERTION),
        )
        .ok()?;
        let claims = trusted.payload_claims()?;
        let account = claims.get_claim("sub")?.as_str()?.parse::<Uuid>().ok()?;
        let session = claims.get_claim("sid")?.as_str()?.parse::<Uuid>().ok()?;
        Some(SessionClaims { account, session })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> SessionClaims {
        SessionClaims {
            account: Uuid::new_v4(),
            session: Uuid::new_v4(),
        }
    }

    #[test]
    fn a_token_verifies_with_its_key_only() {
        let keys = SessionKeys::from_seed_hex(&SessionKeys::new_seed_hex()).unwrap();
        let other = SessionKeys::from_seed_hex(&SessionKeys::new_seed_hex()).unwrap();
        let c = claims();
        let (token, expires) = keys.sign(&c, TOKEN_LIFETIME).unwrap();
        assert!(token.starts_with("v4.public."));
        assert!(expires > chrono::Utc::now().timestamp());
        assert_eq!(keys.verify(&token), Some(c));
        assert_eq!(other.verify(&token), None, "another key's token");
        let mut forged = token.clone().into_bytes();
        let at = forged.len() - 10;
        forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
        assert_eq!(keys.verify(&String::from_utf8(forged).unwrap()), None);
        assert_eq!(keys.verify("v4.public.garbage"), None);
        assert_eq!(keys.verify(""), None);
    }

    #[test]
    fn an_expired_token_is_refused() {
        let keys = SessionKeys::from_seed_hex(&SessionKeys::new_seed_hex()).unwrap();
        let (token, _) = keys.sign(&claims(), Duration::from_secs(1)).unwrap();
        std::thread::sleep(Duration::from_millis(2100));
        assert_eq!(keys.verify(&token), None);
    }

    #[test]
    fn the_seed_must_be_32_bytes_of_hex() {
        assert!(SessionKeys::from_seed_hex("abcd").is_err());
        assert!(SessionKeys::from_seed_hex(&"zz".repeat(32)).is_err());
        let seed = "11".repeat(32);
        let a = SessionKeys::from_seed_hex(&seed).unwrap();
        let b = SessionKeys::from_seed_hex(&seed).unwrap();
        assert_eq!(
            a.public_hex(),
            b.public_hex(),
            "the same seed, the same key"
        );
        assert_eq!(a.public_hex().len(), 64);
    }
}
