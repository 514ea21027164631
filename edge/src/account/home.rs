//! The account page and the forms that change the account itself: the password (which ends every other
//! session and grants this device a new one) and deleting the account (orders are kept without it).

use super::sign::forget;
use super::{account_page, call_signed, parse, refusal_fields, see, signed_form, unexpected};
use crate::context::Edge;
use crate::error::EdgeResult;
use crate::origin::{json_fields, Call};
use crate::session::Session;
use meridian_app::{AccountHome, Page};
use meridian_domain::account::{AccountView, PasswordChange, SessionGrant};
use meridian_domain::api::origin as origin_paths;
use meridian_domain::routes::account as paths;
use meridian_domain::FieldError;
use worker::Method;

/// Query parameter naming what just changed, for the account page's notice (fixed text only).
const NOTICE_PARAM: &str = "done";

/// `GET /account`
pub(super) async fn overview(edge: &Edge, session: &Session) -> EdgeResult {
    let notice = edge
        .url()?
        .query_pairs()
        .find(|(k, _)| k == NOTICE_PARAM)
        .and_then(|(_, v)| notice_text(&v));
    show(edge, session, notice, Vec::new(), 200).await
}

fn notice_text(key: &str) -> Option<String> {
    let text = match key {
        "welcome" => "Welcome! Your account is ready.",
        "password" => "Your password was changed. Other devices were signed out.",
        "verified" => "Thank you: your email address is confirmed.",
        _ => return None,
    };
    Some(text.to_owned())
}

/// The account page with `notice` or the password forms' `errors`.
async fn show(
    edge: &Edge,
    session: &Session,
    notice: Option<String>,
    errors: Vec<FieldError>,
    status: u16,
) -> EdgeResult {
    let Some(account) = account_view(edge, session).await? else {
        return Err(crate::error::EdgeError::SignedOut);
    };
    let home = AccountHome {
        account,
        csrf: session.csrf(),
        notice,
        errors,
    };
    account_page(edge, Page::Account(Box::new(home)), status)
}

/// The signed-in account; `None` when it no longer exists.
pub(crate) async fn account_view(
    edge: &Edge,
    session: &Session,
) -> EdgeResult<Option<AccountView>> {
    let call = Call::read("read account", origin_paths::ACCOUNT);
    let reply = call_signed(edge, session, call).await?;
    match reply.status {
        200 => Ok(Some(parse(&reply, "account")?)),
        404 => Ok(None),
        status => Err(unexpected(status, "an account read")),
    }
}

/// `POST /account/password` (`current`, `new`).
pub(super) async fn change_password(edge: &mut Edge, session: &Session) -> EdgeResult {
    let fields = match signed_form(edge, session).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    let change = PasswordChange {
        current: fields.text("current"),
        new: fields.text("new"),
    };
    let body = serde_json::to_string(&change)?;
    let call = Call::send(
        "change password",
        Method::Put,
        origin_paths::ACCOUNT_PASSWORD,
        &body,
    );
    let reply = call_signed(edge, session, call).await?;
    match reply.status {
        200 => {
            let grant: SessionGrant = parse(&reply, "session")?;
            edge.start_session(&grant);
            see(&format!("{}?{NOTICE_PARAM}=password", paths::ACCOUNT))
        }
        400 | 422 => show(edge, session, None, refusal_fields(&reply)?, 422).await,
        429 => edge.too_many(),
        status => Err(unexpected(status, "a password change")),
    }
}

/// `POST /account/delete` (`password`).
pub(super) async fn delete(edge: &mut Edge, session: &Session) -> EdgeResult {
    let fields = match signed_form(edge, session).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    let body = json_fields(&[("password", &fields.text("password"))]);
    let call = Call::send(
        "delete account",
        Method::Delete,
        origin_paths::ACCOUNT,
        &body,
    );
    let reply = call_signed(edge, session, call).await?;
    match reply.status {
        204 => {
            forget(edge)?;
            let page = Page::Problem {
                title: "Account deleted".into(),
                message:
                    "Your account and its personal data are gone. Thank you for shopping with us."
                        .into(),
            };
            account_page(edge, page, 200)
        }
        400 | 422 => show(edge, session, None, refusal_fields(&reply)?, 422).await,
        429 => edge.too_many(),
        status => Err(unexpected(status, "an account deletion")),
    }
}
