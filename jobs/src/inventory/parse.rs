//! Reading a supplier's stock-levels CSV, as suppliers send them: a header naming `sku` and `on_hand`
//! (any case, any column order, other columns ignored), UTF-8 with or without a byte-order mark, `\n` or
//! `\r\n`, quoted fields. A row that cannot be used is skipped with its line and reason, never guessed at:
//! a missing SKU, a count that is not a whole number, negative, or over [`MAX_UNITS`]. Blank lines are
//! ignored.
//!
//! Duplicates: a SKU listed twice with the same count is applied once; listed with different counts it
//! is skipped (every row of it), because there is no telling which count is right, and guessing wrong
//! would sell stock that is not there. Its stock is left as it was until the supplier sends one count.

use meridian_store::inventory::feed::{OnHand, SkippedRow};
use meridian_store::inventory::MAX_UNITS;
use std::collections::BTreeMap;

/// Longest SKU accepted (and the most of one shown in a report).
const MAX_SKU_CHARS: usize = 100;

/// A parsed feed: the rows to apply (distinct SKUs, in feed order) and the rows skipped.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub rows: Vec<OnHand>,
    pub skipped: Vec<SkippedRow>,
    /// Data rows read (not counting the header or blank lines).
    pub read: u32,
}

/// Parses a whole feed. Fails only when there is no usable header: then no row can be trusted.
pub fn parse(body: &[u8]) -> Result<Parsed, String> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body);
    let mut records = reader
        .byte_records()
        .filter(|r| !matches!(r, Ok(r) if blank(r)));
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(e)) => return Err(format!("the header is unreadable: {e}")),
        None => return Err("the feed is empty: not even a `sku,on_hand` header".into()),
    };
    let column = |name: &str| {
        header
            .iter()
            .position(|h| String::from_utf8_lossy(h).trim().eq_ignore_ascii_case(name))
    };
    let (Some(sku_at), Some(count_at)) = (column("sku"), column("on_hand")) else {
        let shown = String::from_utf8_lossy(header.as_slice())
            .chars()
            .take(200)
            .collect::<String>();
        return Err(format!(
            "the header must name `sku` and `on_hand` columns; it is {shown:?}"
        ));
    };
    let mut parsed = Parsed::default();
    let mut counts: BTreeMap<String, (u64, Vec<i32>)> = BTreeMap::new();
    let mut order = Vec::new();
    // Lines are counted from byte offsets: the reader's own line numbers do not count blank lines.
    let mut lines = LineCounter::default();
    for record in records {
        parsed.read += 1;
        let at = match &record {
            Ok(r) => r.position().map(csv::Position::byte),
            Err(e) => e.position().map(csv::Position::byte),
        };
        let line = lines.line_at(body, at.unwrap_or(lines.byte));
        let skip = |sku: &str, reason: String| SkippedRow {
            line,
            sku: sku.chars().take(MAX_SKU_CHARS).collect(),
            reason,
        };
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                parsed
                    .skipped
                    .push(skip("", format!("unreadable row: {e}")));
                continue;
            }
        };
        let field = |at: usize| std::str::from_utf8(record.get(at).unwrap_or_default());
        let (Ok(sku), Ok(count)) = (field(sku_at), field(count_at)) else {
            parsed.skipped.push(skip("", "not UTF-8 text".into()));
            continue;
        };
        let sku = sku.trim();
        match check(sku, count.trim()) {
            Ok(on_hand) => {
                let entry = counts.entry(sku.to_owned()).or_insert_with(|| {
                    order.push(sku.to_owned());
                    (line, Vec::new())
                });
                entry.1.push(on_hand);
            }
            Err(reason) => parsed.skipped.push(skip(sku, reason)),
        }
    }
    for sku in order {
        let (line, seen) = &counts[&sku];
        if seen.iter().all(|n| *n == seen[0]) {
            parsed.rows.push(OnHand {
                on_hand: seen[0],
                sku,
            });
        } else {
            let listed: Vec<String> = seen.iter().map(i32::to_string).collect();
            let reason = format!(
                "listed {} times with different counts ({}); left as it was",
                seen.len(),
                listed.join(", ")
            );
            parsed.skipped.push(SkippedRow {
                line: *line,
                sku,
                reason,
            });
        }
    }
    Ok(parsed)
}

/// 1-based line numbers of byte offsets that only move forward, counted incrementally.
#[derive(Debug, Default)]
struct LineCounter {
    byte: u64,
    newlines: u64,
}

impl LineCounter {
    /// The line of the record the reader places at `byte`. The reader places a record at the end of
    /// the one before, inside its line break, and does not move past the blank lines it skips: the
    /// record itself starts after every `\r`/`\n` from there.
    fn line_at(&mut self, body: &[u8], byte: u64) -> u64 {
        let mut to = (byte as usize).min(body.len());
        while body.get(to).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            to += 1;
        }
        let from = self.byte as usize;
        if to > from {
            self.newlines += body[from..to].iter().filter(|b| **b == b'\n').count() as u64;
            self.byte = to as u64;
        }
        self.newlines + 1
    }
}

/// A record with no content: an empty line, or one of empty fields (`,,`).
fn blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace))
}

/// The row's count, or why it cannot be used.
fn check(sku: &str, count: &str) -> Result<i32, String> {
    if sku.is_empty() {
        return Err("no SKU".into());
    }
    if sku.chars().count() > MAX_SKU_CHARS || sku.chars().any(char::is_control) {
        return Err(format!(
            "not a SKU: over {MAX_SKU_CHARS} characters or with control characters"
        ));
    }
    let shown: String = count.chars().take(30).collect();
    if count.is_empty() {
        return Err("no on_hand count".into());
    }
    let n: i64 = match count.parse() {
        Ok(n) => n,
        // Digits that overflow even an i64 are still a number, just an impossible one.
        Err(_) if count.bytes().all(|b| b.is_ascii_digit()) => i64::MAX,
        Err(_) => return Err(format!("on_hand {shown:?} is not a whole number")),
    };
    if n < 0 {
        return Err(format!("on_hand {n} is negative"));
    }
    i32::try_from(n)
        .ok()
        .filter(|n| *n <= MAX_UNITS)
        .ok_or_else(|| format!("on_hand {shown} is over {MAX_UNITS}, not a believable count"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(p: &Parsed) -> Vec<(u64, &str, &str)> {
        p.skipped
            .iter()
            .map(|s| (s.line, s.sku.as_str(), s.reason.as_str()))
            .collect()
    }

    #[test]
    fn a_messy_feed_keeps_what_it_can_and_says_why_for_the_rest() {
        let feed = "\u{feff}SKU , On_Hand,warehouse\r\n\r\nA-1, 12 ,north\r\n\"B,2\",0\r\n,4\r\nC-3,-1\r\n\
                    D-4,lots\r\nE-5,2.5\r\nF-6,99999999999999999999999\r\nG-7,1000001\r\nÄ-8,3\r\n,,\r\nH-9\r\n";
        let p = parse(feed.as_bytes()).unwrap();
        let rows: Vec<(&str, i32)> = p.rows.iter().map(|r| (r.sku.as_str(), r.on_hand)).collect();
        assert_eq!(rows, [("A-1", 12), ("B,2", 0), ("Ä-8", 3)]);
        assert_eq!(
            reasons(&p),
            [
                (5, "", "no SKU"),
                (6, "C-3", "on_hand -1 is negative"),
                (7, "D-4", "on_hand \"lots\" is not a whole number"),
                (8, "E-5", "on_hand \"2.5\" is not a whole number"),
                (
                    9,
                    "F-6",
                    "on_hand 99999999999999999999999 is over 1000000, not a believable count"
                ),
                (
                    10,
                    "G-7",
                    "on_hand 1000001 is over 1000000, not a believable count"
                ),
                (13, "H-9", "no on_hand count"),
            ]
        );
        assert_eq!(p.read, 10, "blank lines (and `,,`) are not rows");
    }

    #[test]
    fn duplicates_agree_or_are_left_alone() {
        let p = parse(b"sku,on_hand\nA,5\nB,1\nA,5\nB,2\nB,1\n").unwrap();
        assert_eq!(
            p.rows,
            [OnHand {
                sku: "A".into(),
                on_hand: 5
            }]
        );
        assert_eq!(
            reasons(&p),
            [(
                3,
                "B",
                "listed 3 times with different counts (1, 2, 1); left as it was"
            )]
        );
    }

    #[test]
    fn without_a_header_nothing_is_trusted() {
        assert!(parse(b"").unwrap_err().contains("empty"));
        assert!(parse(b"\xEF\xBB\xBF\n\n").unwrap_err().contains("empty"));
        let headless = parse(b"A-1,12\nB-2,3\n").unwrap_err();
        assert!(headless.contains("`sku` and `on_hand`"), "{headless}");
    }

    #[test]
    fn rows_that_are_not_utf8_are_skipped() {
        let p = parse(b"sku,on_hand\nA\xff,3\nB,4\n").unwrap();
        assert_eq!(
            p.rows,
            [OnHand {
                sku: "B".into(),
                on_hand: 4
            }]
        );
        assert_eq!(reasons(&p), [(2, "", "not UTF-8 text")]);
    }
}
