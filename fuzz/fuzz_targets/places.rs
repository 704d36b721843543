//! The basemap's places loader, from any bytes.
#![no_main]

use forcemap::load::parse_places;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut problems = Vec::new();
    let _ = parse_places("places.geojson", data, &mut problems);
});
