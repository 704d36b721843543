//! Writers that turn query results into bytes for a response body.
//!
//! Writers stream from the catalog's own geometry into the output buffer, projecting each
//! coordinate on the way, so serving a feature never clones its geometry.

pub mod answer;
pub mod collection;
pub mod geojson;
pub mod items;
