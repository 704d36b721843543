//! OGC API – Features over HTTP: each parameter's effect on real results, paging, content
//! negotiation, caching headers and every error case.

mod common;

use common::{get, get_ok, ids, server};
use serde_json::Value;

#[test]
fn bbox_around_tajikistan_returns_the_201st_garrisons_and_not_kant() {
    let body = get_ok("/collections/installations/items?bbox=67.3,36.6,75.2,41.1");
    let found = ids(&body);
    for garrison in [
        "201st-garrison-dushanbe",
        "201st-garrison-kulob",
        "201st-garrison-bokhtar",
    ] {
        assert!(
            found.contains(&garrison.to_string()),
            "{garrison} missing from {found:?}"
        );
    }
    assert!(!found.contains(&"kant-air-base".to_string()));
    assert_eq!(
        body["numberMatched"].as_u64().unwrap() as usize,
        found.len()
    );
}

#[test]
fn a_bbox_across_the_antimeridian_finds_chukotka() {
    let body = get_ok("/collections/countries/items?bbox=170,60,-170,70&skipGeometry=true");
    let found = ids(&body);
    assert!(found.contains(&"RUS".to_string()), "{found:?}");
    assert!(found.contains(&"USA".to_string()), "{found:?}");
    assert!(!found.contains(&"TJK".to_string()));
}

#[test]
fn cst_footprint_follows_uzbekistan_membership() {
    use geo::Contains;
    let tashkent = geo::Point::new(69.24, 41.30);
    let footprint = |date: &str| {
        let feature = get_ok(&format!("/collections/groupings/items/cst?datetime={date}"));
        let members: Vec<String> =
            serde_json::from_value(feature["properties"]["active_members"].clone()).unwrap();
        let geometry: geojson::Geometry =
            serde_json::from_value(feature["geometry"].clone()).unwrap();
        let geometry = geo::Geometry::<f64>::try_from(&geometry.value).unwrap();
        (members, geometry)
    };
    let (members_1995, geometry_1995) = footprint("1995-06-01");
    assert!(members_1995.contains(&"UZB".to_string()));
    assert!(geometry_1995.contains(&tashkent));
    let (members_2000, geometry_2000) = footprint("2000-01-01");
    assert!(
        !members_2000.contains(&"UZB".to_string()),
        "{members_2000:?}"
    );
    assert!(!geometry_2000.contains(&tashkent));
    assert!(members_2000.contains(&"RUS".to_string()));
}

#[test]
fn cql2_filters_by_country_and_space() {
    let body = get_ok("/collections/installations/items?filter=country%20%3D%20%27KGZ%27");
    let found = ids(&body);
    assert!(found.contains(&"kant-air-base".to_string()));
    assert!(body["features"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["properties"]["country"] == "KGZ"));
    let spatial = get_ok(
        "/collections/installations/items?filter=S_INTERSECTS(geometry,POLYGON((67 36,76 36,76 41,67 41,67 36)))",
    );
    let found = ids(&spatial);
    assert!(found.contains(&"201st-garrison-kulob".to_string()));
    assert!(!found.contains(&"kant-air-base".to_string()));
    // The same filter as a queryable parameter.
    assert_eq!(
        ids(&get_ok("/collections/installations/items?country=KGZ")),
        ids(&body)
    );
}

#[test]
fn datetime_filters_by_validity() {
    let before = ids(&get_ok(
        "/collections/events/items?datetime=../1992-12-31&limit=1000",
    ));
    assert!(!before.is_empty());
    let after = ids(&get_ok(
        "/collections/events/items?datetime=2010-01-01/..&limit=1000",
    ));
    assert!(
        before.iter().all(|id| !after.contains(id)),
        "{before:?} / {after:?}"
    );
}

#[test]
fn paging_visits_every_item_once() {
    for collection in [
        "countries",
        "groupings",
        "installations",
        "forces",
        "events",
        "routes",
        "borders",
    ] {
        let mut url = format!(
            "{}/collections/{collection}/items?limit=7&skipGeometry=true",
            server()
        );
        let mut seen = Vec::new();
        let mut matched = None;
        loop {
            let body: Value = common::client().get(&url).send().unwrap().json().unwrap();
            matched.get_or_insert(body["numberMatched"].as_u64().unwrap());
            assert_eq!(
                body["numberReturned"].as_u64().unwrap() as usize,
                body["features"].as_array().unwrap().len()
            );
            seen.extend(ids(&body));
            match body["links"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["rel"] == "next")
            {
                Some(next) => url = next["href"].as_str().unwrap().to_string(),
                None => break,
            }
        }
        let total = seen.len();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), total, "{collection}: duplicates across pages");
        assert_eq!(total as u64, matched.unwrap(), "{collection}: gaps");
        let all = get_ok(&format!(
            "/collections/{collection}/items?limit=10000&skipGeometry=true"
        ));
        assert_eq!(all["numberMatched"], matched.unwrap());
    }
}

#[test]
fn links_keep_parameters_and_encode_commas() {
    let body =
        get_ok("/collections/countries/items?bbox=60,30,80,45&limit=2&skipGeometry=true&f=json");
    let next = body["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "next")
        .unwrap();
    let href = next["href"].as_str().unwrap();
    assert!(href.starts_with("http://127.0.0.1:"), "{href}");
    assert!(
        href.contains("bbox=60%2C30%2C80%2C45")
            && href.contains("f=json")
            && href.contains("offset=2"),
        "{href}"
    );
}

#[test]
fn sortby_and_properties_shape_the_result() {
    let body = get_ok(
        "/collections/events/items?sortby=-valid_from&properties=name,valid_from&limit=1000",
    );
    let features = body["features"].as_array().unwrap();
    let dates: Vec<&str> = features
        .iter()
        .filter_map(|f| f["properties"]["valid_from"].as_str())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    let keys: Vec<&String> = features[0]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert!(
        keys.len() <= 2 && keys.iter().all(|k| *k == "name" || *k == "valid_from"),
        "{keys:?}"
    );
}

#[test]
fn crs_changes_axis_order_and_units() {
    let (status, headers, body) = get("/collections/installations/items/kant-air-base?crs=http://www.opengis.net/def/crs/EPSG/0/4326");
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-crs"],
        "<http://www.opengis.net/def/crs/EPSG/0/4326>"
    );
    let c = body["geometry"]["coordinates"].as_array().unwrap();
    assert!(
        (c[0].as_f64().unwrap() - 42.89).abs() < 0.1,
        "latitude first: {c:?}"
    );
    let mercator = get_ok("/collections/installations/items/kant-air-base?crs=EPSG:3857");
    let x = mercator["geometry"]["coordinates"][0].as_f64().unwrap();
    assert!(
        (x - 74.8508_f64.to_radians() * 6_378_137.0).abs() < 1.0,
        "{x}"
    );
    // bbox in EPSG:4326 is lat,lon.
    let found = ids(&get_ok("/collections/installations/items?bbox=42,74,43.5,75.5&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326"));
    assert!(found.contains(&"kant-air-base".to_string()), "{found:?}");
}

#[test]
fn browsers_get_the_map_and_clients_get_json() {
    let client = common::client();
    let page = client
        .get(format!("{}/", server()))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .unwrap();
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(page.text().unwrap().contains("<html"));
    let landing = get_ok("/?f=json");
    let rels: Vec<&str> = landing["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    for rel in ["self", "service-desc", "conformance", "data"] {
        assert!(rels.contains(&rel), "{rels:?}");
    }
    let conformance = get_ok("/conformance");
    assert!(conformance["conformsTo"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c.as_str().unwrap().ends_with("/conf/geojson")));
    let items = client
        .get(format!("{}/collections/routes/items?f=html", server()))
        .send()
        .unwrap();
    assert!(items.text().unwrap().contains("northern-route"));
}

#[test]
fn collections_describe_extent_and_crs() {
    let body = get_ok("/collections");
    let collections = body["collections"].as_array().unwrap();
    let ids: Vec<&str> = collections
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "countries",
            "groupings",
            "installations",
            "forces",
            "events",
            "routes",
            "borders"
        ]
    );
    let installations = get_ok("/collections/installations");
    let bbox = installations["extent"]["spatial"]["bbox"][0]
        .as_array()
        .unwrap();
    assert!(bbox[0].as_f64().unwrap() < 30.0 && bbox[2].as_f64().unwrap() > 74.0);
    // Offered in the geographic CRSs, Web Mercator and the UTM zones that can write every
    // installation (those within 90° of longitude of all of them); the countries span the
    // world, so no UTM zone can.
    let crs = |doc: &serde_json::Value| -> Vec<String> {
        doc["crs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect()
    };
    let offered = crs(&installations);
    let (west, east) = (bbox[0].as_f64().unwrap(), bbox[2].as_f64().unwrap());
    for zone in 1..=60u32 {
        let meridian = f64::from(zone) * 6.0 - 183.0;
        let fits = west - meridian > -90.0 && east - meridian < 90.0;
        let uri = format!("http://www.opengis.net/def/crs/EPSG/0/{}", 32600 + zone);
        assert_eq!(
            offered.contains(&uri),
            fits,
            "zone {zone} for {west}..{east}"
        );
    }
    assert!(offered.len() > 3 && offered.len() < 123, "{offered:?}");
    assert_eq!(
        crs(&get_ok("/collections/countries")),
        [
            "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
            "http://www.opengis.net/def/crs/EPSG/0/4326",
            "http://www.opengis.net/def/crs/EPSG/0/3857"
        ]
    );
    let queryables = get_ok("/collections/installations/queryables");
    assert_eq!(queryables["properties"]["country"]["type"], "string");
    assert_eq!(queryables["additionalProperties"], false);
}

#[test]
fn the_openapi_document_parses_and_documents_every_items_parameter() {
    let body = get_ok("/api");
    assert_eq!(body["openapi"], "3.0.3");
    let parsed: openapiv3::OpenAPI =
        serde_json::from_value(body.clone()).expect("valid OpenAPI 3.0");
    for path in [
        "/collections/installations/items",
        "/collections/installations/items/{featureId}",
        "/collections/installations/queryables",
        "/collections/installations/schemas/feature",
        "/analysis/border-zone",
        "/basemap.pmtiles",
        "/basemap.json",
        "/basemap/{z}/{x}/{y}.mvt",
        "/thematic.pmtiles",
        "/thematic.json",
        "/thematic/{z}/{x}/{y}.mvt",
    ] {
        assert!(parsed.paths.paths.contains_key(path), "{path} undocumented");
    }
    let shared = body["components"]["parameters"].as_object().unwrap();
    for p in [
        "bbox",
        "datetime",
        "limit",
        "offset",
        "filter",
        "filter-lang",
        "properties",
        "crs",
        "bbox-crs",
        "f",
    ] {
        assert!(shared.contains_key(p), "{p} undocumented");
    }
}

#[test]
fn etags_answer_304_and_cors_allows_any_origin() {
    let client = common::client();
    let url = format!("{}/collections/installations/items", server());
    let first = client
        .get(&url)
        .header("origin", "http://example.org")
        .send()
        .unwrap();
    assert_eq!(first.headers()["access-control-allow-origin"], "*");
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let second = client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .unwrap();
    assert_eq!(second.status().as_u16(), 304);
    let gzip = client
        .get(&url)
        .header("accept-encoding", "gzip")
        .send()
        .unwrap();
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_eq!(first.headers()["content-type"], "application/geo+json");
}

#[test]
fn bad_requests_get_a_400_or_404_that_names_the_problem() {
    let cases: &[(&str, u16, &str)] = &[
        ("/collections/installations/items?bbox=1,2,3", 400, "bbox"),
        (
            "/collections/installations/items?bbox=10,50,20,40",
            400,
            "bbox",
        ),
        ("/collections/installations/items?bbox=a,b,c,d", 400, "bbox"),
        ("/collections/installations/items?crs=EPSG:9999", 400, "crs"),
        (
            "/collections/installations/items?bbox=1,2,3,4&bbox-crs=EPSG:1",
            400,
            "bbox-crs",
        ),
        ("/collections/installations/items?limit=0", 400, "limit"),
        (
            "/collections/installations/items?limit=1000000",
            400,
            "limit",
        ),
        ("/collections/installations/items?offset=-3", 400, "offset"),
        (
            "/collections/installations/items?datetime=yesterday",
            400,
            "datetime",
        ),
        (
            "/collections/installations/items?filter=country%20%3D",
            400,
            "filter",
        ),
        (
            "/collections/installations/items?filter=contry%3D%27KGZ%27",
            400,
            "contry",
        ),
        (
            "/collections/installations/items?filter-lang=sql&filter=x",
            400,
            "filter-lang",
        ),
        (
            "/collections/installations/items?sortby=nonsense",
            400,
            "sortby",
        ),
        (
            "/collections/installations/items?properties=nonsense",
            400,
            "properties",
        ),
        ("/collections/installations/items?colour=red", 400, "colour"),
        // A queryable parameter takes values of the queryable's type only.
        (
            "/collections/borders/items?length_km=null",
            400,
            "length_km",
        ),
        ("/collections/borders/items?length_km=inf", 400, "length_km"),
        (
            "/collections/installations/items?sortby=name,",
            400,
            "sortby",
        ),
        ("/collections/installations/items?f=xml", 400, "format"),
        ("/collections/nowhere/items", 404, "nowhere"),
        ("/collections/nowhere", 404, "nowhere"),
        (
            "/collections/installations/items/nothing-here",
            404,
            "nothing-here",
        ),
        ("/no/such/path", 404, "no such"),
    ];
    for (path, status, mentions) in cases {
        let (got, headers, body) = get(path);
        assert_eq!(got, *status, "{path}: {body}");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{path}"
        );
        let code = body["code"]
            .as_str()
            .unwrap_or_else(|| panic!("{path}: no code in {body}"));
        assert!(!code.is_empty());
        let description = body["description"].as_str().unwrap();
        assert!(description.contains(mentions), "{path}: {description}");
    }
}

#[test]
fn collections_link_a_feature_schema_that_names_every_property() {
    // GDAL's OAPIF driver (3.6) takes a layer's fields from the `describedBy` link; without
    // it, it guesses them from the first page and drops properties first seen later (events'
    // `results`).
    let client = common::client();
    for collection in [
        "countries",
        "groupings",
        "installations",
        "forces",
        "events",
        "routes",
        "borders",
    ] {
        let described = get_ok(&format!("/collections/{collection}"));
        let links = described["links"].as_array().unwrap();
        let link = links
            .iter()
            .find(|l| l["rel"] == "describedBy")
            .unwrap_or_else(|| panic!("{collection}: no describedBy link in {links:?}"));
        assert_eq!(link["type"], "application/schema+json");
        let href = link["href"].as_str().unwrap();
        assert!(href.starts_with("http://127.0.0.1:"), "{href}");
        let response = client
            .get(href)
            .header("accept", "application/schema+json")
            .send()
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{href}");
        assert_eq!(
            response.headers()["content-type"],
            "application/schema+json"
        );
        let schema: Value = response.json().unwrap();
        assert_eq!(schema["properties"]["type"]["enum"][0], "Feature");
        let fields = schema["properties"]["properties"]["properties"]
            .as_object()
            .unwrap();
        let all = get_ok(&format!(
            "/collections/{collection}/items?limit=10000&skipGeometry=true"
        ));
        for feature in all["features"].as_array().unwrap() {
            for name in feature["properties"].as_object().unwrap().keys() {
                assert!(
                    fields.contains_key(name),
                    "{collection}: {name} missing from {href}"
                );
            }
        }
    }
    let fields = |collection: &str| {
        get_ok(&format!("/collections/{collection}/schemas/feature"))["properties"]["properties"]
            ["properties"]
            .clone()
    };
    assert_eq!(fields("events")["results"]["type"], "string");
    assert_eq!(fields("borders")["length_km"]["type"], "number");
    assert_eq!(
        fields("groupings")["active_members"],
        serde_json::json!({"type": "array", "items": {"type": "string"}})
    );
    // Reduced-precision dates (`1993`) make valid_from a plain string in forces.
    assert_eq!(
        fields("forces")["valid_from"],
        serde_json::json!({"type": "string"})
    );
    let (status, _, _) = get("/collections/nowhere/schemas/feature");
    assert_eq!(status, 404);
}

#[test]
fn empty_parameter_values_are_treated_as_absent() {
    let plain = get_ok("/collections/installations/items?limit=50");
    let empty = get_ok(
        "/collections/installations/items?limit=50&datetime=&filter=&properties=&bbox=&sortby=&crs=",
    );
    assert_eq!(ids(&empty), ids(&plain));
    assert_eq!(empty["numberMatched"], plain["numberMatched"]);
    let zone = "/analysis/border-zone?countries=TJK,AFG&distance_km=50";
    assert_eq!(
        ids(&get_ok(&format!("{zone}&collections=&datetime=&include="))),
        ids(&get_ok(zone))
    );
    // A required parameter left empty is missing, and said so.
    let (status, _, body) = get("/analysis/border-zone?countries=&distance_km=50");
    assert_eq!(status, 400, "{body}");
    assert!(body["description"].as_str().unwrap().contains("countries"));
}
