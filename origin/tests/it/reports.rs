//! Admin reports: the days and files the jobs wrote to the report store listed, one downloaded as CSV,
//! and nothing else in the store reachable (path traversal, other names, other days).

use crate::admin::assert_schema;
use crate::common::state;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use meridian_origin::router;
use object_store::path::Path;
use object_store::PutPayload;
use serde_json::Value;
use sqlx::PgPool;
use tower::ServiceExt;

/// (status, content type, content disposition, body).
async fn get(
    app: &axum::Router,
    key: Option<&str>,
    uri: &str,
) -> (StatusCode, String, String, Vec<u8>) {
    let mut req = Request::builder().uri(uri);
    if let Some(key) = key {
        req = req.header("authorization", format!("Bearer {key}"));
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
    let (status, kind, disposition) = (
        res.status(),
        text(header::CONTENT_TYPE),
        text(header::CONTENT_DISPOSITION),
    );
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, kind, disposition, body)
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn reports_are_listed_and_downloaded_and_nothing_else(pool: PgPool) {
    let dir = std::env::temp_dir().join(format!("meridian-reports-{}", uuid::Uuid::new_v4()));
    let store = meridian_runtime::objects::open(dir.join("store").to_str().unwrap()).unwrap();
    let csv = "product_title,units\n\"Tee, \"\"Crème\"\" ☕\",2\n";
    for (key, text) in [
        ("reports/daily/2026-11-25/summary.csv", "date,currency\n"),
        ("reports/daily/2026-11-25/sales-by-product.csv", csv),
        (
            "reports/daily/2026-11-26/summary.csv",
            "date,currency\n2026-11-26,USD\n",
        ),
        ("reports/daily/2026-11-26/notes.txt", "not a report file"),
    ] {
        store
            .put(&Path::from(key), PutPayload::from(text.as_bytes().to_vec()))
            .await
            .unwrap();
    }
    // A file next to the store, which a traversal would aim at.
    std::fs::write(dir.join("secret.csv"), "top,secret\n").unwrap();
    let app = router(state(pool.clone()).with_reports(store));
    let reader = {
        let scopes = vec!["reports:read".to_owned()];
        meridian_store::api_keys::create(&pool, "tests", &scopes)
            .await
            .unwrap()
            .key
    };

    let (status, _, _, body) = get(&app, Some(&reader), "/admin/api/reports").await;
    assert_eq!(status, StatusCode::OK);
    let list: Value = serde_json::from_slice(&body).unwrap();
    assert_schema(&list, "ReportList");
    let days: Vec<&str> = list["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert_eq!(days, ["2026-11-26", "2026-11-25"], "newest first");
    let files: Vec<(&str, u64)> = list["reports"][1]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["size"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        files,
        [
            ("summary.csv", 14),
            ("sales-by-product.csv", csv.len() as u64)
        ]
    );
    assert!(!list.to_string().contains("notes.txt"));

    let (status, kind, disposition, body) = get(
        &app,
        Some(&reader),
        "/admin/api/reports/2026-11-25/sales-by-product.csv",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "text/csv; charset=utf-8");
    assert_eq!(
        disposition,
        "attachment; filename=\"2026-11-25-sales-by-product.csv\""
    );
    assert_eq!(String::from_utf8(body).unwrap(), csv);

    for uri in [
        "/admin/api/reports/..%2F..%2Fsecret.csv/summary.csv",
        "/admin/api/reports/2026-11-25/..%2F..%2F..%2Fsecret.csv",
        "/admin/api/reports/2026-11-25/%2E%2E",
        "/admin/api/reports/2026-11-25/notes.txt",
        "/admin/api/reports/2026-02-30/summary.csv",
        "/admin/api/reports/2026-11-24/summary.csv",
        "/admin/api/reports/2026-11-25/orders.csv",
    ] {
        let (status, _, _, body) = get(&app, Some(&reader), uri).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{uri}: {}",
            String::from_utf8_lossy(&body)
        );
        assert!(!String::from_utf8_lossy(&body).contains("secret"), "{uri}");
    }

    // Keys: none → 401, an orders key → 403; without a report store, 503.
    assert_eq!(
        get(&app, None, "/admin/api/reports").await.0,
        StatusCode::UNAUTHORIZED
    );
    let orders = meridian_store::api_keys::create(&pool, "o", &["orders:read".to_owned()])
        .await
        .unwrap()
        .key;
    assert_eq!(
        get(&app, Some(&orders), "/admin/api/reports").await.0,
        StatusCode::FORBIDDEN
    );
    let off = router(state(pool));
    assert_eq!(
        get(&off, Some(&reader), "/admin/api/reports").await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    std::fs::remove_dir_all(dir).unwrap();
}
