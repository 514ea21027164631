//! The hosted payment page at `/pay/{id}`: server-rendered HTML with a plain form, so it works without
//! JavaScript and browser tests can drive it by field names.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use crate::lifecycle::{self, PayError};
use crate::money::format_amount;
use crate::session::{Session, Status};
use crate::state::SharedState;

pub(crate) fn router() -> Router<SharedState> {
    Router::new().route("/pay/{id}", get(show_page).post(submit_payment))
}

/// The form's fields; all default to empty so a missing one is a message on the page, not a 422.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CardForm {
    card_number: String,
    exp: String,
    cvc: String,
    /// Collected as Stripe's form does; no test card depends on it.
    name: String,
}

async fn show_page(State(state): State<SharedState>, Path(id): Path<String>) -> Response {
    match snapshot(&state, &id) {
        Some(session) => Html(render(&session, None)).into_response(),
        None => not_found(),
    }
}

async fn submit_payment(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Form(card): Form<CardForm>,
) -> Response {
    if let Err(message) = check_expiry_and_cvc(&card) {
        return rerender(&state, &id, StatusCode::BAD_REQUEST, message);
    }
    match lifecycle::pay(&state, &id, &card.card_number) {
        Ok(session) => (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, session.success_redirect())],
        )
            .into_response(),
        Err(PayError::NotFound) => not_found(),
        Err(error @ PayError::Declined { .. }) => {
            rerender(&state, &id, StatusCode::PAYMENT_REQUIRED, &error.message())
        }
        Err(error @ PayError::InvalidNumber) => {
            rerender(&state, &id, StatusCode::BAD_REQUEST, &error.message())
        }
        Err(PayError::NotOpen(_)) => rerender_state(&state, &id),
    }
}

/// What Stripe's card form checks before anything reaches the network: an `MM/YY` date not in the past
/// and a 3–4 digit security code.
fn check_expiry_and_cvc(card: &CardForm) -> Result<(), &'static str> {
    let (month, year) = card
        .exp
        .trim()
        .split_once('/')
        .ok_or("Your card's expiration date is incomplete.")?;
    let month: u32 = month
        .trim()
        .parse()
        .map_err(|_| "Your card's expiration date is incomplete.")?;
    let year: i32 = year
        .trim()
        .parse()
        .map_err(|_| "Your card's expiration date is incomplete.")?;
    if !(1..=12).contains(&month) {
        return Err("Your card's expiration date is invalid.");
    }
    let today = chrono::Utc::now().date_naive();
    let (this_year, this_month) = (
        chrono::Datelike::year(&today) % 100,
        chrono::Datelike::month(&today),
    );
    if year < this_year || (year == this_year && month < this_month) {
        return Err("Your card's expiration date is in the past.");
    }
    let cvc = card.cvc.trim();
    if !(3..=4).contains(&cvc.len()) || !cvc.chars().all(|c| c.is_ascii_digit()) {
        return Err("Your card's security code is incomplete.");
    }
    Ok(())
}

fn snapshot(state: &SharedState, id: &str) -> Option<Session> {
    state.store().sessions.get(id).cloned()
}

fn rerender(state: &SharedState, id: &str, status: StatusCode, message: &str) -> Response {
    match snapshot(state, id) {
        Some(session) => (status, Html(render(&session, Some(message)))).into_response(),
        None => not_found(),
    }
}

/// A POST to a session that is no longer open shows its state (no form), with 409 Conflict.
fn rerender_state(state: &SharedState, id: &str) -> Response {
    match snapshot(state, id) {
        Some(session) => (StatusCode::CONFLICT, Html(render(&session, None))).into_response(),
        None => not_found(),
    }
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(layout(
            "Not found",
            "<p>No such checkout session.</p>".into(),
        )),
    )
        .into_response()
}

fn render(session: &Session, error: Option<&str>) -> String {
    let amount = format_amount(session.amount_total, &session.currency);
    let mut body = format!("<h1>Pay {}</h1>\n{}", escape(&amount), items_table(session));
    match session.status {
        Status::Open => body.push_str(&payment_form(session, error)),
        Status::Complete => body.push_str("<p class=\"state\">This payment is complete.</p>"),
        Status::Expired => {
            body.push_str("<p class=\"state\">This checkout session has expired.</p>")
        }
    }
    if let Some(cancel) = &session.cancel_url {
        body.push_str(&format!(
            "\n<p><a class=\"return\" href=\"{}\">Return to the store</a></p>",
            escape(cancel)
        ));
    }
    layout(&format!("Pay {amount}"), body)
}

fn items_table(session: &Session) -> String {
    let rows: String = session
        .line_items
        .iter()
        .map(|item| {
            let line = format_amount(
                item.unit_amount.saturating_mul(item.quantity),
                &session.currency,
            );
            format!(
                "<tr><td>{}</td><td>× {}</td><td>{}</td></tr>\n",
                escape(&item.name),
                item.quantity,
                escape(&line)
            )
        })
        .collect();
    format!("<table class=\"items\">\n{rows}</table>\n")
}

fn payment_form(session: &Session, error: Option<&str>) -> String {
    let error = error
        .map(|message| {
            format!(
                "<p class=\"error\" role=\"alert\">{}</p>\n",
                escape(message)
            )
        })
        .unwrap_or_default();
    format!(
        r#"{error}<form id="payment-form" method="post" action="/pay/{id}">
<label>Card number <input name="card_number" inputmode="numeric" autocomplete="cc-number" required></label>
<label>Expiry (MM/YY) <input name="exp" placeholder="MM/YY" autocomplete="cc-exp" required></label>
<label>CVC <input name="cvc" inputmode="numeric" autocomplete="cc-csc" required></label>
<label>Name on card <input name="name" autocomplete="cc-name"></label>
<button type="submit">Pay</button>
</form>"#,
        id = escape(&session.id),
    )
}

fn layout(title: &str, body: String) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head>\n<body><main>\n{body}\n</main></body></html>\n",
        escape(title)
    )
}

const STYLE: &str =
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}\
label{display:block;margin:.6rem 0}input{display:block;width:100%;padding:.4rem}\
button{margin-top:1rem;padding:.5rem 1.5rem}.error{color:#b00020}td{padding:.2rem .6rem}";

/// HTML-escapes text and attribute values (customer data such as product names ends up here).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
