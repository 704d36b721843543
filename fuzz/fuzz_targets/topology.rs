//! The country TopoJSON loader: arcs, quantization, antimeridian repair, from any bytes.
#![no_main]

use forcemap::load::parse_topology;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut problems = Vec::new();
    let _ = parse_topology("countries.topojson", data, &mut problems);
});
