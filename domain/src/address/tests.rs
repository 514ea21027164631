use super::*;

const SHIPS: &[&str] = &["US", "CA", "GB", "DE", "NL", "JP"];

fn us() -> Address {
    Address {
        name: "  Zoë   O'Brien-Łukasz ".into(),
        line1: "1 Main St".into(),
        city: "Springfield".into(),
        region: "il".into(),
        postcode: "62704".into(),
        country: "us".into(),
        ..Address::default()
    }
}

#[test]
fn a_tidy_us_address_is_normalised() {
    let a = us().validated(SHIPS).unwrap();
    assert_eq!(a.name, "Zoë O'Brien-Łukasz");
    assert_eq!((a.region.as_str(), a.country.as_str()), ("IL", "US"));
    assert_eq!(a.lines()[2], "Springfield IL 62704");
}

#[test]
fn every_missing_field_is_reported_at_once() {
    let errors = Address {
        country: "US".into(),
        ..Address::default()
    }
    .validated(SHIPS)
    .unwrap_err();
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name", "line1", "city", "region", "postcode"]);
}

#[test]
fn postcodes_have_their_countrys_shape() {
    let with = |country: &str, region: &str, postcode: &str| {
        Address {
            country: country.into(),
            region: region.into(),
            postcode: postcode.into(),
            ..us()
        }
        .validated(SHIPS)
        .map(|a| a.postcode)
    };
    assert_eq!(with("US", "NY", "10001-1234"), Ok("10001-1234".into()));
    assert!(with("US", "NY", "1000").is_err());
    assert_eq!(with("CA", "ON", "k1a0b1"), Ok("K1A 0B1".into()));
    assert_eq!(with("GB", "", "sw1a 1aa"), Ok("SW1A 1AA".into()));
    assert_eq!(with("GB", "", "EC1A1BB"), Ok("EC1A 1BB".into()));
    assert!(with("GB", "", "12345").is_err());
    assert_eq!(with("NL", "", "1012ab"), Ok("1012 AB".into()));
    assert_eq!(with("JP", "Tokyo", "100-0001"), Ok("100-0001".into()));
    assert!(with("CA", "XX", "K1A 0B1").is_err(), "unknown province");
}

#[test]
fn unsupported_countries_huge_fields_and_control_characters_are_refused() {
    let field = |a: Address| a.validated(SHIPS).unwrap_err()[0].field.clone();
    assert_eq!(
        field(Address {
            country: "FR".into(),
            postcode: "75001".into(),
            ..us()
        }),
        "country"
    );
    assert_eq!(
        field(Address {
            line1: "x".repeat(201),
            ..us()
        }),
        "line1"
    );
    assert_eq!(
        field(Address {
            city: "Spring\u{0}field".into(),
            ..us()
        }),
        "city"
    );
    assert!(Address {
        name: "山田 太郎".into(),
        ..us()
    }
    .validated(SHIPS)
    .is_ok());
}

#[test]
fn emails_from_real_people() {
    assert_eq!(
        normalise_email("  Ana+shop@Example.COM "),
        Some("Ana+shop@example.com".into())
    );
    assert_eq!(
        normalise_email("josé@exämple.de"),
        Some("josé@exämple.de".into())
    );
    for bad in [
        "",
        "no-at",
        "a@b",
        "a@.com",
        "a b@c.com",
        "@c.com",
        "a@c..com",
        "<a@c.com>",
    ] {
        assert_eq!(normalise_email(bad), None, "{bad}");
    }
    assert_eq!(normalise_email(&format!("{}@x.com", "a".repeat(65))), None);
}
