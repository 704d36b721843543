//! "What stood within D km of the border between A and B?"
//!
//! The border is the catalog's `borders` feature `A-B`: the arcs the two countries share in the
//! topology, exactly as drawn, never a difference of polygons. Candidates come from the R-tree
//! within the border's reach grown by D (safe at any latitude, see `geodesy` and `bounds`); a
//! feature is kept when its geodesic distance to the border's lines (within 1 cm) is at most D
//! (D = 0 keeps what lies on the border, to that centimetre). A point whose proven lower and
//! upper bounds of that distance (`bounds`) decide its membership, certainty and side is not
//! measured further unless the page shows it or a feature before it: the page is put in
//! distance order by a queue on lower bounds, each member measured exactly when it reaches the
//! head. Distances reported are always the exact measure.
//!
//! A result's `side` is the country, of the two, whose territory holds the feature's point
//! nearest the border (its only point for a point feature), or null when neither does (a third
//! country near a tripoint, or the sea). A point on the border line itself (within the 1 cm of
//! the distance method) belongs to both countries; it is given the side of the country named
//! first in the question, and its `distance_km` of 0 tells such points apart. A line or area
//! that crosses the border is at distance 0 and so also takes the first country named.

use super::answer::{
    round_km, search_margin_km, summary, uncertainty_km, within_zone, Answer, Certainty, Hit, Page,
    Shape,
};
use super::bounds::{BorderBounds, Bounds, Prepared, ZoneBounds};
use super::error::AnalysisError;
use super::geodesy::{geometry_to_lines, Closest, Polylines, TOLERANCE_M};
use super::params::check_km;
use super::scope::Scope;
use super::territory::Territory;
use super::zone::buffer;
use crate::catalog::{border_id, Catalog};
use crate::model::CollectionId;
use geo::{Coord, Geometry};
use serde_json::{json, Map, Value};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

/// How distances are measured, for summaries.
pub const METHOD: &str =
    "Minimum geodesic distance on the WGS 84 ellipsoid (geo's Geodesic, Karney) from each \
     feature to the shared border's lines, taking each border segment as the geodesic between its \
     vertices; golden-section search along each segment, pruned by the triangle inequality; \
     error below 1 cm. Points that proven bounds (from the conformal sphere) place surely inside \
     or outside the zone are not measured beyond the page shown.";

/// A border's lines prepared for distances and for bounds, once per catalog.
struct PreparedBorder {
    lines: Polylines,
    bounds: BorderBounds,
}

/// How far a member of the zone has been measured.
enum Measure {
    /// A lower bound (km) shared by the point's grid cell.
    Cell(f64, Prepared),
    /// A lower bound (km) of the point's own.
    Bounded(f64, Prepared),
    Exact,
}

/// What a point's bounds decide (`None`: left to the exact distance).
struct Decision {
    /// Whether it is in the zone (`Some(None)`: surely outside) and how surely.
    certainty: Option<Option<Certainty>>,
    /// Whether the point is on the border line (within the distance method's tolerance).
    on_line: Option<bool>,
}

impl Decision {
    /// Whether nothing is left to the exact distance.
    fn decides(&self) -> bool {
        matches!(
            (self.certainty, self.on_line),
            (Some(None), _) | (Some(Some(_)), Some(_))
        )
    }
}

fn decide(bounds: Bounds, uncertainty: Option<f64>, zone_km: f64) -> Decision {
    // Both functions are monotone in the distance, and so are IEEE division and subtraction:
    // when the two bounds agree, so does every distance between them.
    let low = within_zone(bounds.lower_m / 1000.0, uncertainty, zone_km);
    let high = within_zone(bounds.upper_m / 1000.0, uncertainty, zone_km);
    let on_line = if bounds.upper_m <= TOLERANCE_M {
        Some(true)
    } else if bounds.lower_m > TOLERANCE_M {
        Some(false)
    } else {
        None
    };
    Decision {
        certainty: (low == high).then_some(low),
        on_line,
    }
}

#[allow(clippy::too_many_arguments)]
pub fn border_zone<'a>(
    catalog: &'a Catalog,
    countries: (&str, &str),
    distance_km: f64,
    scope: &Scope,
    include_zone: bool,
    page: Page,
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
    let prepared: Arc<PreparedBorder> =
        catalog
            .derived
            .get_or_build(&format!("border-zone lines {id}"), || {
                let lines = Polylines::new(&lines.0);
                let bounds = BorderBounds::new(&lines);
                PreparedBorder { lines, bounds }
            });
    let territory = |code: &str, feature: &crate::model::Feature| -> Arc<Territory> {
        catalog
            .derived
            .get_or_build(&format!("territory {code}"), || {
                Territory::new(feature.geometry.as_ref())
            })
    };
    let sides = [(a, territory(a, country_a)), (b, territory(b, country_b))];
    let side_of = |at: Coord<f64>| -> Option<String> {
        sides
            .iter()
            .find(|(_, t)| t.holds(at))
            .map(|(code, _)| code.to_string())
    };
    let polylines = &prepared.lines;
    let distance_m = distance_km * 1000.0;
    // Searched a margin farther, so that features recorded outside the zone but possibly
    // inside it, given their location precision, are found too.
    let search_m = (distance_km + search_margin_km()) * 1000.0;
    // The corridor the zone can reach, chunk by chunk of the border: candidates come from it,
    // not from the border's whole envelope, and a point is measured only against the chunks
    // that reach it.
    let reach = polylines.reach(search_m);
    // Bounds a little beyond the farthest distance that decides anything.
    let zone_bounds: Option<ZoneBounds> = prepared.bounds.within(search_m + 1000.0);
    let zone_km = distance_km + TOLERANCE_M / 1000.0;
    // The side of a point: on the line itself it is the first country
    // named, since the country polygons are rebuilt from the arcs and may miss a point on them
    // by floating-point noise.
    let side_at = |on_line: bool, at: Coord<f64>| {
        if on_line {
            Some(a.to_string())
        } else {
            side_of(at)
        }
    };
    let exact_point = |p: Coord<f64>, prepared: Option<&Prepared>| -> Option<Closest> {
        match (&zone_bounds, prepared) {
            (Some(zone), Some(prepared)) => {
                let mut segments = Vec::new();
                zone.bounds(prepared, Some(&mut segments));
                polylines.closest_over(p, &segments)
            }
            _ => polylines.closest_within(p, &reach),
        }
        .map(|c| Closest { at: p, ..c })
    };

    let mut hits = Vec::new();
    let mut measures = Vec::new();
    let candidates = match &zone_bounds {
        Some(zone) => scope.candidates_where(catalog, |e| zone.may_reach(e)),
        None => scope.candidates(catalog, &reach.envelopes),
    };
    for (collection, position, feature, geometry) in candidates {
        let uncertainty = uncertainty_km(feature);
        let mut found = None;
        if let (Geometry::Point(p), Some(zone)) = (geometry, &zone_bounds) {
            let Some(prepared_point) = zone.prepare(p.0) else {
                continue;
            };
            // The cell's bounds first, then the point's own, then (below) the exact distance.
            let cell = zone.cell_bounds(&prepared_point);
            let mut decision = decide(cell, uncertainty, zone_km);
            let mut measure = Measure::Cell(cell.lower_m / 1000.0, prepared_point);
            if !decision.decides() {
                let bounds = zone.bounds(&prepared_point, None);
                decision = decide(bounds, uncertainty, zone_km);
                measure = Measure::Bounded(bounds.lower_m / 1000.0, prepared_point);
            }
            match (decision.certainty, decision.on_line) {
                // Surely outside.
                (Some(None), _) => continue,
                (Some(Some(certainty)), Some(on_line)) => {
                    found = Some((None, side_at(on_line, p.0), certainty, measure));
                }
                // Undecided: only the exact distance decides.
                _ => {}
            }
        }
        let (distance, side, certainty, measure) = match found {
            Some(found) => found,
            None => {
                let closest = match geometry {
                    Geometry::Point(p) => {
                        let prepared_point = zone_bounds.as_ref().and_then(|z| z.prepare(p.0));
                        exact_point(p.0, prepared_point.as_ref())
                    }
                    _ => geometry_to_lines(geometry, polylines, border_geometry),
                };
                let Some(closest) = closest else {
                    continue;
                };
                let measured_km = closest.distance_m / 1000.0;
                let Some(certainty) = within_zone(measured_km, uncertainty, zone_km) else {
                    continue;
                };
                let side = side_at(closest.distance_m <= TOLERANCE_M, closest.at);
                (Some(measured_km), side, certainty, Measure::Exact)
            }
        };
        hits.push(Hit {
            collection,
            position,
            feature,
            geometry: Some(geometry),
            distance_km: distance,
            side: Some(side),
            rank: None,
            certainty: Some(certainty),
            uncertainty_km: uncertainty,
        });
        measures.push(measure);
    }

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

    // Only the page's features, and the ones before it, are put in order and measured exactly.
    let matched = hits.len();
    let listed = page.offset.saturating_add(page.limit).min(matched);
    let mut measures: Vec<Option<Measure>> = measures.into_iter().map(Some).collect();
    let mut queue: BinaryHeap<Reverse<Queued>> = hits
        .iter()
        .zip(&measures)
        .enumerate()
        .map(|(index, (hit, measure))| {
            let (km, exact) = match measure {
                Some(Measure::Cell(km, _) | Measure::Bounded(km, _)) => (*km, false),
                _ => (hit.distance_km.unwrap_or(f64::INFINITY), true),
            };
            Reverse(Queued::new(km, exact, hit, index))
        })
        .collect();
    let mut order = Vec::with_capacity(listed);
    while order.len() < listed {
        let Some(Reverse(next)) = queue.pop() else {
            break;
        };
        let hit = &mut hits[next.index];
        let at = match hit.geometry {
            Some(Geometry::Point(p)) => p.0,
            _ => Coord { x: 0.0, y: 0.0 },
        };
        match measures[next.index].take() {
            Some(Measure::Cell(km, prepared_point)) => {
                let own = zone_bounds
                    .as_ref()
                    .map_or(0.0, |z| z.bounds(&prepared_point, None).lower_m / 1000.0);
                let km = km.max(own);
                measures[next.index] = Some(Measure::Bounded(km, prepared_point));
                queue.push(Reverse(Queued::new(km, false, hit, next.index)));
            }
            Some(Measure::Bounded(_, prepared_point)) => {
                let km = exact_point(at, Some(&prepared_point))
                    .map_or(f64::INFINITY, |c| c.distance_m / 1000.0);
                hit.distance_km = Some(km);
                measures[next.index] = Some(Measure::Exact);
                queue.push(Reverse(Queued::new(km, true, hit, next.index)));
            }
            Some(Measure::Exact) | None => order.push(next.index),
        }
    }
    let mut slots: Vec<Option<Hit>> = hits.into_iter().map(Some).collect();
    let hits: Vec<Hit> = order
        .iter()
        .enumerate()
        .filter_map(|(place, &index)| {
            slots[index].take().map(|mut hit| {
                hit.rank = Some(place + 1);
                hit
            })
        })
        .collect();
    let hits_beyond = matched - hits.len();

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
        hits_beyond,
        shapes,
        changes: Vec::new(),
        summary: Value::Object(s),
    })
}

/// A member of the zone waiting for its place in distance order: by a lower bound of its
/// distance or by the exact one, exact distances then (as `answer::rank` orders) by collection
/// and id. A bound comes before an exact distance of the same value, so that an exact distance
/// leaves the queue only once nothing left can come nearer.
struct Queued<'a> {
    km: f64,
    exact: bool,
    collection: CollectionId,
    id: &'a str,
    index: usize,
}

impl<'a> Queued<'a> {
    fn new(km: f64, exact: bool, hit: &Hit<'a>, index: usize) -> Queued<'a> {
        Queued {
            km,
            exact,
            collection: hit.collection,
            id: hit.feature.id.as_str(),
            index,
        }
    }
}

impl Ord for Queued<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        let by_bound = self
            .km
            .total_cmp(&other.km)
            .then(self.exact.cmp(&other.exact));
        if !self.exact || !other.exact {
            // Between bounds (whole grid cells share one) the order does not matter: the
            // cheapest tie-break will do.
            return by_bound.then(self.index.cmp(&other.index));
        }
        by_bound
            .then(self.collection.cmp(&other.collection))
            .then(self.id.cmp(other.id))
            .then(self.index.cmp(&other.index))
    }
}

impl PartialOrd for Queued<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Queued<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Queued<'_> {}
