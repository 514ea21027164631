//! Where the daily sales report lives in object storage: the job that writes it and the admin API that
//! lists and serves it share this one layout (`reports/daily/<YYYY-MM-DD>/<file>.csv`).

/// Every day's folder is under this prefix.
pub const DAILY_PREFIX: &str = "reports/daily";

/// The files of one day's report, in the order the admin API lists them.
pub const FILES: &[&str] = &[
    "summary.csv",
    "orders.csv",
    "refunds.csv",
    "taxes.csv",
    "sales-by-category.csv",
    "sales-by-product.csv",
    "top-sellers.csv",
    "stock-value.csv",
];

/// The object key of `file` in the report of `date` (`YYYY-MM-DD`).
pub fn daily_key(date: &str, file: &str) -> String {
    format!("{DAILY_PREFIX}/{date}/{file}")
}

/// True for a report date as keys spell it: exactly `YYYY-MM-DD` in ASCII digits (whether the day
/// exists is for the caller's calendar to say).
pub fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// True for one of the report's own file names, and nothing else (no path can be smuggled through it).
pub fn is_file(name: &str) -> bool {
    FILES.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_names_are_strict() {
        assert_eq!(
            daily_key("2026-11-26", "summary.csv"),
            "reports/daily/2026-11-26/summary.csv"
        );
        assert!(is_date("2026-11-26"));
        for bad in [
            "2026-1-26",
            "../../etc",
            "2026-11-26/..",
            "２０２６-11-26",
            "",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
        assert!(is_file("top-sellers.csv"));
        assert!(!is_file("../summary.csv") && !is_file("summary.csv/..") && !is_file(""));
    }
}
