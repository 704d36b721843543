//! Populated places for the basemap's labels (`geodata/places.geojson`).

use super::problem::{Problem, Report};
use geo::Point;
use serde_json::Value;

/// A capital or large city.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub id: String,
    pub name: String,
    /// ISO3 of the country it is in.
    pub country: String,
    pub population: u64,
    pub capital: bool,
    /// Label priority, 1 (most important) to 6.
    pub rank: u8,
    pub point: Point<f64>,
}

pub fn parse_places(file: &str, bytes: &[u8], problems: &mut Vec<Problem>) -> Vec<Place> {
    let mut report = Report { file, problems };
    let root: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
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
            return Vec::new();
        }
    };
    let Some(features) = root.get("features").and_then(Value::as_array) else {
        report.add(
            "-",
            "features",
            "a FeatureCollection needs a \"features\" array",
        );
        return Vec::new();
    };
    let mut places = Vec::with_capacity(features.len());
    for (i, feature) in features.iter().enumerate() {
        let id = match feature.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => format!("#{i}"),
        };
        let props = feature.get("properties");
        let text = |k: &str| props.and_then(|p| p.get(k)).and_then(Value::as_str);
        let number = |k: &str| props.and_then(|p| p.get(k)).and_then(Value::as_u64);
        let point = feature
            .get("geometry")
            .and_then(|g| super::parse_geometry(g).ok())
            .and_then(|g| match g {
                geo::Geometry::Point(p) => Some(p),
                _ => None,
            });
        let (Some(name), Some(point)) = (text("name"), point) else {
            report.add(&id, "-", "a place needs a name and a Point geometry");
            continue;
        };
        places.push(Place {
            id,
            name: name.to_string(),
            country: text("country").unwrap_or_default().to_string(),
            population: number("population").unwrap_or(0),
            capital: props
                .and_then(|p| p.get("capital"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
            rank: number("rank").unwrap_or(6).clamp(1, 6) as u8,
            point,
        });
    }
    places
}
