//! The query engine between the HTTP layer and the catalog; no HTTP in here, so the command line
//! and the API share every rule.
//!
//! - `params`: the shared request parameters (`bbox`, `datetime`, `limit`, …) and their errors;
//!   `ParamSpec`, the one declaration of a parameter.
//! - `items_spec`: the parameters of an items page declared once (names, meaning, schemas).
//! - `cql`: CQL2 filters compiled once per request and evaluated per feature.
//! - `crs`: the coordinate reference systems the server accepts and emits.
//! - `items`: selecting, sorting and paging the items of a collection.
//! - `analysis`: the spatial questions (border zone, near, nearest, within, locate, range)
//!   answered with geodesic measures.

pub mod analysis;
pub mod cql;
pub mod crs;
pub mod items;
pub mod items_spec;
pub mod params;
