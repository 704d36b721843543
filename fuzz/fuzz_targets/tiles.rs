//! Tile coordinates and byte ranges: tile math for any z/x/y, tiles read from a small built-in
//! archive, and `Range` header values against the archive's length.
#![no_main]

use forcemap::api::basemap::{parse_range, RangeAsk};
use forcemap::catalog::Catalog;
use forcemap::load::{load, DataSource};
use forcemap::tiles::mvt::{is_valid_tile, tile_bounds_lonlat};
use forcemap::tiles::{build_default, BasemapOptions, TileArchive};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn archive() -> &'static TileArchive {
    static ARCHIVE: OnceLock<TileArchive> = OnceLock::new();
    ARCHIVE.get_or_init(|| {
        let catalog = Catalog::build(load(&DataSource::BuiltIn).expect("built-in data"));
        let options = BasemapOptions {
            min_zoom: 0,
            max_zoom: 2,
        };
        let bytes = build_default(&catalog, &options, &indicatif::ProgressBar::hidden())
            .expect("the built-in basemap");
        TileArchive::new(bytes).expect("a valid archive")
    })
}

// The shared state is built before the first input, so that its cost (seconds under the
// sanitizer) is not charged to that input as a time-out.
fuzz_target!(init: {
    archive();
}, |data: &[u8]| {
    if data.len() < 9 {
        return;
    }
    let z = data[0];
    let x = u32::from_le_bytes(data[1..5].try_into().unwrap());
    let y = u32::from_le_bytes(data[5..9].try_into().unwrap());
    if is_valid_tile(z, x, y) {
        let b = tile_bounds_lonlat(z, x, y);
        assert!(
            b.min().x <= b.max().x && b.min().y <= b.max().y,
            "{z}/{x}/{y}: {b:?}"
        );
        let _ = archive().tile_raw(z, x, y);
    }
    if let Ok(range) = std::str::from_utf8(&data[9..]) {
        let length = archive().len();
        if let RangeAsk::Part(start, end) = parse_range(range, length) {
            assert!(
                start <= end && end < length,
                "{range}: {start}-{end} of {length}"
            );
        }
    }
});
