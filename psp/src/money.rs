//! Amounts in the smallest currency unit, formatted for people: two decimals, none for the currencies
//! Stripe lists as zero-decimal.

/// Stripe's zero-decimal currencies: amounts are whole units (¥500 is `500`).
const ZERO_DECIMAL: &[&str] = &[
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
];

/// `1234, "eur"` → `12.34 EUR`; `500, "jpy"` → `500 JPY`.
pub(crate) fn format_amount(amount: i64, currency: &str) -> String {
    let code = currency.to_ascii_uppercase();
    if ZERO_DECIMAL.contains(&currency) {
        return format!("{amount} {code}");
    }
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.unsigned_abs();
    format!("{sign}{}.{:02} {code}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::format_amount;

    #[test]
    fn formats_two_and_zero_decimals() {
        assert_eq!(format_amount(1234, "eur"), "12.34 EUR");
        assert_eq!(format_amount(5, "usd"), "0.05 USD");
        assert_eq!(format_amount(500, "jpy"), "500 JPY");
    }
}
