//! Shared land borders and coasts, derived from the country topology.
//!
//! In the topology every border segment is one arc referenced by both neighbours, so the
//! border of A and B is exactly the arcs they share: no polygon difference, no tolerance. The
//! arcs only one country references are the rest of its outline: its coasts. Arcs are chained
//! end to start into as few lines as possible so that a border drawn on a map has no needless
//! breaks.

use crate::geom::antimeridian;
use crate::load::CountryTopology;
use crate::model::{Feature, PropertiesBuilder};
use geo::{Coord, Geodesic, Geometry, Length, LineString, MultiLineString};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The id of the border of two countries: the two codes sorted and joined by `-`.
pub fn border_id(a: &str, b: &str) -> String {
    if a <= b {
        format!("{a}-{b}")
    } else {
        format!("{b}-{a}")
    }
}

/// A country's outline where it borders no other country of the topology: its coasts (and any
/// edge against land the topology leaves out).
#[derive(Debug, Clone, PartialEq)]
pub struct Coast {
    /// ISO 3166-1 alpha-3 code.
    pub country: String,
    pub line: MultiLineString<f64>,
}

/// Every country's coast, in country order; countries with none are left out.
///
/// Lines are cut where they jump across the antimeridian, and pieces that run along it are
/// dropped: there the source cut a polygon in two, and no coast lies.
pub fn coasts(topology: &CountryTopology) -> Vec<Coast> {
    let mut own: Vec<Vec<usize>> = vec![Vec::new(); topology.countries.len()];
    for (arc, countries) in topology.arc_users().iter().enumerate() {
        if let [only] = countries[..] {
            own[only].push(arc);
        }
    }
    own.iter()
        .enumerate()
        .filter(|(_, arcs)| !arcs.is_empty())
        .filter_map(|(country, arcs)| {
            let chained = chain(arcs.iter().map(|&i| &topology.arcs[i]));
            let line = MultiLineString(chained.0.iter().flat_map(split_at_antimeridian).collect());
            (!line.0.is_empty()).then(|| Coast {
                country: topology.countries[country].id.clone(),
                line,
            })
        })
        .collect()
}

/// The parts of a lon/lat coast line between its jumps across the antimeridian, less the
/// segments that lie on it.
fn split_at_antimeridian(line: &LineString<f64>) -> Vec<LineString<f64>> {
    antimeridian::split_line_where(line, |a, b| {
        antimeridian::crosses_antimeridian(a, b) || antimeridian::runs_along_antimeridian(a, b)
    })
}

pub fn derive(topology: &CountryTopology) -> Vec<Feature> {
    let users = topology.arc_users();
    let mut shared: BTreeMap<String, (usize, usize, Vec<usize>)> = BTreeMap::new();
    for (arc, countries) in users.iter().enumerate() {
        if let [a, b] = countries[..] {
            let (ia, ib) = (&topology.countries[a].id, &topology.countries[b].id);
            let (first, second) = if ia <= ib { (a, b) } else { (b, a) };
            shared
                .entry(border_id(ia, ib))
                .or_insert_with(|| (first, second, Vec::new()))
                .2
                .push(arc);
        }
    }
    let mut store = PropertiesBuilder::default();
    let borders: Vec<Feature> = shared
        .into_iter()
        .map(|(id, (a, b, arcs))| {
            let lines = chain(arcs.iter().map(|&i| &topology.arcs[i]));
            let length_km = lines.0.iter().map(|l| Geodesic.length(l)).sum::<f64>() / 1000.0;
            let (ca, cb) = (&topology.countries[a], &topology.countries[b]);
            let feature = Feature::new(id, Some(Geometry::MultiLineString(lines)));
            let properties = json!({
                "name": format!("{} – {}", ca.name(), cb.name()),
                "kind": "land-border",
                "countries": [ca.id, cb.id],
                "length_km": (length_km * 10.0).round() / 10.0,
                "valid_from": null,
                "valid_to": null,
                "summary": "Shared land border as drawn by Natural Earth 1:10m admin-0 (current \
                            boundaries), derived from the arcs both countries share.",
                "sources": [{
                    "title": "Natural Earth 1:10m Cultural Vectors, Admin 0 – Countries, version 4.1.0",
                    "publisher": "Natural Earth",
                    "ref": "countries.topojson"
                }]
            });
            if let Value::Object(map) = properties {
                store.add(&map);
            }
            feature
        })
        .collect();
    store.attach(borders)
}

/// Joins lines that continue one another (in either direction) into longer lines.
fn chain<'a>(arcs: impl Iterator<Item = &'a LineString<f64>>) -> MultiLineString<f64> {
    let mut pending: Vec<Vec<Coord<f64>>> =
        arcs.map(|a| a.0.clone()).filter(|c| c.len() >= 2).collect();
    let mut lines: Vec<Vec<Coord<f64>>> = Vec::new();
    while let Some(mut line) = pending.pop() {
        loop {
            let end = *line.last().expect("lines have points");
            let start = line[0];
            let next = pending.iter().position(|c| {
                c[0] == end
                    || *c.last().expect("lines have points") == end
                    || *c.last().expect("lines have points") == start
                    || c[0] == start
            });
            let Some(i) = next else { break };
            let mut other = pending.swap_remove(i);
            if other[0] == end {
                line.extend(other.drain(1..));
            } else if *other.last().expect("lines have points") == end {
                other.reverse();
                line.extend(other.drain(1..));
            } else if *other.last().expect("lines have points") == start {
                other.extend(line.drain(1..));
                line = other;
            } else {
                other.reverse();
                other.extend(line.drain(1..));
                line = other;
            }
        }
        lines.push(line);
    }
    MultiLineString(lines.into_iter().map(LineString::new).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::line_string;

    #[test]
    fn lines_are_cut_where_they_cross_the_antimeridian_and_not_kept_along_it() {
        let line = line_string![
            (x: 178.0, y: 65.0), (x: 179.5, y: 65.5), (x: -179.5, y: 66.0), (x: -178.0, y: 66.0),
            (x: -180.0, y: 66.5), (x: -180.0, y: 67.5), (x: -178.0, y: 68.0)
        ];
        let parts = split_at_antimeridian(&line);
        let xs: Vec<Vec<f64>> = parts
            .iter()
            .map(|p| p.0.iter().map(|c| c.x).collect())
            .collect();
        assert_eq!(
            xs,
            vec![
                vec![178.0, 179.5],
                vec![-179.5, -178.0, -180.0],
                vec![-180.0, -178.0]
            ]
        );
    }

    #[test]
    fn border_ids_are_sorted() {
        assert_eq!(border_id("TJK", "AFG"), "AFG-TJK");
        assert_eq!(border_id("AFG", "TJK"), "AFG-TJK");
    }

    #[test]
    fn continuing_arcs_are_chained_whatever_their_direction() {
        let a = line_string![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0)];
        let b = line_string![(x: 2.0, y: 0.0), (x: 1.0, y: 0.0)];
        let c = line_string![(x: 5.0, y: 5.0), (x: 6.0, y: 5.0)];
        let chained = chain([&a, &b, &c].into_iter());
        assert_eq!(chained.0.len(), 2);
        let long = chained
            .0
            .iter()
            .find(|l| l.0.len() == 3)
            .expect("a and b joined");
        let xs: Vec<f64> = long.0.iter().map(|c| c.x).collect();
        assert!(
            xs == vec![0.0, 1.0, 2.0] || xs == vec![2.0, 1.0, 0.0],
            "{xs:?}"
        );
    }
}
