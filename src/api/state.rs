//! What every handler shares: the current catalog, the tile archives, the limits and what the
//! last reload did.
//!
//! The catalog sits in an [`ArcSwap`]: a reload builds and checks a new catalog aside and swaps
//! it in one atomic step, while a request holds the `Arc` it took when it started and so finishes
//! on the data it began with, never on a mix. The archives are set once, when known, and read
//! without a lock.

use super::limits::{Guard, Limits};
use crate::catalog::Catalog;
use crate::load::Problem;
use crate::tiles::TileArchive;
use arc_swap::ArcSwap;
use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex, OnceLock};

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

/// What the server knows about the data it serves and about the last reload that failed.
#[derive(Debug, Clone)]
pub struct DataStatus {
    /// The catalog's fingerprint, as the `data-version` of paging links.
    pub version: String,
    pub loaded_at: DateTime<Utc>,
    /// The newest refused reload, if it came after the data now served.
    pub refused: Option<RefusedReload>,
}

/// A reload that was refused because the new data had problems.
#[derive(Debug, Clone)]
pub struct RefusedReload {
    /// When the data first failed this way (unchanged problems keep the first time).
    pub since: DateTime<Utc>,
    pub problems: Vec<Problem>,
}

/// The data version of a catalog, as it appears in links and at `/status`.
pub fn data_version(catalog: &Catalog) -> String {
    format!("{:016x}", catalog.fingerprint)
}

#[derive(Clone)]
pub struct AppState {
    catalog: Arc<ArcSwap<Catalog>>,
    status: Arc<Mutex<DataStatus>>,
    /// The request limits and the slots of each class of endpoint.
    pub guard: Arc<Guard>,
    /// Public base URL (no trailing slash) when behind a proxy; otherwise links are built from
    /// the request's Host header.
    pub public_url: Option<String>,
    basemap: ArchiveSlot,
    thematic: ArchiveSlot,
}

impl AppState {
    pub fn new(catalog: Catalog, public_url: Option<String>) -> AppState {
        AppState::with_limits(catalog, public_url, Limits::default())
    }

    pub fn with_limits(catalog: Catalog, public_url: Option<String>, limits: Limits) -> AppState {
        let status = DataStatus {
            version: data_version(&catalog),
            loaded_at: Utc::now(),
            refused: None,
        };
        AppState {
            catalog: Arc::new(ArcSwap::from_pointee(catalog)),
            status: Arc::new(Mutex::new(status)),
            guard: Arc::new(Guard::new(limits)),
            public_url: public_url.map(|u| u.trim_end_matches('/').to_string()),
            basemap: ArchiveSlot::default(),
            thematic: ArchiveSlot::default(),
        }
    }

    /// The catalog now served; a request takes it once and keeps it to the end.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.load_full()
    }

    pub fn limits(&self) -> &Limits {
        &self.guard.limits
    }

    /// The data version, when it was loaded and the last refused reload.
    pub fn status(&self) -> DataStatus {
        match self.status.lock() {
            Ok(status) => status.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
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

    /// Replaces the catalog for all later requests, in one step, and clears any refused reload.
    pub fn swap(&self, catalog: Catalog) {
        let version = data_version(&catalog);
        // The catalog is stored while the status is locked, so that whoever has seen the new
        // data and then asks `/status` is told its version, never the old one.
        self.update_status(|status| {
            self.catalog.store(Arc::new(catalog));
            *status = DataStatus {
                version,
                loaded_at: Utc::now(),
                refused: None,
            }
        });
    }

    /// Records that new data was refused; the data served stays as it is. The same problems as
    /// last time keep their first time, so `since` says how long the data has been broken.
    pub fn refuse(&self, mut problems: Vec<Problem>) {
        problems.sort();
        self.update_status(|status| {
            let since = match &status.refused {
                Some(previous) if previous.problems == problems => previous.since,
                _ => Utc::now(),
            };
            status.refused = Some(RefusedReload { since, problems });
        });
    }

    /// The data on disk is again the data served: an earlier refusal no longer applies.
    pub fn clear_refusal(&self) {
        self.update_status(|status| status.refused = None);
    }

    fn update_status(&self, change: impl FnOnce(&mut DataStatus)) {
        match self.status.lock() {
            Ok(mut status) => change(&mut status),
            Err(poisoned) => change(&mut poisoned.into_inner()),
        }
    }
}
