//! Cart and checkout writes per client address: the edge names the client, the origin counts across every
//! location; reads and requests without a client name are not counted.

use crate::common::{send, state, EDGE_SECRET};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use meridian_domain::api::{CLIENT_ADDRESS_HEADER, ORIGIN_AUTH_HEADER};
use meridian_origin::router;
use sqlx::PgPool;

fn create_cart(client: Option<&str>) -> Request<Body> {
    let mut req = Request::post("/api/carts").header(ORIGIN_AUTH_HEADER, EDGE_SECRET);
    if let Some(client) = client {
        req = req.header(CLIENT_ADDRESS_HEADER, client);
    }
    req.body(Body::empty()).unwrap()
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn a_client_over_its_write_limit_waits_and_others_do_not(pool: PgPool) {
    let app = router(state(pool).with_writes_per_minute(2));
    for n in 1..=2 {
        let (status, _) = send(&app, create_cart(Some("203.0.113.7"))).await;
        assert_eq!(status, StatusCode::CREATED, "write {n}");
    }
    let res = tower::ServiceExt::oneshot(app.clone(), create_cart(Some("203.0.113.7")))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=31).contains(&wait), "Retry-After: {wait}");
    let (status, _) = send(&app, create_cart(Some("2001:db8::1"))).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "another client is not held back"
    );
    let (status, _) = send(&app, create_cart(None)).await;
    assert_eq!(status, StatusCode::CREATED, "no client named: not counted");
    let read = Request::get("/api/carts/00000000-0000-4000-8000-000000000000")
        .header(ORIGIN_AUTH_HEADER, EDGE_SECRET)
        .header(CLIENT_ADDRESS_HEADER, "203.0.113.7")
        .body(Body::empty())
        .unwrap();
    let (status, _) = send(&app, read).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "reads are not limited");
}
