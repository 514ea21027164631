//! The shopper's account at the edge: sign-in, sign-up and the reset are open to anyone (and limited, see
//! `throttle`); every other account page and form first needs a session the edge verified itself (see
//! `session`), so a missing, forged or expired one is sent to sign in without an origin call. Signed-in
//! forms must carry the session's CSRF token as well as pass the gateway's same-origin guard. Pages are the
//! shopper's own: never stored, never cached.

mod alerts;
mod history;
mod home;
mod reset;
mod saved;
mod sign;

pub(crate) use home::account_view;
pub(crate) use saved::saved_addresses;

use crate::context::Edge;
use crate::error::{EdgeError, EdgeResult};
use crate::gateway::read_form;
use crate::http::{html, redirect};
use crate::origin::{Call, OriginReply};
use crate::policy::form::Fields;
use crate::policy::session::csrf_matches;
use crate::session::Session;
use meridian_app::Page;
use meridian_domain::api::CSRF_FIELD;
use meridian_domain::routes::account::{self as paths, AccountRoute};
use meridian_domain::CheckoutRefusal;
use serde::de::DeserializeOwned;
use worker::Response;

/// Account forms are a few short fields; an address typed in any script fits.
const MAX_FORM: usize = 8 * 1024;

pub(crate) async fn route(edge: &mut Edge, route: AccountRoute) -> EdgeResult {
    use AccountRoute as R;
    match route {
        R::SignIn => sign::sign_in_page(edge),
        R::SignInSubmit => sign::sign_in(edge).await,
        R::SignUp => sign::sign_up_page(edge),
        R::SignUpSubmit => sign::sign_up(edge).await,
        R::Reset => reset::page(edge),
        R::ResetAsk => reset::ask(edge).await,
        R::ResetConfirm => reset::confirm(edge).await,
        R::Verify => reset::verify_page(edge),
        R::VerifySubmit => reset::verify(edge).await,
        R::StockAlert => alerts::subscribe(edge).await,
        signed => signed_in(edge, signed).await,
    }
}

/// The routes behind a session.
async fn signed_in(edge: &mut Edge, route: AccountRoute) -> EdgeResult {
    use AccountRoute as R;
    let Some(session) = edge.session().await? else {
        return see(paths::SIGN_IN);
    };
    match route {
        R::Overview => home::overview(edge, &session).await,
        R::SignOut => sign::sign_out(edge, &session).await,
        R::PasswordSubmit => home::change_password(edge, &session).await,
        R::DeleteSubmit => home::delete(edge, &session).await,
        R::Addresses => saved::addresses(edge, &session).await,
        R::AddressAdd => saved::add_address(edge, &session).await,
        R::AddressDelete => saved::remove_address(edge, &session).await,
        R::Wishlist => saved::wishlist(edge, &session).await,
        R::WishlistAdd => saved::save_product(edge, &session).await,
        R::WishlistRemove => saved::remove_product(edge, &session).await,
        R::Orders => history::orders(edge, &session).await,
        R::Order(number) => history::order(edge, &session, &number).await,
        open => Err(EdgeError::BadGateway(format!(
            "{} reached the signed-in routes",
            open.pattern()
        ))),
    }
}

/// A signed-in form, read once the gateway's guard passed and its CSRF token is this session's; `Err` is
/// the refusal to answer with.
async fn signed_form(edge: &mut Edge, session: &Session) -> EdgeResult<Result<Fields, Response>> {
    let fields = match read_form(edge, MAX_FORM).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(Err(refused)),
    };
    if !csrf_matches(fields.get(CSRF_FIELD), &session.claims.session) {
        let refused = edge.refuse(
            403,
            "csrf",
            "Request refused",
            "This form has expired or did not come from this site. Please reload the page and try again.",
        )?;
        return Ok(Err(refused));
    }
    Ok(Ok(fields))
}

/// An account page: the shopper's own, never stored, named in a `Referer` only to ourselves.
fn account_page(edge: &Edge, page: Page, status: u16) -> EdgeResult {
    let response = html(&edge.config, page, Vec::new(), status)?;
    response.headers().set("referrer-policy", "same-origin")?;
    Ok(response)
}

/// "See other": where a form post sends the shopper.
fn see(path: &str) -> EdgeResult {
    Ok(redirect(303, path)?)
}

/// An origin answer we rely on; unreadable, it is the origin's failure (502), never the shopper's.
fn parse<T: DeserializeOwned>(reply: &OriginReply, what: &str) -> EdgeResult<T> {
    serde_json::from_str(&reply.body)
        .map_err(|_| EdgeError::BadGateway(format!("origin sent an unreadable {what}")))
}

/// The origin's field messages from a 422 (its `CheckoutRefusal` shape): the whole refusal's message
/// under `form` when it named no field.
fn refusal_fields(reply: &OriginReply) -> EdgeResult<Vec<meridian_domain::FieldError>> {
    let refusal: CheckoutRefusal = parse(reply, "refusal")?;
    if refusal.fields.is_empty() {
        return Ok(vec![meridian_domain::FieldError::new(
            "form",
            refusal.message,
        )]);
    }
    Ok(refusal.fields)
}

/// An origin status the account pages do not expect: 502, with what to log.
fn unexpected(status: u16, what: &str) -> EdgeError {
    EdgeError::BadGateway(format!("origin answered {status} to {what}"))
}

/// A call for the signed-in shopper. When the origin says the session has ended (revoked since the token
/// was signed: signed out or password changed elsewhere), the cookies are dropped and the answer is
/// "sign in" (`EdgeError::SignedOut`).
async fn call_signed(edge: &Edge, session: &Session, call: Call<'_>) -> EdgeResult<OriginReply> {
    let reply = edge.call_origin(call.signed(&session.token)).await?;
    if reply.status == 401 {
        edge.end_session();
        return Err(EdgeError::SignedOut);
    }
    Ok(reply)
}
