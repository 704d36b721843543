//! Query building blocks that sit between the HTTP layer and the catalog: CQL2 filters compiled
//! once per request and evaluated per feature (`cql`), and the coordinate reference systems the
//! server accepts and emits (`crs`). Both are plain libraries with no knowledge of axum or of the
//! catalog's storage, so they can be tested, and reused by the command line, on their own.

pub mod cql;
pub mod crs;
