//! forcemap: a geospatial force-posture mapping service.
