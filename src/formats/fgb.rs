//! Features as one FlatGeobuf file (the `flatgeobuf` crate): the layer named after the
//! collection or question, its CRS in the header, a packed Hilbert R-tree as the spatial index,
//! the geometry type declared when every feature has the same one (else Unknown), an `id`
//! column, then one column per property typed from its values (`download::columns`): booleans,
//! 64-bit integers, doubles, strings, and arrays or objects as JSON columns.
//!
//! The index covers every feature's box, so a download in which some feature has no geometry
//! (an event whose place no source gives, or `skipGeometry=true`) is written without one, in
//! the order given. The crate writes an empty geometry for such a feature, which GDAL refuses
//! to read ("Invalid length detected: XY data"); the file records it as absent instead (see
//! [`mark_geometries_absent`]), as the FlatGeobuf schema allows.
//!
//! A MultiLineString of one part is written as its LineString: the crate leaves out the part
//! ends of a one-part geometry (the schema allows it), and GDAL 3.6's reader (Debian 12's, so
//! QGIS's there) refuses a MultiLineString without them ("MultiLineString ends data"). Such a
//! layer is declared with the geometry type of the shapes written (Unknown when they mix).

use super::download::{
    columns, output_geometry, text_of, ColumnKind, DownloadFeature, DownloadInfo,
};
use crate::query::crs::Crs;
use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use geo::Geometry;
use geozero::{ColumnValue, GeomProcessor, GeozeroGeometry, PropertyProcessor};
use serde_json::Value;

/// The FlatGeobuf bytes of the features, in the CRS of `info`.
pub fn write(info: &DownloadInfo, features: &[DownloadFeature]) -> Result<Vec<u8>, FgbError> {
    let columns = columns(features);
    let shapes: Vec<Option<Geometry<f64>>> = features
        .iter()
        .map(|f| {
            f.geometry
                .map(|g| written_shape(output_geometry(g, info.crs)))
        })
        .collect();
    let every_feature_has_geometry = features.iter().all(|f| f.geometry.is_some());
    // File formats keep x east, y north: EPSG:4326 is declared as such and written lon/lat.
    let code = match info.crs {
        Crs::Crs84 => 4326,
        other => other.epsg().map_or(4326, |c| c as i32),
    };
    let options = FgbWriterOptions {
        write_index: every_feature_has_geometry && !features.is_empty(),
        detect_type: false,
        promote_to_multi: false,
        crs: FgbCrs {
            org: Some("EPSG"),
            code,
            ..Default::default()
        },
        title: Some(info.name),
        description: info.description.as_deref(),
        ..Default::default()
    };
    let mut writer = FgbWriter::create_with_options(info.name, geometry_type(&shapes), options)?;
    writer.add_column(
        super::download::ID_COLUMN,
        ColumnType::String,
        |_, column| {
            column.nullable = false;
        },
    );
    for column in &columns {
        writer.add_column(&column.name, column_type(column.kind), |_, c| {
            c.nullable = true;
        });
    }
    for (feature, shape) in features.iter().zip(shapes) {
        let geometry = MaybeGeometry(shape);
        let mut written = Ok(true);
        writer.add_feature_geom(geometry, |properties| {
            written = properties.property(
                0,
                super::download::ID_COLUMN,
                &ColumnValue::String(&feature.id),
            );
            for (i, column) in columns.iter().enumerate() {
                if written.is_err() {
                    return;
                }
                let Some(value) = feature.properties.get(&column.name) else {
                    continue;
                };
                let text = match (column.kind, value) {
                    (_, Value::Null) => continue,
                    (ColumnKind::Text | ColumnKind::Json, v) => text_of(v),
                    _ => None,
                };
                let cell = match (column.kind, value, text.as_deref()) {
                    (ColumnKind::Boolean, Value::Bool(b), _) => ColumnValue::Bool(*b),
                    (ColumnKind::Integer, Value::Number(n), _) => {
                        ColumnValue::Long(n.as_i64().unwrap_or_default())
                    }
                    (ColumnKind::Number, Value::Number(n), _) => {
                        ColumnValue::Double(n.as_f64().unwrap_or(f64::NAN))
                    }
                    (ColumnKind::Json, _, Some(t)) => ColumnValue::Json(t),
                    (_, _, Some(t)) => ColumnValue::String(t),
                    _ => continue,
                };
                written = properties.property(i + 1, &column.name, &cell);
            }
        })?;
        written?;
    }
    let mut out = Vec::new();
    writer.write(&mut out)?;
    if !every_feature_has_geometry {
        let absent: Vec<bool> = features.iter().map(|f| f.geometry.is_none()).collect();
        mark_geometries_absent(&mut out, &absent);
    }
    Ok(out)
}

/// Clears the `geometry` field of the features flagged in `absent`, in a file written without
/// an index (so its features are in the order given). Each feature is a size-prefixed
/// flatbuffer of its own; a field whose vtable slot is 0 is absent, so zeroing the slot makes
/// the geometry null and leaves every other byte in place.
fn mark_geometries_absent(file: &mut [u8], absent: &[bool]) {
    let u32_at = |file: &[u8], at: usize| -> Option<usize> {
        let bytes = file.get(at..at + 4)?;
        Some(u32::from_le_bytes(bytes.try_into().ok()?) as usize)
    };
    const MAGIC_LEN: usize = 8;
    let Some(header_len) = u32_at(file, MAGIC_LEN) else {
        return;
    };
    let mut at = MAGIC_LEN + 4 + header_len;
    for &clear in absent {
        let Some(len) = u32_at(file, at) else {
            return;
        };
        let buffer = at + 4;
        if clear {
            clear_geometry_slot(file, buffer);
        }
        at = buffer + len;
    }
}

fn clear_geometry_slot(file: &mut [u8], buffer: usize) -> Option<()> {
    let read = |at: usize, n: usize| file.get(at..at + n);
    let root = buffer + u32::from_le_bytes(read(buffer, 4)?.try_into().ok()?) as usize;
    let back = i32::from_le_bytes(read(root, 4)?.try_into().ok()?);
    let vtable = usize::try_from(root as i64 - i64::from(back)).ok()?;
    let vtable_len = u16::from_le_bytes(read(vtable, 2)?.try_into().ok()?);
    let slot = vtable + flatgeobuf::Feature::VT_GEOMETRY as usize;
    if usize::from(vtable_len) >= usize::from(flatgeobuf::Feature::VT_GEOMETRY) + 2 {
        file.get_mut(slot..slot + 2)?
            .copy_from_slice(&0u16.to_le_bytes());
    }
    Some(())
}

/// Why a FlatGeobuf file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FgbError {
    #[error("{0}")]
    File(#[from] flatgeobuf::Error),
    #[error("{0}")]
    Feature(#[from] geozero::error::GeozeroError),
}

/// A geometry as written to the file: a one-part MultiLineString as its LineString.
fn written_shape(geometry: Geometry<f64>) -> Geometry<f64> {
    match geometry {
        Geometry::MultiLineString(mut lines) if lines.0.len() == 1 => {
            Geometry::LineString(lines.0.remove(0))
        }
        other => other,
    }
}

/// The declared geometry type: the one every shape written has, else Unknown.
fn geometry_type(shapes: &[Option<Geometry<f64>>]) -> GeometryType {
    let mut kinds = shapes.iter().flatten().map(type_of);
    let Some(first) = kinds.next() else {
        return GeometryType::Unknown;
    };
    if kinds.all(|k| k == first) {
        first
    } else {
        GeometryType::Unknown
    }
}

fn type_of(geometry: &Geometry<f64>) -> GeometryType {
    match geometry {
        Geometry::Point(_) => GeometryType::Point,
        Geometry::MultiPoint(_) => GeometryType::MultiPoint,
        Geometry::Line(_) | Geometry::LineString(_) => GeometryType::LineString,
        Geometry::MultiLineString(_) => GeometryType::MultiLineString,
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => GeometryType::Polygon,
        Geometry::MultiPolygon(_) => GeometryType::MultiPolygon,
        Geometry::GeometryCollection(_) => GeometryType::GeometryCollection,
    }
}

fn column_type(kind: ColumnKind) -> ColumnType {
    match kind {
        ColumnKind::Boolean => ColumnType::Bool,
        ColumnKind::Integer => ColumnType::Long,
        ColumnKind::Number => ColumnType::Double,
        ColumnKind::Text => ColumnType::String,
        ColumnKind::Json => ColumnType::Json,
    }
}

/// A feature's geometry, or nothing to process for a feature without one.
struct MaybeGeometry(Option<Geometry<f64>>);

impl GeozeroGeometry for MaybeGeometry {
    fn process_geom<P: GeomProcessor>(&self, processor: &mut P) -> geozero::error::Result<()> {
        match &self.0 {
            Some(geometry) => geometry.process_geom(processor),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader};
    use geo::{point, polygon};
    use geozero::ToGeo;
    use serde_json::json;

    fn info(crs: Crs) -> DownloadInfo<'static> {
        DownloadInfo {
            name: "installations",
            description: Some("{\"q\":1}".into()),
            crs,
        }
    }

    fn props(v: Value) -> serde_json::Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn one_part_multilines_are_written_as_lines_with_their_type_declared() {
        let one =
            Geometry::MultiLineString(geo::MultiLineString(vec![geo::LineString::from(vec![
                (67.0, 37.0),
                (68.0, 37.5),
            ])]));
        let two = Geometry::MultiLineString(geo::MultiLineString(vec![
            geo::LineString::from(vec![(70.0, 38.0), (71.0, 38.5)]),
            geo::LineString::from(vec![(72.0, 39.0), (73.0, 39.5)]),
        ]));
        let feature = |id: &str, geometry| DownloadFeature {
            id: id.into(),
            geometry: Some(geometry),
            properties: props(json!({})),
        };
        let type_of_file = |features: &[DownloadFeature]| {
            let bytes = write(&info(Crs::Crs84), features).unwrap();
            let mut cursor = std::io::Cursor::new(bytes);
            let reader = FgbReader::open(&mut cursor).unwrap();
            reader.header().geometry_type()
        };
        assert_eq!(
            type_of_file(&[feature("a", &one)]),
            GeometryType::LineString
        );
        assert_eq!(
            type_of_file(&[feature("b", &two)]),
            GeometryType::MultiLineString
        );
        assert_eq!(
            type_of_file(&[feature("a", &one), feature("b", &two)]),
            GeometryType::Unknown
        );
    }

    #[test]
    fn points_read_back_with_typed_columns_and_an_index() {
        let kant = Geometry::Point(point!(x: 74.8467, y: 42.8531));
        let dushanbe = Geometry::Point(point!(x: 68.78, y: 38.56));
        let features = [
            DownloadFeature {
                id: "kant-air-base".into(),
                geometry: Some(&kant),
                properties: props(json!({"name": "Kant", "strength": 500, "capital": false,
                                         "groupings": ["csto"], "area": 1.5})),
            },
            DownloadFeature {
                id: "201st-garrison-dushanbe".into(),
                geometry: Some(&dushanbe),
                properties: props(
                    json!({"name": "Dushanbe", "strength": null, "capital": true,
                                         "groupings": [], "area": 2}),
                ),
            },
        ];
        let bytes = write(&info(Crs::Crs84), &features).unwrap();
        let mut cursor = std::io::Cursor::new(bytes);
        let reader = FgbReader::open(&mut cursor).unwrap();
        let header = reader.header();
        assert_eq!(header.geometry_type(), GeometryType::Point);
        assert_eq!(header.features_count(), 2);
        assert!(header.index_node_size() > 0, "a spatial index is written");
        assert_eq!(header.crs().unwrap().code(), 4326);
        assert_eq!(header.name(), Some("installations"));
        let types: Vec<(String, ColumnType)> = header
            .columns()
            .unwrap()
            .iter()
            .map(|c| (c.name().to_string(), c.type_()))
            .collect();
        assert_eq!(
            types,
            [
                ("id".to_string(), ColumnType::String),
                ("name".to_string(), ColumnType::String),
                ("strength".to_string(), ColumnType::Long),
                ("capital".to_string(), ColumnType::Bool),
                ("groupings".to_string(), ColumnType::Json),
                ("area".to_string(), ColumnType::Double),
            ]
        );
        let mut found = std::collections::HashMap::new();
        let mut iter = reader.select_all().unwrap();
        while let Some(feature) = iter.next().unwrap() {
            let id: String = feature.property("id").unwrap();
            let geometry = feature.to_geo().unwrap();
            found.insert(id, (feature.properties().unwrap(), geometry));
        }
        let (kant_props, kant_geometry) = &found["kant-air-base"];
        assert_eq!(kant_geometry, &kant);
        assert_eq!(kant_props["strength"], "500");
        assert_eq!(kant_props["capital"], "false");
        assert_eq!(kant_props["groupings"], r#"["csto"]"#);
        let (dushanbe_props, _) = &found["201st-garrison-dushanbe"];
        assert!(!dushanbe_props.contains_key("strength"), "null is left out");
        assert_eq!(dushanbe_props["area"], "2");
    }

    #[test]
    fn mixed_geometries_are_unknown_and_projected_crs_is_declared() {
        let point = Geometry::Point(point!(x: 10.0, y: 10.0));
        let square = Geometry::Polygon(
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 0.0)],
        );
        let features = [
            DownloadFeature {
                id: "p".into(),
                geometry: Some(&point),
                properties: props(json!({})),
            },
            DownloadFeature {
                id: "s".into(),
                geometry: Some(&square),
                properties: props(json!({})),
            },
        ];
        let bytes = write(&info(Crs::WebMercator), &features).unwrap();
        let mut cursor = std::io::Cursor::new(bytes);
        let reader = FgbReader::open(&mut cursor).unwrap();
        assert_eq!(reader.header().geometry_type(), GeometryType::Unknown);
        assert_eq!(reader.header().crs().unwrap().code(), 3857);
        let mut iter = reader.select_all().unwrap();
        let first = iter.next().unwrap().unwrap().to_geo().unwrap();
        let Geometry::Point(p) = first else {
            panic!("the point comes first in Hilbert order here: {first:?}")
        };
        assert!(p.x() > 1_000_000.0, "projected to metres: {p:?}");
    }

    #[test]
    fn a_feature_without_geometry_is_kept_and_the_index_left_out() {
        let point = Geometry::Point(point!(x: 10.0, y: 10.0));
        let features = [
            DownloadFeature {
                id: "p".into(),
                geometry: Some(&point),
                properties: props(json!({"name": "here"})),
            },
            DownloadFeature {
                id: "unknown-place".into(),
                geometry: None,
                properties: props(json!({"name": "somewhere"})),
            },
        ];
        let bytes = write(&info(Crs::Crs84), &features).unwrap();
        let mut cursor = std::io::Cursor::new(bytes);
        let reader = FgbReader::open(&mut cursor).unwrap();
        assert_eq!(reader.header().index_node_size(), 0);
        assert_eq!(reader.header().geometry_type(), GeometryType::Point);
        assert_eq!(reader.header().features_count(), 2);
        let mut iter = reader.select_all_seq().unwrap();
        let mut read = Vec::new();
        while let Some(feature) = iter.next().unwrap() {
            let has_geometry = feature.fbs_feature().geometry().is_some();
            read.push((feature.property::<String>("name").unwrap(), has_geometry));
        }
        assert_eq!(
            read,
            [("here".to_string(), true), ("somewhere".to_string(), false)],
            "the feature without geometry has none in the file, not an empty one"
        );
    }
}
