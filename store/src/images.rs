//! Which supplier images the store holds a copy of (`product_images`), and the one rule every catalog
//! read applies: an absolute image URL is shown as the store's own copy (`/images/<digest>-400.jpg`), or
//! not at all until it is imported. A page never hotlinks the supplier's CDN, which the CSP
//! (`img-src 'self'`) would block anyway; a card without a picture is better than a broken one.

use crate::StoreError;
use meridian_domain::images::{path, DISPLAY_SLOT};
use meridian_domain::Image;
use sqlx::PgPool;
use std::collections::HashMap;
use std::time::Duration;

/// True for an image `src` on another host (the supplier's), which must be imported before it is shown.
pub fn is_remote(src: &str) -> bool {
    let lower = src.get(..8).unwrap_or(src).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || src.starts_with("//")
}

/// `images` as pages show them: site-relative ones as they are, imported ones as the store's copy, the
/// rest left out. `imported` maps a source URL to its digest ([`imported_digests`]).
pub fn localise(images: Vec<Image>, imported: &HashMap<String, String>) -> Vec<Image> {
    images
        .into_iter()
        .filter_map(|image| {
            if !is_remote(&image.src) {
                return Some(image);
            }
            let digest = imported.get(&image.src)?;
            Some(Image {
                src: path(digest, DISPLAY_SLOT),
                alt: image.alt,
            })
        })
        .collect()
}

/// The digests of the imported ones among `images` (by source URL; other sources are absent).
pub async fn imported_digests(
    pool: &PgPool,
    images: &[&[Image]],
) -> Result<HashMap<String, String>, StoreError> {
    let remote: Vec<String> = images
        .iter()
        .flat_map(|list| list.iter())
        .filter(|i| is_remote(&i.src))
        .map(|i| i.src.clone())
        .collect();
    if remote.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = sqlx::query!(
        r#"SELECT source_url, digest AS "digest!" FROM product_images
           WHERE source_url = ANY($1) AND status = 'imported'"#,
        &remote
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.source_url, r.digest)).collect())
}

/// Up to `limit` absolute image URLs of unarchived products that are neither imported nor skipped within
/// `retry_skipped_after`, in a stable order.
pub async fn pending(
    pool: &PgPool,
    retry_skipped_after: Duration,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT DISTINCT img->>'src' AS "src!"
           FROM products p CROSS JOIN LATERAL jsonb_array_elements(p.images) img
           WHERE p.archived_at IS NULL AND img->>'src' ~* '^https?://'
             AND NOT EXISTS (
                 SELECT 1 FROM product_images i WHERE i.source_url = img->>'src'
                 AND (i.status = 'imported' OR i.checked_at > now() - make_interval(secs => $1)))
           ORDER BY 1 LIMIT $2"#,
        crate::seconds(retry_skipped_after),
        limit
    )
    .fetch_all(pool)
    .await?)
}

/// Records that `source_url`'s sizes are stored under `digest`, `widths` pixels wide (in slot order).
pub async fn record_imported(
    pool: &PgPool,
    source_url: &str,
    digest: &str,
    widths: &[i32],
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO product_images (source_url, status, digest, widths, reason)
         VALUES ($1, 'imported', $2, $3, NULL)
         ON CONFLICT (source_url) DO UPDATE SET status = 'imported', digest = $2, widths = $3,
             reason = NULL, checked_at = now()",
        source_url,
        digest,
        widths
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Records that `source_url` was not imported and why; it is looked at again after the retry window.
pub async fn record_skipped(
    pool: &PgPool,
    source_url: &str,
    reason: &str,
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO product_images (source_url, status, reason) VALUES ($1, 'skipped', $2)
         ON CONFLICT (source_url) DO UPDATE SET status = 'skipped', digest = NULL, widths = '{}',
             reason = $2, checked_at = now()
         WHERE product_images.status = 'skipped'",
        source_url,
        reason
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// One image's record, for the CLI and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRecord {
    pub source_url: String,
    pub status: String,
    pub digest: Option<String>,
    pub widths: Vec<i32>,
    pub reason: Option<String>,
}

/// Every record, by source URL.
pub async fn records(pool: &PgPool) -> Result<Vec<ImageRecord>, StoreError> {
    Ok(sqlx::query_as!(
        ImageRecord,
        "SELECT source_url, status, digest, widths, reason FROM product_images ORDER BY source_url"
    )
    .fetch_all(pool)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(src: &str) -> Image {
        Image {
            src: src.into(),
            alt: "A mug".into(),
        }
    }

    #[test]
    fn remote_images_are_ours_or_left_out() {
        let imported = HashMap::from([(
            "https://cdn.example.com/a.jpg".to_owned(),
            "0123456789abcdef".to_owned(),
        )]);
        let shown = localise(
            vec![
                image("https://cdn.example.com/b.jpg"),
                image("https://cdn.example.com/a.jpg"),
                image("/media/mug.svg"),
                image("//cdn.example.com/c.jpg"),
                image("HTTP://cdn.example.com/d.jpg"),
            ],
            &imported,
        );
        assert_eq!(
            shown,
            vec![
                image("/images/0123456789abcdef-400.jpg"),
                image("/media/mug.svg")
            ]
        );
    }
}
