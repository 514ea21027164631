//! The emailed links: "forgot your password?" (ask for a link, then choose a new password with it) and
//! confirming the email address. Both links open a page whose form does the change, so a mail scanner
//! that fetches a link changes nothing. Asking for a reset link answers the same whether or not the
//! address has an account.

use super::{account_page, refusal_fields, see, MAX_FORM};
use crate::context::Edge;
use crate::error::EdgeResult;
use crate::gateway::read_form;
use crate::origin::{json_fields, Call};
use meridian_app::{Page, ResetPage};
use meridian_domain::api::origin as origin_paths;
use meridian_domain::routes::account::{self as paths, TOKEN_PARAM};
use meridian_domain::FieldError;
use worker::Method;

const SPENT: &str =
    "This link is no longer valid: it was used already or has expired. Please ask for a new one.";

/// A link token as the origin mints them: visible ASCII, at most 200 characters.
fn link_token(raw: Option<&str>) -> Option<String> {
    raw.filter(|t| !t.is_empty() && t.len() <= 200 && t.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
}

fn token_in_query(edge: &Edge) -> EdgeResult<Option<String>> {
    let url = edge.url()?;
    let token = url
        .query_pairs()
        .find(|(k, _)| k == TOKEN_PARAM)
        .map(|(_, v)| v.into_owned());
    Ok(link_token(token.as_deref()))
}

/// `GET /account/reset[?token=…]`: the ask form, or the new-password form the emailed link opens.
pub(super) fn page(edge: &Edge) -> EdgeResult {
    let page = match token_in_query(edge)? {
        Some(token) => ResetPage::Choose {
            token,
            errors: Vec::new(),
        },
        None => ResetPage::Ask { sent: false },
    };
    // `same-origin` (from `account_page`): the link's token in this page's address goes to no other site,
    // and the form still posts with a real `Origin` (under `no-referrer` browsers send `Origin: null`,
    // which the gateway's cross-site guard refuses).
    account_page(edge, Page::Reset(Box::new(page)), 200)
}

/// `POST /account/reset` (`email`): queues the link (the origin decides whether there is anyone to send
/// it to; the answer is the same).
pub(super) async fn ask(edge: &mut Edge) -> EdgeResult {
    let fields = match read_form(edge, MAX_FORM).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    if let Some(refused) = edge.throttle_email(&fields.text("email")).await? {
        return Ok(refused);
    }
    let body = json_fields(&[("email", &fields.text("email"))]);
    let call = Call::send(
        "ask password reset",
        Method::Post,
        origin_paths::PASSWORD_RESET,
        &body,
    );
    let reply = edge.call_origin(call).await?;
    match reply.status {
        202 | 400 | 422 => {
            let page = Page::Reset(Box::new(ResetPage::Ask { sent: true }));
            account_page(edge, page, 200)
        }
        429 => edge.too_many(),
        status => Err(super::unexpected(status, "a reset request")),
    }
}

/// `POST /account/reset/confirm` (`token`, `new`): sets the new password; every session ends.
pub(super) async fn confirm(edge: &mut Edge) -> EdgeResult {
    let fields = match read_form(edge, MAX_FORM).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    let Some(token) = link_token(fields.get("token")) else {
        return spent(edge);
    };
    let body = json_fields(&[("token", &token), ("new", &fields.text("new"))]);
    let call = Call::send(
        "confirm password reset",
        Method::Post,
        origin_paths::PASSWORD_RESET_CONFIRM,
        &body,
    );
    let reply = edge.call_origin(call).await?;
    match reply.status {
        204 => {
            edge.end_session();
            see(paths::SIGN_IN)
        }
        422 => {
            let errors: Vec<FieldError> = refusal_fields(&reply)?;
            let page = ResetPage::Choose { token, errors };
            account_page(edge, Page::Reset(Box::new(page)), 422)
        }
        400 | 404 | 410 => spent(edge),
        429 => edge.too_many(),
        status => Err(super::unexpected(status, "a reset confirmation")),
    }
}

fn spent(edge: &Edge) -> EdgeResult {
    edge.refuse(400, "link_spent", "Link no longer valid", SPENT)
}

/// `GET /account/verify?token=…`: a page whose button confirms the address.
pub(super) fn verify_page(edge: &Edge) -> EdgeResult {
    let Some(token) = token_in_query(edge)? else {
        return spent(edge);
    };
    // `same-origin`, as for the reset link's page.
    account_page(edge, Page::Verify(token), 200)
}

/// `POST /account/verify` (`token`).
pub(super) async fn verify(edge: &mut Edge) -> EdgeResult {
    let fields = match read_form(edge, MAX_FORM).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    let Some(token) = link_token(fields.get("token")) else {
        return spent(edge);
    };
    let body = json_fields(&[("token", &token)]);
    let call = Call::send(
        "confirm email",
        Method::Post,
        origin_paths::EMAIL_VERIFICATION_CONFIRM,
        &body,
    );
    let reply = edge.call_origin(call).await?;
    match reply.status {
        204 => see(&format!("{}?done=verified", paths::ACCOUNT)),
        400 | 404 | 410 | 422 => spent(edge),
        status => Err(super::unexpected(status, "an email confirmation")),
    }
}
