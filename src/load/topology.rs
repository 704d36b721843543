//! Reading the country topology (`geodata/countries.topojson`).
//!
//! The file is Natural Earth's admin-0 layer as TopoJSON: every border segment is stored once as
//! an arc that both neighbours reference. The loader keeps those arcs, because a shared border
//! is exactly the set of arcs two countries have in common, and builds each country's polygons
//! from them. Quantization in the source leaves some rings degenerate or self-touching, so
//! polygons (not arcs) are repaired here: degenerate rings are dropped and each country's
//! polygons are rebuilt as their union. Curated data gets no such mercy; see `curated`.

use super::problem::{Problem, Report};
use crate::model::Feature;
use geo::{unary_union, BooleanOps, Coord, Geometry, LineString, MultiPolygon, Polygon, Rect};
use serde_json::{Map, Value};
use topojson::{TopoJson, Topology};

/// Countries and the arcs they are made of.
#[derive(Clone, Debug, Default)]
pub struct CountryTopology {
    /// Decoded arcs in lon/lat.
    pub arcs: Vec<LineString<f64>>,
    /// One feature per country, id = ISO3, geometry = repaired MultiPolygon.
    pub countries: Vec<Feature>,
    /// For each country (same order), the indices of the arcs its boundary uses.
    pub country_arcs: Vec<Vec<usize>>,
}

pub fn parse_topology(file: &str, bytes: &[u8], problems: &mut Vec<Problem>) -> CountryTopology {
    let mut report = Report { file, problems };
    let object: Map<String, Value> = match serde_json::from_slice(bytes) {
        Ok(Value::Object(o)) => o,
        Ok(_) => {
            report.add("-", "-", "the file must be a TopoJSON Topology object");
            return CountryTopology::default();
        }
        Err(e) => {
            report.add(
                "-",
                "-",
                format!(
                    "malformed JSON at line {} column {}: {e}",
                    e.line(),
                    e.column()
                ),
            );
            return CountryTopology::default();
        }
    };
    let topology = match TopoJson::from_json_object(object) {
        Ok(TopoJson::Topology(t)) => t,
        Ok(_) => {
            report.add("-", "type", "must be \"Topology\"");
            return CountryTopology::default();
        }
        Err(e) => {
            report.add("-", "-", format!("not TopoJSON: {e}"));
            return CountryTopology::default();
        }
    };
    let arcs = decode_arcs(&topology);
    let Some(named) = topology.objects.iter().find(|o| o.name == "countries") else {
        report.add("-", "objects", "no \"countries\" object");
        return CountryTopology::default();
    };
    let geometries = match &named.geometry.value {
        topojson::Value::GeometryCollection(g) => g.as_slice(),
        _ => {
            report.add("-", "objects.countries", "must be a GeometryCollection");
            return CountryTopology::default();
        }
    };

    let mut out = CountryTopology {
        arcs,
        ..CountryTopology::default()
    };
    let mut seen = std::collections::HashSet::new();
    for (i, geometry) in geometries.iter().enumerate() {
        let id = match &geometry.id {
            Some(Value::String(s)) if super::curated::is_iso3(s) => s.clone(),
            other => {
                report.add(
                    &format!("#{i}"),
                    "id",
                    format!(
                        "{} is not an ISO 3166-1 alpha-3 code",
                        other.clone().unwrap_or(Value::Null)
                    ),
                );
                continue;
            }
        };
        if !seen.insert(id.clone()) {
            report.add(&id, "id", "duplicate country id");
            continue;
        }
        let polygons: Vec<&Vec<Vec<i32>>> = match &geometry.value {
            topojson::Value::Polygon(rings) => vec![rings],
            topojson::Value::MultiPolygon(polys) => polys.iter().collect(),
            _ => {
                report.add(
                    &id,
                    "geometry",
                    "a country must be a Polygon or MultiPolygon",
                );
                continue;
            }
        };
        let mut used = Vec::new();
        let mut built = Vec::new();
        let mut bad_arc = None;
        for rings in polygons {
            let mut ring_lines = Vec::new();
            for ring in rings {
                match stitch(&out.arcs, ring) {
                    Ok(coords) => ring_lines.push(LineString::new(coords)),
                    Err(index) => bad_arc = Some(index),
                }
                used.extend(ring.iter().map(|&a| arc_index(a)));
            }
            // Quantization can collapse small rings to fewer than 4 positions; they have no area.
            ring_lines.retain(|r| r.0.len() >= 4);
            if ring_lines.is_empty() {
                continue;
            }
            let exterior = ring_lines.remove(0);
            built.extend(split_at_antimeridian(Polygon::new(exterior, ring_lines)));
        }
        if let Some(index) = bad_arc {
            report.add(&id, "arcs", format!("arc {index} does not exist"));
            continue;
        }
        used.sort_unstable();
        used.dedup();
        // A country smaller than the quantization step (the Vatican) keeps no ring with an
        // area; it stays in the collection without a geometry rather than with a false one.
        let shape = (!built.is_empty()).then(|| Geometry::MultiPolygon(repair(built)));
        let mut feature = Feature::new(id, shape);
        let properties = geometry.properties.clone().unwrap_or_default();
        feature.properties.insert(
            "name".into(),
            properties.get("name").cloned().unwrap_or(Value::Null),
        );
        for (key, value) in properties {
            feature.properties.entry(key).or_insert(value);
        }
        out.countries.push(feature);
        out.country_arcs.push(used);
    }
    out
}

/// Rebuilds a country's polygons as their union. The overlay engine behind `geo`'s boolean
/// operations resolves the self-touching and self-intersecting rings that quantization left,
/// in time close to linear; checking validity first costs seconds on the largest countries.
///
/// Rings are oriented first (exteriors counter-clockwise): the source winds rings both ways,
/// and the overlay would otherwise drop clockwise exteriors as holes.
fn repair(polygons: Vec<Polygon<f64>>) -> MultiPolygon<f64> {
    use geo::orient::{Direction, Orient};
    let oriented: Vec<Polygon<f64>> = polygons
        .iter()
        .map(|p| p.orient(Direction::Default))
        .collect();
    unary_union(&oriented)
}

/// Rings that run across the antimeridian jump from +180° to -180° in the source; read as
/// plain lon/lat they would enclose a band round the whole globe. Such a polygon is unwrapped
/// into continuous longitudes (closing a ring that circles a pole along that pole), then cut
/// into the parts that fall in each 360° window, each shifted back into -180..180.
fn split_at_antimeridian(polygon: Polygon<f64>) -> Vec<Polygon<f64>> {
    let jumps = |r: &LineString<f64>| r.0.windows(2).any(|w| (w[1].x - w[0].x).abs() > 180.0);
    if !jumps(polygon.exterior()) && !polygon.interiors().iter().any(jumps) {
        return vec![polygon];
    }
    let unwrap = |ring: &LineString<f64>| -> Vec<Coord<f64>> {
        let mut shift = 0.0;
        let mut out: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len() + 2);
        for (i, c) in ring.0.iter().enumerate() {
            if i > 0 {
                let previous = ring.0[i - 1].x;
                if c.x - previous > 180.0 {
                    shift -= 360.0;
                } else if previous - c.x > 180.0 {
                    shift += 360.0;
                }
            }
            out.push(Coord {
                x: c.x + shift,
                y: c.y,
            });
        }
        out
    };
    let mut exterior = unwrap(polygon.exterior());
    let (first, last) = (exterior[0], exterior[exterior.len() - 1]);
    if (first.x - last.x).abs() > 1e-9 {
        // The ring circles a pole: close it along the pole it surrounds.
        let mean_lat = exterior.iter().map(|c| c.y).sum::<f64>() / exterior.len() as f64;
        let pole = if mean_lat < 0.0 { -90.0 } else { 90.0 };
        exterior.push(Coord { x: last.x, y: pole });
        exterior.push(Coord {
            x: first.x,
            y: pole,
        });
        exterior.push(first);
    }
    let (min_x, max_x) = exterior.iter().fold((f64::MAX, f64::MIN), |(lo, hi), c| {
        (lo.min(c.x), hi.max(c.x))
    });
    let holes: Vec<LineString<f64>> = polygon
        .interiors()
        .iter()
        .map(|h| {
            let mut coords = unwrap(h);
            let offset = if coords[0].x > max_x {
                -360.0
            } else if coords[0].x < min_x {
                360.0
            } else {
                0.0
            };
            coords.iter_mut().for_each(|c| c.x += offset);
            LineString::new(coords)
        })
        .collect();
    let unwrapped = Polygon::new(LineString::new(exterior), holes);
    let mut parts = Vec::new();
    for window in [-1.0, 0.0, 1.0] {
        let west = -180.0 + window * 360.0;
        if max_x <= west || min_x >= west + 360.0 {
            continue;
        }
        let clip = Rect::new(
            Coord { x: west, y: -90.0 },
            Coord {
                x: west + 360.0,
                y: 90.0,
            },
        )
        .to_polygon();
        for mut piece in unwrapped.intersection(&clip).0 {
            use geo::MapCoordsInPlace;
            piece.map_coords_in_place(|c| Coord {
                x: (c.x - window * 360.0).clamp(-180.0, 180.0),
                y: c.y,
            });
            parts.push(piece);
        }
    }
    parts
}

/// Arc references use `~i` (that is `-i - 1`) for arc `i` walked backwards.
fn arc_index(reference: i32) -> usize {
    if reference < 0 {
        (!reference) as usize
    } else {
        reference as usize
    }
}

/// Joins the arcs of one ring; `Err` names an arc index that does not exist.
fn stitch(arcs: &[LineString<f64>], ring: &[i32]) -> Result<Vec<Coord<f64>>, i32> {
    let mut coords: Vec<Coord<f64>> = Vec::new();
    for &reference in ring {
        let arc = arcs.get(arc_index(reference)).ok_or(reference)?;
        let start = usize::from(!coords.is_empty());
        if reference < 0 {
            coords.extend(arc.0.iter().rev().skip(start));
        } else {
            coords.extend(arc.0.iter().skip(start));
        }
    }
    Ok(coords)
}

fn decode_arcs(topology: &Topology) -> Vec<LineString<f64>> {
    topology
        .arcs
        .iter()
        .map(|arc| {
            let mut x = 0.0;
            let mut y = 0.0;
            let coords = arc
                .iter()
                .filter(|p| p.len() >= 2)
                .map(|p| match &topology.transform {
                    Some(t) => {
                        x += p[0];
                        y += p[1];
                        Coord {
                            x: x * t.scale[0] + t.translate[0],
                            y: y * t.scale[1] + t.translate[1],
                        }
                    }
                    None => Coord { x: p[0], y: p[1] },
                });
            LineString::new(coords.collect())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARES: &str = r#"{"type":"Topology",
      "transform":{"scale":[1,1],"translate":[0,0]},
      "arcs":[[[1,0],[0,1]],[[1,1],[-1,0],[0,-1],[1,0]],[[1,0],[1,0],[0,1],[-1,0]]],
      "objects":{"countries":{"type":"GeometryCollection","geometries":[
        {"type":"Polygon","id":"AAA","properties":{"name":"A"},"arcs":[[0,1]]},
        {"type":"Polygon","id":"BBB","properties":{"name":"B"},"arcs":[[2,-1]]}]}}}"#;

    #[test]
    fn builds_polygons_from_shared_arcs() {
        let mut problems = Vec::new();
        let topo = parse_topology("t.topojson", SQUARES.as_bytes(), &mut problems);
        assert_eq!(problems, vec![]);
        assert_eq!(topo.countries.len(), 2);
        assert_eq!(topo.country_arcs, vec![vec![0, 1], vec![0, 2]]);
        assert_eq!(
            topo.arcs[0].0,
            vec![Coord { x: 1.0, y: 0.0 }, Coord { x: 1.0, y: 1.0 }]
        );
        let Some(Geometry::MultiPolygon(b)) = &topo.countries[1].geometry else {
            panic!("no polygon")
        };
        use geo::Area;
        assert_eq!(b.unsigned_area(), 1.0);
        assert_eq!(topo.countries[0].name(), "A");
    }

    #[test]
    fn rings_across_the_antimeridian_are_split_not_wrapped_round_the_globe() {
        use geo::{Area, Contains};
        // A box from 170°E to 170°W, written as the source writes it: jumping at ±180°.
        let ring = LineString::from(vec![
            (170.0, 60.0),
            (180.0, 60.0),
            (-180.0, 60.0),
            (-170.0, 60.0),
            (-170.0, 70.0),
            (-180.0, 70.0),
            (180.0, 70.0),
            (170.0, 70.0),
            (170.0, 60.0),
        ]);
        let parts = split_at_antimeridian(Polygon::new(ring, vec![]));
        let all = MultiPolygon(parts);
        assert_eq!(all.0.len(), 2);
        assert!(
            (all.unsigned_area() - 200.0).abs() < 1e-6,
            "{}",
            all.unsigned_area()
        );
        assert!(all.contains(&geo::Point::new(175.0, 65.0)));
        assert!(all.contains(&geo::Point::new(-175.0, 65.0)));
        assert!(!all.contains(&geo::Point::new(0.0, 65.0)));
    }

    #[test]
    fn a_ring_round_the_south_pole_is_closed_along_the_pole() {
        use geo::Contains;
        let ring = LineString::from(vec![
            (-180.0, -70.0),
            (-90.0, -65.0),
            (0.0, -70.0),
            (90.0, -65.0),
            (180.0, -70.0),
            (-180.0, -70.0),
        ]);
        let all = MultiPolygon(split_at_antimeridian(Polygon::new(ring, vec![])));
        assert!(all.contains(&geo::Point::new(45.0, -85.0)));
        assert!(!all.contains(&geo::Point::new(45.0, -60.0)));
    }

    #[test]
    fn reports_bad_ids_and_arcs() {
        let text = SQUARES
            .replace("\"AAA\"", "\"a1\"")
            .replace("[[2,-1]]", "[[9]]");
        let mut problems = Vec::new();
        parse_topology("t.topojson", text.as_bytes(), &mut problems);
        let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert!(lines[0].starts_with("t.topojson: #0: id:"), "{lines:?}");
        assert_eq!(lines[1], "t.topojson: BBB: arcs: arc 9 does not exist");
    }
}
