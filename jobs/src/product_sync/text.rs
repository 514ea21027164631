//! Text from the supplier made safe for the catalog: slugs that match the database's CHECK, descriptions as
//! plain text with their paragraphs and list items, and every field cut to a bound.

/// Turns "Crème Brûlée & Co." into "creme-brulee-co": common Latin letters are transliterated, anything
/// else (emoji, CJK, punctuation) separates words. May be empty; at most `max` bytes, cut between words.
pub fn slugify(text: &str, max: usize) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        match transliterate(c) {
            Some(ascii) => {
                if gap && !slug.is_empty() {
                    slug.push('-');
                }
                gap = false;
                slug.push_str(ascii);
            }
            None => gap = true,
        }
    }
    if slug.len() > max {
        let cut = slug[..=max].rfind('-').unwrap_or(max);
        slug.truncate(cut);
    }
    slug
}

/// The ASCII spelling of a lower-case letter or digit; `None` for everything else.
fn transliterate(c: char) -> Option<&'static str> {
    const ASCII: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
    if c.is_ascii_alphanumeric() {
        let i = ASCII.find(c)?;
        return Some(&ASCII[i..=i]);
    }
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' | 'ĝ' | 'ġ' | 'ģ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ķ' => "k",
        'ł' | 'ľ' | 'ĺ' | 'ļ' => "l",
        'ñ' | 'ń' | 'ň' | 'ņ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' | 'ŕ' => "r",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// `text` trimmed and cut to at most `max` characters at a word boundary (with "…"); true if it was cut.
pub fn bounded(text: &str, max: usize) -> (String, bool) {
    let text = text.trim();
    if text.chars().count() <= max {
        return (text.to_owned(), false);
    }
    let end = text
        .char_indices()
        .nth(max.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
    let cut = head
        .rfind(char::is_whitespace)
        .filter(|&i| i > end / 2)
        .unwrap_or(end);
    (format!("{}…", head[..cut].trim_end()), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_words_joined_by_dashes() {
        let slug = |s| slugify(s, 80);
        assert_eq!(slug("Home & Kitchen"), "home-kitchen");
        assert_eq!(slug("  T-Shirts "), "t-shirts");
        assert_eq!(slug("Crème Brûlée"), "creme-brulee");
        assert_eq!(slug("Straße Größe"), "strasse-grosse");
        assert_eq!(slug("Smørrebrød Æble Œuvre"), "smorrebrod-aeble-oeuvre");
        assert_eq!(slug("ŁÓDŹ Čaj"), "lodz-caj");
        assert_eq!(slug("🔥 Hot 🔥 Deal 🔥"), "hot-deal");
        assert_eq!(slug("🔥🎉"), "");
        assert_eq!(slug("日本のお茶"), "");
        assert_eq!(slug("--a--b--"), "a-b");
        let long = slugify(&"word ".repeat(40), 20);
        assert_eq!(long, "word-word-word-word");
    }

    #[test]
    fn bounded_text_is_cut_between_words() {
        assert_eq!(bounded("  short  ", 10), ("short".into(), false));
        assert_eq!(bounded("one two three four", 10), ("one two…".into(), true));
        let (cut, _) = bounded(&"é".repeat(300), 100);
        assert_eq!(cut.chars().count(), 100);
    }
}
