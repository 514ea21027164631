//! `GET /images/{name}`: the jobs' imported images served to the edge from the image store, immutable
//! and typed; nothing else in the store reachable (traversal, escapes, other names), only the edge may
//! ask, and a deployment without IMAGES_STORE answers 404.

use crate::common::{state, EDGE_SECRET};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use meridian_domain::api::ORIGIN_AUTH_HEADER;
use meridian_origin::router;
use object_store::path::Path;
use object_store::PutPayload;
use sqlx::PgPool;
use tower::ServiceExt;

const NAME: &str = "0123456789abcdef-400.jpg";
const JPEG: &[u8] = b"\xff\xd8\xff\xe0 not really a jpeg, but bytes are bytes";

/// (status, content type, cache control, body), asked as the edge (or without its secret).
async fn get(
    app: &axum::Router,
    uri: &str,
    as_edge: bool,
) -> (StatusCode, String, String, Vec<u8>) {
    let mut req = Request::builder().uri(uri);
    if as_edge {
        req = req.header(ORIGIN_AUTH_HEADER, EDGE_SECRET);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let text = |name| {
        res.headers()
            .get(name)
            .map_or(String::new(), |v| v.to_str().unwrap().to_owned())
    };
    let (status, kind, cache) = (
        res.status(),
        text(header::CONTENT_TYPE),
        text(header::CACHE_CONTROL),
    );
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, kind, cache, body)
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn imported_images_are_served_immutable_and_nothing_else(pool: PgPool) {
    let dir = std::env::temp_dir().join(format!("meridian-images-{}", uuid::Uuid::new_v4()));
    let store = meridian_runtime::objects::open(dir.to_str().unwrap()).unwrap();
    for (key, bytes) in [
        (format!("images/{NAME}"), JPEG.to_vec()),
        ("secret.txt".to_owned(), b"not an image".to_vec()),
        ("images/notes.txt".to_owned(), b"not ours".to_vec()),
    ] {
        store
            .put(&Path::from(key), PutPayload::from(bytes))
            .await
            .unwrap();
    }
    let app = router(state(pool.clone()).with_images(store));

    let (status, kind, cache, body) = get(&app, &format!("/images/{NAME}"), true).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "image/jpeg");
    assert_eq!(cache, "public, max-age=31536000, immutable");
    assert_eq!(body, JPEG);

    let (status, ..) = get(&app, &format!("/images/{NAME}"), false).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "only the edge asks the origin"
    );

    for uri in [
        "/images/fedcba9876543210-400.jpg", // a well-formed name that was never imported
        "/images/..%2fsecret.txt",
        "/images/..%2F..%2Fsecret.txt",
        "/images/%2e%2e/secret.txt",
        "/images/../secret.txt",
        "/images/notes.txt",
        "/images/0123456789abcdef-400.jpg%00",
        "/images/0123456789ABCDEF-400.jpg",
        "/images/0123456789abcdef-401.jpg",
        "/images/images%2F0123456789abcdef-400.jpg",
        "/images/",
        "/images",
    ] {
        let (status, kind, cache, body) = get(&app, uri, true).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            !kind.starts_with("image/") && cache.is_empty(),
            "{uri}: {kind} {cache}"
        );
        assert_ne!(body, b"not an image", "{uri}");
    }

    let without = router(state(pool));
    let (status, ..) = get(&without, &format!("/images/{NAME}"), true).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no IMAGES_STORE, no images");
    std::fs::remove_dir_all(dir).unwrap();
}
