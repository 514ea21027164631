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

/// The version and every digest must be plain KV key segments, the batch bounded, every slug the
/// catalog's shape (a slug becomes part of a KV key and a URL), and the index's documents sorted by slug
/// (the edge looks them up by binary search).
pub(crate) fn check_batch(batch: &PublishBatch) -> Result<(), Refusal> {
    if !is_key_segment(&batch.version) {
        return Err((
            422,
            "The version must be 1 to 64 ASCII letters or digits.".into(),
        ));
    }
    if batch.documents.len() > MAX_PUBLISH_BATCH {
        return Err((
            413,
            format!("At most {MAX_PUBLISH_BATCH} documents per publish call."),
        ));
    }
    let sent = batch.documents.iter().map(|d| (&d.product.slug, &d.digest));
    let listed = batch
        .index
        .iter()
        .flat_map(|i| i.documents.iter().map(|d| (&d.slug, &d.digest)));
    if let Some((slug, digest)) = sent
        .chain(listed)
        .find(|(slug, digest)| !is_slug(slug) || !is_key_segment(digest))
    {
        return Err((
            422,
            format!("Document {slug:?} ({digest:?}) needs a valid slug and a 1 to 64 letter or digit digest."),
        ));
    }
    if let Some(index) = &batch.index {
        if index.documents.windows(2).any(|w| w[0].slug >= w[1].slug) {
            return Err((
                422,
                "The index's documents must be sorted by slug, each once.".into(),
            ));
        }
    }
    Ok(())
}

fn is_key_segment(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use meridian_domain::publish::{Document, DocumentRef};
    use meridian_domain::{CatalogIndex, Category, ProductDetail};

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
            sequence: 1,
            documents: slugs
                .iter()
                .map(|slug| Document {
                    digest: "d1".into(),
                    product: product(slug),
                })
                .collect(),
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
        let mut bad_digest = batch("v1", &["mug"]);
        bad_digest.documents[0].digest = "../x".into();
        assert_eq!(check_batch(&bad_digest).unwrap_err().0, 422);
        let doc = |slug: &str| DocumentRef {
            slug: slug.into(),
            digest: "d1".into(),
        };
        let mut unsorted = batch("v1", &[]);
        unsorted.index = Some(CatalogIndex {
            documents: vec![doc("tee"), doc("mug")],
            ..CatalogIndex::default()
        });
        assert_eq!(check_batch(&unsorted).unwrap_err().0, 422);
        unsorted.index.as_mut().unwrap().documents.sort();
        assert_eq!(check_batch(&unsorted), Ok(()));
    }
}
