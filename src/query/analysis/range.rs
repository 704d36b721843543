//! "What lies within R km of this feature?": a geodesic range ring around a point feature
//! (a base, a unit), what falls inside it and which countries it reaches.
//!
//! What is inside is decided as in `near` (exact geodesic distance from the feature's point),
//! leaving the feature itself out; the centre's own location precision widens every distance
//! bound, so a ring around a base known to its town says "possibly" more often. The ring is 128 geodesic destinations (see `zone`); the
//! countries it touches are those whose polygons meet that ring polygon, found through the
//! R-tree, so a country that the true circle grazes by less than the ring's sag (0.03 % of
//! the radius) may be missed.

use super::answer::{summary, uncertainty_km, Answer};
use super::error::AnalysisError;
use super::geodesy::circle_envelopes;
use super::near::{around, range_shapes};
use super::params::check_km;
use super::scope::Scope;
use super::zone::{circle, RING_VERTICES};
use crate::catalog::Catalog;
use crate::model::CollectionId;
use geo::{Geometry, Intersects};
use serde_json::{json, Value};

/// Where a `from` id is looked up, in order.
pub const ORIGIN_COLLECTIONS: [CollectionId; 4] = [
    CollectionId::Installations,
    CollectionId::Forces,
    CollectionId::Events,
    CollectionId::Routes,
];

pub fn range<'a>(
    catalog: &'a Catalog,
    from: &str,
    radius_km: f64,
    scope: &Scope,
    include_zone: bool,
) -> Result<Answer<'a>, AnalysisError> {
    check_km("radius_km", radius_km)?;
    let (collection, position) = ORIGIN_COLLECTIONS
        .iter()
        .find_map(|&c| catalog.collection(c).position(from).map(|p| (c, p)))
        .ok_or_else(|| AnalysisError::UnknownFeature(from.to_string()))?;
    let origin = &catalog.collection(collection).features()[position];
    let Some(Geometry::Point(center)) = &origin.geometry else {
        return Err(AnalysisError::NoLocation(from.to_string()));
    };
    let center = center.0;
    let radius_m = radius_km * 1000.0;
    let hits = around(
        catalog,
        center,
        uncertainty_km(origin),
        radius_m,
        scope,
        Some((collection, position)),
    );

    let ring = circle(center, radius_m, RING_VERTICES);
    let countries = catalog.collection(CollectionId::Countries);
    let mut touched: Vec<&str> = circle_envelopes(center, radius_m)
        .iter()
        .flat_map(|e| countries.candidates(e))
        .filter_map(|p| {
            let country = &countries.features()[p];
            let meets = country.geometry.as_ref().is_some_and(|g| {
                if radius_m > 0.0 {
                    g.intersects(&ring)
                } else {
                    g.intersects(&geo::Point(center))
                }
            });
            meets.then_some(country.id.as_str())
        })
        .collect();
    touched.sort_unstable();
    touched.dedup();

    let mut s = summary("range", scope, &hits, catalog);
    s.insert("from".into(), json!(origin.id));
    s.insert("from_collection".into(), json!(collection.as_str()));
    s.insert("from_name".into(), json!(origin.name()));
    s.insert("center".into(), json!([center.x, center.y]));
    s.insert("radius_km".into(), json!(radius_km));
    s.insert("countries".into(), json!(touched));
    let shapes = if include_zone {
        range_shapes(center, radius_km, &origin.id)
    } else {
        Vec::new()
    };
    Ok(Answer {
        hits,
        hits_beyond: 0,
        shapes,
        changes: Vec::new(),
        summary: Value::Object(s),
    })
}
