//! forcemap: a geospatial force-posture mapping service.
pub mod api { pub mod assets; }
