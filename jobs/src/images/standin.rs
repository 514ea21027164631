//! The supplier stand-in's image files (dev and test tooling only): `GET /files/{name}` answers the bytes
//! and `Content-Type` it was given for `name` (percent-decoded, so names with spaces and unicode work as
//! on a CDN), or the failure it was told to give, 404 otherwise, and counts every request so a test can
//! see what an import fetched. Merge [`ImageFiles::router`] into the product feed's router to serve both
//! from one address.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Where the files are served: `<base>/files/<percent-encoded name>`.
pub const FILES: &str = "/files";

/// The status a file is answered with, its `Content-Type` and its bytes.
type File = (StatusCode, String, Vec<u8>);

/// Files by name, each with the `Content-Type` it is served with, and the requests seen.
#[derive(Debug, Clone, Default)]
pub struct ImageFiles {
    files: Arc<Mutex<HashMap<String, File>>>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl ImageFiles {
    /// Serves `bytes` as `name` with `content_type` (replacing what was there).
    pub fn put(&self, name: &str, content_type: &str, bytes: Vec<u8>) {
        let mut files = self.files.lock().expect("no panic holds the lock");
        files.insert(
            name.to_owned(),
            (StatusCode::OK, content_type.to_owned(), bytes),
        );
    }

    /// Answers `name` with `status` and a short text body, as a CDN having a bad moment does.
    pub fn fail(&self, name: &str, status: StatusCode) {
        let mut files = self.files.lock().expect("no panic holds the lock");
        let body = b"try again later".to_vec();
        files.insert(name.to_owned(), (status, "text/plain".to_owned(), body));
    }

    /// The names requested so far, in order (including those answered 404).
    pub fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .expect("no panic holds the lock")
            .clone()
    }

    /// The `/files/{name}` route.
    pub fn router(&self) -> Router {
        Router::new()
            .route(&format!("{FILES}/{{*name}}"), get(serve_file))
            .with_state(self.clone())
    }
}

/// The URL of `name` under `base` (e.g. `http://127.0.0.1:8082`), percent-encoded.
pub fn url(base: &str, name: &str) -> String {
    let mut url = url::Url::parse(base).expect("a base URL");
    url.path_segments_mut()
        .expect("a base URL with a path")
        .pop_if_empty()
        .extend(["files", name]);
    url.to_string()
}

async fn serve_file(State(files): State<ImageFiles>, Path(name): Path<String>) -> Response {
    files
        .requests
        .lock()
        .expect("no panic holds the lock")
        .push(name.clone());
    let found = files
        .files
        .lock()
        .expect("no panic holds the lock")
        .get(&name)
        .cloned();
    match found {
        Some((status, content_type, bytes)) => {
            (status, [(header::CONTENT_TYPE, content_type)], bytes).into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}
