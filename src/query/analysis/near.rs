//! "What lies within R km of this point?"
//!
//! Candidates come from the R-tree inside [`circle_envelopes`] (safe at every latitude and
//! across the antimeridian), then each is measured with the geodesic distance from the point to
//! its geometry: to a point directly, to a line its nearest segment, to an area 0 inside and
//! its nearest boundary segment outside. Results are those at most R away, nearest first.
//! `range` asks the same question around a feature and shares [`around`].

use super::answer::{
    rank, search_margin_km, summary, uncertainty_km, within_zone, Answer, Hit, Shape,
};
use super::error::AnalysisError;
use super::geodesy::{circle_envelopes, point_to_geometry, TOLERANCE_M};
use super::params::{check_km, check_lon_lat};
use super::scope::Scope;
use super::zone::{circle, RING_VERTICES};
use crate::catalog::Catalog;
use crate::model::CollectionId;
use geo::{Coord, Geometry, LineString, MultiLineString};
use serde_json::{json, Map, Value};

pub fn near<'a>(
    catalog: &'a Catalog,
    point: Coord<f64>,
    radius_km: f64,
    scope: &Scope,
    include_zone: bool,
) -> Result<Answer<'a>, AnalysisError> {
    check_lon_lat(point.x, point.y)?;
    check_km("radius_km", radius_km)?;
    let hits = around(catalog, point, Some(0.0), radius_km * 1000.0, scope, None);
    let mut s = summary("near", scope, &hits, catalog);
    s.insert("point".into(), json!([point.x, point.y]));
    s.insert("radius_km".into(), json!(radius_km));
    let shapes = if include_zone {
        range_shapes(point, radius_km, &format!("{:.5},{:.5}", point.x, point.y))
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

/// Features of the scope within `radius_m` of `center`, certainly or possibly, measured and
/// ranked; `center_uncertainty_km` is how far the centre itself may be from `center` (0 for a
/// point given as coordinates, `None` when unbounded), and `except` leaves one feature (the
/// centre's own) out.
pub(super) fn around<'a>(
    catalog: &'a Catalog,
    center: Coord<f64>,
    center_uncertainty_km: Option<f64>,
    radius_m: f64,
    scope: &Scope,
    except: Option<(CollectionId, usize)>,
) -> Vec<Hit<'a>> {
    // Searched a margin farther, so that features recorded outside the circle but possibly
    // inside it, given their location precision, are found too.
    let margin_km = search_margin_km() + center_uncertainty_km.unwrap_or(0.0);
    let search_m = radius_m + margin_km * 1000.0;
    let zone_km = (radius_m + TOLERANCE_M) / 1000.0;
    let mut hits: Vec<Hit<'a>> = scope
        .candidates(catalog, &circle_envelopes(center, search_m))
        .into_iter()
        .filter(|(collection, position, ..)| except != Some((*collection, *position)))
        .filter_map(|(collection, position, feature, geometry)| {
            let closest = point_to_geometry(center, geometry)?;
            let measured_km = closest.distance_m / 1000.0;
            let uncertainty = uncertainty_km(feature)
                .zip(center_uncertainty_km)
                .map(|(a, b)| a + b);
            let certainty = within_zone(measured_km, uncertainty, zone_km)?;
            Some(Hit {
                collection,
                position,
                feature,
                geometry: Some(geometry),
                distance_km: Some(measured_km),
                side: None,
                rank: None,
                certainty: Some(certainty),
                uncertainty_km: uncertainty,
            })
        })
        .collect();
    rank(&mut hits);
    hits
}

/// The disc within `radius_km` of `center` (role `zone`) and its outline (role `ring`).
pub(super) fn range_shapes(center: Coord<f64>, radius_km: f64, label: &str) -> Vec<Shape> {
    if radius_km <= 0.0 {
        return Vec::new();
    }
    let disc = circle(center, radius_km * 1000.0, RING_VERTICES);
    let outline = MultiLineString(
        disc.0
            .iter()
            .map(|p| LineString::new(p.exterior().0.clone()))
            .collect(),
    );
    let properties = |what: &str| {
        let mut p = Map::new();
        p.insert(
            "name".into(),
            json!(format!("{what} {radius_km} km around {label}")),
        );
        p.insert("radius_km".into(), json!(radius_km));
        p.insert("center".into(), json!([center.x, center.y]));
        p.insert(
            "approximation".into(),
            json!(format!(
                "{RING_VERTICES} geodesic destinations from the centre, for drawing"
            )),
        );
        p
    };
    vec![
        Shape {
            id: format!("zone-{label}-{radius_km}km"),
            role: "zone",
            geometry: Geometry::MultiPolygon(disc),
            properties: properties("Within"),
        },
        Shape {
            id: format!("ring-{label}-{radius_km}km"),
            role: "ring",
            geometry: Geometry::MultiLineString(outline),
            properties: properties("Ring of"),
        },
    ]
}
