//! Contact email and shipping address: what a person may type, and the checks that turn typing into a
//! deliverable address. Rules are per country (required fields, region codes, postcode shape) for the
//! countries the store ships to; names and streets accept any script, never control characters.

use serde::{Deserialize, Serialize};

/// A shipping address as the shopper entered it (trimmed and normalised by [`Address::validated`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    /// State, province or prefecture: a code where the country has a fixed list (US "CA", CA "ON").
    pub region: String,
    pub postcode: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    pub phone: String,
}

/// One field a person must fix, named as the form names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// A country the store knows how to address.
#[derive(Debug, Clone, Copy)]
pub struct CountryRules {
    pub code: &'static str,
    pub name: &'static str,
    /// Postcode shapes: `9` a digit, `A` a letter, ` ` an optional space, anything else literal.
    pub postcodes: &'static [&'static str],
    /// Valid region codes; empty means the region is free text (and optional).
    pub regions: &'static [&'static str],
}

const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "PR",
];
const CA_PROVINCES: &[&str] = &[
    "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
];
const AU_STATES: &[&str] = &["ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA"];

/// Every country an address can be validated for. A store ships to the ones its zones name.
pub const COUNTRIES: &[CountryRules] = &[
    CountryRules {
        code: "US",
        name: "United States",
        postcodes: &["99999", "99999-9999"],
        regions: US_STATES,
    },
    CountryRules {
        code: "CA",
        name: "Canada",
        postcodes: &["A9A 9A9"],
        regions: CA_PROVINCES,
    },
    CountryRules {
        code: "GB",
        name: "United Kingdom",
        postcodes: &[
            "A9 9AA", "A99 9AA", "AA9 9AA", "AA99 9AA", "A9A 9AA", "AA9A 9AA",
        ],
        regions: &[],
    },
    CountryRules {
        code: "DE",
        name: "Germany",
        postcodes: &["99999"],
        regions: &[],
    },
    CountryRules {
        code: "FR",
        name: "France",
        postcodes: &["99999"],
        regions: &[],
    },
    CountryRules {
        code: "NL",
        name: "Netherlands",
        postcodes: &["9999 AA"],
        regions: &[],
    },
    CountryRules {
        code: "JP",
        name: "Japan",
        postcodes: &["999-9999", "9999999"],
        regions: &[],
    },
    CountryRules {
        code: "AU",
        name: "Australia",
        postcodes: &["9999"],
        regions: AU_STATES,
    },
];

pub fn country(code: &str) -> Option<&'static CountryRules> {
    COUNTRIES.iter().find(|c| c.code == code)
}

const MAX_NAME: usize = 100;
const MAX_LINE: usize = 200;

impl Address {
    /// The address trimmed, upper-cased where case carries no meaning, with every problem listed (a person
    /// fixes them all in one go, not one per submit). `ships_to` are the countries the store delivers to.
    pub fn validated(&self, ships_to: &[&str]) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut text = |field: &str, value: &str, label: &str, required: bool, max: usize| {
            let value = collapse_spaces(value);
            if required && value.is_empty() {
                errors.push(FieldError::new(field, format!("Please enter {label}.")));
            } else if value.chars().count() > max {
                errors.push(FieldError::new(
                    field,
                    format!(
                        "{} is too long (at most {max} characters).",
                        capitalise(label)
                    ),
                ));
            } else if value.chars().any(char::is_control) {
                errors.push(FieldError::new(
                    field,
                    format!("{} contains characters we cannot print.", capitalise(label)),
                ));
            }
            value
        };
        let mut out = Self {
            name: text("name", &self.name, "the recipient's name", true, MAX_NAME),
            line1: text("line1", &self.line1, "a street address", true, MAX_LINE),
            line2: text(
                "line2",
                &self.line2,
                "the second address line",
                false,
                MAX_LINE,
            ),
            city: text("city", &self.city, "a city", true, MAX_NAME),
            region: text("region", &self.region, "a region", false, MAX_NAME),
            postcode: collapse_spaces(&self.postcode).to_uppercase(),
            country: self.country.trim().to_ascii_uppercase(),
            phone: text("phone", &self.phone, "a phone number", false, 30),
        };
        match country(&out.country).filter(|c| ships_to.contains(&c.code)) {
            None => errors.push(FieldError::new(
                "country",
                "We do not ship to that country.",
            )),
            Some(rules) => check_country_fields(rules, &mut out, &mut errors),
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// The address as lines for a label or a confirmation page.
    pub fn lines(&self) -> Vec<String> {
        let country = country(&self.country).map_or(self.country.as_str(), |c| c.name);
        let place = [
            self.city.as_str(),
            self.region.as_str(),
            self.postcode.as_str(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
        [
            self.name.as_str(),
            &self.line1,
            &self.line2,
            &place,
            country,
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
    }
}

fn check_country_fields(rules: &CountryRules, out: &mut Address, errors: &mut Vec<FieldError>) {
    if !rules.regions.is_empty() {
        out.region = out.region.to_ascii_uppercase();
        if !rules.regions.contains(&out.region.as_str()) {
            let message = format!(
                "Please choose a valid state or province for {}.",
                rules.name
            );
            errors.push(FieldError::new("region", message));
        }
    }
    match rules
        .postcodes
        .iter()
        .find_map(|p| fit_postcode(&out.postcode, p))
    {
        Some(normalised) => out.postcode = normalised,
        None if out.postcode.is_empty() => {
            errors.push(FieldError::new("postcode", "Please enter a postcode."))
        }
        None => {
            let example = rules.postcodes[0].replace('9', "1");
            let message = format!("That is not a {} postcode (like {example}).", rules.name);
            errors.push(FieldError::new("postcode", message));
        }
    }
}

/// `value` in the shape of `pattern`, with the pattern's optional space put in, or `None`.
fn fit_postcode(value: &str, pattern: &str) -> Option<String> {
    let compact: Vec<char> = value.chars().filter(|c| *c != ' ').collect();
    let mut out = String::with_capacity(pattern.len());
    let mut chars = compact.iter();
    for p in pattern.chars() {
        if p == ' ' {
            out.push(' ');
            continue;
        }
        let c = *chars.next()?;
        let fits = match p {
            '9' => c.is_ascii_digit(),
            'A' => c.is_ascii_uppercase(),
            literal => c == literal,
        };
        if !fits {
            return None;
        }
        out.push(c);
    }
    chars.next().is_none().then_some(out)
}

/// A shopper's email, trimmed, with the domain lower-cased; `None` if it cannot be an address.
/// Deliberately permissive on the local part (real addresses carry `+`, dots, unicode): the confirmation
/// email is the real test.
pub fn normalise_email(raw: &str) -> Option<String> {
    let email = raw.trim();
    let (local, domain) = email.rsplit_once('@')?;
    let valid = !local.is_empty()
        && local.chars().count() <= 64
        && email.chars().count() <= 254
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
    valid.then(|| format!("{local}@{}", domain.to_lowercase()))
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests;
