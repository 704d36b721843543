//! forcemap: a geospatial force-posture mapping service.
//!
//! # Layout
//! - [`tiles`]: vector tiles: MVT encoding (tile math, clipping, simplification), building the
//!   default basemap into a PMTiles archive, and reading PMTiles archives for HTTP serving.

pub mod tiles;
