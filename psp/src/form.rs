//! Stripe's nested form encoding (`line_items[0][price_data][unit_amount]=500`, `metadata[order]=42`),
//! read by key rather than through a schema because serde_urlencoded has no notion of brackets.

use std::collections::BTreeMap;

use crate::error::ApiError;

/// A decoded `application/x-www-form-urlencoded` body with Stripe's bracket keys kept verbatim.
#[derive(Debug, Default)]
pub(crate) struct StripeForm {
    pairs: Vec<(String, String)>,
}

impl StripeForm {
    pub(crate) fn parse(body: &[u8]) -> Self {
        let pairs = form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Self { pairs }
    }

    /// The value of `key`; the last occurrence wins, as in Stripe's Rack-style parser.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A present, non-empty value (Stripe treats `key=` as unset).
    pub(crate) fn optional(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|v| !v.is_empty())
    }

    pub(crate) fn required(&self, key: &str) -> Result<&str, ApiError> {
        self.optional(key).ok_or_else(|| ApiError::missing(key))
    }

    pub(crate) fn integer(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.optional(key) {
            None => Ok(None),
            Some(raw) => raw
                .parse()
                .map(Some)
                .map_err(|_| ApiError::invalid_integer(key, raw)),
        }
    }

    /// `prefix[KEY]=VALUE` pairs as a map (how `metadata` arrives); empty values unset a key, like Stripe.
    pub(crate) fn map(&self, prefix: &str) -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        for (key, value) in &self.pairs {
            let Some(inner) = bracketed(key, prefix) else {
                continue;
            };
            if value.is_empty() {
                map.remove(inner);
            } else {
                map.insert(inner.to_owned(), value.clone());
            }
        }
        map
    }

    /// The distinct `N` of `prefix[N][…]` keys, ascending (the items of an encoded array).
    pub(crate) fn indices(&self, prefix: &str) -> Vec<usize> {
        let mut indices: Vec<usize> = self
            .pairs
            .iter()
            .filter_map(|(key, _)| bracketed(key, prefix)?.parse().ok())
            .collect();
        indices.sort_unstable();
        indices.dedup();
        indices
    }
}

/// The text inside the first bracket pair after `prefix`: `bracketed("a[b][c]", "a") == Some("b")`.
fn bracketed<'k>(key: &'k str, prefix: &str) -> Option<&'k str> {
    let rest = key.strip_prefix(prefix)?.strip_prefix('[')?;
    rest.split_once(']').map(|(inner, _)| inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_keys() {
        let body = "line_items[1][quantity]=2&line_items[0][quantity]=1&metadata[order]=42&metadata[x]=1&metadata[x]=";
        let form = StripeForm::parse(body.as_bytes());
        assert_eq!(form.indices("line_items"), vec![0, 1]);
        assert_eq!(form.get("line_items[1][quantity]"), Some("2"));
        assert_eq!(
            form.map("metadata").into_iter().collect::<Vec<_>>(),
            vec![("order".into(), "42".into())]
        );
    }

    #[test]
    fn integers_are_checked() {
        let form = StripeForm::parse(b"amount=12x&empty=");
        assert!(form.integer("amount").is_err());
        assert_eq!(form.integer("empty").unwrap(), None);
        assert!(form.required("empty").is_err());
    }
}
