//! Writers that turn query results into bytes for a response body.
//!
//! The GeoJSON writers stream from the catalog's own geometry into the output buffer,
//! projecting each coordinate on the way, so serving a feature never clones its geometry. The
//! download writers (CSV, FlatGeobuf, KML; `download.rs`) take the same features as rows.

pub mod answer;
pub mod collection;
pub mod csv;
pub mod download;
pub mod fgb;
pub mod geojson;
pub mod items;
pub mod kml;
