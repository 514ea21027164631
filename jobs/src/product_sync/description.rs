//! Supplier HTML (`body_html`) as plain text: paragraphs separated by a blank line, `<br>` as a line
//! break, list items as "• item" lines, scripts and styles dropped, entities decoded.
//!
//! The result is *text*, not markup, and must be escaped when rendered (Leptos does). As a second line of
//! defence it contains no `<` that could open a tag: a decoded `&lt;script&gt;` comes out as `‹script>`.

use super::text::bounded;

/// Longest description kept, in characters.
pub const MAX_DESCRIPTION: usize = 5000;

/// Most HTML read per description: twenty times what is kept is plenty of markup, and it bounds the work
/// a hostile `body_html` (say, thousands of `<script>` tags in a 32 MiB page) can cost.
const MAX_HTML: usize = 20 * MAX_DESCRIPTION * 4;

/// Converts `html` to bounded plain text; true if it had to be shortened.
pub fn plain_text(html: &str) -> (String, bool) {
    let mut out = Writer::default();
    let mut cut = html.len().min(MAX_HTML);
    while !html.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut rest = &html[..cut];
    while let Some(lt) = rest.find('<') {
        out.text(&rest[..lt]);
        let after = &rest[lt + 1..];
        let opens_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        if !opens_tag {
            out.text("<");
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else {
            break; // An unterminated tag: the rest is not text.
        };
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        let closing = tag.starts_with('/');
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !closing && matches!(name.as_str(), "script" | "style") {
            let end = rest.to_ascii_lowercase().find(&format!("</{name}"));
            rest = end.map_or("", |i| &rest[i..]);
            continue;
        }
        out.tag(&name, closing);
    }
    out.text(rest);
    bounded(&defuse(&out.finish()), MAX_DESCRIPTION)
}

/// Replaces each `<` that could start a tag with a look-alike, so no consumer can mistake text for markup.
fn defuse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let tag_like = chars
            .peek()
            .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
        out.push(if c == '<' && tag_like { '‹' } else { c });
    }
    out
}

/// Which break is owed before the next word.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    #[default]
    None,
    Space,
    Line,
    Paragraph,
}

#[derive(Debug, Default)]
struct Writer {
    out: String,
    owed: Break,
    bullet: bool,
}

impl Writer {
    fn tag(&mut self, name: &str, closing: bool) {
        match name {
            "br" => self.owe(Break::Line),
            "li" if !closing => {
                self.owe(Break::Line);
                self.bullet = true;
            }
            "li" | "tr" => self.owe(Break::Line),
            "p" | "div" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table"
            | "blockquote" | "section" | "article" | "header" | "footer" | "pre" | "hr" => {
                self.owe(Break::Paragraph);
            }
            "td" | "th" => self.owe(Break::Space),
            _ => {}
        }
    }

    fn owe(&mut self, b: Break) {
        self.owed = self.owed.max(b);
    }

    fn text(&mut self, raw: &str) {
        for c in decode(raw).chars() {
            if c.is_whitespace() {
                self.owe(Break::Space);
                continue;
            }
            if !self.out.is_empty() {
                self.out.push_str(match self.owed {
                    Break::None => "",
                    Break::Space => " ",
                    Break::Line => "\n",
                    Break::Paragraph => "\n\n",
                });
            }
            if std::mem::take(&mut self.bullet) {
                self.out.push_str("• ");
            }
            self.owed = Break::None;
            self.out.push(c);
        }
    }

    fn finish(self) -> String {
        self.out
    }
}

/// Decodes the character references suppliers use: the XML five, `&nbsp;`, typographic ones, numeric.
fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest.find(';').filter(|&i| i <= 10);
        match end.and_then(|i| entity(&rest[1..i]).map(|c| (i, c))) {
            Some((i, c)) => {
                out.push(c);
                rest = &rest[i + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| !c.is_control() || c.is_whitespace());
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "deg" => '°',
        "eacute" => 'é',
        "egrave" => 'è',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "szlig" => 'ß',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        plain_text(html).0
    }

    #[test]
    fn keeps_paragraphs_lines_and_list_items() {
        assert_eq!(
            text("<p>Soft &amp; warm</p><p>Line one<br>line two</p><ul><li>One</li><li> Two </li></ul>"),
            "Soft & warm\n\nLine one\nline two\n\n• One\n• Two"
        );
        assert_eq!(
            text("<b>Bold</b>er and   <i>spaced</i>\n text"),
            "Bolder and spaced text"
        );
        assert_eq!(text("3 < 5 &amp; 5 > 3"), "3 < 5 & 5 > 3");
    }

    #[test]
    fn leaves_no_markup() {
        assert_eq!(text("<script>alert(1)</script>Hi<style>p{}</style>"), "Hi");
        assert_eq!(
            text("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "‹script>alert(1)‹/script>"
        );
        assert_eq!(text("a &#60;img src=x&#62; b"), "a ‹img src=x> b");
        assert!(!text("<p>x</p>&lt;b&gt;&#x3C;i>").contains("<"));
        assert_eq!(text("Fish &chips; &unknown"), "Fish &chips; &unknown");
    }

    #[test]
    fn is_bounded() {
        let (long, cut) = plain_text(&"<p>word</p>".repeat(2000));
        assert!(cut);
        assert!(long.chars().count() <= MAX_DESCRIPTION);
        assert!(long.ends_with("word…"));
    }
}
