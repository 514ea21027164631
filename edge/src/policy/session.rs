//! Session tokens as the edge reads them: PASETO v4.public, taken apart here into the exact bytes the
//! origin signed (PASETO's pre-authentication encoding) and the claims, so the runtime only has to ask
//! WebCrypto whether the Ed25519 signature holds. A token is trusted only after that check, and only
//! until its `exp`.
//!
//! Also the session cookies (the token, and the refresh secret that gets the next one) and the CSRF token
//! every signed-in form carries.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use meridian_domain::account::SESSION_ASSERTION;
use serde::Deserialize;
use sha2::{Digest, Sha256};

const HEADER: &str = "v4.public.";
const SIGNATURE_LEN: usize = 64;
/// Longer cookie values are not ours (ours are ~300 bytes); nothing longer is decoded.
const MAX_TOKEN_LEN: usize = 2048;

/// A token split into what was signed and the signature over it.
#[derive(Debug)]
pub(crate) struct SignedParts {
    /// PAE(header, message, footer, implicit assertion): the bytes the signature covers.
    pub(crate) signed: Vec<u8>,
    pub(crate) signature: Vec<u8>,
    /// The message: the claims as JSON.
    pub(crate) message: Vec<u8>,
}

/// The claims the edge needs from a verified token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claims {
    pub(crate) account: String,
    pub(crate) session: String,
    /// Unix seconds after which the token is refused.
    pub(crate) expires: i64,
}

/// The token's shape, before any trust: `None` for anything that is not a v4.public token of ours.
pub(crate) fn split(token: &str) -> Option<SignedParts> {
    if token.len() > MAX_TOKEN_LEN {
        return None;
    }
    let rest = token.strip_prefix(HEADER)?;
    let (body, footer) = match rest.split_once('.') {
        Some((body, footer)) => (body, URL_SAFE_NO_PAD.decode(footer).ok()?),
        None => (rest, Vec::new()),
    };
    let raw = URL_SAFE_NO_PAD.decode(body).ok()?;
    let cut = raw.len().checked_sub(SIGNATURE_LEN)?;
    let (message, signature) = raw.split_at(cut);
    let signed = pae(&[HEADER.as_bytes(), message, &footer, SESSION_ASSERTION]);
    Some(SignedParts {
        signed,
        signature: signature.to_vec(),
        message: message.to_vec(),
    })
}

/// PASETO's pre-authentication encoding: the count, then each piece with its length, as little-endian
/// 64-bit numbers (top bit clear), so no two different lists encode alike.
fn pae(pieces: &[&[u8]]) -> Vec<u8> {
    let le64 = |n: usize| ((n as u64) & (u64::MAX >> 1)).to_le_bytes();
    let mut out = le64(pieces.len()).to_vec();
    for piece in pieces {
        out.extend_from_slice(&le64(piece.len()));
        out.extend_from_slice(piece);
    }
    out
}

#[derive(Deserialize)]
struct RawClaims {
    sub: String,
    sid: String,
    exp: String,
}

/// Why verified claims are not a session.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ClaimsError {
    /// Not the claims the origin writes: treat like a forged token.
    Unreadable,
    /// Past its `exp`: a refresh may get the next one.
    Expired,
}

/// The claims of a token whose signature held, judged at `now` (unix seconds).
pub(crate) fn claims(message: &[u8], now: i64) -> Result<Claims, ClaimsError> {
    let raw: RawClaims = serde_json::from_slice(message).map_err(|_| ClaimsError::Unreadable)?;
    let expires = rfc3339_utc(&raw.exp).ok_or(ClaimsError::Unreadable)?;
    let ids_ok = [&raw.sub, &raw.sid]
        .iter()
        .all(|id| uuid::Uuid::parse_str(id).is_ok());
    if !ids_ok {
        return Err(ClaimsError::Unreadable);
    }
    if now >= expires {
        return Err(ClaimsError::Expired);
    }
    Ok(Claims {
        account: raw.sub,
        session: raw.sid,
        expires,
    })
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the one form the origin writes, as unix seconds.
fn rfc3339_utc(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let num = |from: usize, to: usize| s.get(from..to)?.parse::<i64>().ok();
    let (y, m, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hh, mm, ss) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The CSRF token of a session's forms: derived from the session id, which only the shopper's own
/// (HttpOnly) cookie carries, so another site can neither read nor guess it, and it needs no storage.
pub(crate) fn csrf_token(session: &str) -> String {
    let digest = Sha256::digest(format!("meridian csrf v1:{session}"));
    URL_SAFE_NO_PAD.encode(&digest[..24])
}

/// Whether a form's `csrf` field is this session's, compared without an early exit.
pub(crate) fn csrf_matches(sent: Option<&str>, session: &str) -> bool {
    let want = csrf_token(session);
    let sent = sent.unwrap_or_default();
    sent.len() == want.len()
        && sent
            .bytes()
            .zip(want.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests;
