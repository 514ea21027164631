//! What every handler shares: the database, the edge's credential, and the shutdown flag.

use crate::auth::EdgeCredential;
use meridian_store::Db;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Shared by every handler: cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    /// Who may call: the edge's shared secret.
    pub edge: EdgeCredential,
    /// Set on SIGTERM: readiness fails so load balancers drain this instance before it stops.
    pub draining: Arc<AtomicBool>,
}

impl AppState {
    pub fn new(db: Db, edge_secret: &str) -> Self {
        Self {
            db,
            edge: EdgeCredential::new(edge_secret),
            draining: Arc::new(AtomicBool::new(false)),
        }
    }
}
