//! Downloads over the real router: CSV, FlatGeobuf and KML of items pages and analysis
//! answers, chosen by `f` and by `Accept`; their media types, file names, feature counts and
//! ids (read back with the `csv`, `flatgeobuf` and `quick-xml` readers), paging `Link` headers
//! that keep the format, CRS rules and the refusals.

mod common;

use common::{client, get, get_ok, ids, server};
use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader};
use quick_xml::events::Event;
use reqwest::header::{HeaderMap, ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE, ETAG, LINK};
use std::collections::HashMap;

const FORMATS: [(&str, &str, &str); 3] = [
    ("csv", "text/csv", "csv"),
    ("fgb", "application/flatgeobuf", "fgb"),
    ("kml", "application/vnd.google-earth.kml+xml", "kml"),
];

/// GET with an optional Accept header; status, headers, body bytes.
fn fetch(path: &str, accept: Option<&str>) -> (u16, HeaderMap, Vec<u8>) {
    let mut request = client().get(format!("{}{path}", server()));
    if let Some(accept) = accept {
        request = request.header(ACCEPT, accept);
    }
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.bytes().unwrap().to_vec())
}

fn fetch_ok(path: &str, accept: Option<&str>) -> (HeaderMap, Vec<u8>) {
    let (status, headers, body) = fetch(path, accept);
    assert_eq!(
        status,
        200,
        "{path}: {}",
        String::from_utf8_lossy(&body[..body.len().min(400)])
    );
    (headers, body)
}

fn header(headers: &HeaderMap, name: impl reqwest::header::AsHeaderName) -> &str {
    headers.get(name).map(|v| v.to_str().unwrap()).unwrap_or("")
}

/// The feature ids in a download, in file order, read with a reader of the format.
fn download_ids(format: &str, body: &[u8]) -> Vec<String> {
    match format {
        "csv" => {
            let mut reader = csv::Reader::from_reader(body);
            let headers = reader.headers().unwrap().clone();
            assert_eq!(&headers[0], "WKT", "the geometry column comes first");
            let id = headers
                .iter()
                .position(|h| h == "id")
                .expect("an id column");
            reader
                .records()
                .map(|r| r.unwrap()[id].to_string())
                .collect()
        }
        "fgb" => {
            let mut cursor = std::io::Cursor::new(body);
            let reader = FgbReader::open(&mut cursor).unwrap();
            let count = reader.header().features_count() as usize;
            let mut features = reader.select_all_seq().unwrap();
            let mut out = Vec::new();
            while let Some(feature) = features.next().unwrap() {
                out.push(feature.properties().unwrap()["id"].clone());
            }
            assert_eq!(out.len(), count, "the header counts every feature");
            out
        }
        "kml" => {
            let mut reader = quick_xml::Reader::from_reader(body);
            let mut buf = Vec::new();
            let (mut in_id, mut out) = (false, Vec::new());
            loop {
                match reader.read_event_into(&mut buf).unwrap() {
                    Event::Start(e) if e.name().as_ref() == b"Data" => {
                        in_id = e
                            .try_get_attribute("name")
                            .unwrap()
                            .is_some_and(|a| a.value.as_ref() == b"id");
                    }
                    Event::Text(t) if in_id => {
                        out.push(t.decode().unwrap().into_owned());
                        in_id = false;
                    }
                    Event::End(e) if e.name().as_ref() == b"Data" => in_id = false,
                    Event::Eof => break,
                    _ => {}
                }
                buf.clear();
            }
            out
        }
        other => panic!("no reader for {other}"),
    }
}

/// `rel` → URL of the `Link` header, with the type each link declares.
fn links(headers: &HeaderMap) -> HashMap<String, (String, String)> {
    header(headers, LINK)
        .split(", <")
        .filter(|l| !l.is_empty())
        .map(|link| {
            let link = link.trim_start_matches('<');
            let (url, rest) = link.split_once('>').unwrap();
            let attr = |name: &str| {
                rest.split(';')
                    .map(str::trim)
                    .find_map(|a| a.strip_prefix(&format!("{name}=\"")))
                    .map(|v| v.trim_end_matches('"').to_string())
                    .unwrap_or_default()
            };
            (attr("rel"), (url.to_string(), attr("type")))
        })
        .collect()
}

#[test]
fn items_downloads_by_f_have_media_types_file_names_and_the_geojson_features() {
    let path = "/collections/installations/items?limit=10000";
    let geojson = get_ok(path);
    let expected = ids(&geojson);
    assert!(
        expected.len() > 10,
        "installations has features: {expected:?}"
    );
    for (f, media_type, extension) in FORMATS {
        let (headers, body) = fetch_ok(&format!("{path}&f={f}"), None);
        assert_eq!(header(&headers, CONTENT_TYPE), media_type);
        assert_eq!(
            header(&headers, CONTENT_DISPOSITION),
            format!("attachment; filename=\"installations.{extension}\"")
        );
        assert_eq!(
            download_ids(f, &body),
            expected,
            "{f}: the GeoJSON's features in order"
        );
    }
}

#[test]
fn accept_chooses_a_download_and_tags_it_apart_from_the_geojson() {
    let path = "/collections/forces/items?limit=10000";
    let (json_headers, _) = fetch_ok(path, Some("application/geo+json"));
    let expected = ids(&get_ok(path));
    for (f, media_type, _) in FORMATS {
        let (headers, body) = fetch_ok(path, Some(media_type));
        assert_eq!(header(&headers, CONTENT_TYPE), media_type);
        assert!(header(&headers, CONTENT_DISPOSITION).ends_with(&format!("forces.{f}\"")));
        assert_eq!(download_ids(f, &body), expected);
        assert_ne!(
            header(&headers, ETAG),
            header(&json_headers, ETAG),
            "{f} and GeoJSON at the same URL are different representations"
        );
        assert!(header(&headers, "vary")
            .to_ascii_lowercase()
            .contains("accept"));
    }
    // f wins over Accept.
    let (headers, _) = fetch_ok(&format!("{path}&f=json"), Some("text/csv"));
    assert_eq!(header(&headers, CONTENT_TYPE), "application/geo+json");
}

#[test]
fn paging_links_keep_the_format_and_page_like_the_geojson() {
    let limit = 4;
    let base = format!("/collections/installations/items?limit={limit}");
    let geojson_pages: Vec<Vec<String>> = (0..2)
        .map(|page| ids(&get_ok(&format!("{base}&offset={}", page * limit))))
        .collect();
    for (f, media_type, _) in FORMATS {
        for accept in [None, Some(media_type)] {
            let first = match accept {
                None => format!("{base}&f={f}"),
                Some(_) => base.clone(),
            };
            let (headers, body) = fetch_ok(&first, accept);
            assert_eq!(download_ids(f, &body), geojson_pages[0]);
            let links = links(&headers);
            let (next, kind) = links
                .get("next")
                .unwrap_or_else(|| panic!("{f} ({accept:?}): no next link in {headers:?}"));
            assert_eq!(kind, media_type);
            assert!(next.contains(&format!("f={f}")), "{next} keeps the format");
            assert!(!links.contains_key("prev"), "the first page has no prev");
            let (status, headers, body) = {
                let r = client().get(next).send().unwrap();
                (r.status().as_u16(), r.headers().clone(), r.bytes().unwrap())
            };
            assert_eq!(status, 200);
            assert_eq!(header(&headers, CONTENT_TYPE), media_type);
            assert_eq!(download_ids(f, &body), geojson_pages[1], "{next}");
            assert!(self::links(&headers).contains_key("prev"));
        }
    }
}

#[test]
fn analysis_answers_download_with_the_question_as_file_name() {
    let path = "/analysis/border-zone?countries=TJK,AFG&distance_km=50&collections=installations,forces&datetime=2005-06-01&include=zone";
    let geojson = get_ok(path);
    let expected = ids(&geojson);
    assert!(
        expected.iter().any(|id| id.starts_with("201st")) && expected.len() > 2,
        "the answer has hits and its zone: {expected:?}"
    );
    for (f, media_type, extension) in FORMATS {
        let (headers, body) = fetch_ok(&format!("{path}&f={f}"), None);
        assert_eq!(header(&headers, CONTENT_TYPE), media_type);
        assert_eq!(
            header(&headers, CONTENT_DISPOSITION),
            format!("attachment; filename=\"border-zone.{extension}\"")
        );
        assert_eq!(download_ids(f, &body), expected, "{f}");
    }
    // The computed properties come along: distance_km in the CSV equals the GeoJSON's.
    let (_, body) = fetch_ok(&format!("{path}&f=csv"), None);
    let mut reader = csv::Reader::from_reader(&body[..]);
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, distance) = (column("id"), column("distance_km"));
    let served: HashMap<&str, f64> = geojson["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| Some((f["id"].as_str()?, f["properties"]["distance_km"].as_f64()?)))
        .collect();
    assert!(!served.is_empty());
    for record in reader.records() {
        let record = record.unwrap();
        if let Some(km) = served.get(&record[id]) {
            assert_eq!(record[distance].parse::<f64>().unwrap(), *km);
        }
    }
}

#[test]
fn analysis_paging_links_keep_the_format() {
    let path = "/analysis/near?lon=74.8508&lat=42.8911&radius_km=3000&limit=2";
    let second = ids(&get_ok(&format!("{path}&offset=2")));
    let (headers, body) = fetch_ok(path, Some("application/vnd.google-earth.kml+xml"));
    assert_eq!(download_ids("kml", &body).len(), ids(&get_ok(path)).len());
    let links = links(&headers);
    let (next, kind) = &links["next"];
    assert_eq!(kind, "application/vnd.google-earth.kml+xml");
    let (_, body) = fetch_ok(next.strip_prefix(server()).unwrap(), None);
    assert_eq!(download_ids("kml", &body), second);
}

#[test]
fn flatgeobuf_declares_the_crs_asked_for_and_csv_and_kml_refuse_it() {
    let path = "/collections/installations/items?limit=10000&crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FEPSG%2F0%2F3857";
    let (headers, body) = fetch_ok(&format!("{path}&f=fgb"), None);
    assert!(header(&headers, "content-crs").contains("3857"));
    let mut cursor = std::io::Cursor::new(&body);
    let reader = FgbReader::open(&mut cursor).unwrap();
    assert_eq!(reader.header().crs().unwrap().code(), 3857);
    let envelope: Vec<f64> = reader.header().envelope().unwrap().iter().collect();
    assert!(
        envelope[2] > 1_000_000.0,
        "metres, not degrees: {envelope:?}"
    );
    for (f, name) in [("csv", "CSV"), ("kml", "KML")] {
        let (status, _, body) = get(&format!("{path}&f={f}"));
        assert_eq!(status, 400, "{f}: {body}");
        let description = body["description"].as_str().unwrap();
        assert!(
            description.contains("crs")
                && description.contains(name)
                && description.contains("3857"),
            "{description}"
        );
    }
}

#[test]
fn unknown_formats_are_refused_naming_what_each_endpoint_accepts() {
    let (status, _, body) = get("/collections/installations/items?f=shp");
    assert_eq!(status, 400);
    let description = body["description"].as_str().unwrap();
    assert!(
        description.contains("json, html, csv, fgb, kml"),
        "{description}"
    );
    let (status, _, body) = get("/analysis/near?lon=74&lat=42&radius_km=10&f=gpkg");
    assert_eq!(status, 400);
    assert!(body["description"]
        .as_str()
        .unwrap()
        .contains("csv, fgb, kml"));
    // Documents do not come as downloads.
    let (status, _, body) = get("/collections?f=csv");
    assert_eq!(status, 400);
    let description = body["description"].as_str().unwrap();
    assert!(
        description.contains("json, html") && !description.contains("kml"),
        "{description}"
    );
    // An Accept for a download at a document falls back to JSON.
    let (headers, _) = fetch_ok("/collections", Some("text/csv"));
    assert!(header(&headers, CONTENT_TYPE).starts_with("application/json"));
}

#[test]
fn the_openapi_definition_lists_the_download_formats_where_they_are_offered() {
    let api = get_ok("/api");
    let enum_of = |reference: &serde_json::Value| -> Vec<String> {
        let name = reference["$ref"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap();
        api["components"]["parameters"][name]["schema"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let f_of = |path: &str| -> Vec<String> {
        let parameters = api["paths"][path]["get"]["parameters"].as_array().unwrap();
        let f = parameters
            .iter()
            .find(|p| {
                let name = p["$ref"].as_str().unwrap_or("").rsplit('/').next().unwrap();
                api["components"]["parameters"][name]["name"] == "f"
            })
            .unwrap_or_else(|| panic!("{path} has no f parameter"));
        enum_of(f)
    };
    let offered = ["json", "html", "csv", "fgb", "kml"];
    assert_eq!(f_of("/collections/installations/items"), offered);
    assert_eq!(f_of("/analysis/border-zone"), offered);
    assert_eq!(f_of("/collections"), ["json", "html"]);
    let content =
        &api["paths"]["/collections/installations/items"]["get"]["responses"]["200"]["content"];
    for (_, media_type, _) in FORMATS {
        assert!(
            content.get(media_type).is_some(),
            "{media_type} in {content}"
        );
    }
    // Every offered value is accepted by the server.
    for f in offered {
        let (status, _, _) = fetch(&format!("/collections/places/items?limit=1&f={f}"), None);
        assert_eq!(status, 200, "f={f}");
    }
}
