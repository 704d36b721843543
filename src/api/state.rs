//! What every handler shares: the current catalog, the tile archives, the limits and what the
//! last reload did.
//!
//! The catalog sits in an [`ArcSwap`]: a reload builds and checks a new catalog aside and swaps
//! it in one atomic step, while a request holds the `Arc` it took when it started and so finishes
//! on the data it began with, never on a mix. The archives are set once, when known: the
//! built-in one is built while the server already answers, and a request for it waits until it
//! is there (a few seconds after start-up) instead of failing.

use super::error::{ApiError, ApiResult};
use super::limits::{Guard, Limits};
use super::request::Request;
use crate::catalog::Catalog;
use crate::load::Problem;
use crate::query::params::ParamSpec;
use crate::tiles::TileArchive;
use arc_swap::ArcSwap;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// An archive once known, or why it could not be made.
pub type ArchiveResult = Result<Arc<TileArchive>, String>;

/// An archive slot: empty until the archive is known, then set once.
type ArchiveSlot = Arc<watch::Sender<Option<ArchiveResult>>>;

/// How long a request for an archive still being built waits before it is told to retry.
const ARCHIVE_WAIT: Duration = Duration::from_secs(60);

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

/// The parameter paging links carry so that a client paging across a reload is told: a page
/// asked for with another version than the data served gets a 409, never a mix of both.
pub const DATA_VERSION_PARAMETER: ParamSpec = ParamSpec {
    name: "data-version",
    required: false,
    description: "The data version a paging link was made for (set by the server in next and prev links). If the data has been reloaded since, the request gets a 409 and the client starts again from the first page.",
    // As [`data_version`] writes it.
    schema: || serde_json::json!({"type": "string", "pattern": "^[0-9a-f]{16}$"}),
};

/// The name of [`DATA_VERSION_PARAMETER`].
pub const DATA_VERSION: &str = DATA_VERSION_PARAMETER.name;

/// The version of the data served, or a 409 when the request's paging link was made for
/// other data.
pub fn paging_version(catalog: &Catalog, request: &Request) -> ApiResult<String> {
    let version = data_version(catalog);
    match request.param(DATA_VERSION) {
        Some(asked) if asked != version => Err(ApiError {
            status: StatusCode::CONFLICT,
            code: "DataChanged",
            description: format!(
                "the data changed since this page's link was made (data-version {asked}, now \
                 {version}); start again from the first page"
            ),
        }),
        _ => Ok(version),
    }
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
    /// Collection tiles already made, keyed by data version, so a reload needs no purge.
    pub tiles: Arc<super::tiles::TileCache>,
    /// Large answers already made, keyed by data version too.
    pub answers: Arc<super::answer_cache::AnswerCache>,
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
            basemap: Arc::new(watch::Sender::new(None)),
            thematic: Arc::new(watch::Sender::new(None)),
            tiles: Arc::new(super::tiles::new_cache()),
            answers: Arc::new(super::answer_cache::new_cache()),
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

    fn slot(&self, tileset: Tileset) -> &ArchiveSlot {
        match tileset {
            Tileset::Basemap => &self.basemap,
            Tileset::Thematic => &self.thematic,
        }
    }

    /// An archive, waiting while it is being built (at most [`ARCHIVE_WAIT`]; `None` after).
    pub async fn archive_when_built(&self, tileset: Tileset) -> Option<ArchiveResult> {
        let mut known = self.slot(tileset).subscribe();
        let waited = tokio::time::timeout(ARCHIVE_WAIT, known.wait_for(Option::is_some)).await;
        match waited {
            Ok(Ok(archive)) => archive.clone(),
            _ => None,
        }
    }

    /// Sets the archives once (later calls are ignored): the built-in one (or why it could not
    /// be built), which is also the basemap unless `replacement` is given.
    pub fn set_archives(
        &self,
        builtin: Result<TileArchive, String>,
        replacement: Option<TileArchive>,
    ) {
        if let Some(archive) = replacement {
            self.set_replacement_basemap(archive);
        }
        self.set_builtin(builtin);
    }

    /// Serves `archive` (from `--basemap`) as the basemap instead of the built-in one.
    pub fn set_replacement_basemap(&self, archive: TileArchive) {
        set_once(&self.basemap, Ok(Arc::new(archive)));
    }

    /// The built-in archive is built (or failed): it is the thematic archive, and the basemap
    /// unless a replacement was set.
    pub fn set_builtin(&self, builtin: Result<TileArchive, String>) {
        let builtin = builtin.map(Arc::new);
        set_once(&self.basemap, builtin.clone());
        set_once(&self.thematic, builtin);
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

/// Fills an empty slot and wakes whoever waits for it; a slot already set is left alone.
fn set_once(slot: &ArchiveSlot, archive: ArchiveResult) {
    slot.send_if_modified(|known| {
        let empty = known.is_none();
        if empty {
            *known = Some(archive);
        }
        empty
    });
}
