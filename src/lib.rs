//! forcemap: a geospatial force-posture mapping service.
//!
//! # Layout
//! Modules follow the data flow, and each depends only on those listed before it:
//!
//! - [`model`]: feature kinds, reduced-precision dates and validity intervals, memberships.
//! - [`geom`]: beside `model` at the bottom, on `geo` types only: cutting and unwrapping at the
//!   antimeridian, the Web Mercator constants.
//! - [`load`]: reading `geodata/` (GeoJSON and the country TopoJSON) and validating it into a
//!   [`load::Dataset`]; every input the service accepts from files is parsed here.
//! - [`catalog`]: the immutable, indexed form of a dataset: one R-tree per collection, shared
//!   borders derived from the topology, grouping footprints per date.
//! - [`query`]: request parameters, CQL2 filters, coordinate reference systems, item selection.
//! - [`formats`]: writers from catalog geometry straight into response bytes.
//! - [`tiles`]: Mapbox Vector Tile encoding, the basemap builder and PMTiles archive reading.
//! - [`synth`]: synthetic datasets for measuring at scale, written beside the loader's input.
//! - [`assets`]: the map page's files, embedded by `build.rs`, for the server and the export.
//! - [`export`]: `forcemap export`, the map as a static site: the page, the data files and
//!   the tile archives, beside `api` and not through it.
//! - [`api`]: the axum routers: OGC API – Features, the map page and its assets, the basemap.

pub mod api;
pub mod assets;
pub mod catalog;
pub mod export;
pub mod formats;
pub mod geom;
pub mod load;
pub mod model;
pub mod query;
pub mod synth;
pub mod tiles;
