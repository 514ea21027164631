//! Signing in, signing up and signing out. A successful sign-in or sign-up sets the session cookies and
//! points the cart cookie at the account's cart (the origin merged this device's guest cart into it);
//! signing out ends the session at the origin and forgets the session and the cart on this device.

use super::{account_page, parse, refusal_fields, see, signed_form, unexpected, MAX_FORM};
use crate::context::Edge;
use crate::error::EdgeResult;
use crate::gateway::read_form;
use crate::origin::{Call, OriginReply};
use crate::policy::cookie::{set_cart_cookie, set_cookie};
use crate::session::Session;
use meridian_app::{Page, SignInForm, SignUpForm};
use meridian_domain::account::{Credentials, SessionGrant};
use meridian_domain::api::origin as origin_paths;
use meridian_domain::routes::{self, account as paths};
use meridian_domain::FieldError;
use worker::Method;

const WRONG: &str = "The email or password is not right.";
const TAKEN: &str = "An account already uses this email. Sign in, or reset its password.";

pub(super) fn sign_in_page(edge: &Edge) -> EdgeResult {
    account_page(edge, Page::SignIn(Box::default()), 200)
}

pub(super) fn sign_up_page(edge: &Edge) -> EdgeResult {
    account_page(edge, Page::SignUp(Box::default()), 200)
}

/// `POST /account/sign-in` (`email`, `password`).
pub(super) async fn sign_in(edge: &mut Edge) -> EdgeResult {
    let (email, reply) = match send_credentials(edge, "sign in", origin_paths::SESSIONS).await? {
        Ok(sent) => sent,
        Err(refused) => return Ok(refused),
    };
    match reply.status {
        200 => signed_in(edge, &reply, paths::ACCOUNT),
        // An unknown email, a wrong password, or an empty field: one answer for all.
        400 | 401 | 422 => {
            let form = SignInForm {
                email,
                message: Some(WRONG.to_owned()),
            };
            account_page(edge, Page::SignIn(Box::new(form)), 401)
        }
        429 => edge.too_many(),
        status => Err(unexpected(status, "a sign-in")),
    }
}

/// `POST /account/sign-up` (`email`, `password`).
pub(super) async fn sign_up(edge: &mut Edge) -> EdgeResult {
    let (email, reply) = match send_credentials(edge, "sign up", origin_paths::ACCOUNTS).await? {
        Ok(sent) => sent,
        Err(refused) => return Ok(refused),
    };
    let errors = match reply.status {
        201 => return signed_in(edge, &reply, &format!("{}?done=welcome", paths::ACCOUNT)),
        409 => vec![FieldError::new("email", TAKEN)],
        400 | 422 => refusal_fields(&reply)?,
        429 => return edge.too_many(),
        status => return Err(unexpected(status, "a sign-up")),
    };
    let form = SignUpForm { email, errors };
    account_page(edge, Page::SignUp(Box::new(form)), 422)
}

/// Reads a sign-in or sign-up form, counts the attempt against the email's limit, and posts it to the
/// origin's `path` with this device's cart (to merge): the email as typed and the origin's answer. `Err`
/// is the refusal to answer with.
async fn send_credentials(
    edge: &mut Edge,
    what: &'static str,
    path: &str,
) -> EdgeResult<Result<(String, OriginReply), worker::Response>> {
    let fields = match read_form(edge, MAX_FORM).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(Err(refused)),
    };
    if let Some(refused) = edge.throttle_email(&fields.text("email")).await? {
        return Ok(Err(refused));
    }
    let credentials = Credentials {
        email: fields.text("email"),
        password: fields.text("password"),
        cart: edge
            .cart_id()?
            .and_then(|id| uuid::Uuid::parse_str(&id).ok()),
    };
    let body = serde_json::to_string(&credentials)?;
    let reply = edge
        .call_origin(Call::send(what, Method::Post, path, &body))
        .await?;
    Ok(Ok((credentials.email, reply)))
}

/// The session the origin granted: its cookies, the account's cart, and on to `next`.
fn signed_in(edge: &Edge, reply: &OriginReply, next: &str) -> EdgeResult {
    let grant: SessionGrant = parse(reply, "session")?;
    edge.start_session(&grant);
    if let Some(cart) = grant.cart {
        edge.set_cookie(set_cart_cookie(edge.cart_cookie_name()?, &cart.to_string()));
    }
    see(next)
}

/// `POST /account/sign-out`: ends the session at the origin, then forgets it (and the account's cart)
/// on this device whatever the origin said, so a shared computer is left signed out.
pub(super) async fn sign_out(edge: &mut Edge, session: &Session) -> EdgeResult {
    if let Err(refused) = signed_form(edge, session).await? {
        return Ok(refused);
    }
    let call = Call::delete("sign out", origin_paths::SESSION_CURRENT).signed(&session.token);
    let reply = edge.call_origin(call).await?;
    if !matches!(reply.status, 204 | 401) {
        worker::console_warn!(
            "request {}: origin answered {} to a sign-out; signed out here anyway",
            edge.request_id,
            reply.status
        );
    }
    forget(edge)?;
    see(routes::HOME)
}

/// Deletes the session and cart cookies (the cart is the account's now).
pub(super) fn forget(edge: &Edge) -> EdgeResult<()> {
    edge.end_session();
    edge.set_cookie(set_cookie(edge.cart_cookie_name()?, "", 0));
    edge.saw_cart(0);
    Ok(())
}
