//! Validating the worker's configuration (wrangler `[vars]` and secrets). A bad value is never silently
//! replaced: each problem becomes a line the worker logs as an error, and the feature it concerns is off.

use super::cookie::is_loopback;
use meridian_domain::api::MIN_SECRET_LEN;

/// Page lifetime in the edge cache when `PAGE_TTL_SECONDS` is unset (or invalid, which is logged).
pub(crate) const DEFAULT_PAGE_TTL: u32 = 300;

/// The configuration as wrangler hands it over: every value optional and unchecked.
#[derive(Debug, Default, Clone)]
pub(crate) struct RawSettings {
    pub(crate) origin_url: Option<String>,
    pub(crate) origin_secret: Option<String>,
    pub(crate) publish_token: Option<String>,
    pub(crate) page_ttl: Option<String>,
    pub(crate) payment_origin: Option<String>,
    pub(crate) session_public_key: Option<String>,
}

/// Where the origin is and the credential it requires from us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OriginLink {
    /// Base URL without a trailing slash.
    pub(crate) url: String,
    pub(crate) secret: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// The origin, or why cart calls are off (they answer 503).
    pub(crate) origin: Result<OriginLink, String>,
    /// `None`: publishing is off (unset, or refused as too short: see `problems`).
    pub(crate) publish_token: Option<String>,
    pub(crate) page_ttl: u32,
    /// `scheme://host[:port]` of the payment provider's hosted pages: the only place the edge sends a
    /// buyer to pay (see `policy::payment`). `None`: only a local provider works (under `wrangler dev`).
    pub(crate) payment_origin: Option<String>,
    /// The origin's session-signing public key (32 bytes); `None`: nobody can sign in at this edge.
    pub(crate) session_key: Option<[u8; 32]>,
    /// Misconfiguration to log as errors.
    pub(crate) problems: Vec<String>,
}

impl Settings {
    pub(crate) fn validate(raw: RawSettings) -> Self {
        let mut problems = Vec::new();
        let origin = origin_link(raw.origin_url.as_deref(), raw.origin_secret.as_deref());
        if let Err(problem) = &origin {
            problems.push(problem.clone());
        }
        let publish_token = raw.publish_token.filter(|t| !t.is_empty()).and_then(|t| {
            if t.len() >= MIN_SECRET_LEN {
                return Some(t);
            }
            problems.push(format!(
                "PUBLISH_TOKEN is shorter than {MIN_SECRET_LEN} bytes: publishing is disabled"
            ));
            None
        });
        let page_ttl = match raw.page_ttl.as_deref().map(|v| v.trim().parse::<u32>()) {
            None => DEFAULT_PAGE_TTL,
            Some(Ok(ttl)) if ttl > 0 => ttl,
            Some(_) => {
                problems.push(format!(
                    "PAGE_TTL_SECONDS must be a positive whole number; using {DEFAULT_PAGE_TTL}"
                ));
                DEFAULT_PAGE_TTL
            }
        };
        let payment_origin = match payment_origin(raw.payment_origin.as_deref()) {
            Ok(origin) => Some(origin),
            Err(problem) => {
                problems.push(problem);
                None
            }
        };
        let session_key = match session_key(raw.session_public_key.as_deref()) {
            Ok(key) => Some(key),
            Err(problem) => {
                problems.push(problem);
                None
            }
        };
        Self {
            origin,
            publish_token,
            page_ttl,
            payment_origin,
            session_key,
            problems,
        }
    }
}

/// `PAYMENT_ORIGIN`, lower-cased, without a trailing slash: https (http only on loopback), no path.
fn payment_origin(value: Option<&str>) -> Result<String, String> {
    let value = value
        .map(|v| v.trim().trim_end_matches('/').to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .ok_or("PAYMENT_ORIGIN is not set: buyers can be sent to a local payment page only")?;
    let refused = || {
        format!("PAYMENT_ORIGIN must be https://host[:port] (plain http only to loopback), got {value:?}: buyers can be sent to a local payment page only")
    };
    let (scheme, rest) = value.split_once("://").ok_or_else(refused)?;
    let local_http = scheme == "http" && is_loopback(host_of(rest));
    let bare = !rest.is_empty() && !rest.contains(['/', '?', '#', '@']);
    if !(bare && (scheme == "https" || local_http)) {
        return Err(refused());
    }
    Ok(value)
}

/// `SESSION_PUBLIC_KEY`: the 64 hex characters `origin session-key` prints.
fn session_key(value: Option<&str>) -> Result<[u8; 32], String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty()).ok_or(
        "SESSION_PUBLIC_KEY is not set: account pages answer 503 (nobody can sign in here)",
    )?;
    let refused = || {
        "SESSION_PUBLIC_KEY must be 64 hex characters (`origin session-key` prints it): account pages answer 503".to_owned()
    };
    if value.len() != 64 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(refused());
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&value[2 * i..2 * i + 2], 16).map_err(|_| refused())?;
    }
    Ok(key)
}

fn origin_link(url: Option<&str>, secret: Option<&str>) -> Result<OriginLink, String> {
    let url = url
        .map(|u| u.trim().trim_end_matches('/'))
        .filter(|u| !u.is_empty());
    let url = url.ok_or("ORIGIN_URL is not set: cart calls are disabled")?;
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("ORIGIN_URL {url:?} is not a URL: cart calls are disabled"))?;
    let local_http = scheme == "http" && is_loopback(host_of(rest));
    if !(scheme.eq_ignore_ascii_case("https") || local_http) {
        return Err(format!(
            "ORIGIN_URL must use https (plain http only to a loopback host), got {url:?}: cart calls are disabled"
        ));
    }
    let secret = secret.filter(|s| !s.is_empty()).ok_or(
        "ORIGIN_SECRET is not set: cart calls are disabled (the origin refuses calls without it)",
    )?;
    if secret.len() < MIN_SECRET_LEN {
        return Err(format!(
            "ORIGIN_SECRET is shorter than {MIN_SECRET_LEN} bytes: cart calls are disabled"
        ));
    }
    Ok(OriginLink {
        url: url.to_owned(),
        secret: secret.to_owned(),
    })
}

/// The host of `authority/path…` (after the scheme), without user info or port.
fn host_of(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.starts_with('[') {
        return host_port.split_inclusive(']').next().unwrap_or_default();
    }
    host_port.split(':').next().unwrap_or_default()
}

#[cfg(test)]
mod tests;
