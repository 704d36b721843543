//! Output and bbox CRSs: coordinates come back in the CRS the response names, or the request is
//! refused with a 400 that names the CRS and the collection (a collection is offered in the CRSs
//! that can write all of it); never degrees labelled as metres.

mod common;

use common::{get, get_ok, ids};
use serde_json::json;

const KANT: &str = "/collections/installations/items/kant-air-base";

fn utm(code: u32) -> String {
    format!("http://www.opengis.net/def/crs/EPSG/0/{code}")
}

fn point(feature: &serde_json::Value) -> (f64, f64) {
    let c = &feature["geometry"]["coordinates"];
    (c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
}

#[test]
fn the_zone_of_the_data_gives_metres() {
    let degrees = point(&get_ok(KANT));
    let (status, headers, body) = get(&format!("{KANT}?crs={}", utm(32643)));
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["content-crs"], format!("<{}>", utm(32643)).as_str());
    let (easting, northing) = point(&body);
    // Zone 43N has its central meridian at 75°E, where the false easting is 500 km; Kant lies
    // a little west of it and about 4,750 km north of the equator.
    let west_of_meridian_km = (75.0 - degrees.0) * 111.32 * degrees.1.to_radians().cos();
    assert!(
        (easting - (500_000.0 - west_of_meridian_km * 1000.0)).abs() < 2_000.0,
        "easting {easting} for {degrees:?}"
    );
    assert!(
        (northing - degrees.1 * 110_950.0).abs() < 20_000.0,
        "northing {northing}"
    );
}

#[test]
fn a_zone_that_cannot_write_the_collection_is_refused_naming_crs_and_collection() {
    // Zone 1N is centred on 177°W, more than 90° of longitude from Kant (74.85°E) and from
    // the rest of the installations; a collection is offered only in the CRSs that can write
    // all of it, and its `crs` list and the API document say which.
    let offered = get_ok("/collections/installations")["crs"].clone();
    let offered: Vec<&str> = offered
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(offered.contains(&utm(32643).as_str()), "{offered:?}");
    let (_, _, api) = get("/api?f=json");
    let documented = api["paths"]["/collections/installations/items/{featureId}"]["get"]
        ["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "crs")
        .map(|p| p["schema"]["enum"].clone())
        .expect("crs documented on the item path");
    assert_eq!(documented, json!(offered));
    for code in [32601, 32701, 32610, 32760] {
        assert!(!offered.contains(&utm(code).as_str()), "EPSG:{code}");
        let (status, headers, body) = get(&format!("{KANT}?crs={}", utm(code)));
        assert_eq!(status, 400, "EPSG:{code}: {body}");
        assert!(headers.get("content-crs").is_none(), "EPSG:{code}");
        let description = body["description"].as_str().unwrap();
        assert!(
            description.contains(&format!("EPSG:{code}")),
            "{description}"
        );
        assert!(description.contains("installations"), "{description}");
        assert!(description.contains("crs"), "{description}");
    }
}

#[test]
fn a_page_with_a_feature_outside_the_zone_is_refused() {
    let (status, _, body) = get(&format!(
        "/collections/installations/items?crs={}",
        utm(32601)
    ));
    assert_eq!(status, 400, "{body}");
    assert!(body["description"].as_str().unwrap().contains("EPSG:32601"));
    // Limited to features near the zone, the same CRS answers in metres.
    let near = format!(
        "/collections/installations/items?bbox=74,42,76,43.5&crs={}",
        utm(32643)
    );
    let page = get_ok(&near);
    let features = page["features"].as_array().unwrap();
    assert!(!features.is_empty());
    for f in features {
        let (easting, northing) = point(f);
        assert!(
            (100_000.0..900_000.0).contains(&easting) && northing > 4_000_000.0,
            "{f}"
        );
    }
}

#[test]
fn web_mercator_and_geographic_crs_answer_every_feature() {
    for crs in ["EPSG:3857", "EPSG:4326", "OGC:CRS84"] {
        let (status, _, body) = get(&format!("/collections/countries/items?limit=500&crs={crs}"));
        assert_eq!(status, 200, "{crs}: {body}");
    }
}

#[test]
fn a_bbox_in_the_zone_of_the_data_finds_it() {
    let degrees = point(&get_ok(KANT));
    let metres = point(&get_ok(&format!("{KANT}?crs={}", utm(32643))));
    let (e, n) = metres;
    let bbox = format!(
        "{},{},{},{}",
        e - 5_000.0,
        n - 5_000.0,
        e + 5_000.0,
        n + 5_000.0
    );
    let found = ids(&get_ok(&format!(
        "/collections/installations/items?bbox={bbox}&bbox-crs={}",
        utm(32643)
    )));
    assert!(
        found.contains(&"kant-air-base".to_string()),
        "{found:?} near {degrees:?}"
    );
    // The same numbers read in a zone on the far side of the globe are another place.
    let elsewhere = ids(&get_ok(&format!(
        "/collections/installations/items?bbox={bbox}&bbox-crs={}",
        utm(32610)
    )));
    assert!(
        !elsewhere.contains(&"kant-air-base".to_string()),
        "{elsewhere:?}"
    );
}

#[test]
fn a_bbox_beyond_its_zone_is_refused() {
    for bbox in ["0,0,90000000,1000", "-1e9,4000000,1e9,5000000"] {
        let (status, _, body) = get(&format!(
            "/collections/installations/items?bbox={bbox}&bbox-crs={}",
            utm(32601)
        ));
        assert_eq!(status, 400, "{bbox}: {body}");
        let description = body["description"].as_str().unwrap();
        assert!(description.contains("EPSG:32601"), "{description}");
    }
}
