//! The download formats (CSV, FlatGeobuf, KML): each declared once with its `f` name, media type
//! and file extension, the feature rows every writer reads, the columns they share, and the one
//! entry point that writes an answer in a chosen format.
//!
//! A download holds exactly the features of the GeoJSON answer at the same URL (same page, same
//! properties), so paging links and counts agree across formats.

use super::geojson::{is_written_reversed, round_coordinate};
use super::{csv, fgb, kml};
use crate::query::crs::Crs;
use geo::{Coord, Geometry, LineString, MapCoords, Polygon};
use serde_json::{Map, Value};
use std::fmt;

/// A format an items page or an analysis answer can be downloaded in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Download {
    Csv,
    FlatGeobuf,
    Kml,
}

impl Download {
    /// Every download format, in the order they are offered.
    pub const ALL: [Download; 3] = [Download::Csv, Download::FlatGeobuf, Download::Kml];

    /// The value of `f` that asks for this format.
    pub fn name(self) -> &'static str {
        match self {
            Download::Csv => "csv",
            Download::FlatGeobuf => "fgb",
            Download::Kml => "kml",
        }
    }

    /// The registered media type, sent as `Content-Type` and recognised in `Accept`.
    pub fn media_type(self) -> &'static str {
        match self {
            Download::Csv => "text/csv",
            Download::FlatGeobuf => "application/flatgeobuf",
            Download::Kml => "application/vnd.google-earth.kml+xml",
        }
    }

    /// The file name extension of a saved download.
    pub fn extension(self) -> &'static str {
        self.name()
    }

    /// The format an `f` value names (its name or its media type).
    pub fn from_name(f: &str) -> Option<Download> {
        Download::ALL
            .into_iter()
            .find(|d| d.name() == f || d.media_type() == f)
    }

    /// Whether the format can carry coordinates in `crs`. CSV has nowhere to declare a CRS and
    /// KML is defined in WGS 84 longitude/latitude, so both take CRS84 only; a FlatGeobuf header
    /// names its CRS.
    pub fn check_crs(self, crs: Crs) -> Result<(), String> {
        match self {
            Download::FlatGeobuf => Ok(()),
            _ if crs == Crs::Crs84 => Ok(()),
            Download::Csv => Err(format!(
                "crs: CSV cannot declare a CRS, so it is written in {} only; for {} use f=fgb or GeoJSON",
                Crs::Crs84.uri(),
                crs.uri()
            )),
            Download::Kml => Err(format!(
                "crs: KML is always WGS 84 longitude/latitude ({}); for {} use f=fgb or GeoJSON",
                Crs::Crs84.uri(),
                crs.uri()
            )),
        }
    }
}

impl fmt::Display for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One feature of a download: its id, its geometry in lon/lat (or none) and its properties,
/// exactly as the GeoJSON answer gives them.
pub struct DownloadFeature<'a> {
    pub id: String,
    pub geometry: Option<&'a Geometry<f64>>,
    pub properties: Map<String, Value>,
}

/// What a download is about: the layer or document name, and an optional description (the
/// summary of an analysis answer, as JSON text).
pub struct DownloadInfo<'a> {
    pub name: &'a str,
    pub description: Option<String>,
    pub crs: Crs,
}

/// A download that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("the {format} download could not be written: {reason}")]
pub struct DownloadError {
    pub format: Download,
    pub reason: String,
}

/// Writes the features in `format`. The CRS must have passed [`Download::check_crs`].
pub fn write(
    format: Download,
    info: &DownloadInfo,
    features: &[DownloadFeature],
) -> Result<Vec<u8>, DownloadError> {
    let failed = |reason: String| DownloadError { format, reason };
    match format {
        Download::Csv => csv::write(features).map_err(|e| failed(e.to_string())),
        Download::FlatGeobuf => fgb::write(info, features).map_err(|e| failed(e.to_string())),
        Download::Kml => kml::write(info, features).map_err(|e| failed(e.to_string())),
    }
}

/// The geometry in the output CRS, coordinates rounded and rings wound as the GeoJSON writer
/// does (exteriors counter-clockwise, holes clockwise), so every format gives the same
/// geometry. For CRS84 and EPSG:4326 the axes stay longitude, latitude: file formats
/// (FlatGeobuf, WKT in CSV, KML) keep x east and y north whatever the authority's axis order,
/// which is how GDAL reads and writes them.
pub fn output_geometry(geometry: &Geometry<f64>, crs: Crs) -> Geometry<f64> {
    let plane = if crs.is_geographic() { Crs::Crs84 } else { crs };
    wound(geometry.clone()).map_coords(|c| {
        // The items handler refuses features the CRS cannot carry before any writer runs.
        let projected = plane.from_lon_lat(c).unwrap_or(c);
        Coord {
            x: round_coordinate(projected.x),
            y: round_coordinate(projected.y),
        }
    })
}

/// Rings wound by the GeoJSON writer's rule, on the stored coordinates.
fn wound(geometry: Geometry<f64>) -> Geometry<f64> {
    let ring = |r: LineString<f64>, exterior: bool| {
        if is_written_reversed(&r, exterior) {
            r.into_iter().rev().collect()
        } else {
            r
        }
    };
    let polygon = |p: Polygon<f64>| {
        let (exterior, interiors) = p.into_inner();
        Polygon::new(
            ring(exterior, true),
            interiors.into_iter().map(|h| ring(h, false)).collect(),
        )
    };
    match geometry {
        Geometry::Polygon(p) => Geometry::Polygon(polygon(p)),
        Geometry::MultiPolygon(mp) => Geometry::MultiPolygon(mp.into_iter().map(polygon).collect()),
        Geometry::Rect(r) => Geometry::Polygon(polygon(r.to_polygon())),
        Geometry::Triangle(t) => Geometry::Polygon(polygon(t.to_polygon())),
        Geometry::GeometryCollection(gc) => {
            Geometry::GeometryCollection(gc.into_iter().map(wound).collect())
        }
        other => other,
    }
}

/// The type of a column, from every value it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    Boolean,
    Integer,
    Number,
    Text,
    /// Arrays and objects, kept as JSON text.
    Json,
}

/// A property column: its name and the narrowest type that holds every value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
}

/// The name of the column that holds each feature's id; a property of that name is not
/// written again.
pub const ID_COLUMN: &str = "id";

/// The property columns of a set of features, in order of first appearance; nulls do not
/// decide a type; mixed values fall back to text (numbers mixed with integers to numbers).
pub fn columns(features: &[DownloadFeature]) -> Vec<Column> {
    let mut columns: Vec<(String, Option<ColumnKind>)> = Vec::new();
    for feature in features {
        for (name, value) in &feature.properties {
            if name == ID_COLUMN {
                continue;
            }
            let position = match columns.iter().position(|(n, _)| n == name) {
                Some(p) => p,
                None => {
                    columns.push((name.clone(), None));
                    columns.len() - 1
                }
            };
            let Some(kind) = kind_of(value) else {
                continue;
            };
            let slot = &mut columns[position].1;
            *slot = Some(match *slot {
                None => kind,
                Some(seen) if seen == kind => kind,
                Some(ColumnKind::Integer | ColumnKind::Number)
                    if matches!(kind, ColumnKind::Integer | ColumnKind::Number) =>
                {
                    ColumnKind::Number
                }
                Some(_) => ColumnKind::Text,
            });
        }
    }
    columns
        .into_iter()
        .map(|(name, kind)| Column {
            name,
            kind: kind.unwrap_or(ColumnKind::Text),
        })
        .collect()
}

fn kind_of(value: &Value) -> Option<ColumnKind> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(_) => ColumnKind::Boolean,
        Value::Number(n) if n.is_i64() => ColumnKind::Integer,
        Value::Number(_) => ColumnKind::Number,
        Value::String(_) => ColumnKind::Text,
        Value::Array(_) | Value::Object(_) => ColumnKind::Json,
    })
}

/// A value as text: strings as they are, everything else (numbers, booleans, arrays, objects)
/// as its JSON text; `None` for null.
pub fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn feature(properties: Value) -> DownloadFeature<'static> {
        DownloadFeature {
            id: "a".into(),
            geometry: None,
            properties: properties.as_object().unwrap().clone(),
        }
    }

    #[test]
    fn names_and_media_types_are_found_back() {
        for d in Download::ALL {
            assert_eq!(Download::from_name(d.name()), Some(d));
            assert_eq!(Download::from_name(d.media_type()), Some(d));
        }
        assert_eq!(Download::from_name("shp"), None);
    }

    #[test]
    fn columns_are_typed_from_every_value() {
        let features = [
            feature(json!({"n": 1, "x": 1, "b": true, "s": null, "l": ["a"], "m": 1})),
            feature(json!({"n": 2, "x": 1.5, "b": false, "s": "t", "l": [], "m": "one"})),
            feature(json!({"id": "ignored", "late": 3})),
        ];
        let kinds: Vec<(String, ColumnKind)> = columns(&features)
            .into_iter()
            .map(|c| (c.name, c.kind))
            .collect();
        use ColumnKind::*;
        let expected = [
            ("n", Integer),
            ("x", Number),
            ("b", Boolean),
            ("s", Text),
            ("l", Json),
            ("m", Text),
            ("late", Integer),
        ];
        let expected: Vec<(String, ColumnKind)> =
            expected.iter().map(|(n, k)| (n.to_string(), *k)).collect();
        assert_eq!(kinds, expected);
    }

    #[test]
    fn geographic_output_keeps_longitude_first_and_rounds() {
        let point = Geometry::Point(geo::point!(x: 74.123456789, y: 42.9));
        for crs in [Crs::Crs84, Crs::Epsg4326] {
            let Geometry::Point(p) = output_geometry(&point, crs) else {
                panic!("a point stays a point")
            };
            assert_eq!((p.x(), p.y()), (74.1234568, 42.9));
        }
        let Geometry::Point(p) = output_geometry(&point, Crs::WebMercator) else {
            panic!("a point stays a point")
        };
        assert!(p.x() > 8_000_000.0 && p.y() > 5_000_000.0, "{p:?}");
    }

    #[test]
    fn rings_are_wound_as_in_geojson() {
        use geo::polygon;
        use geo::winding_order::Winding;
        let clockwise = Geometry::Polygon(polygon![
            (x: 0.0, y: 0.0), (x: 0.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0)
        ]);
        let Geometry::Polygon(p) = output_geometry(&clockwise, Crs::Crs84) else {
            panic!("a polygon stays a polygon")
        };
        assert!(p.exterior().is_ccw());
    }

    #[test]
    fn csv_and_kml_refuse_other_crs_naming_it() {
        assert!(Download::FlatGeobuf.check_crs(Crs::WebMercator).is_ok());
        assert!(Download::Csv.check_crs(Crs::Crs84).is_ok());
        let refusal = Download::Kml.check_crs(Crs::WebMercator).unwrap_err();
        assert!(
            refusal.contains("3857") && refusal.contains("KML"),
            "{refusal}"
        );
        assert!(Download::Csv.check_crs(Crs::Epsg4326).is_err());
    }
}
