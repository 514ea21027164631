//! Liveness and readiness, and the drain on shutdown.

use crate::common::{call, seeded};
use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn health_and_readiness_answer(pool: PgPool) {
    let app = seeded(pool).await;
    assert_eq!(call(&app, "GET", "/healthz", None).await.0, StatusCode::OK);
    assert_eq!(
        call(&app, "GET", "/readyz", None).await,
        (StatusCode::OK, json!("ready"))
    );
}

/// `GET path` over a real socket; the status code, or `None` if nothing answers.
async fn get_status(addr: std::net::SocketAddr, path: &str) -> Option<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nhost: origin\r\nconnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.ok()?;
    reply.split(' ').nth(1)?.parse().ok()
}

#[sqlx::test(migrator = "meridian_store::MIGRATOR")]
async fn on_shutdown_readiness_fails_first_then_the_listener_closes(pool: PgPool) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    let drain = std::time::Duration::from_millis(1500);
    let state = crate::common::state(pool);
    let server = tokio::spawn(meridian_origin::serve_on(listener, state, shutdown, drain));
    assert_eq!(get_status(addr, "/readyz").await, Some(200));
    stop.send(()).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(
        get_status(addr, "/readyz").await,
        Some(503),
        "draining: not ready"
    );
    assert_eq!(
        get_status(addr, "/healthz").await,
        Some(200),
        "but still answering"
    );
    server.await.unwrap().unwrap();
    assert_eq!(
        get_status(addr, "/healthz").await,
        None,
        "stopped after the drain"
    );
}
