//! CRS names, and coordinates and boxes through every CRS both ways.
#![no_main]

use forcemap::query::crs::Crs;
use geo::Coord;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 33 {
        if let Ok(text) = std::str::from_utf8(data) {
            let _ = Crs::parse(text);
        }
        return;
    }
    let number = |i: usize| f64::from_le_bytes(data[1 + 8 * i..9 + 8 * i].try_into().unwrap());
    let crs = Crs::all().nth(usize::from(data[0]) % 123).unwrap();
    let c = Coord {
        x: number(0),
        y: number(1),
    };
    if let Ok(projected) = crs.from_lon_lat(c) {
        // The geographic CRSs only reorder axes; a projection must give numbers.
        if !crs.is_geographic() {
            assert!(
                projected.x.is_finite() && projected.y.is_finite(),
                "{crs}: {c:?} → {projected:?}"
            );
        }
    }
    if let Ok(back) = crs.to_lon_lat(c) {
        if !crs.is_geographic() {
            assert!(
                back.y.abs() <= 90.0 && back.x.is_finite(),
                "{crs}: {c:?} → {back:?}"
            );
        }
    }
    if let Ok(b) = crs.bbox_to_crs84([number(0), number(1), number(2), number(3)]) {
        assert!(b.iter().all(|v| v.is_finite()), "{crs}: {b:?}");
        assert!(
            b[1] <= b[3] && b[1] >= -90.0 && b[3] <= 90.0,
            "{crs}: {b:?}"
        );
    }
    if let Ok(text) = std::str::from_utf8(&data[33..]) {
        if let Ok(parsed) = Crs::parse(text) {
            assert_eq!(Crs::parse(&parsed.uri()), Ok(parsed));
        }
    }
});
