//! Vector tiles of the collections over the real router, read back with `mvt-reader`, a
//! decoder that is not forcemap's own; tile addresses and validity days are computed here
//! with the slippy-map formula and chrono, not with forcemap's tile math.

mod common;

use chrono::NaiveDate;
use common::{client, get, get_ok, server, slippy};
use geo::{CoordsIter, Geometry, Validation};
use mvt_reader::feature::{Feature, Value as TileValue};
use mvt_reader::Reader;
use std::collections::HashMap;

fn days_since_1970(y: i32, m: u32, d: u32) -> i64 {
    (NaiveDate::from_ymd_opt(y, m, d).unwrap() - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
        .num_days()
}

/// Status, headers and body of a GET, with optional extra headers.
fn fetch(path: &str, headers: &[(&str, &str)]) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = client().get(format!("{}{path}", server()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.bytes().unwrap().to_vec())
}

/// The layers of a tile, by name, with their features in f64 tile units.
fn decode(tile: Vec<u8>) -> HashMap<String, Vec<Feature<f64>>> {
    let reader = Reader::new(tile).expect("a valid MVT");
    let names = reader.get_layer_names().expect("layer names");
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| (name, reader.get_features_as::<f64>(i).expect("features")))
        .collect()
}

fn property<'a>(feature: &'a Feature<f64>, name: &str) -> Option<&'a TileValue> {
    feature.properties.as_ref()?.get(name)
}

fn integer(value: Option<&TileValue>) -> Option<i64> {
    match value? {
        TileValue::Int(v) | TileValue::SInt(v) => Some(*v),
        TileValue::UInt(v) => i64::try_from(*v).ok(),
        _ => None,
    }
}

fn find<'a>(features: &'a [Feature<f64>], id: &str) -> Option<&'a Feature<f64>> {
    features
        .iter()
        .find(|f| property(f, "id") == Some(&TileValue::String(id.into())))
}

/// The features of one layer of an existing tile.
fn layer(path: &str, name: &str) -> Vec<Feature<f64>> {
    let (status, headers, body) = fetch(path, &[]);
    assert_eq!(status, 200, "{path}");
    assert_eq!(
        headers["content-type"], "application/vnd.mapbox-vector-tile",
        "{path}"
    );
    let mut layers = decode(body);
    assert_eq!(layers.len(), 1, "{path}: one layer per collection");
    layers
        .remove(name)
        .unwrap_or_else(|| panic!("{path}: no layer {name}"))
}

#[test]
fn kant_air_base_is_in_its_z6_tile_with_properties_and_validity() {
    let ((x, y), (px, py)) = slippy(74.8508, 42.8911, 6);
    let features = layer(
        &format!("/tiles/installations/6/{x}/{y}.mvt"),
        "installations",
    );
    let kant = find(&features, "kant-air-base").expect("Kant in its tile");
    assert_eq!(
        property(kant, "name"),
        Some(&TileValue::String("Kant air base".into()))
    );
    assert_eq!(
        property(kant, "country"),
        Some(&TileValue::String("KGZ".into()))
    );
    assert_eq!(
        integer(property(kant, "valid_from_day")),
        Some(days_since_1970(2003, 10, 23))
    );
    assert_eq!(property(kant, "valid_to_day"), None, "still open");
    // The sources stay, as JSON text.
    let Some(TileValue::String(sources)) = property(kant, "sources") else {
        panic!("sources: {:?}", property(kant, "sources"));
    };
    assert!(serde_json::from_str::<serde_json::Value>(sources)
        .unwrap()
        .is_array());
    // mvt-reader reads every POINT feature as a multi-point.
    let point = match &kant.geometry {
        Geometry::Point(p) => *p,
        Geometry::MultiPoint(mp) if mp.0.len() == 1 => mp.0[0],
        other => panic!("one point: {other:?}"),
    };
    assert!((point.x() - px).abs() <= 1.0 && (point.y() - py).abs() <= 1.0);

    // The same tile through OGC API - Tiles (row before column).
    let (_, _, ogc) = fetch(
        &format!("/collections/installations/tiles/WebMercatorQuad/6/{y}/{x}"),
        &[],
    );
    let (_, _, xyz) = fetch(&format!("/tiles/installations/6/{x}/{y}.mvt"), &[]);
    assert_eq!(ogc, xyz);

    // Before the base opened, the server-side filter leaves it out.
    let (status, _, body) = fetch(
        &format!("/tiles/installations/6/{x}/{y}.mvt?datetime=2000"),
        &[],
    );
    if status == 200 {
        assert!(find(&decode(body)["installations"], "kant-air-base").is_none());
    } else {
        assert_eq!(status, 204);
    }
}

#[test]
fn reduced_precision_validity_covers_the_whole_period() {
    // Balkhash radar: valid from 1994-12-14 to 2020-07, that is to the end of July 2020.
    let ((x, y), _) = slippy(73.7025, 46.0311, 6);
    let features = layer(
        &format!("/tiles/installations/6/{x}/{y}.mvt"),
        "installations",
    );
    let balkhash = find(&features, "balkhash-radar").expect("Balkhash in its tile");
    assert_eq!(
        integer(property(balkhash, "valid_from_day")),
        Some(days_since_1970(1994, 12, 14))
    );
    assert_eq!(
        integer(property(balkhash, "valid_to_day")),
        Some(days_since_1970(2020, 7, 31))
    );
}

#[test]
fn a_tile_outside_the_data_is_always_204_without_a_body() {
    for _ in 0..2 {
        let (status, headers, body) = fetch("/tiles/installations/6/0/0.mvt", &[]);
        assert_eq!(status, 204);
        assert!(body.is_empty());
        assert!(headers.contains_key("etag"));
    }
    let (status, _, body) = fetch(
        "/collections/installations/tiles/WebMercatorQuad/6/0/0",
        &[],
    );
    assert_eq!((status, body.len()), (204, 0));
}

#[test]
fn geometry_stays_inside_the_tile_buffer() {
    // Kyrgyzstan's borders and the routes through Central Asia cross this tile's edges.
    let ((x, y), _) = slippy(74.8508, 42.8911, 6);
    for collection in ["countries", "borders", "routes"] {
        let path = format!("/tiles/{collection}/6/{x}/{y}.mvt");
        let (status, _, body) = fetch(&path, &[]);
        if status == 204 {
            assert_ne!(collection, "countries", "Kyrgyzstan is in this tile");
            continue;
        }
        let features = decode(body)
            .remove(collection)
            .expect("the collection's layer");
        assert!(!features.is_empty());
        let mut reaches_edge = false;
        for feature in &features {
            for c in feature.geometry.coords_iter() {
                assert!(
                    (-64.0..=4160.0).contains(&c.x) && (-64.0..=4160.0).contains(&c.y),
                    "{path}: {c:?} outside the 64-unit buffer"
                );
                reaches_edge |= c.x <= 0.0 || c.x >= 4096.0 || c.y <= 0.0 || c.y >= 4096.0;
            }
        }
        if collection == "countries" {
            assert!(
                reaches_edge,
                "countries are clipped at the buffer, not dropped"
            );
        }
    }
}

#[test]
fn a_z3_country_tile_is_simplified_but_valid() {
    // Kazakhstan lies mostly in tile 3/5/2 (45°E to 90°E, 41°N to 66.5°N).
    let ((x, y), _) = slippy(67.0, 48.0, 3);
    assert_eq!((x, y), (5, 2));
    // Every polygon of the zoom-3 tiles from Europe to China is valid.
    for (x, y) in [
        (4, 2),
        (5, 2),
        (6, 2),
        (4, 1),
        (5, 1),
        (6, 1),
        (5, 3),
        (6, 3),
    ] {
        for feature in layer(&format!("/tiles/countries/3/{x}/{y}.mvt"), "countries") {
            let errors = match &feature.geometry {
                Geometry::Polygon(p) => p.validation_errors().len(),
                Geometry::MultiPolygon(mp) => mp.validation_errors().len(),
                other => panic!("a country is a polygon: {other:?}"),
            };
            assert_eq!(errors, 0, "3/{x}/{y}: {:?}", property(&feature, "id"));
        }
    }
    let features = layer("/tiles/countries/3/5/2.mvt", "countries");
    let mut polygons = 0;
    for feature in &features {
        match &feature.geometry {
            Geometry::Polygon(p) => {
                polygons += 1;
                assert!(
                    p.is_valid(),
                    "{:?}: {:?}",
                    property(feature, "id"),
                    p.validation_errors()
                );
            }
            Geometry::MultiPolygon(mp) => {
                polygons += mp.0.len();
                assert!(
                    mp.is_valid(),
                    "{:?}: {:?}",
                    property(feature, "id"),
                    mp.validation_errors()
                );
            }
            other => panic!("a country is a polygon: {other:?}"),
        }
    }
    assert!(polygons >= 3, "Kazakhstan and its neighbours");
    let kazakhstan = find(&features, "KAZ").expect("Kazakhstan in 3/5/2");
    let in_tile = kazakhstan.geometry.coords_count();
    let item = get_ok("/collections/countries/items/KAZ");
    let stored = count_positions(&item["geometry"]["coordinates"]);
    assert!(
        in_tile * 4 < stored,
        "{in_tile} vertices at zoom 3 against {stored} stored"
    );
}

fn count_positions(value: &serde_json::Value) -> usize {
    match value.as_array() {
        Some(items) if items.first().is_some_and(serde_json::Value::is_number) => 1,
        Some(items) => items.iter().map(count_positions).sum(),
        None => 0,
    }
}

#[test]
fn addresses_out_of_range_are_refused_naming_the_valid_range() {
    // A zoom the API document does not offer, or no number, is a bad request; a column or
    // row past the grid's edge (which a schema cannot bound) names a tile that does not exist.
    for (path, status, expected) in [
        ("/tiles/installations/17/0/0.mvt", 400, "zoom 0 to 16"),
        ("/tiles/installations/6/64/0.mvt", 404, "x is 0 to 63"),
        ("/tiles/installations/2/0/4.mvt", 404, "y is 0 to 3"),
        ("/tiles/installations/a/0/0.mvt", 400, "zoom 0 to 16"),
        ("/tiles/installations/2/b/0.mvt", 400, "x is 0 to 3"),
        (
            "/collections/installations/tiles/WebMercatorQuad/3/8/0",
            404,
            "y is 0 to 7",
        ),
        ("/basemap/0/0/1.mvt", 404, "y is 0 to 0"),
        ("/basemap/17/0/0.mvt", 400, "zoom 0 to 16"),
        ("/tiles/installations/6/0/0.png", 400, "z/x/y.mvt"),
        (
            "/tiles/installations/6/0/0.mvt?datetime=soon",
            400,
            "datetime",
        ),
        ("/tiles/installations/6/0/0.mvt?bbox=1,2,3,4", 400, "bbox"),
    ] {
        let (status_got, _, body) = get(path);
        assert_eq!(status_got, status, "{path}: {body}");
        let description = body["description"].as_str().unwrap_or_default();
        assert!(description.contains(expected), "{path}: {description}");
    }
    assert_eq!(get("/tiles/nothing/0/0/0.mvt").0, 404);
}

#[test]
fn the_etag_round_trip_gives_304() {
    let ((x, y), _) = slippy(74.8508, 42.8911, 6);
    for path in [
        format!("/tiles/installations/6/{x}/{y}.mvt"),
        "/tiles/installations/6/0/0.mvt".to_string(),
        "/tiles/installations.json".to_string(),
    ] {
        let (status, headers, _) = fetch(&path, &[]);
        assert!(status == 200 || status == 204, "{path}: {status}");
        let etag = headers["etag"].to_str().unwrap().to_string();
        let (again, headers, body) = fetch(&path, &[("if-none-match", &etag)]);
        assert_eq!(again, 304, "{path}");
        assert!(body.is_empty());
        assert_eq!(headers["etag"].to_str().unwrap(), etag);
        // Another filter is another tile.
        let (other, _, _) = fetch(
            &format!("{path}?datetime=2000"),
            &[("if-none-match", &etag)],
        );
        assert_ne!(other, 304, "{path}?datetime=2000");
    }
}

#[test]
fn tilejson_and_ogc_tiles_documents_lead_to_the_tiles() {
    let doc = get_ok("/tiles/installations.json");
    assert_eq!(doc["tilejson"], "3.0.0");
    let template = doc["tiles"][0].as_str().unwrap();
    assert!(
        template.ends_with("/tiles/installations/{z}/{x}/{y}.mvt"),
        "{template}"
    );
    assert_eq!(doc["vector_layers"][0]["id"], "installations");
    let fields = &doc["vector_layers"][0]["fields"];
    assert_eq!(fields["valid_from_day"], "Number");
    assert_eq!(fields["name"], "String");
    assert_eq!(doc["maxzoom"], 16);
    let filtered = get_ok("/tiles/installations.json?datetime=2005");
    assert!(filtered["tiles"][0]
        .as_str()
        .unwrap()
        .ends_with("?datetime=2005"));

    let collection = get_ok("/collections/installations");
    let tilesets = collection["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector")
        .expect("a tilesets link");
    let href = tilesets["href"].as_str().unwrap();
    assert!(href.ends_with("/collections/installations/tiles"));
    let list = get_ok(&href[server().len()..]);
    let links = list["tilesets"][0]["links"].as_array().unwrap();
    let item = links.iter().find(|l| l["rel"] == "item").unwrap();
    assert_eq!(item["type"], "application/vnd.mapbox-vector-tile");
    let template = item["href"].as_str().unwrap();
    let ((x, y), _) = slippy(74.8508, 42.8911, 6);
    let tile = template
        .replace("{tileMatrix}", "6")
        .replace("{tileRow}", &y.to_string())
        .replace("{tileCol}", &x.to_string());
    let features = layer(&tile[server().len()..], "installations");
    assert!(find(&features, "kant-air-base").is_some());
    let tileset = get_ok("/collections/installations/tiles/WebMercatorQuad");
    assert_eq!(tileset["dataType"], "vector");
    assert_eq!(tileset["layers"][0]["id"], "installations");

    let sets = get_ok("/tileMatrixSets");
    assert_eq!(sets["tileMatrixSets"][0]["id"], "WebMercatorQuad");
    let quad = get_ok("/tileMatrixSets/WebMercatorQuad");
    let matrices = quad["tileMatrices"].as_array().unwrap();
    assert_eq!(matrices.len(), 17);
    assert_eq!(matrices[6]["matrixWidth"], 64);
    let conformance = get_ok("/conformance");
    assert!(conformance["conformsTo"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core"));
    let api = get_ok("/api?f=json");
    for path in [
        "/tiles/{collection}/{z}/{x}/{y}.mvt",
        "/tiles/{collection}.json",
        "/collections/{id}/tiles",
        "/tileMatrixSets",
    ] {
        assert!(api["paths"].get(path).is_some(), "{path} in /api");
    }
}

/// Every tile of `catalog` at zooms 0 to 4 and the z6 and z10 tiles of each feature's first
/// coordinate, for every collection, with and without a `datetime`: the tile the endpoint
/// serves has exactly the bytes of the general encoder over the same features.
fn assert_tiles_match_the_general_encoder(catalog: &forcemap::catalog::Catalog) {
    use forcemap::model::{CollectionId, DateSpan};
    use forcemap::tiles::collection::{collection_tile, tile_features};
    use forcemap::tiles::mvt::{encode_tile_with, lonlat_to_tile, tiles_per_side, TileOptions};
    let today = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    let spans = [
        None,
        Some(forcemap::query::params::parse_datetime("2005-01-01/..").unwrap()),
    ];
    let mut compared = 0;
    for collection in CollectionId::ALL {
        let mut tiles: Vec<(u8, u32, u32)> = (0..=4u8)
            .flat_map(|z| {
                let n = tiles_per_side(z);
                (0..n).flat_map(move |x| (0..n).map(move |y| (z, x, y)))
            })
            .collect();
        for feature in catalog.collection(collection).features() {
            let Some(first) = feature
                .geometry
                .as_ref()
                .and_then(|g| g.coords_iter().next())
            else {
                continue;
            };
            for z in [6, 10] {
                let (x, y) = lonlat_to_tile(first.x, first.y, z);
                tiles.push((z, x, y));
            }
        }
        tiles.sort_unstable();
        tiles.dedup();
        for &(z, x, y) in &tiles {
            for span in &spans {
                let span: Option<&DateSpan> = span.as_ref();
                let fast = collection_tile(catalog, collection, (z, x, y), span, today);
                let features = tile_features(catalog, collection, (z, x, y), span, today);
                let general = encode_tile_with(
                    z,
                    x,
                    y,
                    &[(collection.as_str(), features)],
                    &TileOptions::default(),
                );
                assert!(
                    fast == general,
                    "{}/{z}/{x}/{y} ({span:?}): {} bytes, the general encoder {}",
                    collection.as_str(),
                    fast.len(),
                    general.len()
                );
                compared += usize::from(!fast.is_empty());
            }
        }
    }
    assert!(compared > 100, "only {compared} non-empty tiles compared");
}

#[test]
fn served_tiles_are_the_general_encoders_bytes_over_the_curated_data() {
    assert_tiles_match_the_general_encoder(&common::catalog());
}

#[test]
fn served_tiles_are_the_general_encoders_bytes_over_synthetic_data() {
    let dir = tempfile::tempdir().unwrap();
    forcemap::synth::synthesize(
        &forcemap::load::DataSource::BuiltIn,
        dir.path(),
        &forcemap::synth::SynthOptions {
            features: 3000,
            seed: 7,
        },
        &indicatif::ProgressBar::hidden(),
    )
    .unwrap();
    let dataset = forcemap::load::load(&forcemap::load::DataSource::Dir(dir.path().into()))
        .unwrap_or_else(|p| panic!("{p}"));
    assert_tiles_match_the_general_encoder(&forcemap::catalog::Catalog::build(dataset));
}
