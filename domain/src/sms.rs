//! SMS notifications a shopper opts into (issue 9): the account's phone number in E.164 form and the
//! consent, as the origin's `PUT api::origin::ACCOUNT_SMS` takes and answers them. The jobs text an
//! account only when both are there (shipping updates, back-in-stock).

use serde::{Deserialize, Serialize};

/// The body of `PUT ACCOUNT_SMS`, and its answer. `phone: None` forgets the number (and the consent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsSettings {
    /// E.164 (`+14155550123`); spaces, dashes, dots and brackets are accepted and dropped.
    #[serde(default)]
    pub phone: Option<String>,
    pub opt_in: bool,
}

/// The refusal for a number that is not E.164.
pub const PHONE_INVALID: &str =
    "Enter the number in international form, starting with + and the country code, e.g. +14155550123.";
/// The refusal for consent without a number.
pub const PHONE_NEEDED: &str = "Enter a mobile number to get text messages.";

/// `text` as an E.164 number (`+` then 7 to 15 digits, the first not 0), with the usual separators
/// dropped; `None` when it is not one.
pub fn normalise_phone(text: &str) -> Option<String> {
    let rest = text.trim().strip_prefix('+')?;
    let mut digits = String::with_capacity(16);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    let ok = (7..=15).contains(&digits.len()) && !digits.starts_with('0');
    ok.then(|| format!("+{digits}"))
}

#[cfg(test)]
mod tests {
    use super::normalise_phone;

    #[test]
    fn e164_numbers_are_kept_and_separators_dropped() {
        let n = |s| normalise_phone(s);
        assert_eq!(n("+14155550123").as_deref(), Some("+14155550123"));
        assert_eq!(n(" +44 20 7946-0958 ").as_deref(), Some("+442079460958"));
        assert_eq!(n("+1 (415) 555.0123").as_deref(), Some("+14155550123"));
        assert_eq!(n("+1234567").as_deref(), Some("+1234567"), "7 digits");
        assert_eq!(n("+123456789012345").as_deref(), Some("+123456789012345"));
        for bad in [
            "",
            "+",
            "14155550123",
            "+0123456789",
            "+123456",
            "+1234567890123456",
            "+1415555012a",
            "++14155550123",
            "+١٤١٥٥٥٥٠١٢٣",
            "+1\u{200b}4155550123",
        ] {
            assert_eq!(n(bad), None, "{bad:?}");
        }
    }
}
