//! The basemap: built by the `basemap` command into a PMTiles archive any reader accepts, and
//! served with HTTP range requests, untouched by response compression.

mod common;

use common::{client, server};
use forcemap::tiles::TileArchive;
use std::process::Command;

#[test]
fn the_basemap_command_writes_a_pmtiles_archive_with_the_three_layers() {
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
    assert_eq!(layers, ["countries", "boundaries", "places"]);
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
    let tilejson = common::get_ok("/basemap.json");
    assert_eq!(tilejson["tilejson"], "3.0.0");
    assert_eq!(tilejson["vector_layers"].as_array().unwrap().len(), 3);
}
