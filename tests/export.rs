//! `forcemap export` run as a user runs it, over the built-in data: the manifest lists every
//! file with its size, the collections archive reads back with forcemap's own archive reader
//! and its Kant tile with `mvt-reader` (a decoder that is not forcemap's), the GeoJSON and CSV
//! hold every feature of the catalog, and the page and the basemap's TileJSON name nothing
//! absolute. Tile addresses and validity days are computed here, not with forcemap's tile math,
//! and the groupings' membership on a date is read from `geodata/groupings.geojson` here, not
//! with forcemap's model.

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
    assert_eq!(
        layers,
        ["installations", "forces", "events", "routes", "groupings"]
    );

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

/// Days from 1970-01-01 to `day`.
fn day_number(day: NaiveDate) -> i64 {
    (day - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days()
}

/// The first and last day a curated date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) covers.
fn date_bounds(text: &str) -> (NaiveDate, NaiveDate) {
    let parts: Vec<u32> = text.split('-').map(|p| p.parse().unwrap()).collect();
    let year = parts[0] as i32;
    let day = |m, d| NaiveDate::from_ymd_opt(year, m, d).unwrap();
    match parts[..] {
        [_] => (day(1, 1), day(12, 31)),
        [_, m] => {
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap()
            } else {
                day(m + 1, 1)
            };
            (day(m, 1), next.pred_opt().unwrap())
        }
        [_, m, d] => (day(m, d), day(m, d)),
        _ => panic!("{text} is not a curated date"),
    }
}

/// Whether `[from, to]` (curated dates, `null` for open) covers `day`.
fn covers(from: &Value, to: &Value, day: NaiveDate) -> bool {
    from.as_str().is_none_or(|f| date_bounds(f).0 <= day)
        && to.as_str().is_none_or(|t| day <= date_bounds(t).1)
}

/// The members the groupings file gives `id` on `day`, sorted (`None` when the grouping did
/// not exist then): the states whose spell covers the day with a status that counts its
/// territory (member, participation-frozen, participant).
fn members_in_file(id: &str, day: NaiveDate) -> Option<Vec<String>> {
    let path = common::geodata().join("groupings.geojson");
    let file: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let grouping = file["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == id)
        .unwrap_or_else(|| panic!("{id} in the groupings file"));
    let p = &grouping["properties"];
    if !covers(&p["valid_from"], &p["valid_to"], day) {
        return None;
    }
    let mut members: Vec<String> = p["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| {
            ["member", "participation-frozen", "participant"]
                .contains(&m["status"].as_str().unwrap())
        })
        .filter(|m| covers(&m["joined"], &m["left"], day))
        .map(|m| m["country"].as_str().unwrap().to_string())
        .collect();
    members.sort();
    members.dedup();
    Some(members)
}

/// One epoch in a tile: a feature crossing the antimeridian comes as several MVT features
/// sharing the id (one per world copy), gathered here.
struct TileEpoch {
    feature: mvt_reader::feature::Feature<f64>,
    geometries: Vec<geo::Geometry<f64>>,
}

/// The groupings layer's epochs of one tile of the collections archive, by MVT id.
fn groupings_in_tile(archive: &TileArchive, z: u8, x: u32, y: u32) -> Vec<TileEpoch> {
    let Some(tile) = archive.tile(z, x, y) else {
        return Vec::new();
    };
    let reader = Reader::new(tile).expect("a valid MVT");
    let names = reader.get_layer_names().unwrap();
    let Some(index) = names.iter().position(|n| n == "groupings") else {
        return Vec::new();
    };
    let mut epochs: BTreeMap<u64, TileEpoch> = BTreeMap::new();
    for feature in reader.get_features_as::<f64>(index).unwrap() {
        let id = feature.id.expect("every epoch has an MVT id");
        let geometry = feature.geometry.clone();
        let epoch = epochs.entry(id).or_insert_with(|| TileEpoch {
            feature,
            geometries: Vec::new(),
        });
        epoch.geometries.push(geometry);
    }
    epochs.into_values().collect()
}

fn text_of<'a>(feature: &'a mvt_reader::feature::Feature<f64>, name: &str) -> Option<&'a str> {
    match feature.properties.as_ref()?.get(name)? {
        TileValue::String(s) => Some(s),
        other => panic!("{name}: {other:?}"),
    }
}

fn number_of(feature: &mvt_reader::feature::Feature<f64>, name: &str) -> Option<i64> {
    match feature.properties.as_ref()?.get(name)? {
        TileValue::Int(v) | TileValue::SInt(v) => Some(*v),
        TileValue::UInt(v) => Some(*v as i64),
        other => panic!("{name}: {other:?}"),
    }
}

/// The features of grouping `id` whose validity days cover `day`.
fn epochs_covering<'a>(epochs: &'a [TileEpoch], id: &str, day: NaiveDate) -> Vec<&'a TileEpoch> {
    let n = day_number(day);
    epochs
        .iter()
        .filter(|e| text_of(&e.feature, "id") == Some(id))
        .filter(|e| number_of(&e.feature, "valid_from_day").is_none_or(|from| from <= n))
        .filter(|e| number_of(&e.feature, "valid_to_day").is_none_or(|to| n <= to))
        .collect()
}

fn active_members(epoch: &TileEpoch) -> Vec<String> {
    let text = text_of(&epoch.feature, "active_members").expect("active_members");
    let mut members: Vec<String> = serde_json::from_str(text).expect("a JSON array");
    members.sort();
    members
}

fn contains(epoch: &TileEpoch, point: geo::Point<f64>) -> bool {
    use geo::Contains;
    epoch.geometries.iter().any(|geometry| match geometry {
        geo::Geometry::Polygon(p) => p.contains(&point),
        geo::Geometry::MultiPolygon(mp) => mp.contains(&point),
        other => panic!("a footprint is polygonal: {other:?}"),
    })
}

#[test]
fn the_groupings_layer_holds_one_footprint_per_membership_epoch() {
    use geo::InteriorPoint;
    let archive = TileArchive::open(exported().join("collections.pmtiles")).unwrap();
    let layer = archive.metadata()["vector_layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "groupings")
        .expect("a groupings layer in the metadata")
        .clone();
    assert_eq!(
        layer["maxzoom"],
        forcemap::export::grouping_tiles::GROUPINGS_MAX_ZOOM
    );
    for field in [
        "id",
        "name",
        "active_members",
        "epoch_start",
        "epoch_end",
        "valid_from_day",
    ] {
        assert!(layer["fields"].get(field).is_some(), "{field} in {layer}");
    }
    // Beyond the layer's zoom the archive holds no groupings (clients overzoom).
    let max = forcemap::export::grouping_tiles::GROUPINGS_MAX_ZOOM;
    let ((kx, ky), _) = slippy(74.8508, 42.8911, max + 1);
    assert!(groupings_in_tile(&archive, max + 1, kx, ky).is_empty());

    // The world tile: a grouping's epochs follow one another without overlap, each with its
    // dates written both ways.
    let world = groupings_in_tile(&archive, 0, 0, 0);
    let mut by_grouping: BTreeMap<&str, Vec<(i64, Option<i64>)>> = BTreeMap::new();
    for epoch in &world {
        let f = &epoch.feature;
        let from = number_of(f, "valid_from_day").expect("every epoch has a first day");
        let to = number_of(f, "valid_to_day");
        let start = text_of(f, "epoch_start")
            .unwrap()
            .parse::<NaiveDate>()
            .unwrap();
        assert_eq!(day_number(start), from);
        let end = text_of(f, "epoch_end").map(|e| day_number(e.parse().unwrap()));
        assert_eq!(end, to);
        by_grouping
            .entry(text_of(f, "id").unwrap())
            .or_default()
            .push((from, to));
    }
    assert!(by_grouping.len() > 1, "{by_grouping:?}");
    for (id, epochs) in &mut by_grouping {
        epochs.sort();
        for pair in epochs.windows(2) {
            let end = pair[0].1.expect("only the last epoch is open");
            assert!(end < pair[1].0, "{id}: {epochs:?}");
        }
    }

    // Uzbekistan's z4 tile: on each date, the treaty's and the organization's epoch carries
    // the members the file gives, and its footprint takes in Uzbekistan exactly when it is
    // one of them.
    let catalog = common::catalog();
    let uzbekistan = match &catalog.country("UZB").unwrap().geometry {
        Some(geo::Geometry::MultiPolygon(mp)) => mp.interior_point().unwrap(),
        other => panic!("Uzbekistan's territory: {other:?}"),
    };
    let ((x, y), (px, py)) = slippy(uzbekistan.x(), uzbekistan.y(), 4);
    let tile = groupings_in_tile(&archive, 4, x, y);
    let inside = geo::Point::new(px, py);
    let mut uzbekistan_a_member = 0;
    for id in ["cst", "csto"] {
        for day in [(2000, 1, 1), (2010, 1, 1)] {
            let day = NaiveDate::from_ymd_opt(day.0, day.1, day.2).unwrap();
            let expected = members_in_file(id, day).unwrap_or_default();
            let in_world = epochs_covering(&world, id, day);
            let in_tile = epochs_covering(&tile, id, day);
            if expected.is_empty() {
                assert!(in_world.is_empty(), "{id} had no members on {day}");
                continue;
            }
            assert_eq!(in_world.len(), 1, "{id} on {day}: one epoch");
            assert_eq!(active_members(in_world[0]), expected, "{id} on {day}");
            if expected.iter().any(|m| m == "UZB") {
                uzbekistan_a_member += 1;
                assert_eq!(in_tile.len(), 1, "{id} on {day} covers Uzbekistan's tile");
                assert_eq!(active_members(in_tile[0]), expected);
                assert!(contains(in_tile[0], inside), "{id} on {day}");
            } else {
                assert!(in_tile.len() <= 1, "{id} on {day}");
                for epoch in in_tile {
                    assert_eq!(active_members(epoch), expected);
                    assert!(!contains(epoch, inside), "{id} on {day} leaves out UZB");
                }
            }
        }
    }
    assert!(
        uzbekistan_a_member > 0,
        "the file puts Uzbekistan in the treaty or the organization on one of the dates"
    );
}
