//! "What stood within D km of the border between A and B?"
//!
//! The border is the catalog's `borders` feature `A-B`: the arcs the two countries share in the
//! topology, exactly as drawn, never a difference of polygons. Candidates come from the R-tree
//! within the border's envelope grown by D (safe at any latitude, see `geodesy`); each is then
//! measured with the geodesic distance to the border's lines (within 1 cm), and kept when it is
//! at most D away (D = 0 keeps what lies on the border, to that centimetre).
//!
//! A result's `side` is the country, of the two, whose territory holds the feature's point
//! nearest the border (its only point for a point feature), or null when neither does (a third
//! country near a tripoint, or the sea). A point on the border line itself (within the 1 cm of
//! the distance method) belongs to both countries; it is given the side of the country named
//! first in the question, and its `distance_km` of 0 tells such points apart. A line or area
//! that crosses the border is at distance 0 and so also takes the first country named.

use super::answer::{
    rank, round_km, search_margin_km, summary, uncertainty_km, within_zone, Answer, Hit, Shape,
};
use super::error::AnalysisError;
use super::geodesy::{geometry_to_lines, Closest, Polylines, TOLERANCE_M};
use super::params::check_km;
use super::scope::Scope;
use super::zone::buffer;
use crate::catalog::{border_id, Catalog};
use crate::model::{CollectionId, Feature};
use geo::{Coord, Geometry, Intersects, Point};
use serde_json::{json, Map, Value};

/// How distances are measured, for summaries.
pub const METHOD: &str =
    "Minimum geodesic distance on the WGS 84 ellipsoid (geo's Geodesic, Karney) from each \
     feature to the shared border's lines, taking each border segment as the geodesic between its \
     vertices; golden-section search along each segment, pruned by the triangle inequality; \
     error below 1 cm.";

pub fn border_zone<'a>(
    catalog: &'a Catalog,
    countries: (&str, &str),
    distance_km: f64,
    scope: &Scope,
    include_zone: bool,
) -> Result<Answer<'a>, AnalysisError> {
    check_km("distance_km", distance_km)?;
    let (a, b) = countries;
    let country = |code: &str| {
        catalog
            .country(code)
            .ok_or_else(|| AnalysisError::UnknownCountry {
                parameter: "countries",
                code: code.to_string(),
            })
    };
    let (country_a, country_b) = (country(a)?, country(b)?);
    let id = border_id(a, b);
    let border = catalog
        .collection(CollectionId::Borders)
        .get(&id)
        .ok_or_else(|| AnalysisError::NoSharedBorder(a.to_string(), b.to_string()))?;
    let Some(border_geometry @ Geometry::MultiLineString(lines)) = &border.geometry else {
        return Err(AnalysisError::NoSharedBorder(a.to_string(), b.to_string()));
    };
    let polylines = Polylines::new(&lines.0);
    let distance_m = distance_km * 1000.0;
    // Searched a margin farther, so that features recorded outside the zone but possibly
    // inside it, given their location precision, are found too.
    let search_m = (distance_km + search_margin_km()) * 1000.0;
    // The corridor the zone can reach, chunk by chunk of the border: candidates come from it,
    // not from the border's whole envelope, and a point is measured only against the chunks
    // that reach it.
    let reach = polylines.reach(search_m);

    let mut hits = Vec::new();
    for (collection, position, feature, geometry) in scope.candidates(catalog, &reach.envelopes) {
        let closest = match geometry {
            Geometry::Point(p) => polylines
                .closest_within(p.0, &reach)
                .map(|c| Closest { at: p.0, ..c }),
            _ => geometry_to_lines(geometry, &polylines, border_geometry),
        };
        let Some(closest) = closest else {
            continue;
        };
        let measured_km = closest.distance_m / 1000.0;
        let Some(certainty) = within_zone(
            measured_km,
            uncertainty_km(feature),
            distance_km + TOLERANCE_M / 1000.0,
        ) else {
            continue;
        };
        // On the line itself the side is the first country named: the country polygons are
        // rebuilt from the arcs and may miss a point on them by floating-point noise.
        let side = if closest.distance_m <= TOLERANCE_M {
            Some(a.to_string())
        } else {
            side_of(closest.at, &[(a, country_a), (b, country_b)])
        };
        hits.push(Hit {
            collection,
            position,
            feature,
            geometry: Some(geometry),
            distance_km: Some(measured_km),
            side: Some(side),
            rank: None,
            certainty: Some(certainty),
            uncertainty_km: uncertainty_km(feature),
        });
    }
    rank(&mut hits);

    let mut s = summary("border-zone", scope, &hits, catalog);
    s.insert("countries".into(), json!([a, b]));
    s.insert("border".into(), json!(id));
    s.insert("distance_km".into(), json!(distance_km));
    s.insert(
        "border_length_km".into(),
        json!(round_km(polylines.length_m() / 1000.0)),
    );
    let mut per_side = Map::new();
    for code in [a, b] {
        let n = hits
            .iter()
            .filter(|h| h.side.as_ref().and_then(|s| s.as_deref()) == Some(code))
            .count();
        per_side.insert(code.to_string(), json!(n));
    }
    per_side.insert(
        "neither".into(),
        json!(hits.iter().filter(|h| matches!(h.side, Some(None))).count()),
    );
    s.insert("per_side".into(), Value::Object(per_side));
    s.insert("method".into(), json!(METHOD));

    let mut shapes = Vec::new();
    if include_zone {
        if let Some(zone) = buffer(&lines.0, distance_m) {
            let mut properties = Map::new();
            properties.insert(
                "name".into(),
                json!(format!(
                    "Within {distance_km} km of the {} border",
                    border.name()
                )),
            );
            properties.insert("distance_km".into(), json!(distance_km));
            properties.insert(
                "approximation".into(),
                json!("For drawing: union of geodesic circles and segment bands; edge within about 5 % of the distance. Results are decided by exact distance."),
            );
            shapes.push(Shape {
                id: format!("zone-{id}-{distance_km}km"),
                role: "zone",
                geometry: Geometry::MultiPolygon(zone),
                properties,
            });
        }
        let mut properties = Map::new();
        properties.insert("name".into(), json!(border.name()));
        properties.insert("border".into(), json!(id));
        properties.insert(
            "length_km".into(),
            json!(round_km(polylines.length_m() / 1000.0)),
        );
        shapes.push(Shape {
            id: format!("border-{id}"),
            role: "border",
            geometry: border_geometry.clone(),
            properties,
        });
    }
    Ok(Answer {
        hits,
        shapes,
        changes: Vec::new(),
        summary: Value::Object(s),
    })
}

/// The first of `countries` whose territory (boundary included) holds the point, else `None`.
fn side_of(at: Coord<f64>, countries: &[(&str, &Feature)]) -> Option<String> {
    countries
        .iter()
        .find(|(_, c)| {
            c.geometry
                .as_ref()
                .is_some_and(|g| g.intersects(&Point(at)))
        })
        .map(|(code, _)| code.to_string())
}
