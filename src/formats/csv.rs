//! Features as CSV (RFC 4180): a `WKT` geometry column first (the column name GDAL's CSV
//! driver writes and looks for), then `id`, then one column per property in order of first
//! appearance. Strings are written as they are, numbers and booleans as their JSON text, arrays
//! and objects as JSON text; null and a missing geometry are empty fields.

use super::download::{columns, output_geometry, text_of, DownloadFeature, ID_COLUMN};
use crate::query::crs::Crs;
use wkt::ToWkt;

/// The name of the geometry column.
pub const GEOMETRY_COLUMN: &str = "WKT";

/// The CSV bytes of the features, with a header row, in CRS84.
pub fn write(features: &[DownloadFeature]) -> Result<Vec<u8>, ::csv::Error> {
    let columns = columns(features);
    // Fields that hold a delimiter, a quote or a line break are quoted, quotes doubled; lines
    // end with CRLF as RFC 4180 says.
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = [GEOMETRY_COLUMN, ID_COLUMN]
        .into_iter()
        .chain(columns.iter().map(|c| c.name.as_str()));
    writer.write_record(header)?;
    for feature in features {
        let geometry = feature
            .geometry
            .map(|g| output_geometry(g, Crs::Crs84).wkt_string())
            .unwrap_or_default();
        let values = columns.iter().map(|c| {
            feature
                .properties
                .get(&c.name)
                .and_then(text_of)
                .unwrap_or_default()
        });
        let record = [geometry, feature.id.clone()].into_iter().chain(values);
        writer.write_record(record)?;
    }
    writer
        .into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{point, polygon, Geometry};
    use serde_json::{json, Value};

    fn read(bytes: &[u8]) -> Vec<Vec<String>> {
        ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes)
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn header_geometry_and_values_read_back() {
        let kant = Geometry::Point(point!(x: 74.8467, y: 42.8531));
        let square = Geometry::Polygon(
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 0.0)],
        );
        let props = |v: Value| v.as_object().unwrap().clone();
        let features = [
            DownloadFeature {
                id: "kant-air-base".into(),
                geometry: Some(&kant),
                properties: props(json!({
                    "name": "Kant \"air\" base, Chuy",
                    "groupings": ["csto", "cis"],
                    "strength": {"aircraft": 10},
                    "capital": false,
                    "note": "two\nlines",
                })),
            },
            DownloadFeature {
                id: "square".into(),
                geometry: Some(&square),
                properties: props(json!({"name": "Square", "population": 12, "capital": null})),
            },
            DownloadFeature {
                id: "nowhere".into(),
                geometry: None,
                properties: props(json!({})),
            },
        ];
        let bytes = write(&features).unwrap();
        assert!(bytes.ends_with(b"\r\n"));
        let rows = read(&bytes);
        assert_eq!(
            rows[0],
            [
                "WKT",
                "id",
                "name",
                "groupings",
                "strength",
                "capital",
                "note",
                "population"
            ]
        );
        assert_eq!(rows.len(), 4);
        let kant_row = &rows[1];
        assert_eq!(kant_row[1], "kant-air-base");
        assert_eq!(kant_row[2], "Kant \"air\" base, Chuy");
        let groupings: Value = serde_json::from_str(&kant_row[3]).unwrap();
        assert_eq!(groupings, json!(["csto", "cis"]));
        assert_eq!(kant_row[4], r#"{"aircraft":10}"#);
        assert_eq!(kant_row[5], "false");
        assert_eq!(kant_row[6], "two\nlines");
        let parsed: wkt::Wkt<f64> = kant_row[0].parse().unwrap();
        let back: Geometry<f64> = parsed.try_into().unwrap();
        assert_eq!(back, kant);
        let square_row = &rows[2];
        assert!(square_row[0].starts_with("POLYGON"), "{}", square_row[0]);
        assert_eq!(square_row[7], "12");
        assert_eq!(square_row[5], "", "null is an empty field");
        assert_eq!(rows[3][0], "", "no geometry is an empty field");
    }

    #[test]
    fn quotes_are_doubled_as_rfc_4180_says() {
        let features = [DownloadFeature {
            id: "a".into(),
            geometry: None,
            properties: json!({"name": "say \"hi\""}).as_object().unwrap().clone(),
        }];
        let text = String::from_utf8(write(&features).unwrap()).unwrap();
        assert_eq!(text, "WKT,id,name\r\n,a,\"say \"\"hi\"\"\"\r\n");
    }
}
