//! `forcemap export` run as a user runs it, over the built-in data: the manifest lists every
//! file with its size, the collections archive reads back with forcemap's own archive reader
//! and its Kant tile with `mvt-reader` (a decoder that is not forcemap's), the GeoJSON and CSV
//! hold every feature of the catalog, and the page and the basemap's TileJSON name nothing
//! absolute. Tile addresses and validity days are computed here, not with forcemap's tile math.

mod common;

use common::slippy;

use chrono::NaiveDate;
use forcemap::model::CollectionId;
use forcemap::tiles::TileArchive;
use mvt_reader::feature::Value as TileValue;
use mvt_reader::Reader;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The export of the built-in data, made once for every test of this binary, in cargo's
/// scratch folder for integration tests (replaced on each run).
fn exported() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("export-site");
        let _ = std::fs::remove_dir_all(&out);
        let result = Command::new(env!("CARGO_BIN_EXE_forcemap"))
            .args(["export", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "export failed: {}",
            String::from_utf8_lossy(&result.stderr)
        );
        out
    })
}

fn json_file(path: &str) -> Value {
    let bytes = std::fs::read(exported().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every file under `dir`, relative, with `/` separators, and its size.
fn files_on_disk(dir: &Path) -> BTreeMap<String, u64> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap();
                let name = relative
                    .components()
                    .map(|c| c.as_os_str().to_str().unwrap())
                    .collect::<Vec<_>>()
                    .join("/");
                found.insert(name, std::fs::metadata(&path).unwrap().len());
            }
        }
    }
    found
}

#[test]
fn the_manifest_lists_every_file_with_its_size() {
    let manifest = json_file("manifest.json");
    assert_eq!(manifest["forcemap"], env!("CARGO_PKG_VERSION"));
    let fingerprint = manifest["data_fingerprint"].as_str().unwrap();
    assert_eq!(
        u64::from_str_radix(fingerprint, 16).unwrap(),
        common::catalog().fingerprint
    );
    let created = manifest["created"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(created).is_ok(),
        "{created}"
    );

    let listed: BTreeMap<String, u64> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert!(
                f["what"].as_str().is_some_and(|w| !w.is_empty()),
                "{f} says what it is"
            );
            (
                f["path"].as_str().unwrap().to_string(),
                f["bytes"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut on_disk = files_on_disk(exported());
    assert!(on_disk.remove("manifest.json").is_some());
    assert_eq!(
        listed, on_disk,
        "the manifest lists exactly the files, sizes right"
    );

    for path in [
        "index.html",
        "assets/app.js",
        "assets/js/store.js",
        "assets/vendor/maplibre-gl.mjs",
        "assets/vendor/pmtiles.mjs",
        "basemap.pmtiles",
        "basemap.json",
        "collections.pmtiles",
        "landing.json",
        "stories.json",
    ] {
        assert!(listed.contains_key(path), "{path} is exported");
    }
    for format in ["geojson", "csv", "fgb", "kml"] {
        for c in CollectionId::ALL {
            let path = format!("collections/{c}.{format}");
            assert!(listed.get(&path).is_some_and(|&n| n > 0), "{path}");
        }
    }

    // Every document the page starts from is one of the files.
    let documents = &manifest["documents"];
    let mut named: Vec<String> = [
        "landing",
        "basemap",
        "stories",
        "countries",
        "borders",
        "groupings",
    ]
    .iter()
    .map(|k| {
        documents[k]
            .as_str()
            .unwrap_or_else(|| panic!("{k}"))
            .to_string()
    })
    .collect();
    for c in ["installations", "forces", "events", "routes"] {
        named.push(documents["collections"][c].as_str().unwrap().to_string());
    }
    for story in json_file("stories.json")["stories"].as_array().unwrap() {
        let id = story["id"].as_str().unwrap();
        named.push(documents["story"].as_str().unwrap().replace("{id}", id));
    }
    assert!(named.len() > 10);
    for path in named {
        assert!(
            listed.contains_key(&path),
            "{path} is named but not written"
        );
    }
}

#[test]
fn the_page_is_marked_static_and_names_nothing_absolute() {
    let html = std::fs::read_to_string(exported().join("index.html")).unwrap();
    assert!(html.contains("<meta name=\"forcemap-export\" content=\"manifest.json\">"));
    assert!(
        html.contains("src=\"assets/app.js\""),
        "the page's script is relative"
    );

    let tilejson = json_file("basemap.json");
    assert_eq!(
        tilejson["tiles"][0], "pmtiles://basemap.pmtiles/{z}/{x}/{y}",
        "a tile address relative to the document"
    );
    let layers: Vec<&str> = tilejson["vector_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert!(layers.contains(&"countries") && layers.contains(&"boundaries"));
    for doc in ["basemap.json", "landing.json", "stories.json"] {
        let text = std::fs::read_to_string(exported().join(doc)).unwrap();
        assert!(
            !text.contains("http://127.0.0.1") && !text.contains("localhost"),
            "{doc}"
        );
    }
    assert!(json_file("landing.json")["coverage"]["interval"].is_array());
}

#[test]
fn every_collection_holds_every_feature_of_the_catalog() {
    let catalog = common::catalog();
    for c in CollectionId::ALL {
        let source = catalog.collection(c);
        let geojson = json_file(&format!("collections/{c}.geojson"));
        let features = geojson["features"].as_array().unwrap();
        assert_eq!(features.len(), source.len(), "{c}");
        let ids: Vec<&str> = features.iter().map(|f| f["id"].as_str().unwrap()).collect();
        let expected: Vec<&str> = source.features().iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, expected, "{c}");

        let csv = std::fs::read(exported().join(format!("collections/{c}.csv"))).unwrap();
        let rows = csv::Reader::from_reader(csv.as_slice()).records().count();
        assert_eq!(rows, source.len(), "{c}.csv");
    }
    // The page's groupings hold the whole membership history, without geometry: Uzbekistan
    // left the treaty in 1999 and joined the organization in 2006.
    let groupings = json_file("page/groupings.json");
    let features = groupings["features"].as_array().unwrap();
    assert!(features.iter().all(|g| g["geometry"].is_null()));
    let spells = |id: &str| -> Vec<(String, String)> {
        let grouping = features.iter().find(|g| g["id"] == id).unwrap();
        grouping["properties"]["members"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["country"] == "UZB")
            .map(|m| {
                let text = |v: &Value| v.as_str().unwrap_or("").to_string();
                (text(&m["joined"]), text(&m["left"]))
            })
            .collect()
    };
    assert!(spells("cst")
        .iter()
        .any(|(_, left)| left.starts_with("1999")));
    assert!(spells("csto")
        .iter()
        .any(|(joined, _)| joined.starts_with("2006")));
}

#[test]
fn the_collections_archive_reads_back_and_kant_is_in_its_z6_tile() {
    let archive = TileArchive::open(exported().join("collections.pmtiles")).unwrap();
    assert_eq!(archive.min_zoom(), 0);
    assert_eq!(archive.max_zoom(), forcemap::export::COLLECTIONS_MAX_ZOOM);
    assert_eq!(archive.tile_type(), pmtiles::TileType::Mvt);
    let layers: Vec<&str> = archive.metadata()["vector_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(layers, ["installations", "forces", "events", "routes"]);

    let ((x, y), (px, py)) = slippy(74.8508, 42.8911, 6);
    let tile = archive
        .tile(6, x, y)
        .expect("Kant's z6 tile is in the archive");
    let reader = Reader::new(tile).expect("a valid MVT");
    let names = reader.get_layer_names().unwrap();
    let index = names
        .iter()
        .position(|n| n == "installations")
        .expect("an installations layer");
    let features = reader.get_features_as::<f64>(index).unwrap();
    let kant = features
        .iter()
        .find(|f| {
            f.properties.as_ref().and_then(|p| p.get("id"))
                == Some(&TileValue::String("kant-air-base".into()))
        })
        .expect("Kant in its tile");
    let property = |name: &str| kant.properties.as_ref().unwrap().get(name);
    assert_eq!(
        property("name"),
        Some(&TileValue::String("Kant air base".into()))
    );
    let opened = (NaiveDate::from_ymd_opt(2003, 10, 23).unwrap()
        - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
    .num_days();
    let from_day = match property("valid_from_day") {
        Some(TileValue::Int(v) | TileValue::SInt(v)) => *v,
        Some(TileValue::UInt(v)) => *v as i64,
        other => panic!("valid_from_day: {other:?}"),
    };
    assert_eq!(from_day, opened);
    assert_eq!(property("valid_to_day"), None, "still open");
    let point = match &kant.geometry {
        geo::Geometry::Point(p) => *p,
        geo::Geometry::MultiPoint(mp) if mp.0.len() == 1 => mp.0[0],
        other => panic!("one point: {other:?}"),
    };
    assert!((point.x() - px).abs() <= 1.0 && (point.y() - py).abs() <= 1.0);

    // The deepest zoom holds it too, and a tile far from any feature is absent.
    let ((x10, y10), _) = slippy(74.8508, 42.8911, 10);
    assert!(archive.tile(10, x10, y10).is_some());
    let ((x_far, y_far), _) = slippy(-120.0, -60.0, 6);
    assert!(archive.tile(6, x_far, y_far).is_none());
}

#[test]
fn the_basemap_archive_reads_back_with_its_layers() {
    let archive = TileArchive::open(exported().join("basemap.pmtiles")).unwrap();
    assert_eq!(
        archive.max_zoom(),
        forcemap::tiles::basemap::DEFAULT_MAX_ZOOM
    );
    let ((x, y), _) = slippy(74.8508, 42.8911, 4);
    let tile = archive.tile(4, x, y).expect("Kyrgyzstan's z4 tile");
    let names = Reader::new(tile).unwrap().get_layer_names().unwrap();
    assert!(names.iter().any(|n| n == "countries"), "{names:?}");
}
