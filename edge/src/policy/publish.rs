//! Checks on a publish call: the bearer token (compared as digests, so neither timing nor length leaks)
//! and the batch's shape before anything is written to KV.

use meridian_domain::publish::{PublishBatch, MAX_PUBLISH_BATCH};
use meridian_domain::routes::is_slug;
use sha2::{Digest, Sha256};

/// Whether the `Authorization` header presents `token`. Both sides are hashed first, so the comparison
/// always runs over 32 bytes whatever was sent.
pub(crate) fn presents_token(authorization: &str, token: &str) -> bool {
    let presented = Sha256::digest(authorization.as_bytes());
    let expected = Sha256::digest(format!("Bearer {token}").as_bytes());
    constant_time_eq(&presented, &expected)
}

/// Equality whose time depends only on the length, not on where the inputs differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A refused batch: status and a message for the publishing job.
pub(crate) type Refusal = (u16, String);

/// The version must be a plain KV key segment, the batch bounded, and every slug the catalog's shape (a
/// slug becomes part of a KV key and a URL).
pub(crate) fn check_batch(batch: &PublishBatch) -> Result<(), Refusal> {
    if batch.version.is_empty()
        || batch.version.len() > 64
        || !batch.version.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err((
            422,
            "The version must be 1 to 64 ASCII letters or digits.".into(),
        ));
    }
    if batch.products.len() > MAX_PUBLISH_BATCH {
        return Err((
            413,
            format!("At most {MAX_PUBLISH_BATCH} products per publish call."),
        ));
    }
    if let Some(bad) = batch.products.iter().find(|p| !is_slug(&p.slug)) {
        return Err((
            422,
            format!("Product slug {:?} is not a valid slug.", bad.slug),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use meridian_domain::{Category, ProductDetail};

    fn batch(version: &str, slugs: &[&str]) -> PublishBatch {
        let product = |slug: &&str| ProductDetail {
            slug: (*slug).to_owned(),
            title: "T".into(),
            description: String::new(),
            vendor: String::new(),
            category: Category {
                slug: "c".into(),
                name: "C".into(),
                product_count: 1,
            },
            tags: Vec::new(),
            options: Vec::new(),
            variants: Vec::new(),
            images: Vec::new(),
        };
        PublishBatch {
            version: version.into(),
            products: slugs.iter().map(product).collect(),
            index: None,
        }
    }

    #[test]
    fn tokens_compare_by_digest() {
        let token = "t".repeat(40);
        assert!(presents_token(&format!("Bearer {token}"), &token));
        assert!(!presents_token(&format!("Bearer {token}x"), &token));
        assert!(!presents_token("", &token));
        assert!(
            !presents_token(&token, &token),
            "the scheme is part of the header"
        );
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn batches_are_checked_before_anything_is_stored() {
        assert_eq!(check_batch(&batch("v1a", &["mug", "linen-shirt"])), Ok(()));
        assert_eq!(check_batch(&batch("", &[])).unwrap_err().0, 422);
        assert_eq!(check_batch(&batch("not/alnum", &[])).unwrap_err().0, 422);
        assert_eq!(
            check_batch(&batch(&"v".repeat(65), &[])).unwrap_err().0,
            422
        );
        assert_eq!(check_batch(&batch("v1", &["Bad Slug"])).unwrap_err().0, 422);
        let many: Vec<String> = (0..=MAX_PUBLISH_BATCH).map(|i| format!("p{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(check_batch(&batch("v1", &many)).unwrap_err().0, 413);
    }
}
