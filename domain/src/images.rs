//! Product images as the store serves them from its own domain: the supplier's picture, imported by the
//! jobs' `import-images`, is kept in object storage in a few sizes under immutable, content-addressed keys
//! `images/<digest>-<slot>.jpg`, and pages name it `/images/<digest>-<slot>.jpg` (the same string with a
//! leading slash), so the CSP can say `img-src 'self'` and an image can be cached for a year.
//!
//! The key format lives here once: the job writes keys, the origin and the edge check them, the pages
//! build `srcset` from them.

/// The sizes kept of every image, by the width they are made for. Cards and the product page both show an
/// image 400 CSS pixels wide: the 400 slot is `src`, the 800 slot serves screens of two device pixels per
/// CSS pixel. A slot's file is never wider than the source (no upscaling): a 300-pixel source is 300 wide
/// in both.
pub const SLOTS: [u32; 2] = [400, 800];

/// The slot a page's `src` names.
pub const DISPLAY_SLOT: u32 = SLOTS[0];

/// Prefix of the public path, and of the object key without the slash.
pub const PATH_PREFIX: &str = "/images/";

/// Hex digits of the source bytes' SHA-256 in a key: 64 bits, so two different pictures in one catalog do
/// not meet.
pub const DIGEST_LEN: usize = 16;

/// What every stored size is encoded as.
pub const CONTENT_TYPE: &str = "image/jpeg";

/// One year: a key names its bytes forever.
pub const CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// The object key of `digest`'s `slot`, e.g. `images/0123456789abcdef-400.jpg`.
pub fn key(digest: &str, slot: u32) -> String {
    path(digest, slot)[1..].to_owned()
}

/// The public path of `digest`'s `slot`, e.g. `/images/0123456789abcdef-400.jpg`.
pub fn path(digest: &str, slot: u32) -> String {
    format!("{PATH_PREFIX}{digest}-{slot}.jpg")
}

/// True when `name` (the part after `/images/`) is exactly a key this store makes: 16 lowercase hex
/// digits, a dash, one of [`SLOTS`], `.jpg`. Everything else (dots, slashes, escapes, upper case) is a
/// 404 without a storage read.
pub fn is_name(name: &str) -> bool {
    parse_name(name).is_some()
}

/// The digest and slot of a key name, if it is one.
pub fn parse_name(name: &str) -> Option<(&str, u32)> {
    let stem = name.strip_suffix(".jpg")?;
    let (digest, slot) = stem.split_once('-')?;
    let hex = digest.len() == DIGEST_LEN
        && digest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let slot = SLOTS.into_iter().find(|s| s.to_string() == slot)?;
    hex.then_some((digest, slot))
}

/// The `srcset` for an image whose `src` is one of ours (`1x` and `2x`), `None` for any other.
pub fn srcset(src: &str) -> Option<String> {
    let (digest, slot) = parse_name(src.strip_prefix(PATH_PREFIX)?)?;
    (slot == DISPLAY_SLOT).then(|| {
        format!(
            "{} 1x, {} 2x",
            path(digest, SLOTS[0]),
            path(digest, SLOTS[1])
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "0123456789abcdef";

    #[test]
    fn keys_and_paths_differ_by_the_leading_slash() {
        assert_eq!(key(D, 400), "images/0123456789abcdef-400.jpg");
        assert_eq!(path(D, 800), "/images/0123456789abcdef-800.jpg");
        assert_eq!(parse_name("0123456789abcdef-800.jpg"), Some((D, 800)));
    }

    #[test]
    fn only_our_own_names_are_keys() {
        for bad in [
            "",
            "0123456789abcdef-400.png",
            "0123456789ABCDEF-400.jpg",
            "0123456789abcde-400.jpg",
            "0123456789abcdef-401.jpg",
            "0123456789abcdef-0400.jpg",
            "../0123456789abcdef-400.jpg",
            "..%2f0123456789abcdef-400.jpg",
            "0123456789abcdef-400.jpg/x",
            "0123456789abcdef-400.jpg.jpg",
            "0123456789abcdéf-400.jpg",
        ] {
            assert!(!is_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn srcset_only_for_our_display_size() {
        assert_eq!(
            srcset("/images/0123456789abcdef-400.jpg").as_deref(),
            Some("/images/0123456789abcdef-400.jpg 1x, /images/0123456789abcdef-800.jpg 2x")
        );
        assert_eq!(srcset("/media/mug.svg"), None);
        assert_eq!(srcset("/images/0123456789abcdef-800.jpg"), None);
    }
}
