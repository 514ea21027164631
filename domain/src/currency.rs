//! ISO 4217 currencies with their minor units: a supplier may price in any of them, and an amount is only
//! exact if we know how many decimals its currency has (JPY 0, USD 2, KWD 3).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Active ISO 4217 codes with two decimal places (the common case).
const TWO_DECIMALS: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD \
BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP \
GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD \
MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR \
RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS \
UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL";
/// Codes without a minor unit.
const ZERO_DECIMALS: &str = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
/// Codes with three decimal places.
const THREE_DECIMALS: &str = "BHD IQD JOD KWD LYD OMR TND";
/// Codes with four decimal places (units of account).
const FOUR_DECIMALS: &str = "CLF UYW";

/// Every table above as `(code, minor units)`: the one list a code is looked up in.
const TABLES: [(&str, u8); 4] = [
    (TWO_DECIMALS, 2),
    (ZERO_DECIMALS, 0),
    (THREE_DECIMALS, 3),
    (FOUR_DECIMALS, 4),
];

/// An ISO 4217 currency code known to have a minor unit (so not XAU, XDR, XXX, …). Serialises as its
/// code, e.g. `"USD"`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    minor_units: u8,
}

impl Currency {
    pub const USD: Self = Self::known("USD", 2);
    pub const EUR: Self = Self::known("EUR", 2);
    pub const GBP: Self = Self::known("GBP", 2);
    pub const JPY: Self = Self::known("JPY", 0);
    pub const KWD: Self = Self::known("KWD", 3);

    const fn known(code: &'static str, minor_units: u8) -> Self {
        Self { code, minor_units }
    }

    /// Parses an upper- or lower-case ISO code; `None` for anything that is not an active currency.
    pub fn parse(code: &str) -> Option<Self> {
        let wanted = code.trim().as_bytes();
        if wanted.len() != 3 {
            return None;
        }
        // Called for every stored price a page or cart reads, so no allocation and no splitting: each table
        // is three-letter codes each followed by one space, a fixed stride of four bytes (a test checks it).
        TABLES.iter().find_map(|(table, minor_units)| {
            let at = table
                .as_bytes()
                .chunks(4)
                .position(|c| c[..3].eq_ignore_ascii_case(wanted))?;
            Some(Self {
                code: &table[at * 4..at * 4 + 3],
                minor_units: *minor_units,
            })
        })
    }

    /// The three-letter code, e.g. `"USD"`.
    pub fn code(self) -> &'static str {
        self.code
    }

    /// Decimal places of the minor unit: 2 for USD (cents), 0 for JPY, 3 for KWD.
    pub fn minor_units(self) -> u8 {
        self.minor_units
    }

    /// How many minor units make one major unit (100 for USD).
    pub fn scale(self) -> i64 {
        10i64.pow(u32::from(self.minor_units))
    }

    /// A symbol for the currencies the storefront shows most; the code (and a space) for the rest.
    pub(crate) fn prefix(self) -> String {
        match self.code {
            "USD" => "$".into(),
            "EUR" => "€".into(),
            "GBP" => "£".into(),
            "JPY" => "¥".into(),
            code => format!("{code} "),
        }
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Self::parse(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown currency {code:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_codes_at_a_four_byte_stride() {
        for (table, _) in TABLES {
            for (i, chunk) in table.as_bytes().chunks(4).enumerate() {
                assert!(
                    chunk[..3].iter().all(u8::is_ascii_uppercase),
                    "{table:?} at {i}"
                );
                assert!(chunk.len() == 3 || chunk[3] == b' ', "{table:?} at {i}");
            }
        }
        assert_eq!(Currency::parse(" jpy"), Some(Currency::JPY));
        assert_eq!(Currency::parse("usd").map(Currency::code), Some("USD"));
        assert_eq!(Currency::parse("XXX"), None);
        assert_eq!(Currency::parse("US"), None);
    }

    #[test]
    fn knows_iso_codes_and_their_minor_units() {
        let units = |c: &str| Currency::parse(c).map(Currency::minor_units);
        assert_eq!(units("usd"), Some(2));
        assert_eq!(units("JPY"), Some(0));
        assert_eq!(units("KRW"), Some(0));
        for three in ["KWD", "BHD", "OMR", "JOD", "TND"] {
            assert_eq!(units(three), Some(3), "{three}");
        }
        assert_eq!(units("CHF"), Some(2));
        for bad in ["", "US", "USDX", "XAU", "ABC", "U$D"] {
            assert_eq!(units(bad), None, "{bad}");
        }
        assert_eq!(Currency::parse("EUR"), Some(Currency::EUR));
    }

    #[test]
    fn serialises_as_the_plain_code() {
        let json = serde_json::to_string(&Currency::JPY).unwrap();
        assert_eq!(json, "\"JPY\"");
        let back: Currency = serde_json::from_str("\"KWD\"").unwrap();
        assert_eq!(back, Currency::KWD);
        assert!(serde_json::from_str::<Currency>("\"XYZ\"").is_err());
    }
}
