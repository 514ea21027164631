//! Object storage by URL, for every process that keeps files (reports, images): `file:///abs/dir` (or a
//! plain absolute path) for a local directory in development, `s3://bucket/prefix` for S3 or an
//! S3-compatible store such as R2 in production, its credentials and endpoint from the standard `AWS_*`
//! variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT`, …), and
//! `memory:///` for tests. The URL's path becomes a prefix every key is written under.

use object_store::prefix::PrefixStore;
use object_store::ObjectStore;
use std::sync::Arc;
use url::Url;

/// A shared handle on the store named by `location`.
pub type Objects = Arc<dyn ObjectStore>;

/// Opens the store at `location`; a local directory is created if missing, so a fresh checkout works.
pub fn open(location: &str) -> anyhow::Result<Objects> {
    let url = if location.starts_with('/') {
        Url::from_directory_path(location)
            .map_err(|()| anyhow::anyhow!("{location:?} is not an absolute directory path"))?
    } else {
        Url::parse(location).map_err(|e| anyhow::anyhow!("{location:?} is not a URL: {e}"))?
    };
    if url.scheme() == "file" {
        let dir = url
            .to_file_path()
            .map_err(|()| anyhow::anyhow!("{location:?} is not a local directory"))?;
        std::fs::create_dir_all(&dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    }
    // `from_env` reads AWS_* the way the builder's config keys spell them (lower case).
    let aws = std::env::vars()
        .filter(|(k, _)| k.starts_with("AWS_"))
        .map(|(k, v)| (k.to_ascii_lowercase(), v));
    let (store, prefix) = object_store::parse_url_opts(&url, aws)
        .map_err(|e| anyhow::anyhow!("cannot open object store {location:?}: {e}"))?;
    Ok(Arc::new(PrefixStore::new(store, prefix)))
}

#[cfg(test)]
mod tests {
    use object_store::path::Path;
    use object_store::PutPayload;

    #[tokio::test]
    async fn a_local_directory_holds_keys_under_its_path() {
        let dir = std::env::temp_dir().join(format!("meridian-objects-{}", std::process::id()));
        let store = super::open(&format!("file://{}", dir.join("sub").display())).unwrap();
        store
            .put(&Path::from("a/b.csv"), PutPayload::from_static(b"x,y\n"))
            .await
            .unwrap();
        assert_eq!(std::fs::read(dir.join("sub/a/b.csv")).unwrap(), b"x,y\n");
        let plain = super::open(dir.join("sub").to_str().unwrap()).unwrap();
        let got = plain.get(&Path::from("a/b.csv")).await.unwrap();
        assert_eq!(got.bytes().await.unwrap().as_ref(), b"x,y\n");
        std::fs::remove_dir_all(dir).unwrap();
        assert!(super::open("ftp://example.com/x").is_err());
    }
}
