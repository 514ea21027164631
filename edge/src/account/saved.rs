//! What the shopper keeps with the account: saved addresses (checkout pre-fills from the first) and the
//! wishlist. Reads and writes go to the origin with the session token, which scopes every one to this
//! account: an id or slug of someone else's is a 404 there, and simply nothing changes here.

use super::{account_page, call_signed, parse, refusal_fields, see, signed_form, unexpected};
use crate::context::Edge;
use crate::error::EdgeResult;
use crate::origin::{json_fields, Call};
use crate::session::Session;
use meridian_app::{AddressBook, Page, WishlistPage};
use meridian_domain::address::COUNTRIES;
use meridian_domain::api::origin as origin_paths;
use meridian_domain::routes::{account as paths, is_slug};
use meridian_domain::saved::{SavedAddress, WishlistItem};
use meridian_domain::{Address, CountryOption, FieldError};
use worker::Method;

/// `GET /account/addresses`
pub(super) async fn addresses(edge: &Edge, session: &Session) -> EdgeResult {
    let draft = Address {
        country: COUNTRIES[0].code.to_owned(),
        ..Address::default()
    };
    show_addresses(edge, session, draft, Vec::new(), 200).await
}

/// The shopper's saved addresses, for the address book and checkout.
pub(crate) async fn saved_addresses(
    edge: &Edge,
    session: &Session,
) -> EdgeResult<Vec<SavedAddress>> {
    let call = Call::read("read addresses", origin_paths::ACCOUNT_ADDRESSES);
    let reply = call_signed(edge, session, call).await?;
    if reply.status != 200 {
        return Err(unexpected(reply.status, "an address list"));
    }
    parse(&reply, "address list")
}

async fn show_addresses(
    edge: &Edge,
    session: &Session,
    draft: Address,
    errors: Vec<FieldError>,
    status: u16,
) -> EdgeResult {
    let addresses = saved_addresses(edge, session).await?;
    let book = AddressBook {
        addresses,
        countries: all_countries(),
        csrf: session.csrf(),
        draft,
        errors,
    };
    account_page(edge, Page::Addresses(Box::new(book)), status)
}

/// Every country an address can be written for; the origin says which the store ships to.
fn all_countries() -> Vec<CountryOption> {
    COUNTRIES
        .iter()
        .map(|c| CountryOption {
            code: c.code.to_owned(),
            name: c.name.to_owned(),
            regions: c.regions.iter().map(|r| (*r).to_owned()).collect(),
        })
        .collect()
}

/// `POST /account/addresses`: the address form.
pub(super) async fn add_address(edge: &mut Edge, session: &Session) -> EdgeResult {
    let fields = match signed_form(edge, session).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    let (_, address) = fields.details();
    let body = serde_json::to_string(&address)?;
    let call = Call::send(
        "save address",
        Method::Post,
        origin_paths::ACCOUNT_ADDRESSES,
        &body,
    );
    let reply = call_signed(edge, session, call).await?;
    match reply.status {
        201 => see(paths::ADDRESSES),
        400 | 409 | 422 => {
            let errors = refusal_fields(&reply)?;
            show_addresses(edge, session, address, errors, 422).await
        }
        status => Err(unexpected(status, "an address save")),
    }
}

/// `POST /account/addresses/delete` (`id`).
pub(super) async fn remove_address(edge: &mut Edge, session: &Session) -> EdgeResult {
    let fields = match signed_form(edge, session).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    let Some(id) = fields
        .get("id")
        .and_then(|id| uuid::Uuid::parse_str(id).ok())
    else {
        return see(paths::ADDRESSES);
    };
    let path = origin_paths::ACCOUNT_ADDRESS.replace("{id}", &id.to_string());
    let call = Call::delete("remove address", &path);
    let reply = call_signed(edge, session, call).await?;
    // 404: not (or no longer) one of this account's; either way it is not in the list now.
    match reply.status {
        204 | 404 => see(paths::ADDRESSES),
        status => Err(unexpected(status, "an address removal")),
    }
}

/// `GET /wishlist`
pub(super) async fn wishlist(edge: &Edge, session: &Session) -> EdgeResult {
    let call = Call::read("read wishlist", origin_paths::WISHLIST);
    let reply = call_signed(edge, session, call).await?;
    if reply.status != 200 {
        return Err(unexpected(reply.status, "a wishlist read"));
    }
    let items: Vec<WishlistItem> = parse(&reply, "wishlist")?;
    let page = WishlistPage {
        items,
        csrf: session.csrf(),
    };
    account_page(edge, Page::Wishlist(Box::new(page)), 200)
}

/// `POST /wishlist` (`slug`): saves a product, then shows the list.
pub(super) async fn save_product(edge: &mut Edge, session: &Session) -> EdgeResult {
    let fields = match signed_form(edge, session).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    let Some(slug) = fields.get("slug").filter(|s| is_slug(s)) else {
        return see(paths::WISHLIST);
    };
    let body = json_fields(&[("slug", slug)]);
    let call = Call::send(
        "save to wishlist",
        Method::Post,
        origin_paths::WISHLIST,
        &body,
    );
    let reply = call_signed(edge, session, call).await?;
    match reply.status {
        200 | 201 | 404 | 422 => see(paths::WISHLIST),
        status => Err(unexpected(status, "a wishlist save")),
    }
}

/// `POST /wishlist/remove` (`slug`).
pub(super) async fn remove_product(edge: &mut Edge, session: &Session) -> EdgeResult {
    let fields = match signed_form(edge, session).await? {
        Ok(fields) => fields,
        Err(refused) => return Ok(refused),
    };
    let Some(slug) = fields.get("slug").filter(|s| is_slug(s)) else {
        return see(paths::WISHLIST);
    };
    let path = origin_paths::WISHLIST_ITEM.replace("{slug}", slug);
    let call = Call::delete("remove from wishlist", &path);
    let reply = call_signed(edge, session, call).await?;
    match reply.status {
        200 | 204 | 404 => see(paths::WISHLIST),
        status => Err(unexpected(status, "a wishlist removal")),
    }
}
