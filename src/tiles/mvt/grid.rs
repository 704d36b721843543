//! The Web Mercator tile grid: positions of lon/lat in the world, in tiles and in tile pixels,
//! the bounds of a tile in degrees and in metres, and the buffered window of a tile that
//! clipping keeps. The sphere and the latitude limit come from `geom::web_mercator`.

use crate::geom::web_mercator;
use geo::{Coord, Rect};

/// Size of a tile in its own integer coordinates (the MVT default).
pub const EXTENT: u32 = 4096;

/// Largest latitude Web Mercator shows; points beyond it are pinned to it.
pub const MAX_LATITUDE: f64 = web_mercator::MAX_LATITUDE;

/// Half the circumference of the Web Mercator sphere, in metres (EPSG:3857 x at 180°E).
pub const MERCATOR_HALF_WORLD: f64 = web_mercator::HALF_WORLD_M;

/// Highest zoom level the tile math handles (as in PMTiles).
pub const MAX_ZOOM: u8 = 31;

/// Number of tiles along one side of the world at zoom `z` (at most [`MAX_ZOOM`]).
pub fn tiles_per_side(z: u8) -> u32 {
    1u32 << z.min(MAX_ZOOM)
}

/// Whether `z/x/y` names a tile: `z` at most [`MAX_ZOOM`], `x` and `y` below `2^z`. The other
/// functions expect valid tiles; a server checks requests with this first.
pub fn is_valid_tile(z: u8, x: u32, y: u32) -> bool {
    z <= MAX_ZOOM && x < tiles_per_side(z) && y < tiles_per_side(z)
}

/// Web Mercator position of a lon/lat as fractions of the world: `(0, 0)` is the north-west
/// corner (180°W, 85.05°N), `(1, 1)` the south-east one. Latitudes are clamped to
/// ±[`MAX_LATITUDE`], longitudes are not wrapped.
pub fn lonlat_to_world(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians();
    let x = (lon + 180.0) / 360.0;
    let y = (1.0 - lat.tan().asinh() / std::f64::consts::PI) / 2.0;
    (x, y)
}

/// Inverse of [`lonlat_to_world`].
pub fn world_to_lonlat(x: f64, y: f64) -> (f64, f64) {
    let lon = x * 360.0 - 180.0;
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * y))
        .sinh()
        .atan()
        .to_degrees();
    (lon, lat)
}

/// The tile `(x, y)` at zoom `z` that contains a lon/lat (the standard "slippy map" formula).
/// Points on the antimeridian or the poles fall into the last tile of the row or column.
pub fn lonlat_to_tile(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let (wx, wy) = lonlat_to_world(lon, lat);
    let n = f64::from(tiles_per_side(z));
    let max = tiles_per_side(z) - 1;
    let index = |v: f64| ((v * n).floor().max(0.0) as u32).min(max);
    (index(wx), index(wy))
}

/// Bounds of tile `z/x/y` in degrees (min is south-west, max is north-east).
pub fn tile_bounds_lonlat(z: u8, x: u32, y: u32) -> Rect<f64> {
    let n = f64::from(tiles_per_side(z));
    let (west, north) = world_to_lonlat(f64::from(x) / n, f64::from(y) / n);
    let (east, south) = world_to_lonlat(f64::from(x + 1) / n, f64::from(y + 1) / n);
    Rect::new(Coord { x: west, y: south }, Coord { x: east, y: north })
}

/// Bounds of tile `z/x/y` widened by `buffer` tile units on every side, in degrees: the area
/// whose features can reach the tile once clipped with that buffer. Near the world's edges the
/// longitudes run past ±180° and the latitudes past the Web Mercator limit.
pub fn buffered_tile_bounds_lonlat(z: u8, x: u32, y: u32, buffer: u32) -> Rect<f64> {
    TileWindow::new(x, y, buffer).lonlat_bounds(z)
}

/// Bounds of tile `z/x/y` in Web Mercator metres (EPSG:3857).
pub fn tile_bounds_mercator(z: u8, x: u32, y: u32) -> Rect<f64> {
    let size = 2.0 * MERCATOR_HALF_WORLD / f64::from(tiles_per_side(z));
    let west = -MERCATOR_HALF_WORLD + f64::from(x) * size;
    let north = MERCATOR_HALF_WORLD - f64::from(y) * size;
    Rect::new(
        Coord {
            x: west,
            y: north - size,
        },
        Coord {
            x: west + size,
            y: north,
        },
    )
}

/// A lon/lat in the coordinates of tile `z/x/y`: `(0, 0)` is its north-west corner and
/// `(EXTENT, EXTENT)` its south-east one; points outside the tile fall outside that range.
pub fn lonlat_to_tile_pixel(lon: f64, lat: f64, z: u8, x: u32, y: u32) -> Coord<f64> {
    let c = lonlat_to_world_pixel(lon, lat, z);
    Coord {
        x: c.x - f64::from(x) * f64::from(EXTENT),
        y: c.y - f64::from(y) * f64::from(EXTENT),
    }
}

/// Inverse of [`lonlat_to_tile_pixel`].
pub fn tile_pixel_to_lonlat(px: f64, py: f64, z: u8, x: u32, y: u32) -> (f64, f64) {
    let size = f64::from(tiles_per_side(z)) * f64::from(EXTENT);
    world_to_lonlat(
        (f64::from(x) * f64::from(EXTENT) + px) / size,
        (f64::from(y) * f64::from(EXTENT) + py) / size,
    )
}

/// A lon/lat in world pixels of zoom `z`: the world is `2^z * EXTENT` units wide.
pub(super) fn lonlat_to_world_pixel(lon: f64, lat: f64, z: u8) -> Coord<f64> {
    let (wx, wy) = lonlat_to_world(lon, lat);
    let size = f64::from(tiles_per_side(z)) * f64::from(EXTENT);
    Coord {
        x: wx * size,
        y: wy * size,
    }
}

/// The buffered square of one tile in world pixels of its zoom.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TileWindow {
    /// World pixel of the tile's north-west corner (its `(0, 0)`).
    pub origin: Coord<f64>,
    /// Buffered corners.
    pub min: Coord<f64>,
    pub max: Coord<f64>,
}

impl TileWindow {
    pub fn new(x: u32, y: u32, buffer: u32) -> Self {
        let e = f64::from(EXTENT);
        let b = f64::from(buffer);
        let origin = Coord {
            x: f64::from(x) * e,
            y: f64::from(y) * e,
        };
        Self {
            origin,
            min: Coord {
                x: origin.x - b,
                y: origin.y - b,
            },
            max: Coord {
                x: origin.x + e + b,
                y: origin.y + e + b,
            },
        }
    }

    /// The buffered window in lon/lat, for cheap rejection of far features.
    pub(crate) fn lonlat_bounds(&self, z: u8) -> Rect<f64> {
        let size = f64::from(tiles_per_side(z)) * f64::from(EXTENT);
        let (west, north) = world_to_lonlat(self.min.x / size, self.min.y / size);
        let (east, south) = world_to_lonlat(self.max.x / size, self.max.y / size);
        Rect::new(Coord { x: west, y: south }, Coord { x: east, y: north })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() < eps
    }

    #[test]
    fn zoom_zero_covers_the_web_mercator_world() {
        let b = tile_bounds_lonlat(0, 0, 0);
        assert!(close(b.min().x, -180.0, 1e-9) && close(b.max().x, 180.0, 1e-9));
        assert!(close(b.min().y, -MAX_LATITUDE, 1e-9) && close(b.max().y, MAX_LATITUDE, 1e-9));
        let m = tile_bounds_mercator(0, 0, 0);
        assert!(close(m.min().x, -MERCATOR_HALF_WORLD, 1e-6));
        assert!(close(m.max().y, MERCATOR_HALF_WORLD, 1e-6));
        // Zoom 1, tile (1, 0) is the north-east quarter.
        let m = tile_bounds_mercator(1, 1, 0);
        assert_eq!((m.min().x, m.min().y), (0.0, 0.0));
        assert!(close(m.max().x, MERCATOR_HALF_WORLD, 1e-6));
        assert_eq!(lonlat_to_tile(0.0, 0.0, 0), (0, 0));
        assert_eq!(lonlat_to_tile(180.0, -90.0, 2), (3, 3));
        assert_eq!(lonlat_to_tile(-180.0, 90.0, 2), (0, 0));
    }

    #[test]
    fn dushanbe_tile_matches_the_slippy_map_formula() {
        // Checked with x = (lon + 180) / 360 * 2^z, y = (1 - asinh(tan(lat)) / pi) / 2 * 2^z.
        assert_eq!(lonlat_to_tile(68.78, 38.56, 6), (44, 24));
        let b = tile_bounds_lonlat(6, 44, 24);
        assert!(close(b.min().x, 67.5, 1e-9) && close(b.max().x, 73.125, 1e-9));
        assert!(close(b.min().y, 36.597_889_133, 1e-6));
        assert!(close(b.max().y, 40.979_898_069, 1e-6));
        let px = lonlat_to_tile_pixel(68.78, 38.56, 6, 44, 24);
        assert!(close(px.x, 932.067_555, 1e-4) && close(px.y, 2_292.980_238, 1e-4));
        let (lon, lat) = tile_pixel_to_lonlat(px.x, px.y, 6, 44, 24);
        assert!(close(lon, 68.78, 1e-9) && close(lat, 38.56, 1e-9));
        // Corners of the tile are its (0, 0) and (EXTENT, EXTENT).
        let nw = lonlat_to_tile_pixel(b.min().x, b.max().y, 6, 44, 24);
        let se = lonlat_to_tile_pixel(b.max().x, b.min().y, 6, 44, 24);
        assert!(close(nw.x, 0.0, 1e-6) && close(nw.y, 0.0, 1e-6));
        assert!(close(se.x, 4096.0, 1e-6) && close(se.y, 4096.0, 1e-6));
    }

    #[test]
    fn world_round_trip() {
        for (lon, lat) in [(0.0, 0.0), (65.0, 45.0), (-122.4, 37.8), (179.9, -84.0)] {
            let (x, y) = lonlat_to_world(lon, lat);
            let (lon2, lat2) = world_to_lonlat(x, y);
            assert!(close(lon, lon2, 1e-9) && close(lat, lat2, 1e-9));
        }
        // Beyond the Mercator limit, latitudes are pinned to it.
        assert!(close(lonlat_to_world(10.0, 89.0).1, 0.0, 1e-12));
    }
}
