//! Reading the country topology (`geodata/countries.topojson`).
//!
//! The file is Natural Earth's admin-0 layer as TopoJSON: every border segment is stored once as
//! an arc that both neighbours reference. The loader keeps those arcs, because a shared border
//! is exactly the set of arcs two countries have in common, and builds each country's polygons
//! from them. Quantization in the source leaves some rings degenerate or self-touching, so
//! polygons (not arcs) are repaired here: degenerate rings are dropped and each country's
//! polygons are rebuilt as their union. Curated data gets no such mercy; see `curated`.
//! Rings that run across the antimeridian are cut there first (`geom::antimeridian`).

use super::problem::{Problem, Report};
use crate::geom::antimeridian;
use crate::model::{Feature, Properties};
use geo::{unary_union, Coord, Geometry, LineString, MultiPolygon, Polygon};
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

impl CountryTopology {
    /// For each arc, the countries whose outlines use it, in country order: an arc two
    /// countries share is their border.
    pub fn arc_users(&self) -> Vec<Vec<usize>> {
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); self.arcs.len()];
        for (country, arcs) in self.country_arcs.iter().enumerate() {
            for &arc in arcs {
                if let Some(list) = users.get_mut(arc) {
                    if !list.contains(&country) {
                        list.push(country);
                    }
                }
            }
        }
        users
    }
}

pub fn parse_topology(file: &str, bytes: &[u8], problems: &mut Vec<Problem>) -> CountryTopology {
    let mut report = Report { file, problems };
    let Some((arcs, sources)) = read_countries(&mut report, bytes) else {
        return CountryTopology::default();
    };
    let mut out = CountryTopology {
        arcs,
        ..CountryTopology::default()
    };
    for source in sources {
        // Rings that jump from +180° to -180° would enclose a band round the whole globe if
        // read as plain lon/lat; they are cut at the antimeridian instead.
        let built: Vec<Polygon<f64>> = source
            .polygons
            .iter()
            .flat_map(antimeridian::split_polygon)
            .collect();
        // A country smaller than the quantization step (the Vatican) keeps no ring with an
        // area; it stays in the collection without a geometry rather than with a false one.
        let shape = (!built.is_empty()).then(|| Geometry::MultiPolygon(repair(built)));
        let mut feature = Feature::new(source.id, shape);
        let mut properties = Map::new();
        properties.insert(
            "name".into(),
            source
                .properties
                .get("name")
                .cloned()
                .unwrap_or(Value::Null),
        );
        for (key, value) in source.properties {
            properties.entry(key).or_insert(value);
        }
        feature.properties = Properties::from_map(&properties);
        out.countries.push(feature);
        out.country_arcs.push(source.arcs);
    }
    out
}

/// A country as the source writes it: rings stitched from arcs, nothing cut or repaired yet.
struct SourceCountry {
    /// ISO3 code.
    id: String,
    /// Polygons in source lon/lat (jumping at ±180°), without rings too small to have an area.
    polygons: Vec<Polygon<f64>>,
    /// The indices of the arcs its boundary uses, sorted.
    arcs: Vec<usize>,
    properties: Map<String, Value>,
}

/// The decoded arcs and the countries of the topology, reporting what is wrong with the file
/// or with a country (which is then left out); `None` when the file is not a usable topology.
fn read_countries(
    report: &mut Report,
    bytes: &[u8],
) -> Option<(Vec<LineString<f64>>, Vec<SourceCountry>)> {
    let object: Map<String, Value> = match report.parse_json(bytes) {
        Some(Value::Object(o)) => o,
        Some(_) => {
            report.add("-", "-", "the file must be a TopoJSON Topology object");
            return None;
        }
        None => return None,
    };
    let topology = match TopoJson::from_json_object(object) {
        Ok(TopoJson::Topology(t)) => t,
        Ok(_) => {
            report.add("-", "type", "must be \"Topology\"");
            return None;
        }
        Err(e) => {
            report.add("-", "-", format!("not TopoJSON: {e}"));
            return None;
        }
    };
    let arcs = decode_arcs(&topology);
    let Some(named) = topology.objects.iter().find(|o| o.name == "countries") else {
        report.add("-", "objects", "no \"countries\" object");
        return None;
    };
    let geometries = match &named.geometry.value {
        topojson::Value::GeometryCollection(g) => g.as_slice(),
        _ => {
            report.add("-", "objects.countries", "must be a GeometryCollection");
            return None;
        }
    };

    let mut countries = Vec::new();
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
                match stitch(&arcs, ring) {
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
            built.push(Polygon::new(exterior, ring_lines));
        }
        if let Some(index) = bad_arc {
            report.add(&id, "arcs", format!("arc {index} does not exist"));
            continue;
        }
        used.sort_unstable();
        used.dedup();
        countries.push(SourceCountry {
            id,
            polygons: built,
            arcs: used,
            properties: geometry.properties.clone().unwrap_or_default(),
        });
    }
    Some((arcs, countries))
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

    /// The countries of the real topology as the source writes them.
    fn real_source_countries() -> Vec<SourceCountry> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/countries.topojson");
        let bytes = std::fs::read(path).expect("geodata/countries.topojson");
        let mut problems = Vec::new();
        let mut report = Report {
            file: "countries.topojson",
            problems: &mut problems,
        };
        let (_, countries) = read_countries(&mut report, &bytes).expect("a topology");
        assert_eq!(problems, vec![]);
        countries
    }

    /// Cuts every source polygon of `id`, checking for those that cross the antimeridian what
    /// must hold of their cut (there must be some), and returns all the parts.
    fn cut_country(countries: &[SourceCountry], id: &str) -> MultiPolygon<f64> {
        use geo::{Area, BoundingRect};
        let country = countries.iter().find(|c| c.id == id).expect(id);
        let crosses = |p: &Polygon<f64>| {
            p.exterior()
                .lines()
                .any(|l| antimeridian::crosses_antimeridian(l.start, l.end))
        };
        assert!(
            country.polygons.iter().any(crosses),
            "{id} has no ring across 180°"
        );
        let mut all = Vec::new();
        for polygon in &country.polygons {
            let parts = antimeridian::split_polygon(polygon);
            if crosses(polygon) {
                // Read as plain lon/lat, the source ring spans the whole world.
                let raw = polygon.bounding_rect().unwrap();
                assert!(raw.width() > 350.0, "{id}: {raw:?}");
                assert!(!parts.is_empty(), "{id}: nothing left of a ring");
                // Cut, not wrapped: the parts cover what the unwrapped ring encloses, no band
                // more (up to the rounding of the overlay).
                let cut_area: f64 = parts.iter().map(|p| p.unsigned_area()).sum();
                let whole = antimeridian::unwrap_polygon(polygon).unsigned_area();
                assert!(
                    (cut_area - whole).abs() < 1e-6 * whole.max(1.0),
                    "{id}: {cut_area} vs {whole}"
                );
                for part in &parts {
                    let b = part.bounding_rect().unwrap();
                    assert!(b.min().x >= -180.0 && b.max().x <= 180.0, "{id}: {b:?}");
                    // No ring here goes round a pole, so none is closed along one: the parts
                    // keep the ring's latitudes (up to the overlay's rounding).
                    let (south, north) = (raw.min().y - 1e-5, raw.max().y + 1e-5);
                    assert!(b.min().y >= south && b.max().y <= north, "{id}: {b:?}");
                    assert!(!crosses(part), "{id}: a part still jumps across 180°");
                }
            }
            all.extend(parts);
        }
        MultiPolygon(all)
    }

    /// Whether some part lies against the antimeridian on its east (`side` 1) or west (-1).
    fn touches_side(parts: &MultiPolygon<f64>, side: f64) -> bool {
        use geo::BoundingRect;
        parts.0.iter().filter_map(|p| p.bounding_rect()).any(|b| {
            if side > 0.0 {
                b.min().x > 170.0 && b.max().x > 179.99
            } else {
                b.max().x < -170.0 && b.min().x < -179.99
            }
        })
    }

    #[test]
    fn chukotka_from_the_real_data_is_cut_into_parts_either_side_of_the_antimeridian() {
        use geo::Contains;
        let parts = cut_country(&real_source_countries(), "RUS");
        assert!(
            parts.contains(&geo::Point::new(-175.0, 67.0)),
            "west of 180°"
        );
        assert!(
            parts.contains(&geo::Point::new(175.0, 66.0)),
            "east of 180°"
        );
        assert!(
            !parts.contains(&geo::Point::new(0.0, 67.5)),
            "no band round the globe"
        );
        assert!(!parts.contains(&geo::Point::new(-150.0, 66.0)), "Alaska");
        assert!(touches_side(&parts, 1.0) && touches_side(&parts, -1.0));
    }

    #[test]
    fn fiji_from_the_real_data_keeps_islands_on_both_sides_of_the_antimeridian() {
        use geo::{BoundingRect, Contains};
        let parts = cut_country(&real_source_countries(), "FJI");
        assert!(touches_side(&parts, 1.0) && touches_side(&parts, -1.0));
        assert!(parts.contains(&geo::Point::new(178.4, -18.1)), "Suva");
        // Every part stays in Fiji's latitudes, none stretched round the globe or to a pole.
        let b = parts.bounding_rect().unwrap();
        assert!(b.min().y > -25.0 && b.max().y < -10.0, "{b:?}");
        assert!(!parts.contains(&geo::Point::new(0.0, -17.0)));
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
