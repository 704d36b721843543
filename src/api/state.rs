//! What every handler shares: the current catalog, the tile archives and the server's
//! configuration.
//!
//! The catalog sits behind a lock holding an `Arc`, so a reload can build a new catalog aside
//! and swap it in one step while requests in flight finish on the old one. The archives are set
//! once, when known, and read without a lock.

use crate::catalog::Catalog;
use crate::tiles::TileArchive;
use std::sync::{Arc, OnceLock, RwLock};

/// An archive once known, or why it could not be made.
type ArchiveSlot = Arc<OnceLock<Result<Arc<TileArchive>, String>>>;

/// The PMTiles archives the server hands out whole, with range requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tileset {
    /// `/basemap.pmtiles`: what the map is drawn on, the built-in archive unless `--basemap`
    /// named another.
    Basemap,
    /// `/thematic.pmtiles`: always the built-in archive. Its `countries` layer carries ISO3 ids,
    /// so the page colours countries by membership whatever basemap lies underneath.
    Thematic,
}

impl Tileset {
    /// The name in the archive's paths: `/{name}.pmtiles`, `/{name}.json`, `/{name}/{z}/{x}/{y}.mvt`.
    pub fn name(self) -> &'static str {
        match self {
            Tileset::Basemap => "basemap",
            Tileset::Thematic => "thematic",
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    catalog: Arc<RwLock<Arc<Catalog>>>,
    /// Public base URL (no trailing slash) when behind a proxy; otherwise links are built from
    /// the request's Host header.
    pub public_url: Option<String>,
    basemap: ArchiveSlot,
    thematic: ArchiveSlot,
}

impl AppState {
    pub fn new(catalog: Catalog, public_url: Option<String>) -> AppState {
        AppState {
            catalog: Arc::new(RwLock::new(Arc::new(catalog))),
            public_url: public_url.map(|u| u.trim_end_matches('/').to_string()),
            basemap: ArchiveSlot::default(),
            thematic: ArchiveSlot::default(),
        }
    }

    pub fn catalog(&self) -> Arc<Catalog> {
        match self.catalog.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// An archive: `None` while it is still being built.
    pub fn archive(&self, tileset: Tileset) -> Option<Result<Arc<TileArchive>, String>> {
        match tileset {
            Tileset::Basemap => &self.basemap,
            Tileset::Thematic => &self.thematic,
        }
        .get()
        .cloned()
    }

    /// Sets the archives once (later calls are ignored): the built-in one (or why it could not
    /// be built), which is also the basemap unless `replacement` is given.
    pub fn set_archives(
        &self,
        builtin: Result<TileArchive, String>,
        replacement: Option<TileArchive>,
    ) {
        let builtin = builtin.map(Arc::new);
        let basemap = match replacement {
            Some(archive) => Ok(Arc::new(archive)),
            None => builtin.clone(),
        };
        let _ = self.basemap.set(basemap);
        let _ = self.thematic.set(builtin);
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
