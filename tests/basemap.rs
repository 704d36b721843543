//! The basemap: built by the `basemap` command into a PMTiles archive any reader accepts, and
//! served with HTTP range requests, untouched by response compression.

mod common;

use common::{client, server};
use forcemap::tiles::TileArchive;
use std::process::Command;

#[test]
fn the_basemap_command_writes_a_pmtiles_archive_with_its_layers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("basemap.pmtiles");
    let status = Command::new(env!("CARGO_BIN_EXE_forcemap"))
        .args(["basemap", "--max-zoom", "3", "--data"])
        .arg(common::geodata())
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let archive = TileArchive::open(&out).expect("a PMTiles v3 archive");
    assert_eq!((archive.min_zoom(), archive.max_zoom()), (0, 3));
    let layers: Vec<String> = archive.metadata()["vector_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        layers,
        [
            "countries",
            "boundaries",
            "coasts",
            "country_labels",
            "places"
        ]
    );
    // Tajikistan's tile at zoom 3 holds data.
    assert!(archive.tile(3, 5, 3).is_some_and(|t| !t.is_empty()));
    // A file that is not PMTiles is refused with a reason.
    let bogus = dir.path().join("bogus.pmtiles");
    std::fs::write(&bogus, b"not an archive at all, just some bytes that are long enough to read a header from...........................................").unwrap();
    assert!(TileArchive::open(&bogus).is_err());
}

#[test]
fn the_archive_is_served_with_byte_ranges_and_never_compressed() {
    let url = format!("{}/basemap.pmtiles", server());
    let whole = client().get(&url).send().unwrap();
    assert_eq!(whole.status().as_u16(), 200);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    let length = whole.bytes().unwrap().len();
    let part = client()
        .get(&url)
        .header("range", "bytes=0-126")
        .header("accept-encoding", "gzip, br")
        .send()
        .unwrap();
    assert_eq!(part.status().as_u16(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 0-126/{length}").as_str()
    );
    assert!(part.headers().get("content-encoding").is_none());
    let bytes = part.bytes().unwrap();
    assert_eq!(bytes.len(), 127);
    assert_eq!(&bytes[..7], b"PMTiles");
    let beyond = client()
        .get(&url)
        .header("range", format!("bytes={length}-"))
        .send()
        .unwrap();
    assert_eq!(beyond.status().as_u16(), 416);
    // A Range header this server cannot read is ignored (RFC 9110): the whole archive.
    for ignored in ["", "bytes=9-1", "pages=0-1", "bytes=0-1,4-5"] {
        let whole = client().get(&url).header("range", ignored).send().unwrap();
        assert_eq!(whole.status().as_u16(), 200, "{ignored:?}");
        assert_eq!(whole.bytes().unwrap().len(), length, "{ignored:?}");
    }
    let tilejson = common::get_ok("/basemap.json");
    assert_eq!(tilejson["tilejson"], "3.0.0");
    assert_eq!(tilejson["vector_layers"].as_array().unwrap().len(), 5);
}

/// A small PMTiles archive in another schema, as a Protomaps extract has: one `earth` polygon
/// and one `water` polygon, zooms 0 to 2, tiles gzipped, written by the `pmtiles` crate.
fn foreign_archive(tile_type: pmtiles::TileType) -> Vec<u8> {
    use forcemap::tiles::mvt::{encode_tile, gzip, TileFeature};
    use geo::{polygon, Geometry};
    let earth: Geometry<f64> =
        polygon![(x: 30.0, y: 30.0), (x: 90.0, y: 30.0), (x: 90.0, y: 60.0), (x: 30.0, y: 60.0)]
            .into();
    let water: Geometry<f64> =
        polygon![(x: 47.0, y: 37.0), (x: 54.0, y: 37.0), (x: 54.0, y: 46.0), (x: 47.0, y: 46.0)]
            .into();
    let mut out = std::io::Cursor::new(Vec::new());
    let metadata = serde_json::json!({
        "name": "foreign test archive",
        "attribution": "test attribution",
        "vector_layers": [
            { "id": "earth", "fields": { "kind": "String" } },
            { "id": "water", "fields": { "kind": "String" } }
        ]
    });
    let mut writer = pmtiles::PmTilesWriter::new(tile_type)
        .min_zoom(0)
        .max_zoom(2)
        .metadata(metadata.to_string())
        .create(&mut out)
        .unwrap();
    for z in 0..=2u8 {
        for y in 0..1u32 << z {
            for x in 0..1u32 << z {
                let feature = |geometry, kind| TileFeature {
                    id: None,
                    geometry,
                    properties: vec![("kind", kind)],
                };
                let tile = encode_tile(
                    z,
                    x,
                    y,
                    &[
                        ("earth", vec![feature(&earth, "earth".into())]),
                        ("water", vec![feature(&water, "lake".into())]),
                    ],
                );
                if !tile.is_empty() {
                    let coord = pmtiles::TileCoord::new(z, x, y).unwrap();
                    writer.add_tile(coord, &gzip(&tile)).unwrap();
                }
            }
        }
    }
    writer.finalize().unwrap();
    out.into_inner()
}

/// Runs `forcemap serve` with `args` on an ephemeral loopback port. Returns the child and its
/// base URL once it listens, or the child's exit status and everything it wrote if it quit.
fn spawn_server(args: &[&std::ffi::OsStr]) -> Result<(ServerProcess, String), (i32, String)> {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_forcemap"))
        .arg("serve")
        .args(["--bind", "127.0.0.1:0"])
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    for line in stdout.lines() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if let Some(at) = line.find("listening on http://") {
            let url = line[at + "listening on ".len()..].trim().to_string();
            return Ok((ServerProcess(child), url));
        }
    }
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    Err((status.code().unwrap_or(-1), seen + &stderr))
}

/// A server process, stopped when dropped.
struct ServerProcess(std::process::Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn another_vector_archive_replaces_the_basemap_and_the_built_in_one_stays_thematic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("extract.pmtiles");
    let bytes = foreign_archive(pmtiles::TileType::Mvt);
    std::fs::write(&path, &bytes).unwrap();
    let (_server, base) = spawn_server(&[
        "--basemap".as_ref(),
        path.as_os_str(),
        "--data".as_ref(),
        common::geodata().as_os_str(),
    ])
    .unwrap_or_else(|(code, log)| panic!("exit {code}: {log}"));

    // The basemap is the file given, byte for byte, and its TileJSON says what it holds.
    let served = client()
        .get(format!("{base}/basemap.pmtiles"))
        .send()
        .unwrap();
    assert_eq!(served.status().as_u16(), 200);
    assert_eq!(served.bytes().unwrap().as_ref(), bytes.as_slice());
    let json = |path: &str| -> serde_json::Value {
        client()
            .get(format!("{base}{path}"))
            .send()
            .unwrap()
            .json()
            .unwrap()
    };
    let tilejson = json("/basemap.json");
    let layer_ids = |doc: &serde_json::Value| -> Vec<String> {
        doc["vector_layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(layer_ids(&tilejson), ["earth", "water"]);
    assert_eq!(tilejson["attribution"], "test attribution");
    assert_eq!(tilejson["url"], format!("pmtiles://{base}/basemap.pmtiles"));
    let tile = client()
        .get(format!("{base}/basemap/2/2/1.mvt"))
        .send()
        .unwrap();
    assert_eq!(tile.status().as_u16(), 200);
    assert_eq!(tile.headers()["content-encoding"], "gzip");

    // The built-in archive stays at /thematic.pmtiles, with the countries the page colours.
    // It is built beside the server: while it is not ready the server answers 503 with
    // Retry-After, and a client asks again, as this one does.
    let thematic = loop {
        let response = client()
            .get(format!("{base}/thematic.pmtiles"))
            .send()
            .unwrap();
        if response.status().as_u16() != 503 {
            break response;
        }
        assert!(response.headers().contains_key("retry-after"));
        std::thread::sleep(std::time::Duration::from_secs(1));
    };
    assert_eq!(thematic.status().as_u16(), 200);
    let archive = TileArchive::new(thematic.bytes().unwrap()).unwrap();
    assert_eq!(
        layer_ids(archive.metadata()),
        [
            "countries",
            "boundaries",
            "coasts",
            "country_labels",
            "places"
        ]
    );
    let thematic_json = json("/thematic.json");
    assert_eq!(
        layer_ids(&thematic_json),
        [
            "countries",
            "boundaries",
            "coasts",
            "country_labels",
            "places"
        ]
    );
    assert_eq!(
        thematic_json["url"],
        format!("pmtiles://{base}/thematic.pmtiles")
    );
    let range = client()
        .get(format!("{base}/thematic.pmtiles"))
        .header("range", "bytes=0-6")
        .send()
        .unwrap();
    assert_eq!(range.status().as_u16(), 206);
    assert_eq!(range.bytes().unwrap().as_ref(), b"PMTiles");
}

#[test]
fn without_a_replacement_both_paths_serve_the_built_in_archive() {
    let bytes = |path: &str| {
        let url = format!("{}{path}", server());
        client().get(url).send().unwrap().bytes().unwrap()
    };
    let (basemap, thematic) = (bytes("/basemap.pmtiles"), bytes("/thematic.pmtiles"));
    assert!(!basemap.is_empty());
    assert_eq!(basemap, thematic);
}

#[test]
fn a_basemap_that_is_not_a_vector_archive_is_refused_before_listening() {
    let dir = tempfile::tempdir().unwrap();
    let raster = dir.path().join("raster.pmtiles");
    std::fs::write(&raster, foreign_archive(pmtiles::TileType::Png)).unwrap();
    let (code, log) = spawn_server(&["--basemap".as_ref(), raster.as_os_str()])
        .err()
        .expect("a raster basemap is refused");
    assert_ne!(code, 0);
    assert!(log.contains("raster.pmtiles"), "{log}");
    assert!(log.contains("PNG tiles"), "{log}");
    assert!(log.contains("vector (MVT)"), "{log}");

    let missing = dir.path().join("missing.pmtiles");
    let (code, log) = spawn_server(&["--basemap".as_ref(), missing.as_os_str()])
        .err()
        .expect("a missing basemap is refused");
    assert_ne!(code, 0);
    assert!(log.contains("missing.pmtiles"), "{log}");
}

#[test]
fn a_request_made_while_the_archive_is_built_waits_for_it() {
    // A server whose built-in archive is not there yet, as right after start-up.
    let state = forcemap::api::AppState::new(common::catalog(), None);
    let base = common::serve(state.clone());
    let builder = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let bytes = forcemap::tiles::build_default(
            &state.catalog(),
            &forcemap::tiles::BasemapOptions {
                min_zoom: 0,
                max_zoom: 2,
            },
            &indicatif::ProgressBar::hidden(),
        )
        .unwrap();
        state.set_builtin(Ok(TileArchive::new(bytes).unwrap()));
    });
    // Asked before the archive exists: answered once it does, not refused.
    let response = client()
        .get(format!("{base}/thematic.json"))
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    let tilejson: serde_json::Value = response.json().unwrap();
    assert_eq!(tilejson["maxzoom"], 2);
    builder.join().unwrap();
    // The API did not wait for it.
    let conformance = client().get(format!("{base}/conformance")).send().unwrap();
    assert_eq!(conformance.status(), 200);
}
