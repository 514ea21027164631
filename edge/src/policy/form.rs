//! Reading the storefront's no-JavaScript forms: fields by name (the first of a repeated name wins, as for
//! query strings), the idempotency key field, and the checkout address form into the origin's shapes.
//! Nothing here judges values: the origin validates every field and says what to fix.

use super::request::idempotency_key;
use meridian_domain::api::{IDEMPOTENCY_FIELD, IDEMPOTENCY_PLACEHOLDER};
use meridian_domain::Address;

/// A form-encoded body, decoded.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fields(Vec<(String, String)>);

impl Fields {
    pub(crate) fn parse(body: &[u8]) -> Self {
        Self(form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value sent under `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The cart forms' `sku`: present, not empty, at most 200 bytes (the origin says whether it exists).
    pub(crate) fn sku(&self) -> Option<&str> {
        self.get("sku").filter(|s| !s.is_empty() && s.len() <= 200)
    }

    /// The value under `name`, or "" when the field was not sent.
    pub(crate) fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_owned()
    }

    /// The form's idempotency key; one is minted when the page was served without the edge's
    /// substitution (the placeholder came back). `Err`: something that is not a key was sent.
    pub(crate) fn idempotency_key(&self) -> Result<String, ()> {
        let sent = self
            .get(IDEMPOTENCY_FIELD)
            .filter(|k| *k != IDEMPOTENCY_PLACEHOLDER);
        idempotency_key(sent.map(str::to_owned))
    }

    /// The contact email and address of checkout step 1, as typed.
    pub(crate) fn details(&self) -> (String, Address) {
        let address = Address {
            name: self.text("name"),
            line1: self.text("line1"),
            line2: self.text("line2"),
            city: self.text("city"),
            region: self.text("region"),
            postcode: self.text("postcode"),
            country: self.text("country"),
            phone: self.text("phone"),
        };
        (self.text("email"), address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_decoded_and_the_first_wins() {
        let f = Fields::parse(b"a=1&b=caf%C3%A9+au+lait&a=2&empty=");
        assert_eq!(f.get("a"), Some("1"));
        assert_eq!(f.get("b"), Some("café au lait"));
        assert_eq!(f.get("empty"), Some(""));
        assert_eq!(f.get("missing"), None);
        assert_eq!(f.text("missing"), "");
    }

    #[test]
    fn a_placeholder_key_is_replaced_and_a_bad_key_refused() {
        let key = "4f1c2a9e-1111-4222-8333-444455556666";
        let sent = Fields::parse(format!("idempotency_key={key}").as_bytes());
        assert_eq!(sent.idempotency_key(), Ok(key.to_owned()));
        let placeholder = format!("idempotency_key={IDEMPOTENCY_PLACEHOLDER}");
        let minted = Fields::parse(placeholder.as_bytes())
            .idempotency_key()
            .unwrap();
        assert!(uuid::Uuid::parse_str(&minted).is_ok());
        assert!(Fields::parse(b"idempotency_key=k-1")
            .idempotency_key()
            .is_err());
    }

    #[test]
    fn the_address_form_keeps_what_was_typed() {
        let body = b"email=a%40b.example&name=Ada+L&line1=1+Main+St&city=&region=NY&postcode=1234&country=US";
        let (email, a) = Fields::parse(body).details();
        assert_eq!(email, "a@b.example");
        assert_eq!(
            (a.name.as_str(), a.line1.as_str(), a.city.as_str()),
            ("Ada L", "1 Main St", "")
        );
        assert_eq!((a.region.as_str(), a.postcode.as_str()), ("NY", "1234"));
        assert_eq!((a.country.as_str(), a.line2.as_str()), ("US", ""));
    }
}
