//! What every handler shares: the current catalog and the server's configuration.
//!
//! The catalog sits behind a lock holding an `Arc`, so a reload can build a new catalog aside
//! and swap it in one step while requests in flight finish on the old one.

use crate::catalog::Catalog;
use crate::tiles::TileArchive;
use std::sync::{Arc, OnceLock, RwLock};

/// The basemap once known: an archive, or why it could not be made.
pub type BasemapSlot = Arc<OnceLock<Result<Arc<TileArchive>, String>>>;

#[derive(Clone)]
pub struct AppState {
    catalog: Arc<RwLock<Arc<Catalog>>>,
    /// Public base URL (no trailing slash) when behind a proxy; otherwise links are built from
    /// the request's Host header.
    pub public_url: Option<String>,
    basemap: BasemapSlot,
}

impl AppState {
    pub fn new(catalog: Catalog, public_url: Option<String>) -> AppState {
        AppState {
            catalog: Arc::new(RwLock::new(Arc::new(catalog))),
            public_url: public_url.map(|u| u.trim_end_matches('/').to_string()),
            basemap: BasemapSlot::default(),
        }
    }

    pub fn catalog(&self) -> Arc<Catalog> {
        match self.catalog.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The basemap: `None` while it is still being built.
    pub fn basemap(&self) -> Option<Result<Arc<TileArchive>, String>> {
        self.basemap.get().cloned()
    }

    /// Sets the basemap once (later calls are ignored).
    pub fn set_basemap(&self, basemap: Result<TileArchive, String>) {
        let _ = self.basemap.set(basemap.map(Arc::new));
    }

    /// Replaces the catalog for all later requests.
    pub fn swap(&self, catalog: Catalog) {
        let fresh = Arc::new(catalog);
        match self.catalog.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
    }
}
