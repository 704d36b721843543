//! The analysis questions: against an independent implementation (the Python fixture in
//! `tests/fixtures/independent/analysis_distances.py`, geographiclib by brute force), on hard
//! geometry (antimeridian, high latitude, distance 0, a point on a border), over time (grouping
//! membership), over HTTP with every error case, and from the command line.

mod common;

use common::{get, get_ok, ids};
use forcemap::catalog::{Catalog, Envelope};
use forcemap::load::{load, DataSource};
use forcemap::model::{CollectionId, Feature};
use forcemap::query::analysis::{geodesy, Answer, Question};
use geo::{Coord, Destination, Distance, Geodesic, Geometry, Point};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

// ------------------------------------------------------------------ the independent fixture

fn fixture() -> &'static Value {
    static FIXTURE: OnceLock<Value> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let path = common::geodata().join("../tests/fixtures/independent/analysis_distances.json");
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    })
}

fn fixture_features() -> &'static [Value] {
    fixture()["features"].as_array().unwrap()
}

/// The result features of an answer: those without a drawn-shape role (zone, border, ring).
fn results(answer: &Value) -> impl Iterator<Item = &Value> {
    answer["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["role"].is_null())
}

/// (collection, id) → distance_km of each result feature.
fn distances(answer: &Value) -> HashMap<(String, String), f64> {
    results(answer)
        .map(|f| {
            (
                (
                    f["properties"]["collection"].as_str().unwrap().to_string(),
                    f["id"].as_str().unwrap().to_string(),
                ),
                f["properties"]["distance_km"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn tolerance(km: f64) -> f64 {
    (km * 0.005).max(0.5)
}

fn key(f: &Value) -> (String, String) {
    (
        f["collection"].as_str().unwrap().to_string(),
        f["id"].as_str().unwrap().to_string(),
    )
}

#[test]
fn border_distances_agree_with_the_independent_fixture() {
    let mut report = Vec::new();
    for (countries, border) in [("TJK,AFG", "AFG-TJK"), ("AFG,UZB", "AFG-UZB")] {
        let answer = get_ok(&format!(
            "/analysis/border-zone?countries={countries}&distance_km=5000&collections=installations,forces,events"
        ));
        let ours = distances(&answer);
        let mut worst: f64 = 0.0;
        for f in fixture_features() {
            let expected = f["border_distance_km"][border].as_f64().unwrap();
            let got = *ours
                .get(&key(f))
                .unwrap_or_else(|| panic!("{border}: {:?} missing", key(f)));
            let error = (got - expected).abs();
            assert!(
                error < tolerance(expected),
                "{border} {:?}: {got} km, fixture {expected} km",
                key(f)
            );
            worst = worst.max(error);
        }
        // Our error bound is 1 cm and the fixture's sampling is within a metre at these
        // distances, so a much larger difference would mean a different border or method.
        assert!(worst < 0.01, "{border}: worst difference {worst} km");
        report.push(format!(
            "{border}: {} features, worst difference {:.1} m",
            fixture_features().len(),
            worst * 1000.0
        ));
        let length = answer["summary"]["border_length_km"].as_f64().unwrap();
        let expected = fixture()["borders"][border]["length_km"].as_f64().unwrap();
        assert!(
            (length - expected).abs() < 0.01,
            "{border}: length {length} vs {expected}"
        );
    }
    eprintln!("{}", report.join("\n"));
}

/// How far each fixture feature may lie from its recorded point, from its location precision
/// in the data: `None` when unbounded.
fn uncertainty_of(f: &Value) -> Option<f64> {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    let catalog = CATALOG.get_or_init(|| Catalog::build(load(&DataSource::BuiltIn).unwrap()));
    let collection: CollectionId = f["collection"].as_str().unwrap().parse().unwrap();
    let feature = catalog
        .collection(collection)
        .get(f["id"].as_str().unwrap())
        .unwrap();
    match feature.location_precision {
        None => Some(0.0),
        Some(p) => p.radius_km(),
    }
}

#[test]
fn zone_membership_at_50_and_100_km_agrees_with_the_fixture() {
    for (countries, border) in [("TJK,AFG", "AFG-TJK"), ("UZB,AFG", "AFG-UZB")] {
        for km in [50.0, 100.0] {
            let answer = get_ok(&format!(
                "/analysis/border-zone?countries={countries}&distance_km={km}&collections=installations,forces,events"
            ));
            let found: HashMap<(String, String), &Value> = answer["features"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["properties"]["role"].is_null())
                .map(|f| {
                    let p = &f["properties"];
                    let key = (
                        p["collection"].as_str().unwrap().to_string(),
                        f["id"].as_str().unwrap().to_string(),
                    );
                    (key, p)
                })
                .collect();
            let tol = tolerance(km);
            for f in fixture_features() {
                let d = f["border_distance_km"][border].as_f64().unwrap();
                let r = uncertainty_of(f);
                // The nearest and farthest the feature itself may be, by the fixture's distance.
                let (min, max) = r.map_or((d, f64::INFINITY), |r| ((d - r).max(0.0), d + r));
                let hit = found.get(&key(f));
                if min < km - tol {
                    let p = hit.unwrap_or_else(|| {
                        panic!("{border} {km} km: {:?} at {d} km missing", key(f))
                    });
                    if max < km - tol {
                        assert_eq!(p["certainty"], "certain", "{:?} at {d} km", key(f));
                    } else if max > km + tol {
                        assert_eq!(p["certainty"], "possible", "{:?} at {d} km", key(f));
                    }
                    match r {
                        Some(_) => {
                            assert!((p["distance_km_min"].as_f64().unwrap() - min).abs() < tol);
                            assert!((p["distance_km_max"].as_f64().unwrap() - max).abs() < tol);
                        }
                        None => {
                            assert!(
                                p["distance_km_min"].is_null() && p["distance_km_max"].is_null()
                            );
                        }
                    }
                }
                if min > km + tol {
                    assert!(
                        hit.is_none(),
                        "{border} {km} km: {:?} at {d} km wrongly in",
                        key(f)
                    );
                }
            }
            assert_eq!(
                answer["summary"]["count"].as_u64().unwrap() as usize,
                found.len()
            );
        }
    }
}

#[test]
fn near_and_range_from_kant_agree_with_the_fixture() {
    let origin = &fixture()["origin"];
    let (lon, lat) = (
        origin["lon"].as_f64().unwrap(),
        origin["lat"].as_f64().unwrap(),
    );
    let near = distances(&get_ok(&format!(
        "/analysis/near?lon={lon}&lat={lat}&radius_km=5000"
    )));
    let range = distances(&get_ok("/analysis/range?from=kant-air-base&radius_km=5000"));
    for f in fixture_features() {
        let expected = f["from_kant_km"].as_f64().unwrap();
        let got = near[&key(f)];
        assert!(
            (got - expected).abs() < 0.001,
            "{:?}: {got} vs {expected}",
            key(f)
        );
        if f["id"] == "kant-air-base" {
            assert!(
                !range.contains_key(&key(f)),
                "the origin is not in its own range"
            );
        } else {
            assert!((range[&key(f)] - expected).abs() < 0.001, "{:?}", key(f));
        }
    }
    // Membership at 100 km as well: both Kant's and each feature's location uncertainty
    // widen the ring, and an unbounded one keeps the plain test.
    let inside = distances(&get_ok("/analysis/range?from=kant-air-base&radius_km=100"));
    let kant = fixture_features()
        .iter()
        .find(|f| f["id"] == "kant-air-base")
        .unwrap();
    for f in fixture_features() {
        let d = f["from_kant_km"].as_f64().unwrap();
        if f["id"] != "kant-air-base" {
            let reach = uncertainty_of(kant)
                .zip(uncertainty_of(f))
                .map_or(0.0, |(a, b)| a + b);
            assert_eq!(
                inside.contains_key(&key(f)),
                d - reach <= 100.0,
                "{:?} at {d} km",
                key(f)
            );
        }
    }
}

// ------------------------------------------------------------------------- the endpoints

#[test]
fn the_flagship_question_answers_with_distances_sides_and_shapes() {
    let (status, headers, body) = get("/analysis/border-zone?countries=TJK,AFG&distance_km=50&collections=installations,forces&datetime=2005-06-01&include=zone");
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["content-type"], "application/geo+json");
    assert_eq!(body["type"], "FeatureCollection");
    let features = body["features"].as_array().unwrap();
    let hits: Vec<&Value> = features
        .iter()
        .filter(|f| f["properties"]["role"].is_null())
        .collect();
    let found: Vec<(&str, &str)> = hits
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap(),
                f["properties"]["certainty"].as_str().unwrap(),
            )
        })
        .collect();
    // The border guards' point stands for their whole sector (unbounded), Kulob's garrison is
    // known to its town and at 33 km certainly inside, Bokhtar's at 55.8 km possibly.
    assert_eq!(
        found,
        [
            ("russian-border-guards-tajikistan", "possible"),
            ("201st-garrison-kulob", "certain"),
            ("201st-garrison-bokhtar", "possible"),
        ],
        "{body}"
    );
    for hit in &hits {
        let p = &hit["properties"];
        assert_eq!(p["side"], "TJK");
        assert!(
            p["name"].is_string() && p["sources"].is_array(),
            "curated properties kept: {p}"
        );
        assert!(p["collection"] == "forces" || p["collection"] == "installations");
        let nearest = p["distance_km_min"]
            .as_f64()
            .unwrap_or(p["distance_km"].as_f64().unwrap());
        assert!(nearest <= 50.0, "{p}");
    }
    let roles: Vec<&str> = features
        .iter()
        .filter_map(|f| f["properties"]["role"].as_str())
        .collect();
    assert_eq!(roles, ["zone", "border"]);
    let zone = features
        .iter()
        .find(|f| f["properties"]["role"] == "zone")
        .unwrap();
    assert!(matches!(
        zone["geometry"]["type"].as_str(),
        Some("Polygon" | "MultiPolygon")
    ));
    let s = &body["summary"];
    assert_eq!(s["question"], "border-zone");
    assert_eq!(s["countries"], json!(["TJK", "AFG"]));
    assert_eq!(s["border"], "AFG-TJK");
    assert_eq!(s["distance_km"], 50.0);
    assert_eq!(s["datetime"], "2005-06-01");
    assert_eq!(
        s["per_collection"],
        json!({"installations": 2, "forces": 1})
    );
    assert_eq!(s["per_side"], json!({"TJK": 3, "AFG": 0, "neither": 0}));
    assert_eq!(s["certainty"], json!({"certain": 1, "possible": 2}));
    assert!((s["border_length_km"].as_f64().unwrap() - 1172.082).abs() < 0.01);

    // The 201st base's other garrisons are 55 km and more away; the border guards left in 2005.
    let wider = get_ok("/analysis/border-zone?countries=TJK,AFG&distance_km=100&collections=installations,forces&datetime=2005-06-01");
    assert!(ids(&wider).contains(&"201st-garrison-bokhtar".to_string()));
    let later = get_ok("/analysis/border-zone?countries=TJK,AFG&distance_km=50&collections=installations,forces&datetime=2006");
    assert_eq!(
        ids(&later),
        ["201st-garrison-kulob", "201st-garrison-bokhtar"]
    );
}

#[test]
fn near_and_nearest_rank_by_distance() {
    let body = get_ok("/analysis/nearest?lon=74.8508&lat=42.8911&k=3&collections=installations");
    let features = body["features"].as_array().unwrap();
    assert_eq!(features.len(), 3);
    assert_eq!(features[0]["id"], "kant-air-base");
    assert_eq!(features[0]["properties"]["distance_km"], 0.0);
    let d: Vec<f64> = features
        .iter()
        .map(|f| f["properties"]["distance_km"].as_f64().unwrap())
        .collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    let ranks: Vec<u64> = features
        .iter()
        .map(|f| f["properties"]["rank"].as_u64().unwrap())
        .collect();
    assert_eq!(ranks, [1, 2, 3]);
    assert_eq!(body["summary"]["k"], 3);
    // near with the same radius as the third neighbour finds at least those three.
    let near = get_ok(&format!(
        "/analysis/near?lon=74.8508&lat=42.8911&radius_km={}&collections=installations",
        d[2] + 0.001
    ));
    assert!(ids(&near).len() >= 3);
    let with_zone = get_ok("/analysis/near?lon=74.8508&lat=42.8911&radius_km=50&include=zone");
    let roles: Vec<&str> = with_zone["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["properties"]["role"].as_str())
        .collect();
    assert_eq!(roles, ["zone", "ring"]);
}

#[test]
fn within_a_country_and_a_theater() {
    let tajik = ids(&get_ok(
        "/analysis/within?area=TJK&collections=installations",
    ));
    for id in [
        "201st-garrison-dushanbe",
        "201st-garrison-kulob",
        "201st-garrison-bokhtar",
    ] {
        assert!(tajik.contains(&id.to_string()), "{tajik:?}");
    }
    assert!(!tajik.contains(&"kant-air-base".to_string()));
    let theater = get_ok(
        "/analysis/within?area=central-asian-region&collections=installations&datetime=2010",
    );
    assert!(ids(&theater).contains(&"kant-air-base".to_string()));
    assert_eq!(theater["summary"]["area_kind"], "theater");
    let lower = get_ok("/analysis/within?area=tjk&collections=installations");
    assert_eq!(ids(&lower), tajik);
}

#[test]
fn uzbekistan_is_in_the_csto_footprint_in_2008_and_not_in_2015() {
    use geo::Contains;
    let tashkent = Point::new(69.24, 41.30);
    let located = |date: &str| {
        let body = get_ok(&format!(
            "/analysis/locate?lon=69.24&lat=41.30&datetime={date}"
        ));
        assert_eq!(body["features"][0]["id"], "UZB", "{body}");
        ids(&body)
    };
    assert!(located("2008-06-01").contains(&"csto".to_string()));
    assert!(!located("2015-06-01").contains(&"csto".to_string()));
    let footprint = |date: &str| {
        let body = get_ok(&format!(
            "/analysis/within?area=csto&datetime={date}&include=zone"
        ));
        let zone = body["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["role"] == "zone")
            .unwrap()
            .clone();
        let geometry: geojson::Geometry = serde_json::from_value(zone["geometry"].clone()).unwrap();
        (
            geo::Geometry::<f64>::try_from(&geometry.value).unwrap(),
            body["summary"]["area_countries"].clone(),
        )
    };
    let (in_2008, members_2008) = footprint("2008-06-01");
    let (in_2015, members_2015) = footprint("2015-06-01");
    assert!(in_2008.contains(&tashkent));
    assert!(!in_2015.contains(&tashkent));
    assert!(members_2008.as_array().unwrap().contains(&json!("UZB")));
    assert!(!members_2015.as_array().unwrap().contains(&json!("UZB")));
}

#[test]
fn locate_names_the_country_and_the_theaters() {
    let body = get_ok("/analysis/locate?lon=68.779&lat=38.5358&datetime=2010-01-01");
    let found = ids(&body);
    assert_eq!(found[0], "TJK");
    for id in ["csto", "cis", "sco", "crdf", "crrf", "central-asian-region"] {
        assert!(
            found.contains(&id.to_string()),
            "{id} missing from {found:?}"
        );
    }
    assert!(!found.contains(&"nato".to_string()));
    assert_eq!(body["summary"]["theaters"], json!(["central-asian-region"]));
    assert!(body["features"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["geometry"].is_null()));
    let sea = get_ok("/analysis/locate?lon=0&lat=0");
    assert_eq!(sea["features"], json!([]));
}

#[test]
fn range_ring_reaches_countries_and_has_its_vertices_at_the_radius() {
    let body = get_ok("/analysis/range?from=kant-air-base&radius_km=300&include=zone");
    let s = &body["summary"];
    let countries: Vec<&str> = s["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for c in ["KGZ", "KAZ"] {
        assert!(countries.contains(&c), "{countries:?}");
    }
    assert!(
        !countries.contains(&"TJK"),
        "Tajikistan is over 300 km away: {countries:?}"
    );
    assert!(ids(&body).contains(&"crdf-headquarters-bishkek".to_string()));
    let zone = body["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["role"] == "zone")
        .unwrap();
    let ring = zone["geometry"]["coordinates"][0][0].as_array().unwrap();
    assert_eq!(ring.len(), 129);
    let kant = Point::new(74.8508, 42.8911);
    for v in ring {
        let p = Point::new(v[0].as_f64().unwrap(), v[1].as_f64().unwrap());
        assert!((Geodesic.distance(kant, p) - 300_000.0).abs() < 0.1);
    }
}

#[test]
fn every_bad_input_is_refused_naming_the_parameter() {
    let cases = [
        (
            "/analysis/border-zone?countries=TJK,KAZ&distance_km=50",
            "countries",
            "TJK and KAZ share no land border",
        ),
        (
            "/analysis/border-zone?countries=TJK&distance_km=50",
            "countries",
            "two countries",
        ),
        (
            "/analysis/border-zone?distance_km=50",
            "countries",
            "missing",
        ),
        (
            "/analysis/border-zone?countries=TJK,AFG&distance_km=-5",
            "distance_km",
            "negative",
        ),
        (
            "/analysis/border-zone?countries=TJK,AFG&distance_km=6000",
            "distance_km",
            "5000",
        ),
        (
            "/analysis/border-zone?countries=TJK,AFG&distance_km=far",
            "distance_km",
            "not a number",
        ),
        (
            "/analysis/border-zone?countries=TJK,AFG&distance_km=5&collections=bases",
            "collections",
            "bases",
        ),
        (
            "/analysis/border-zone?countries=TJK,AFG&distance_km=5&datetime=yesterday",
            "datetime",
            "yesterday",
        ),
        (
            "/analysis/border-zone?countries=TJK,AFG&distance_km=5&include=everything",
            "include",
            "everything",
        ),
        (
            "/analysis/border-zone?countries=TJK,AFG&distance_km=5&bbox=1,2,3,4",
            "bbox",
            "unknown parameter",
        ),
        ("/analysis/near?lon=190&lat=0&radius_km=5", "lon", "190"),
        ("/analysis/near?lon=0&lat=91&radius_km=5", "lat", "91"),
        ("/analysis/near?lon=0&lat=0", "radius_km", "missing"),
        (
            "/analysis/near?lon=0&lat=0&radius_km=5001",
            "radius_km",
            "5000",
        ),
        ("/analysis/nearest?lon=0&lat=0&k=0", "k", "0"),
        ("/analysis/nearest?lon=0&lat=0&k=1001", "k", "1001"),
        ("/analysis/nearest?lat=0", "lon", "missing"),
        ("/analysis/within", "area", "missing"),
        ("/analysis/locate?lon=0&lat=-100", "lat", "-100"),
        (
            "/analysis/locate?lon=0&lat=0&radius_km=5",
            "radius_km",
            "unknown parameter",
        ),
        (
            "/analysis/range?from=crrf-battalion-armenia&radius_km=50",
            "from",
            "no point location",
        ),
        (
            "/analysis/range?from=kant-air-base&radius_km=-1",
            "radius_km",
            "negative",
        ),
        (
            "/analysis/range?from=kant-air-base&radius_km=50&collections=installations,nowhere",
            "collections",
            "nowhere",
        ),
    ];
    for (path, parameter, words) in cases {
        let (status, headers, body) = get(path);
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(headers["content-type"], "application/json", "{path}");
        let code = body["code"].as_str().unwrap();
        assert!(
            code == "InvalidParameterValue" || code == "MissingParameterValue",
            "{path}: {body}"
        );
        let description = body["description"].as_str().unwrap();
        assert!(description.contains(parameter), "{path}: {description}");
        assert!(description.contains(words), "{path}: {description}");
    }
    let (status, _, body) = get("/analysis/everything");
    assert_eq!(status, 404, "{body}");
    // A parameter naming a country, area or feature the data does not hold: the thing asked
    // about does not exist (404), and the answer says which parameter named it.
    for (path, parameter, words) in [
        (
            "/analysis/border-zone?countries=TJK,XXX&distance_km=50",
            "countries",
            "XXX",
        ),
        ("/analysis/within?area=atlantis", "area", "atlantis"),
        (
            "/analysis/range?from=no-such-base&radius_km=50",
            "from",
            "no-such-base",
        ),
    ] {
        let (status, _, body) = get(path);
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["code"], "NotFound", "{path}");
        let description = body["description"].as_str().unwrap();
        assert!(description.contains(parameter), "{path}: {description}");
        assert!(description.contains(words), "{path}: {description}");
    }
}

/// The entries of an answer's list (features without a drawn-shape role), as (collection, id).
fn listed(answer: &Value) -> Vec<(String, String)> {
    results(answer)
        .map(|f| {
            (
                f["properties"]["collection"].as_str().unwrap().to_string(),
                f["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn answers_page_like_items_and_every_entry_comes_once_in_order() {
    let question = "/analysis/border-zone?countries=TJK,AFG&distance_km=100";
    let whole = get_ok(question);
    let all = listed(&whole);
    assert!(all.len() > 4, "too few entries to page: {}", all.len());
    assert_eq!(whole["numberMatched"], all.len());
    assert_eq!(whole["numberReturned"], all.len());
    assert!(whole["links"].is_null(), "one page needs no links");

    let mut next = Some(format!("{question}&limit=2&include=zone"));
    let (mut paged, mut pages) = (Vec::new(), 0);
    while let Some(path) = next {
        pages += 1;
        assert!(pages <= all.len(), "paging does not end");
        let (status, headers, page) = get(&path);
        assert_eq!(status, 200, "{path}: {page}");
        assert_eq!(page["numberMatched"], all.len(), "{path}");
        let entries = listed(&page);
        assert_eq!(page["numberReturned"], entries.len(), "{path}");
        assert!(entries.len() <= 2 && !entries.is_empty(), "{path}");
        // The drawn zone and the summary describe the whole answer on every page.
        assert!(
            page["features"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["properties"]["role"] == "zone"),
            "{path}"
        );
        assert_eq!(page["summary"], whole["summary"], "{path}");
        paged.extend(entries);
        let link = |rel: &str| {
            page["links"]
                .as_array()
                .and_then(|links| links.iter().find(|l| l["rel"] == rel))
                .map(|l| l["href"].as_str().unwrap().to_string())
        };
        let header = headers
            .get("link")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        if let Some(href) = link("next") {
            assert!(
                header.contains(&format!("<{href}>; rel=\"next\"")),
                "{header}"
            );
            assert!(href.contains("data-version="), "{href}");
        }
        if pages > 1 {
            assert!(link("prev").is_some(), "{path}");
        }
        next = link("next").map(|href| href[href.find("/analysis/").unwrap()..].to_string());
    }
    assert_eq!(paged, all, "pages in order, each entry once");
    assert_eq!(pages, all.len().div_ceil(2));

    // A page past the end is empty, and a link made for other data is refused.
    let past = get_ok(&format!("{question}&offset={}", all.len() + 5));
    assert_eq!(past["numberReturned"], 0);
    assert_eq!(past["numberMatched"], all.len());
    let (status, _, body) = get(&format!("{question}&limit=3&data-version=0000000000000000"));
    assert_eq!(status, 409, "{body}");
    assert!(body["description"]
        .as_str()
        .unwrap()
        .contains("data-version"));
    for bad in ["limit=0", "limit=10001", "limit=x", "offset=-1"] {
        let (status, _, body) = get(&format!("{question}&{bad}"));
        assert_eq!(status, 400, "{bad}: {body}");
    }
    // Questions that are not lists take no paging.
    let (status, _, _) = get("/analysis/locate?lon=69.0&lat=38.5&limit=3");
    assert_eq!(status, 400);
}

#[test]
fn the_analysis_endpoints_are_documented_in_the_api() {
    let api = get_ok("/api?f=json");
    for (path, parameters) in [
        (
            "/analysis/border-zone",
            &[
                "countries",
                "distance_km",
                "collections",
                "datetime",
                "include",
            ][..],
        ),
        (
            "/analysis/near",
            &[
                "lon",
                "lat",
                "radius_km",
                "collections",
                "datetime",
                "include",
            ][..],
        ),
        (
            "/analysis/nearest",
            &["lon", "lat", "k", "collections", "datetime"][..],
        ),
        (
            "/analysis/within",
            &["area", "collections", "datetime", "include"][..],
        ),
        ("/analysis/locate", &["lon", "lat", "datetime"][..]),
        (
            "/analysis/range",
            &["from", "radius_km", "collections", "datetime", "include"][..],
        ),
        ("/analysis/changes", &["from", "to"][..]),
    ] {
        let mut parameters = parameters.to_vec();
        let is_paged = !["/analysis/nearest", "/analysis/locate"].contains(&path);
        if is_paged {
            parameters.extend(["limit", "offset"]);
        }
        // Every answer also downloads; a paged one's links carry the data version.
        parameters.push("f");
        if is_paged {
            parameters.push("data-version");
        }
        let documented: Vec<String> = common::resolved_parameters(&api, path)
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(documented, parameters, "{path}");
    }
}

// ------------------------------------------------------------------- hard geometry, in-process

/// A point on the AFG-TJK border: a vertex of an arc both countries use.
fn border_vertex(dataset: &forcemap::load::Dataset) -> Coord<f64> {
    let topology = &dataset.topology;
    let position = |code: &str| {
        topology
            .countries
            .iter()
            .position(|c| c.id == code)
            .unwrap()
    };
    let (afg, tjk) = (position("AFG"), position("TJK"));
    let arc = topology.country_arcs[afg]
        .iter()
        .find(|a| topology.country_arcs[tjk].contains(a))
        .unwrap();
    let line = &topology.arcs[*arc];
    line.0[line.0.len() / 2]
}

/// The real dataset plus synthetic installations at hard places.
fn synthetic() -> &'static (Catalog, Coord<f64>, Coord<f64>) {
    static CATALOG: OnceLock<(Catalog, Coord<f64>, Coord<f64>)> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut dataset =
            load(&DataSource::Dir(common::geodata())).unwrap_or_else(|p| panic!("{p}"));
        let on_border = border_vertex(&dataset);
        let arctic_east = Geodesic
            .destination(Point::new(20.0, 80.0), 90.0, 250_000.0)
            .0;
        let place = |id: &str, at: Coord<f64>| {
            let mut f = Feature::new(id, Some(Geometry::Point(Point(at))));
            f.properties.insert("name".into(), json!(id));
            f.properties.insert("kind".into(), json!("test-site"));
            f
        };
        let installations = &mut dataset
            .curated
            .iter_mut()
            .find(|(c, _)| *c == CollectionId::Installations)
            .unwrap()
            .1;
        installations.push(place(
            "synthetic-across-the-antimeridian",
            Coord { x: -179.8, y: 10.0 },
        ));
        installations.push(place("synthetic-arctic-east", arctic_east));
        installations.push(place("synthetic-on-the-border", on_border));
        installations.push(place(
            "synthetic-tashkent-depot",
            Coord { x: 69.24, y: 41.30 },
        ));
        (Catalog::build(dataset), on_border, arctic_east)
    })
}

fn ask(name: &str, params: &[(&str, &str)]) -> Answer<'static> {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let today = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    Question::parse(name, &params)
        .unwrap()
        .answer(&synthetic().0, today)
        .unwrap()
}

fn hit_ids(answer: &Answer) -> Vec<String> {
    answer.hits.iter().map(|h| h.feature.id.clone()).collect()
}

#[test]
fn the_search_envelope_crosses_the_antimeridian() {
    let boxes = geodesy::circle_envelopes(Coord { x: 179.9, y: 10.0 }, 500_000.0);
    assert_eq!(boxes.len(), 2);
    assert!(boxes
        .iter()
        .any(|b| b.intersects(&Envelope::new(-179.8, 10.0, -179.8, 10.0))));
    let near = ask(
        "near",
        &[
            ("lon", "179.9"),
            ("lat", "10"),
            ("radius_km", "500"),
            ("collections", "installations"),
        ],
    );
    assert_eq!(hit_ids(&near), ["synthetic-across-the-antimeridian"]);
    let d = near.hits[0].distance_km.unwrap();
    let expected = Geodesic.distance(Point::new(179.9, 10.0), Point::new(-179.8, 10.0)) / 1000.0;
    assert!((d - expected).abs() < 1e-6 && d < 40.0, "{d} vs {expected}");
    let nearest = ask(
        "nearest",
        &[
            ("lon", "179.9"),
            ("lat", "10"),
            ("k", "1"),
            ("collections", "installations"),
        ],
    );
    assert_eq!(hit_ids(&nearest), ["synthetic-across-the-antimeridian"]);
}

#[test]
fn at_80_degrees_north_a_300_km_circle_reaches_13_degrees_of_longitude() {
    let (_, _, east) = synthetic();
    assert!(east.x - 20.0 > 12.5, "{east:?}");
    let near = ask(
        "near",
        &[
            ("lon", "20"),
            ("lat", "80"),
            ("radius_km", "300"),
            ("collections", "installations"),
        ],
    );
    assert_eq!(hit_ids(&near), ["synthetic-arctic-east"]);
    assert!((near.hits[0].distance_km.unwrap() - 250.0).abs() < 1e-5);
    let short = ask(
        "near",
        &[
            ("lon", "20"),
            ("lat", "80"),
            ("radius_km", "249.99"),
            ("collections", "installations"),
        ],
    );
    assert!(short.hits.is_empty());
}

#[test]
fn a_zone_of_zero_km_keeps_only_what_is_on_the_border() {
    let (_, on_border, _) = synthetic();
    let zero = ask(
        "border-zone",
        &[
            ("countries", "TJK,AFG"),
            ("distance_km", "0"),
            ("collections", "installations,forces,events"),
        ],
    );
    assert_eq!(hit_ids(&zero), ["synthetic-on-the-border"], "{on_border:?}");
    let hit = &zero.hits[0];
    assert_eq!(hit.distance_km, Some(0.0));
    // On the border the point is in both closed polygons: the first country named is its side.
    assert_eq!(hit.side, Some(Some("TJK".to_string())));
    let reversed = ask(
        "border-zone",
        &[
            ("countries", "AFG,TJK"),
            ("distance_km", "0"),
            ("collections", "installations"),
        ],
    );
    assert_eq!(reversed.hits[0].side, Some(Some("AFG".to_string())));
    assert!(zero.shapes.is_empty());
    // With include=zone a zero zone draws only the border.
    let drawn = ask(
        "border-zone",
        &[
            ("countries", "TJK,AFG"),
            ("distance_km", "0"),
            ("include", "zone"),
        ],
    );
    let roles: Vec<&str> = drawn.shapes.iter().map(|s| s.role).collect();
    assert_eq!(roles, ["border"]);
}

#[test]
fn a_feature_in_uzbekistan_is_within_the_csto_only_while_uzbekistan_was_a_member() {
    let member = ask(
        "within",
        &[
            ("area", "csto"),
            ("collections", "installations"),
            ("datetime", "2008-06-01"),
        ],
    );
    assert!(hit_ids(&member).contains(&"synthetic-tashkent-depot".to_string()));
    let suspended = ask(
        "within",
        &[
            ("area", "csto"),
            ("collections", "installations"),
            ("datetime", "2015-06-01"),
        ],
    );
    assert!(!hit_ids(&suspended).contains(&"synthetic-tashkent-depot".to_string()));
    // Before the CSTO existed it covered nothing.
    let before = ask(
        "within",
        &[
            ("area", "csto"),
            ("collections", "installations"),
            ("datetime", "1995"),
        ],
    );
    assert!(before.hits.is_empty());
}

// ------------------------------------------------------------------------ the command line

fn cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_forcemap"))
        .arg("query")
        .args(args)
        .arg("--data")
        .arg(common::geodata())
        .output()
        .unwrap()
}

#[test]
fn the_command_line_prints_the_same_geojson_as_the_server() {
    let out = cli(&[
        "border-zone",
        "--countries",
        "TJK,AFG",
        "--distance-km",
        "50",
        "--datetime",
        "2005-06-01",
        "--collections",
        "installations,forces",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let served = get_ok("/analysis/border-zone?countries=TJK,AFG&distance_km=50&datetime=2005-06-01&collections=installations,forces");
    assert_eq!(printed, served);

    let out = cli(&[
        "locate",
        "--lon",
        "69.24",
        "--lat",
        "41.30",
        "--datetime",
        "2008-06-01",
    ]);
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(ids(&printed).contains(&"csto".to_string()));
}

#[test]
fn command_line_errors_go_to_stderr_with_status_2() {
    for (args, words) in [
        (
            &[
                "border-zone",
                "--countries",
                "TJK,KAZ",
                "--distance-km",
                "50",
            ][..],
            "TJK and KAZ share no land border",
        ),
        (
            &["near", "--lon", "-200", "--lat", "0", "--radius-km", "5"][..],
            "lon",
        ),
        (
            &["range", "--from", "nowhere", "--radius-km", "5"][..],
            "nowhere",
        ),
        (
            &["nearest", "--lon", "0", "--lat", "0", "--k", "0"][..],
            "k",
        ),
    ] {
        let out = cli(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(words), "{args:?}: {stderr}");
    }
}

#[test]
fn unrounded_border_distances_sit_inside_the_fixture_sampling_error() {
    // The fixture samples the border every 50 m, so it can only overestimate, by at most
    // sqrt(d² + 25²) − d, and it is rounded to 0.1 m; our distances are within 1 cm.
    for (countries, border) in [("TJK,AFG", "AFG-TJK"), ("AFG,UZB", "AFG-UZB")] {
        let answer = ask(
            "border-zone",
            &[
                ("countries", countries),
                ("distance_km", "5000"),
                ("collections", "installations,forces,events"),
            ],
        );
        let ours: HashMap<(String, String), f64> = answer
            .hits
            .iter()
            .map(|h| {
                (
                    (h.collection.as_str().to_string(), h.feature.id.clone()),
                    h.distance_km.unwrap() * 1000.0,
                )
            })
            .collect();
        let mut worst: f64 = 0.0;
        for f in fixture_features() {
            let expected = f["border_distance_km"][border].as_f64().unwrap() * 1000.0;
            let got = ours[&key(f)];
            let sampling = (got * got + 625.0).sqrt() - got;
            let difference = expected - got;
            assert!(
                (-0.06..=sampling + 0.06).contains(&difference),
                "{border} {:?}: ours {got:.3} m, fixture {expected:.1} m",
                key(f)
            );
            worst = worst.max(difference.abs());
        }
        eprintln!("{border}: unrounded, worst difference {worst:.3} m");
    }
}
