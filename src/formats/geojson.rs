//! GeoJSON (RFC 7946) output written straight from `geo` geometries.
//!
//! Properties go through `serde_json`; coordinates are written by hand because converting to
//! `geojson` types first would copy every vertex of a 1:10m country on every request. A
//! `project` function maps each lon/lat to the output CRS and axis order.

use geo::{Coord, Geometry, LineString, Polygon};
use serde::Serialize;
use std::io::Write;

/// Maps a lon/lat coordinate to the output coordinate; identity for CRS84.
pub type Project<'a> = &'a dyn Fn(Coord<f64>) -> Coord<f64>;

pub fn lon_lat(c: Coord<f64>) -> Coord<f64> {
    c
}

/// Appends the JSON of one geometry (or `null`).
pub fn write_geometry(out: &mut Vec<u8>, geometry: Option<&Geometry<f64>>, project: Project) {
    let Some(geometry) = geometry else {
        out.extend_from_slice(b"null");
        return;
    };
    if let Geometry::GeometryCollection(gc) = geometry {
        out.extend_from_slice(b"{\"type\":\"GeometryCollection\",\"geometries\":");
        list(out, gc.0.iter(), |o, g| write_geometry(o, Some(g), project));
        out.push(b'}');
        return;
    }
    out.extend_from_slice(b"{\"type\":\"");
    out.extend_from_slice(type_name(geometry).as_bytes());
    out.extend_from_slice(b"\",\"coordinates\":");
    match geometry {
        Geometry::Point(p) => coord(out, p.0, project),
        Geometry::MultiPoint(mp) => list(out, mp.0.iter(), |o, p| coord(o, p.0, project)),
        Geometry::LineString(l) => line(out, l, project),
        Geometry::Line(l) => line(out, &LineString::new(vec![l.start, l.end]), project),
        Geometry::MultiLineString(ml) => list(out, ml.0.iter(), |o, l| line(o, l, project)),
        Geometry::Polygon(p) => polygon(out, p, project),
        Geometry::Rect(r) => polygon(out, &r.to_polygon(), project),
        Geometry::Triangle(t) => polygon(out, &t.to_polygon(), project),
        Geometry::MultiPolygon(mp) => list(out, mp.0.iter(), |o, p| polygon(o, p, project)),
        Geometry::GeometryCollection(_) => unreachable!("written above"),
    }
    out.push(b'}');
}

/// The GeoJSON type of a geometry.
pub fn type_name(geometry: &Geometry<f64>) -> &'static str {
    match geometry {
        Geometry::Point(_) => "Point",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::LineString(_) | Geometry::Line(_) => "LineString",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}

fn list<T>(
    out: &mut Vec<u8>,
    items: impl Iterator<Item = T>,
    mut each: impl FnMut(&mut Vec<u8>, T),
) {
    out.push(b'[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, item);
    }
    out.push(b']');
}

fn coord(out: &mut Vec<u8>, c: Coord<f64>, project: Project) {
    let c = project(c);
    let _ = write!(out, "[{},{}]", round_coordinate(c.x), round_coordinate(c.y));
}

/// Seven decimals of a degree is about a centimetre: more digits are noise from arithmetic.
/// The download writers round the same way, so every format gives the same numbers.
pub fn round_coordinate(v: f64) -> f64 {
    if v.abs() < 1e7 {
        (v * 1e7).round() / 1e7
    } else {
        (v * 100.0).round() / 100.0
    }
}

fn line(out: &mut Vec<u8>, l: &LineString<f64>, project: Project) {
    list(out, l.0.iter(), |o, c| coord(o, *c, project));
}

/// Whether a ring is written in reverse: RFC 7946 wants exterior rings counter-clockwise and
/// holes clockwise. Decided on the ring as stored (before any projection or rounding); a ring
/// too short to have an orientation, or one with none (all its points on a line), is written
/// as it is. Every writer winds rings by this one rule, so all formats give the same rings.
pub fn is_written_reversed(ring: &LineString<f64>, exterior: bool) -> bool {
    use geo::winding_order::{Winding, WindingOrder};
    match ring.winding_order() {
        _ if ring.0.len() < 4 => false,
        Some(WindingOrder::CounterClockwise) => !exterior,
        Some(WindingOrder::Clockwise) => exterior,
        None => false,
    }
}

fn polygon(out: &mut Vec<u8>, p: &Polygon<f64>, project: Project) {
    let ring = |o: &mut Vec<u8>, r: &LineString<f64>, exterior: bool| {
        if is_written_reversed(r, exterior) {
            list(o, r.0.iter().rev(), |o, c| coord(o, *c, project));
        } else {
            line(o, r, project);
        }
    };
    out.push(b'[');
    ring(out, p.exterior(), true);
    for hole in p.interiors() {
        out.push(b',');
        ring(out, hole, false);
    }
    out.push(b']');
}

/// Appends one Feature: `id`, `geometry` and the given properties object.
pub fn write_feature(
    out: &mut Vec<u8>,
    id: &str,
    geometry: Option<&Geometry<f64>>,
    properties: &impl Serialize,
    project: Project,
) {
    write_feature_with(out, id, geometry, project, |out| {
        if serde_json::to_writer(&mut *out, properties).is_err() {
            out.extend_from_slice(b"{}");
        }
    });
}

/// Appends one Feature whose properties object `write_properties` appends itself (the items
/// pages copy it from the property store).
pub fn write_feature_with(
    out: &mut Vec<u8>,
    id: &str,
    geometry: Option<&Geometry<f64>>,
    project: Project,
    write_properties: impl FnOnce(&mut Vec<u8>),
) {
    out.extend_from_slice(b"{\"type\":\"Feature\",\"id\":");
    let _ = serde_json::to_writer(&mut *out, id);
    out.extend_from_slice(b",\"geometry\":");
    write_geometry(out, geometry, project);
    out.extend_from_slice(b",\"properties\":");
    write_properties(out);
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{point, polygon};
    use serde_json::{json, Value};

    fn written(g: &Geometry<f64>) -> Value {
        let mut out = Vec::new();
        write_geometry(&mut out, Some(g), &lon_lat);
        serde_json::from_slice(&out).expect("valid JSON")
    }

    #[test]
    fn geometries_round_trip_through_a_geojson_parser() {
        let p = Geometry::Point(point!(x: 68.78, y: 38.56));
        assert_eq!(
            written(&p),
            json!({"type": "Point", "coordinates": [68.78, 38.56]})
        );
        let square = Geometry::Polygon(
            polygon![(x: 0.0, y: 0.0), (x: 0.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0)],
        );
        let value = written(&square);
        let parsed: geojson::Geometry = serde_json::from_value(value.clone()).unwrap();
        let back = Geometry::<f64>::try_from(&parsed.value).unwrap();
        use geo::Area;
        // The clockwise input is written counter-clockwise (positive signed area).
        assert!(back.signed_area() > 0.0, "{value}");
    }

    #[test]
    fn features_carry_id_geometry_and_properties() {
        let mut out = Vec::new();
        let props = json!({"name": "Kant \"air\" base"});
        let swap = |c: Coord<f64>| Coord { x: c.y, y: c.x };
        write_feature(
            &mut out,
            "kant",
            Some(&Geometry::Point(point!(x: 74.8, y: 42.9))),
            &props,
            &swap,
        );
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["id"], "kant");
        assert_eq!(v["geometry"]["coordinates"], json!([42.9, 74.8]));
        assert_eq!(v["properties"]["name"], "Kant \"air\" base");
    }
}
