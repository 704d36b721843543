//! `forcemap export`: the map as a static site that any web server or object store with HTTP
//! range requests can serve, from any path. It consumes the catalog, the tile builders and the
//! format writers as the server does, without going through `api/`:
//!
//! - `page.rs`: the page and its assets, `index.html` marked as a static copy;
//! - the basemap archive (`basemap.pmtiles`, built as `forcemap basemap` builds it) and its
//!   TileJSON (`documents.rs`);
//! - `collection_tiles.rs`: the dated collections as one vector-tile archive
//!   (`collections.pmtiles`), with the groupings' footprints per membership epoch
//!   (`grouping_tiles.rs`);
//! - `downloads.rs`: every collection as GeoJSON, CSV, FlatGeobuf and KML;
//! - `documents.rs`: the JSON documents the page starts from, in place of the API's answers;
//! - `manifest.rs`: `manifest.json`, every file with its size and what it is.

pub mod collection_tiles;
pub mod documents;
pub mod downloads;
pub mod grouping_tiles;
pub mod manifest;
pub mod page;

use crate::catalog::Catalog;
use crate::model::CollectionId;
use crate::tiles::{BasemapOptions, TileArchive};
use anyhow::Context;
use indicatif::ProgressBar;
use std::path::Path;

pub use collection_tiles::COLLECTIONS_MAX_ZOOM;
pub use manifest::{Manifest, ManifestEntry, MANIFEST_FILE};

/// The basemap archive's file name (the page reads `basemap.pmtiles` beside itself).
pub const BASEMAP_ARCHIVE: &str = "basemap.pmtiles";
/// The collections archive's file name.
pub const COLLECTIONS_ARCHIVE: &str = "collections.pmtiles";

/// What to export beyond the defaults.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Highest zoom of the collections archive.
    pub collections_max_zoom: u8,
    /// Zooms of the basemap archive.
    pub basemap: BasemapOptions,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            collections_max_zoom: COLLECTIONS_MAX_ZOOM,
            basemap: BasemapOptions::default(),
        }
    }
}

/// Writes the static site into `out` (created if needed; files of the same names are
/// replaced) and returns its manifest. `progress` shows each step in turn.
pub fn export(
    catalog: &Catalog,
    out: &Path,
    options: &ExportOptions,
    progress: &ProgressBar,
) -> anyhow::Result<Manifest> {
    let created = chrono::Utc::now();
    let today = created.date_naive();
    let mut site = manifest::Site::create(out)?;

    progress.set_message("page");
    page::write_page(&mut site)?;

    progress.set_message("documents");
    documents::write_documents(&mut site, catalog, today)?;

    for collection in CollectionId::ALL {
        progress.set_message(format!("{collection} downloads"));
        downloads::write_collection(&mut site, catalog, collection, today)
            .with_context(|| format!("exporting {collection}"))?;
    }

    progress.set_message("basemap");
    let basemap = crate::tiles::build_default(catalog, &options.basemap, progress)?;
    let archive = TileArchive::new(basemap).context("reading the basemap back")?;
    site.write(
        BASEMAP_ARCHIVE,
        archive.bytes(),
        "the basemap: countries, borders, coasts and places as vector tiles (PMTiles)",
    )?;
    documents::write_basemap_tilejson(&mut site, &archive, BASEMAP_ARCHIVE)?;

    progress.set_message("collections tiles");
    let tiles = collection_tiles::build_collections_archive(
        catalog,
        options.collections_max_zoom,
        today,
        progress,
    )?;
    site.write(
        COLLECTIONS_ARCHIVE,
        &tiles,
        "installations, forces, events, routes and groupings' footprints per membership epoch as \
         vector tiles with validity days (PMTiles)",
    )?;

    progress.set_message("manifest");
    site.finish(catalog.fingerprint, created, documents::document_index())
}
