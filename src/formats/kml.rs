//! Features as a KML 2.2 document (what Google Earth opens): one Document named after the
//! collection or question, one Placemark per feature with its `name` (the `name` property, else
//! the id), a TimeSpan from `valid_from`/`valid_to` at the precision the source gave (KML takes
//! `YYYY`, `YYYY-MM` and `YYYY-MM-DD` as they are), one ExtendedData `Data` entry per property
//! (the id first; strings as they are, other values as JSON text; nulls left out), and the
//! geometry as Point, LineString, Polygon or MultiGeometry. KML is WGS 84 longitude/latitude
//! only, with exterior rings counter-clockwise.

use super::download::{output_geometry, text_of, DownloadFeature, DownloadInfo, ID_COLUMN};
use crate::model::PartialDate;
use crate::query::crs::Crs;
use geo::{Coord, Geometry, LineString, Polygon};
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use std::io;

/// The KML 2.2 namespace.
pub const KML_NAMESPACE: &str = "http://www.opengis.net/kml/2.2";

/// The KML bytes of the features.
pub fn write(info: &DownloadInfo, features: &[DownloadFeature]) -> io::Result<Vec<u8>> {
    let mut kml = Kml(Writer::new(Vec::new()));
    kml.0
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    kml.0.write_event(Event::Start(
        BytesStart::new("kml").with_attributes([("xmlns", KML_NAMESPACE)]),
    ))?;
    kml.start("Document")?;
    kml.text_element("name", info.name)?;
    if let Some(description) = &info.description {
        kml.text_element("description", description)?;
    }
    for feature in features {
        placemark(&mut kml, feature)?;
    }
    kml.end("Document")?;
    kml.end("kml")?;
    Ok(kml.0.into_inner())
}

fn placemark(kml: &mut Kml, feature: &DownloadFeature) -> io::Result<()> {
    kml.start("Placemark")?;
    let name = feature
        .properties
        .get("name")
        .and_then(|v| v.as_str())
        .unwrap_or(&feature.id);
    kml.text_element("name", name)?;
    let date = |key: &str| {
        feature
            .properties
            .get(key)
            .and_then(|v| v.as_str())
            .and_then(|s| s.parse::<PartialDate>().ok())
    };
    let (begin, end) = (date("valid_from"), date("valid_to"));
    if begin.is_some() || end.is_some() {
        kml.start("TimeSpan")?;
        if let Some(begin) = begin {
            kml.text_element("begin", &begin.to_string())?;
        }
        if let Some(end) = end {
            kml.text_element("end", &end.to_string())?;
        }
        kml.end("TimeSpan")?;
    }
    kml.start("ExtendedData")?;
    kml.data(ID_COLUMN, &feature.id)?;
    for (key, value) in &feature.properties {
        if key == ID_COLUMN {
            continue;
        }
        if let Some(text) = text_of(value) {
            kml.data(key, &text)?;
        }
    }
    kml.end("ExtendedData")?;
    if let Some(geometry) = feature.geometry {
        kml.geometry(&output_geometry(geometry, Crs::Crs84))?;
    }
    kml.end("Placemark")
}

/// The XML writer with the few shapes of element KML needs.
struct Kml(Writer<Vec<u8>>);

impl Kml {
    fn start(&mut self, name: &str) -> io::Result<()> {
        self.0.write_event(Event::Start(BytesStart::new(name)))
    }

    fn end(&mut self, name: &str) -> io::Result<()> {
        self.0.write_event(Event::End(BytesEnd::new(name)))
    }

    /// `<name>text</name>`, the text escaped.
    fn text_element(&mut self, name: &str, text: &str) -> io::Result<()> {
        self.start(name)?;
        self.0.write_event(Event::Text(BytesText::new(text)))?;
        self.end(name)
    }

    /// `<Data name="key"><value>text</value></Data>`.
    fn data(&mut self, key: &str, text: &str) -> io::Result<()> {
        self.0.write_event(Event::Start(
            BytesStart::new("Data").with_attributes([("name", key)]),
        ))?;
        self.text_element("value", text)?;
        self.end("Data")
    }

    fn geometry(&mut self, geometry: &Geometry<f64>) -> io::Result<()> {
        match geometry {
            Geometry::Point(p) => self.point(p.0),
            Geometry::Line(l) => self.line(&LineString::new(vec![l.start, l.end])),
            Geometry::LineString(l) => self.line(l),
            Geometry::Polygon(p) => self.polygon(p),
            Geometry::Rect(r) => self.polygon(&r.to_polygon()),
            Geometry::Triangle(t) => self.polygon(&t.to_polygon()),
            Geometry::MultiPoint(mp) => self.multi(mp.0.iter().map(|p| Geometry::Point(*p))),
            Geometry::MultiLineString(ml) => {
                self.multi(ml.0.iter().map(|l| Geometry::LineString(l.clone())))
            }
            Geometry::MultiPolygon(mp) => {
                self.multi(mp.0.iter().map(|p| Geometry::Polygon(p.clone())))
            }
            Geometry::GeometryCollection(gc) => self.multi(gc.0.iter().cloned()),
        }
    }

    fn multi(&mut self, parts: impl Iterator<Item = Geometry<f64>>) -> io::Result<()> {
        self.start("MultiGeometry")?;
        for part in parts {
            self.geometry(&part)?;
        }
        self.end("MultiGeometry")
    }

    fn point(&mut self, c: Coord<f64>) -> io::Result<()> {
        self.start("Point")?;
        self.coordinates([c].into_iter())?;
        self.end("Point")
    }

    fn line(&mut self, l: &LineString<f64>) -> io::Result<()> {
        self.start("LineString")?;
        self.coordinates(l.0.iter().copied())?;
        self.end("LineString")
    }

    /// Rings come wound as KML wants them (exterior counter-clockwise) from `output_geometry`.
    fn polygon(&mut self, p: &Polygon<f64>) -> io::Result<()> {
        self.start("Polygon")?;
        self.ring("outerBoundaryIs", p.exterior())?;
        for hole in p.interiors() {
            self.ring("innerBoundaryIs", hole)?;
        }
        self.end("Polygon")
    }

    fn ring(&mut self, boundary: &str, ring: &LineString<f64>) -> io::Result<()> {
        self.start(boundary)?;
        self.start("LinearRing")?;
        self.coordinates(ring.0.iter().copied())?;
        self.end("LinearRing")?;
        self.end(boundary)
    }

    /// `lon,lat` tuples separated by spaces.
    fn coordinates(&mut self, coords: impl Iterator<Item = Coord<f64>>) -> io::Result<()> {
        let text = coords
            .map(|c| format!("{},{}", c.x, c.y))
            .collect::<Vec<_>>()
            .join(" ");
        self.text_element("coordinates", &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{point, polygon, MultiPolygon};
    use quick_xml::events::Event;
    use quick_xml::Reader;
    use serde_json::{json, Value};

    fn info() -> DownloadInfo<'static> {
        DownloadInfo {
            name: "forces & bases",
            description: None,
            crs: Crs::Crs84,
        }
    }

    /// The document as (path of element names, text) pairs, read by quick-xml's reader; text
    /// split around entities comes back as one value per element.
    fn texts(bytes: &[u8]) -> Vec<(String, String)> {
        let mut reader = Reader::from_reader(bytes);
        let mut path: Vec<String> = Vec::new();
        let mut out = Vec::new();
        let mut text = String::new();
        let mut buf = Vec::new();
        loop {
            let event = reader.read_event_into(&mut buf).unwrap();
            if matches!(event, Event::Start(_) | Event::End(_)) && !text.is_empty() {
                out.push((path.join("/"), std::mem::take(&mut text)));
            }
            match event {
                Event::Start(e) => {
                    let mut name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                    if let Some(a) = e.try_get_attribute("name").unwrap() {
                        name = format!("{name}[{}]", a.unescape_value().unwrap());
                    }
                    path.push(name);
                }
                Event::End(_) => {
                    path.pop();
                }
                Event::Text(t) => text.push_str(&t.decode().unwrap()),
                Event::GeneralRef(r) => match r.decode().unwrap().as_ref() {
                    "amp" => text.push('&'),
                    "lt" => text.push('<'),
                    "gt" => text.push('>'),
                    "quot" => text.push('"'),
                    "apos" => text.push('\''),
                    other => panic!("unexpected entity {other}"),
                },
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        out
    }

    fn props(v: Value) -> serde_json::Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn placemarks_carry_names_time_spans_data_and_geometry() {
        let kant = Geometry::Point(point!(x: 74.8467, y: 42.8531));
        let features = [DownloadFeature {
            id: "kant-air-base".into(),
            geometry: Some(&kant),
            properties: props(json!({
                "name": "Kant <air> base",
                "valid_from": "2003-10",
                "valid_to": null,
                "groupings": ["csto"],
            })),
        }];
        let bytes = write(&info(), &features).unwrap();
        let texts = texts(&bytes);
        let get = |path: &str| {
            texts
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, t)| t.as_str())
                .unwrap_or_else(|| panic!("no {path} in {texts:?}"))
        };
        assert_eq!(get("kml/Document/name"), "forces & bases");
        assert_eq!(get("kml/Document/Placemark/name"), "Kant <air> base");
        assert_eq!(get("kml/Document/Placemark/TimeSpan/begin"), "2003-10");
        assert!(!texts.iter().any(|(p, _)| p.ends_with("TimeSpan/end")));
        let data = "kml/Document/Placemark/ExtendedData/Data";
        assert_eq!(get(&format!("{data}[id]/value")), "kant-air-base");
        assert_eq!(get(&format!("{data}[groupings]/value")), r#"["csto"]"#);
        assert!(!texts.iter().any(|(p, _)| p.contains("Data[valid_to]")));
        assert_eq!(
            get("kml/Document/Placemark/Point/coordinates"),
            "74.8467,42.8531"
        );
        assert!(std::str::from_utf8(&bytes)
            .unwrap()
            .contains(r#"<kml xmlns="http://www.opengis.net/kml/2.2">"#));
    }

    #[test]
    fn multipolygons_become_multigeometry_with_counter_clockwise_rings() {
        let clockwise =
            polygon![(x: 0.0, y: 0.0), (x: 0.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0)];
        let other = polygon![(x: 5.0, y: 5.0), (x: 6.0, y: 5.0), (x: 6.0, y: 6.0)];
        let shape = Geometry::MultiPolygon(MultiPolygon(vec![clockwise, other]));
        let features = [DownloadFeature {
            id: "tajikistan".into(),
            geometry: Some(&shape),
            properties: props(json!({"valid_from": "1991", "valid_to": "1999-12-31"})),
        }];
        let texts = texts(&write(&info(), &features).unwrap());
        let rings: Vec<&str> = texts
            .iter()
            .filter(|(p, _)| {
                p == "kml/Document/Placemark/MultiGeometry/Polygon/outerBoundaryIs/LinearRing/coordinates"
            })
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(rings.len(), 2);
        assert_eq!(rings[0], "0,0 1,0 1,1 0,1 0,0", "turned counter-clockwise");
        let name = texts
            .iter()
            .find(|(p, _)| p == "kml/Document/Placemark/name");
        assert_eq!(
            name.unwrap().1,
            "tajikistan",
            "the id names a feature without a name"
        );
        let begin = texts.iter().find(|(p, _)| p.ends_with("TimeSpan/begin"));
        let end = texts.iter().find(|(p, _)| p.ends_with("TimeSpan/end"));
        assert_eq!(
            (begin.unwrap().1.as_str(), end.unwrap().1.as_str()),
            ("1991", "1999-12-31")
        );
    }
}
