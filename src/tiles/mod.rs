//! Vector tiles: MVT encoding, the default basemap and PMTiles archives.
//!
//! Three parts, each usable alone:
//! - [`mvt`] turns lon/lat geometries into one Mapbox Vector Tile (tile grid, clipping and
//!   simplification in pixels, layer encoding, one file each); the
//!   `/tiles/{collection}/{z}/{x}/{y}.mvt` endpoint and the basemap builder both go through it.
//! - [`basemap`] builds the default basemap (countries, shared borders, coasts, country labels,
//!   places) into a PMTiles v3 archive, for `forcemap basemap --out FILE.pmtiles` and the
//!   static export.
//! - [`archive`] reads any PMTiles v3 archive held in memory for `/basemap.pmtiles` and
//!   `/thematic.pmtiles` (range requests), its TileJSON, and single tiles.
//!
//! - [`from_catalog`] borrows the default basemap's input from the catalog.
//! - [`collection`] makes one collection's tile on request (R-tree candidates, validity as
//!   day numbers), and gives the same features for the static export's tiles of several
//!   layers; [`cache`] is the bounded LRU the archives' leaf directories and those tiles are
//!   kept in.
//!
//! Apart from `from_catalog` and `collection`, the module depends on `geo` types and `geom` only, not on the
//! dataset model, so the layers above decide what goes into which tile layer.

pub mod archive;
pub mod basemap;
pub mod cache;
pub mod collection;
pub mod from_catalog;
pub mod mvt;

pub use archive::{ArchiveError, TileArchive};
pub use basemap::{build_basemap, BasemapInput, BasemapOptions, Place};
pub use from_catalog::{basemap_input, build_default};
pub use mvt::{encode_tile, PropertyValue, TileFeature};
