//! forcemap: a geospatial force-posture mapping service.

pub mod tiles;
