//! GeoJSON geometry checks and conversion into `geo` types.
//!
//! Checks run on the raw JSON before conversion because the conversion itself is forgiving:
//! `geo` closes open rings silently, and an unclosed ring in a file is an error a maintainer
//! should hear about rather than have mended behind their back.

use geo::{Geometry, Validation};
use serde_json::Value;

/// How deep the coordinate arrays of each GeoJSON geometry type nest above a position.
fn nesting(kind: &str) -> Option<usize> {
    match kind {
        "Point" => Some(0),
        "MultiPoint" | "LineString" => Some(1),
        "MultiLineString" | "Polygon" => Some(2),
        "MultiPolygon" => Some(3),
        _ => None,
    }
}

/// Parses and checks one GeoJSON geometry object. `Err` carries a message naming the fault.
pub fn parse_geometry(value: &Value) -> Result<Geometry<f64>, String> {
    let object = value
        .as_object()
        .ok_or("geometry must be an object or null")?;
    let kind = object
        .get("type")
        .and_then(Value::as_str)
        .ok_or("geometry has no \"type\"")?;
    let depth = nesting(kind).ok_or_else(|| format!("unsupported geometry type \"{kind}\""))?;
    let coordinates = object
        .get("coordinates")
        .ok_or_else(|| format!("{kind} has no \"coordinates\""))?;
    check_coordinates(kind, coordinates, depth)?;
    let parsed: geojson::Geometry = serde_json::from_value(value.clone())
        .map_err(|e| format!("{kind} is not valid GeoJSON: {e}"))?;
    let geometry = Geometry::<f64>::try_from(&parsed.value)
        .map_err(|e| format!("{kind} cannot be converted: {e}"))?;
    if matches!(geometry, Geometry::Polygon(_) | Geometry::MultiPolygon(_)) {
        if let Some(err) = geometry.validation_errors().into_iter().next() {
            return Err(format!("invalid polygon: {err}"));
        }
    }
    Ok(geometry)
}

fn check_coordinates(kind: &str, value: &Value, depth: usize) -> Result<(), String> {
    if depth == 0 {
        return check_position(value);
    }
    let items = value
        .as_array()
        .ok_or_else(|| format!("{kind} coordinates must be nested arrays"))?;
    for item in items {
        check_coordinates(kind, item, depth - 1)?;
    }
    let is_ring = matches!((kind, depth), ("Polygon", 1) | ("MultiPolygon", 1));
    let is_line = matches!((kind, depth), ("LineString", 1) | ("MultiLineString", 1));
    if is_line && items.len() < 2 {
        return Err(format!(
            "a line needs at least 2 positions, found {}",
            items.len()
        ));
    }
    if is_ring {
        if items.len() < 4 {
            return Err(format!(
                "a polygon ring needs at least 4 positions, found {}",
                items.len()
            ));
        }
        if items.first() != items.last() {
            return Err("polygon ring is not closed (first and last positions differ)".into());
        }
    }
    if kind != "Point" && depth == 1 && !is_ring && !is_line && items.is_empty() {
        return Err(format!("{kind} has no positions"));
    }
    Ok(())
}

fn check_position(value: &Value) -> Result<(), String> {
    let numbers = value
        .as_array()
        .ok_or("a position must be an array of numbers")?;
    if !(2..=3).contains(&numbers.len()) {
        return Err(format!(
            "a position needs 2 or 3 numbers, found {}",
            numbers.len()
        ));
    }
    let mut xy = [0.0; 2];
    for (i, n) in numbers.iter().enumerate() {
        let v = n
            .as_f64()
            .ok_or_else(|| format!("position value {n} is not a number"))?;
        if !v.is_finite() {
            return Err(format!("position value {v} is not finite"));
        }
        if i < 2 {
            xy[i] = v;
        }
    }
    if !(-180.0..=180.0).contains(&xy[0]) {
        return Err(format!("longitude {} is outside -180..180", xy[0]));
    }
    if !(-90.0..=90.0).contains(&xy[1]) {
        return Err(format!("latitude {} is outside -90..90", xy[1]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_a_valid_point_and_polygon() {
        assert!(parse_geometry(&json!({"type": "Point", "coordinates": [68.8, 38.5]})).is_ok());
        let square = json!({"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]});
        assert!(parse_geometry(&square).is_ok());
    }

    #[test]
    fn names_each_fault() {
        let cases = [
            (
                json!({"type": "Point", "coordinates": [200, 0]}),
                "longitude",
            ),
            (
                json!({"type": "Point", "coordinates": [0, -91]}),
                "latitude",
            ),
            (
                json!({"type": "Point", "coordinates": [0]}),
                "2 or 3 numbers",
            ),
            (
                json!({"type": "Point", "coordinates": ["a", 1]}),
                "not a number",
            ),
            (
                json!({"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1]]]}),
                "not closed",
            ),
            (
                json!({"type": "Polygon", "coordinates": [[[0,0],[1,0],[0,0]]]}),
                "at least 4",
            ),
            (
                json!({"type": "Polygon", "coordinates": [[[0,0],[1,1],[1,0],[0,1],[0,0]]]}),
                "invalid polygon",
            ),
            (
                json!({"type": "LineString", "coordinates": [[0,0]]}),
                "at least 2",
            ),
            (
                json!({"type": "Circle", "coordinates": [0, 0]}),
                "unsupported",
            ),
        ];
        for (value, expected) in cases {
            let err = parse_geometry(&value).unwrap_err();
            assert!(err.contains(expected), "{value}: {err}");
        }
    }
}
