//! Every form a signed-in shopper can post carries the session's CSRF token, and what a shopper typed is
//! shown back escaped.

use super::*;
use crate::pages::Page;
use meridian_domain::api::CSRF_FIELD;
use uuid::Uuid;

const CSRF: &str = "tok3n-of-this-session";

fn account() -> AccountView {
    AccountView {
        id: Uuid::nil(),
        email: "zoë@example.com".into(),
        email_verified: false,
    }
}

/// Each `<form …>…</form>` of `html`.
fn forms(html: &str) -> Vec<&str> {
    html.split("<form")
        .skip(1)
        .map(|f| f.split("</form>").next().unwrap_or_default())
        .collect()
}

fn assert_every_form_has_the_token(page: Page) {
    let html = page.into_html();
    let forms = forms(&html);
    assert!(!forms.is_empty());
    let field = format!(r#"name="{CSRF_FIELD}" value="{CSRF}""#);
    for form in forms {
        assert!(
            form.contains(&field),
            "a form without the CSRF token: {form}"
        );
    }
}

#[test]
fn signed_in_forms_all_carry_the_csrf_token() {
    let home = AccountHome {
        account: account(),
        csrf: CSRF.into(),
        notice: None,
        errors: Vec::new(),
    };
    assert_every_form_has_the_token(Page::Account(Box::new(home)));
    let book = AddressBook {
        addresses: vec![meridian_domain::saved::SavedAddress {
            id: Uuid::nil(),
            address: Address {
                name: "Zoë".into(),
                ..Address::default()
            },
        }],
        countries: Vec::new(),
        csrf: CSRF.into(),
        draft: Address::default(),
        errors: Vec::new(),
    };
    assert_every_form_has_the_token(Page::Addresses(Box::new(book)));
    let wishlist = WishlistPage {
        items: vec![meridian_domain::saved::WishlistItem {
            slug: "linen-shirt".into(),
            title: "Linen shirt".into(),
            sold: true,
            in_stock: false,
        }],
        csrf: CSRF.into(),
    };
    assert_every_form_has_the_token(Page::Wishlist(Box::new(wishlist)));
}

#[test]
fn what_was_typed_comes_back_escaped_and_passwords_never_do() {
    let form = SignInForm {
        email: r#""><script>alert(1)</script>"#.into(),
        message: Some("The email or password is not right.".into()),
    };
    let html = Page::SignIn(Box::new(form)).into_html();
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;") || html.contains("&quot;&gt;&lt;script"),
        "{html}"
    );
    for input in html
        .split("<input")
        .skip(1)
        .filter(|i| i.contains(r#"type="password""#))
    {
        assert!(
            input.contains(r#"value="""#),
            "a password field is never pre-filled: {input}"
        );
    }
}
