//! Mapbox Vector Tile encoding: tile math, clipping, simplification and the protobuf encoder.
//!
//! Every geometry goes through the same stages, each one a small function of this module:
//!
//! 1. **project**: lon/lat (WGS 84) to *world pixels* of one zoom level, Web Mercator scaled so
//!    that one tile is [`EXTENT`] units wide (y grows southwards, as in tile coordinates).
//!    A step of more than 180° in longitude is read as crossing the antimeridian, as Natural
//!    Earth and TopoJSON data write it: the path is kept continuous, a ring that goes round a
//!    pole is closed along it, and the part beyond ±180° is copied to the other edge of the
//!    world, so no band is drawn across the map;
//! 2. **clip** to the tile plus a [`buffer`](TileOptions::buffer), one axis at a time
//!    (Sutherland–Hodgman for rings, interval clipping for lines), so that a feature crossing
//!    many tiles costs one pass per tile column and one per tile row, not one per tile;
//! 3. **simplify** with Ramer–Douglas–Peucker (`geo::Simplify`) in those pixel units, so that
//!    the tolerance means the same on screen at every zoom;
//! 4. **quantize** to the integer tile grid: repeated points removed, rings smaller than
//!    [`min_ring_area`](TileOptions::min_ring_area) dropped (tiny islands vanish at low zooms),
//!    exterior rings wound clockwise on screen and holes the other way, as the MVT 2.1
//!    specification requires;
//! 5. **encode** with geozero's MVT writer (command integers, zigzag deltas) and its tag table,
//!    then prost for the protobuf bytes.
//!
//! [`encode_tile`] runs the stages in this order for one tile, which is what a
//! `/tiles/{collection}/{z}/{x}/{y}` request needs: only the part inside the tile is simplified.
//! The basemap builder, which makes every tile of a pyramid, projects and
//! simplifies each feature once per zoom level and then clips it column by column, reusing the
//! same stage functions (`PixelGeometry`, `LayerBuilder`).
//!
//! Rendering clients draw only the tile square, so the edges that clipping adds along the buffer
//! never show; the buffer exists so that strokes and symbols near a tile edge are drawn whole.

use geo::{BoundingRect, Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon};
use geo::{Point, Polygon, Rect, Simplify, Translate};
use geozero::mvt::{tile, Message, TagsBuilder, Tile, TileValue};
use geozero::ToMvt;
use std::io::Write;

/// Size of a tile in its own integer coordinates (the MVT default).
pub const EXTENT: u32 = 4096;

/// Largest latitude Web Mercator shows; points beyond it are pinned to it.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// Half the circumference of the Web Mercator sphere, in metres (EPSG:3857 x at 180°E).
pub const MERCATOR_HALF_WORLD: f64 = 20_037_508.342_789_244;

/// MVT layer format version written into every layer.
const MVT_VERSION: u32 = 2;

// ---------------------------------------------------------------------------------------------
// Tile math
// ---------------------------------------------------------------------------------------------

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
fn lonlat_to_world_pixel(lon: f64, lat: f64, z: u8) -> Coord<f64> {
    let (wx, wy) = lonlat_to_world(lon, lat);
    let size = f64::from(tiles_per_side(z)) * f64::from(EXTENT);
    Coord {
        x: wx * size,
        y: wy * size,
    }
}

// ---------------------------------------------------------------------------------------------
// Public encoder
// ---------------------------------------------------------------------------------------------

/// A typed MVT property value.
#[derive(Debug, Clone, PartialEq)]
pub enum PropertyValue {
    /// Text.
    String(String),
    /// Signed integer (written as `sint_value`).
    Int(i64),
    /// Unsigned integer (written as `uint_value`).
    UInt(u64),
    /// Floating point number (written as `double_value`).
    Double(f64),
    /// Boolean.
    Bool(bool),
}

impl From<&str> for PropertyValue {
    fn from(v: &str) -> Self {
        Self::String(v.to_owned())
    }
}
impl From<String> for PropertyValue {
    fn from(v: String) -> Self {
        Self::String(v)
    }
}
impl From<i64> for PropertyValue {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}
impl From<i32> for PropertyValue {
    fn from(v: i32) -> Self {
        Self::Int(i64::from(v))
    }
}
impl From<u64> for PropertyValue {
    fn from(v: u64) -> Self {
        Self::UInt(v)
    }
}
impl From<u32> for PropertyValue {
    fn from(v: u32) -> Self {
        Self::UInt(u64::from(v))
    }
}
impl From<f64> for PropertyValue {
    fn from(v: f64) -> Self {
        Self::Double(v)
    }
}
impl From<bool> for PropertyValue {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

impl From<PropertyValue> for TileValue {
    fn from(v: PropertyValue) -> Self {
        match v {
            PropertyValue::String(s) => TileValue::Str(s),
            PropertyValue::Int(i) => TileValue::Sint(i),
            PropertyValue::UInt(u) => TileValue::Uint(u),
            PropertyValue::Double(d) => TileValue::Double(d),
            PropertyValue::Bool(b) => TileValue::Bool(b),
        }
    }
}

/// One feature to put into a tile: a lon/lat geometry (any `geo` type; a
/// `GeometryCollection` becomes one MVT feature per member, sharing id and properties),
/// an optional numeric id and its properties in the order given.
#[derive(Debug, Clone)]
pub struct TileFeature<'a> {
    /// MVT feature id (MVT ids are unsigned integers).
    pub id: Option<u64>,
    /// Geometry in WGS 84 lon/lat.
    pub geometry: &'a Geometry<f64>,
    /// Properties; the same key must not appear twice.
    pub properties: Vec<(&'a str, PropertyValue)>,
}

/// How geometries are fitted to a tile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TileOptions {
    /// Tile units kept beyond each tile edge when clipping.
    pub buffer: u32,
    /// Ramer–Douglas–Peucker tolerance in tile units (`EXTENT` per tile); 0 keeps every vertex.
    pub tolerance: f64,
    /// Rings whose area, in square tile units after simplification, is smaller than this are
    /// dropped; a polygon whose exterior ring is dropped disappears with its holes.
    pub min_ring_area: f64,
}

impl Default for TileOptions {
    /// A 64-unit buffer (1/64 of a tile), a tolerance of 3 units and rings of at least 16 square
    /// units: a tile is drawn 512 pixels wide, so that is under half a pixel and a quarter of
    /// a square pixel.
    fn default() -> Self {
        Self {
            buffer: 64,
            tolerance: 3.0,
            min_ring_area: 16.0,
        }
    }
}

/// Encodes tile `z/x/y` as an uncompressed MVT (protobuf) with [`TileOptions::default`].
///
/// Layers come out in the order given, named as given; a layer left with no feature in this
/// tile is skipped, and a tile with no feature at all is an empty vector (a valid, empty MVT,
/// which a server may answer with `204 No Content`). So is a tile that does not exist
/// (see [`is_valid_tile`]).
pub fn encode_tile(z: u8, x: u32, y: u32, layers: &[(&str, Vec<TileFeature<'_>>)]) -> Vec<u8> {
    encode_tile_with(z, x, y, layers, &TileOptions::default())
}

/// [`encode_tile`] with explicit clipping and simplification options.
pub fn encode_tile_with(
    z: u8,
    x: u32,
    y: u32,
    layers: &[(&str, Vec<TileFeature<'_>>)],
    options: &TileOptions,
) -> Vec<u8> {
    if !is_valid_tile(z, x, y) {
        return Vec::new();
    }
    let window = TileWindow::new(x, y, options.buffer);
    let lonlat_window = window.lonlat_bounds(z);
    let mut tile = Tile::default();
    for (name, features) in layers {
        let mut layer = LayerBuilder::new();
        for feature in features {
            match feature.geometry.bounding_rect() {
                None => continue,
                // Geometries beyond ±180° wrap around, so the box says nothing about them.
                Some(bbox) if bbox.min().x < -180.0 || bbox.max().x > 180.0 => {}
                Some(bbox) if !rects_intersect(&bbox, &lonlat_window) => continue,
                Some(_) => {}
            }
            let mut parts = Vec::new();
            PixelGeometry::project(feature.geometry, z, &mut parts);
            for part in parts {
                let Some(clipped) = part
                    .clip(Axis::X, window.min.x, window.max.x)
                    .and_then(|g| g.clip(Axis::Y, window.min.y, window.max.y))
                else {
                    continue;
                };
                let simplified = clipped.simplify(options.tolerance);
                layer.add(
                    &simplified,
                    window.origin,
                    options.min_ring_area,
                    feature.id,
                    &feature.properties,
                );
            }
        }
        if let Some(layer) = layer.finish(name) {
            tile.layers.push(layer);
        }
    }
    encode_layers(tile)
}

/// Compresses an encoded tile with gzip, as PMTiles archives and most tile servers store them.
/// The output has no timestamp, so the same tile always gives the same bytes.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    encoder.write_all(data).expect("gzip into memory");
    encoder.finish().expect("gzip into memory")
}

/// Serializes a tile; an empty tile is an empty vector.
pub(crate) fn encode_layers(tile: Tile) -> Vec<u8> {
    if tile.layers.is_empty() {
        Vec::new()
    } else {
        tile.encode_to_vec()
    }
}

fn rects_intersect(a: &Rect<f64>, b: &Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

// ---------------------------------------------------------------------------------------------
// Stages shared with the basemap builder
// ---------------------------------------------------------------------------------------------

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
    fn lonlat_bounds(&self, z: u8) -> Rect<f64> {
        let size = f64::from(tiles_per_side(z)) * f64::from(EXTENT);
        let (west, north) = world_to_lonlat(self.min.x / size, self.min.y / size);
        let (east, south) = world_to_lonlat(self.max.x / size, self.max.y / size);
        Rect::new(Coord { x: west, y: south }, Coord { x: east, y: north })
    }
}

/// A clipping axis in pixel space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Axis {
    X,
    Y,
}

impl Axis {
    fn of(self, c: Coord<f64>) -> f64 {
        match self {
            Axis::X => c.x,
            Axis::Y => c.y,
        }
    }

    fn range(self, r: &Rect<f64>) -> (f64, f64) {
        match self {
            Axis::X => (r.min().x, r.max().x),
            Axis::Y => (r.min().y, r.max().y),
        }
    }

    /// The point of segment `a`–`b` where this axis equals `v` (which lies between them).
    fn intersect(self, a: Coord<f64>, b: Coord<f64>, v: f64) -> Coord<f64> {
        let t = (v - self.of(a)) / (self.of(b) - self.of(a));
        match self {
            Axis::X => Coord {
                x: v,
                y: a.y + t * (b.y - a.y),
            },
            Axis::Y => Coord {
                x: a.x + t * (b.x - a.x),
                y: v,
            },
        }
    }
}

/// A geometry in pixel space (world pixels of one zoom, or tile pixels), reduced to the three
/// MVT geometry kinds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PixelGeometry {
    Points(MultiPoint<f64>),
    Lines(MultiLineString<f64>),
    Polygons(MultiPolygon<f64>),
}

impl PixelGeometry {
    /// Projects a lon/lat geometry to world pixels of zoom `z`, appending one pixel geometry
    /// (several for a collection of mixed kinds) to `out`.
    pub fn project(geometry: &Geometry<f64>, z: u8, out: &mut Vec<PixelGeometry>) {
        let p = |c: &Coord<f64>| lonlat_to_world_pixel(c.x, c.y, z);
        let path = |coords: Vec<Coord<f64>>| LineString::new(coords.iter().map(p).collect());
        let line = |l: &LineString<f64>| path(unwrap_longitudes(&l.0));
        let ring = |l: &LineString<f64>| path(unwrap_ring(&l.0));
        let polygon = |poly: &Polygon<f64>| {
            Polygon::new(
                ring(poly.exterior()),
                poly.interiors().iter().map(ring).collect(),
            )
        };
        let geometry = match geometry {
            Geometry::Point(pt) => Self::Points(MultiPoint::new(vec![Point(p(&pt.0))])),
            Geometry::MultiPoint(mp) => Self::Points(MultiPoint::new(
                mp.0.iter().map(|pt| Point(p(&pt.0))).collect(),
            )),
            Geometry::Line(l) => {
                Self::Lines(MultiLineString::new(vec![path(unwrap_longitudes(&[
                    l.start, l.end,
                ]))]))
            }
            Geometry::LineString(l) => Self::Lines(MultiLineString::new(vec![line(l)])),
            Geometry::MultiLineString(ml) => {
                Self::Lines(MultiLineString::new(ml.0.iter().map(line).collect()))
            }
            Geometry::Polygon(poly) => Self::Polygons(MultiPolygon::new(vec![polygon(poly)])),
            Geometry::MultiPolygon(mp) => {
                Self::Polygons(MultiPolygon::new(mp.0.iter().map(polygon).collect()))
            }
            Geometry::Rect(r) => Self::Polygons(MultiPolygon::new(vec![polygon(&r.to_polygon())])),
            Geometry::Triangle(t) => {
                Self::Polygons(MultiPolygon::new(vec![polygon(&t.to_polygon())]))
            }
            Geometry::GeometryCollection(gc) => {
                for g in gc {
                    Self::project(g, z, out);
                }
                return;
            }
        };
        geometry.push_world_copies(f64::from(tiles_per_side(z)) * f64::from(EXTENT), out);
    }

    /// Appends the copies of this geometry, shifted by whole world widths, that overlap the
    /// world `0..=size`: one for most geometries, two for one that crosses the antimeridian.
    fn push_world_copies(self, size: f64, out: &mut Vec<PixelGeometry>) {
        let Some(bbox) = self.bounding_rect() else {
            return;
        };
        let first = ((bbox.min().x - size) / size).ceil() as i64;
        let last = (bbox.max().x / size).floor() as i64;
        if first == 0 && last == 0 {
            out.push(self);
            return;
        }
        for k in first..=last {
            let dx = -(k as f64) * size;
            out.push(match &self {
                Self::Points(g) => Self::Points(g.translate(dx, 0.0)),
                Self::Lines(g) => Self::Lines(g.translate(dx, 0.0)),
                Self::Polygons(g) => Self::Polygons(g.translate(dx, 0.0)),
            });
        }
    }

    pub fn bounding_rect(&self) -> Option<Rect<f64>> {
        match self {
            Self::Points(g) => g.bounding_rect(),
            Self::Lines(g) => g.bounding_rect(),
            Self::Polygons(g) => g.bounding_rect(),
        }
    }

    /// Ramer–Douglas–Peucker simplification with `tolerance` in pixel units.
    pub fn simplify(&self, tolerance: f64) -> PixelGeometry {
        if tolerance <= 0.0 {
            return self.clone();
        }
        match self {
            Self::Points(g) => Self::Points(g.clone()),
            Self::Lines(g) => Self::Lines(g.simplify(tolerance)),
            Self::Polygons(g) => Self::Polygons(g.simplify(tolerance)),
        }
    }

    /// Keeps the part with `min <= axis <= max`; `None` when nothing is left.
    pub fn clip(&self, axis: Axis, min: f64, max: f64) -> Option<PixelGeometry> {
        let bbox = self.bounding_rect()?;
        let (lo, hi) = axis.range(&bbox);
        if hi < min || lo > max {
            return None;
        }
        if lo >= min && hi <= max {
            return Some(self.clone());
        }
        let clipped = match self {
            Self::Points(g) => Self::Points(MultiPoint::new(
                g.0.iter()
                    .filter(|pt| (min..=max).contains(&axis.of(pt.0)))
                    .copied()
                    .collect(),
            )),
            Self::Lines(g) => {
                let mut parts = Vec::new();
                for l in &g.0 {
                    clip_line(&l.0, axis, min, max, &mut parts);
                }
                Self::Lines(MultiLineString::new(parts))
            }
            Self::Polygons(g) => Self::Polygons(MultiPolygon::new(
                g.0.iter()
                    .filter_map(|poly| clip_polygon(poly, axis, min, max))
                    .collect(),
            )),
        };
        (!clipped.is_empty()).then_some(clipped)
    }

    fn is_empty(&self) -> bool {
        match self {
            Self::Points(g) => g.0.is_empty(),
            Self::Lines(g) => g.0.is_empty(),
            Self::Polygons(g) => g.0.is_empty(),
        }
    }

    /// Rounds to the integer grid of the tile whose `(0, 0)` is at `origin`, dropping what
    /// degenerates, and orients rings as MVT wants. The result holds integer coordinates and is
    /// a single geometry when one part is left, a multi-geometry otherwise.
    pub fn quantize(&self, origin: Coord<f64>, min_ring_area: f64) -> Option<Geometry<f64>> {
        let q = |c: &Coord<f64>| Coord {
            x: (c.x - origin.x).round(),
            y: (c.y - origin.y).round(),
        };
        match self {
            Self::Points(g) => {
                let mut points: Vec<Point<f64>> = g.0.iter().map(|pt| Point(q(&pt.0))).collect();
                points.dedup();
                match points.len() {
                    0 => None,
                    1 => Some(Geometry::Point(points[0])),
                    _ => Some(Geometry::MultiPoint(MultiPoint::new(points))),
                }
            }
            Self::Lines(g) => {
                let mut lines: Vec<LineString<f64>> =
                    g.0.iter()
                        .filter_map(|l| {
                            let mut coords: Vec<Coord<f64>> = l.0.iter().map(q).collect();
                            coords.dedup();
                            (coords.len() >= 2).then(|| LineString::new(coords))
                        })
                        .collect();
                match lines.len() {
                    0 => None,
                    1 => lines.pop().map(Geometry::LineString),
                    _ => Some(Geometry::MultiLineString(MultiLineString::new(lines))),
                }
            }
            Self::Polygons(g) => {
                let ring = |l: &LineString<f64>, exterior: bool| -> Option<LineString<f64>> {
                    let mut coords: Vec<Coord<f64>> = l.0.iter().map(q).collect();
                    coords.dedup();
                    if coords.first() != coords.last() {
                        let first = coords[0];
                        coords.push(first);
                    }
                    if coords.len() < 4 {
                        return None;
                    }
                    let area = twice_signed_area(&coords);
                    if (area.abs() as f64) < 2.0 * min_ring_area || area == 0 {
                        return None;
                    }
                    // Positive surveyor's area in y-down tile coordinates marks an exterior ring.
                    if (area > 0) != exterior {
                        coords.reverse();
                    }
                    Some(LineString::new(coords))
                };
                let mut polygons: Vec<Polygon<f64>> =
                    g.0.iter()
                        .filter_map(|poly| {
                            let exterior = ring(poly.exterior(), true)?;
                            let holes = poly
                                .interiors()
                                .iter()
                                .filter_map(|h| ring(h, false))
                                .collect();
                            Some(Polygon::new(exterior, holes))
                        })
                        .collect();
                match polygons.len() {
                    0 => None,
                    1 => polygons.pop().map(Geometry::Polygon),
                    _ => Some(Geometry::MultiPolygon(MultiPolygon::new(polygons))),
                }
            }
        }
    }
}

/// Longitudes made continuous along a path: a step of more than 180° is taken to cross the
/// antimeridian (as in Natural Earth and TopoJSON data), and what follows is shifted by 360° to
/// stay next to it. Longitudes may then leave -180..180; projection copies the geometry back.
fn unwrap_longitudes(coords: &[Coord<f64>]) -> Vec<Coord<f64>> {
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(coords.len());
    let mut shift = 0.0;
    for c in coords {
        if let Some(previous) = out.last() {
            let step = c.x + shift - previous.x;
            if step > 180.0 {
                shift -= 360.0;
            } else if step < -180.0 {
                shift += 360.0;
            }
        }
        out.push(Coord {
            x: c.x + shift,
            y: c.y,
        });
    }
    out
}

/// [`unwrap_longitudes`] for a ring. A ring that crosses the antimeridian an odd number of times
/// goes round a pole (Antarctica): it ends 360° from where it started, and is closed along the
/// pole on its side of the equator.
fn unwrap_ring(coords: &[Coord<f64>]) -> Vec<Coord<f64>> {
    let mut ring = unwrap_longitudes(coords);
    if let (Some(&first), Some(&last)) = (ring.first(), ring.last()) {
        if (last.x - first.x).abs() > 180.0 {
            let mean_lat = ring.iter().map(|c| c.y).sum::<f64>() / ring.len() as f64;
            let pole = if mean_lat < 0.0 { -90.0 } else { 90.0 };
            ring.push(Coord { x: last.x, y: pole });
            ring.push(Coord {
                x: first.x,
                y: pole,
            });
            ring.push(first);
        }
    }
    ring
}

/// Twice the surveyor's-formula area of a closed ring of integer-valued coordinates, exactly.
fn twice_signed_area(ring: &[Coord<f64>]) -> i64 {
    ring.windows(2)
        .map(|w| {
            let (x0, y0, x1, y1) = (w[0].x as i64, w[0].y as i64, w[1].x as i64, w[1].y as i64);
            x0 * y1 - x1 * y0
        })
        .sum()
}

/// Sutherland–Hodgman clipping of one polygon against `min <= axis <= max`; holes are clipped
/// on their own (a hole inside the clipped exterior stays inside it).
fn clip_polygon(poly: &Polygon<f64>, axis: Axis, min: f64, max: f64) -> Option<Polygon<f64>> {
    let clip = |ring: &LineString<f64>| -> Option<LineString<f64>> {
        let lower = clip_ring_half(&ring.0, axis, min, true);
        let both = clip_ring_half(&lower, axis, max, false);
        (both.len() >= 4).then(|| LineString::new(both))
    };
    let exterior = clip(poly.exterior())?;
    let holes = poly.interiors().iter().filter_map(clip).collect();
    Some(Polygon::new(exterior, holes))
}

/// One Sutherland–Hodgman pass: keeps the side of `axis = bound` that is above it when
/// `keep_above`, below it otherwise. Input and output rings are closed (first = last).
fn clip_ring_half(
    ring: &[Coord<f64>],
    axis: Axis,
    bound: f64,
    keep_above: bool,
) -> Vec<Coord<f64>> {
    let inside = |c: Coord<f64>| {
        if keep_above {
            axis.of(c) >= bound
        } else {
            axis.of(c) <= bound
        }
    };
    let mut out = Vec::with_capacity(ring.len() + 4);
    for edge in ring.windows(2) {
        let (a, b) = (edge[0], edge[1]);
        match (inside(a), inside(b)) {
            (true, true) => out.push(b),
            (true, false) => out.push(axis.intersect(a, b, bound)),
            (false, true) => {
                out.push(axis.intersect(a, b, bound));
                out.push(b);
            }
            (false, false) => {}
        }
    }
    if let (Some(&first), Some(&last)) = (out.first(), out.last()) {
        if first != last {
            out.push(first);
        }
    }
    out
}

/// Clips a polyline to `min <= axis <= max`, appending each piece that stays inside to `out`.
fn clip_line(
    coords: &[Coord<f64>],
    axis: Axis,
    min: f64,
    max: f64,
    out: &mut Vec<LineString<f64>>,
) {
    let mut current: Vec<Coord<f64>> = Vec::new();
    let flush = |current: &mut Vec<Coord<f64>>, out: &mut Vec<LineString<f64>>| {
        if current.len() >= 2 {
            out.push(LineString::new(std::mem::take(current)));
        } else {
            current.clear();
        }
    };
    if coords.len() == 1 {
        if (min..=max).contains(&axis.of(coords[0])) {
            out.push(LineString::new(coords.to_vec()));
        }
        return;
    }
    for edge in coords.windows(2) {
        let (a, b) = (edge[0], edge[1]);
        let (va, vb) = (axis.of(a), axis.of(b));
        // The part of the segment inside, as parameters t0 <= t1 and their points.
        let (t0, p0, t1, p1) = if va == vb {
            if (min..=max).contains(&va) {
                (0.0, a, 1.0, b)
            } else {
                (1.0, a, 0.0, b)
            }
        } else {
            let (enter, exit) = if vb > va { (min, max) } else { (max, min) };
            let t_enter = (enter - va) / (vb - va);
            let t_exit = (exit - va) / (vb - va);
            let p0 = if t_enter <= 0.0 {
                a
            } else {
                axis.intersect(a, b, enter)
            };
            let p1 = if t_exit >= 1.0 {
                b
            } else {
                axis.intersect(a, b, exit)
            };
            (t_enter.max(0.0), p0, t_exit.min(1.0), p1)
        };
        if t0 > t1 {
            flush(&mut current, out);
            continue;
        }
        if t0 > 0.0 {
            flush(&mut current, out);
        }
        if current.is_empty() {
            current.push(p0);
        }
        current.push(p1);
        if t1 < 1.0 {
            flush(&mut current, out);
        }
    }
    flush(&mut current, out);
}

/// Collects the features of one layer of one tile: geometry commands from geozero, keys and
/// values deduplicated in first-use order, so the same input always gives the same bytes.
pub(crate) struct LayerBuilder {
    tags: TagsBuilder,
    features: Vec<tile::Feature>,
}

impl LayerBuilder {
    pub fn new() -> Self {
        Self {
            tags: TagsBuilder::new(),
            features: Vec::new(),
        }
    }

    /// Quantizes `geometry` (pixel space, tile origin at `origin`) and adds it as a feature;
    /// returns whether anything was left to add.
    pub fn add(
        &mut self,
        geometry: &PixelGeometry,
        origin: Coord<f64>,
        min_ring_area: f64,
        id: Option<u64>,
        properties: &[(&str, PropertyValue)],
    ) -> bool {
        let Some(geometry) = geometry.quantize(origin, min_ring_area) else {
            return false;
        };
        // Quantized geometries always have enough points, so the writer does not fail.
        let Ok(mut feature) = geometry.to_mvt_unscaled() else {
            return false;
        };
        feature.id = id;
        for (key, value) in properties {
            let (k, v) = self.tags.insert_ref(key, value.clone().into());
            feature.tags.push(k);
            feature.tags.push(v);
        }
        self.features.push(feature);
        true
    }

    /// The finished layer, or `None` when no feature was added.
    pub fn finish(self, name: &str) -> Option<tile::Layer> {
        if self.features.is_empty() {
            return None;
        }
        let (keys, values) = self.tags.into_tags();
        Some(tile::Layer {
            version: MVT_VERSION,
            name: name.to_owned(),
            features: self.features,
            keys,
            values: values.into_iter().map(Into::into).collect(),
            extent: Some(EXTENT),
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use geo::{coord, line_string, point, polygon};
    use geozero::ToGeo;

    /// A decoded feature: geometry in tile units and properties as given by the layer tables.
    #[derive(Debug)]
    pub(crate) struct Decoded {
        pub id: Option<u64>,
        pub geometry: Geometry<f64>,
        pub properties: Vec<(String, TileValue)>,
    }

    /// Decodes an uncompressed MVT into `(layer name, extent, features)`.
    pub(crate) fn decode(data: &[u8]) -> Vec<(String, u32, Vec<Decoded>)> {
        let tile = Tile::decode(data).expect("valid protobuf");
        tile.layers
            .into_iter()
            .map(|layer| {
                let features = layer
                    .features
                    .iter()
                    .map(|f| Decoded {
                        id: f.id,
                        geometry: f.to_geo().expect("valid geometry commands"),
                        properties: f
                            .tags
                            .chunks(2)
                            .map(|kv| {
                                let key = layer.keys[kv[0] as usize].clone();
                                let value = layer.values[kv[1] as usize].clone();
                                (key, TileValue::try_from(value).expect("typed value"))
                            })
                            .collect(),
                    })
                    .collect();
                (layer.name, layer.extent.unwrap_or(4096), features)
            })
            .collect()
    }

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

    #[test]
    fn polygon_clipping_keeps_only_the_buffered_tile() {
        let big = PixelGeometry::Polygons(MultiPolygon::new(vec![polygon![
            (x: -1000.0, y: -1000.0), (x: 5000.0, y: -1000.0), (x: 5000.0, y: 5000.0),
            (x: -1000.0, y: 5000.0), (x: -1000.0, y: -1000.0)
        ]]));
        let w = TileWindow::new(0, 0, 64);
        let clipped = big
            .clip(Axis::X, w.min.x, w.max.x)
            .and_then(|g| g.clip(Axis::Y, w.min.y, w.max.y))
            .unwrap();
        let bbox = clipped.bounding_rect().unwrap();
        assert_eq!((bbox.min().x, bbox.min().y), (-64.0, -64.0));
        assert_eq!((bbox.max().x, bbox.max().y), (4160.0, 4160.0));

        // A triangle poking into the tile from the west keeps only its inside part.
        let tri = PixelGeometry::Polygons(MultiPolygon::new(vec![polygon![
            (x: -2000.0, y: 0.0), (x: 1000.0, y: 1000.0), (x: -2000.0, y: 2000.0), (x: -2000.0, y: 0.0)
        ]]));
        let PixelGeometry::Polygons(clipped) = tri.clip(Axis::X, -64.0, 4160.0).unwrap() else {
            panic!("polygons stay polygons");
        };
        let ring = &clipped.0[0].exterior().0;
        assert!(ring.iter().all(|c| c.x >= -64.0 && c.x <= 1000.0));
        assert!(ring.contains(&coord! { x: 1000.0, y: 1000.0 }));

        // Entirely outside: nothing.
        let far = PixelGeometry::Polygons(MultiPolygon::new(vec![polygon![
            (x: 9000.0, y: 0.0), (x: 9100.0, y: 0.0), (x: 9100.0, y: 100.0), (x: 9000.0, y: 0.0)
        ]]));
        assert!(far.clip(Axis::X, -64.0, 4160.0).is_none());
    }

    #[test]
    fn line_clipping_splits_lines_that_leave_and_return() {
        // In, out beyond x = 100, back in.
        let zigzag = PixelGeometry::Lines(MultiLineString::new(vec![line_string![
            (x: 0.0, y: 0.0), (x: 50.0, y: 10.0), (x: 150.0, y: 20.0), (x: 50.0, y: 30.0), (x: 0.0, y: 40.0)
        ]]));
        let PixelGeometry::Lines(parts) = zigzag.clip(Axis::X, -10.0, 100.0).unwrap() else {
            panic!("lines stay lines");
        };
        assert_eq!(parts.0.len(), 2);
        assert_eq!(parts.0[0].0.first(), Some(&coord! { x: 0.0, y: 0.0 }));
        assert_eq!(parts.0[0].0.last(), Some(&coord! { x: 100.0, y: 15.0 }));
        assert_eq!(parts.0[1].0.first(), Some(&coord! { x: 100.0, y: 25.0 }));
        assert_eq!(parts.0[1].0.last(), Some(&coord! { x: 0.0, y: 40.0 }));

        // A line crossing the whole window in one segment keeps the crossing.
        let across = PixelGeometry::Lines(MultiLineString::new(vec![line_string![
            (x: 300.0, y: 0.0), (x: -300.0, y: 60.0)
        ]]));
        let PixelGeometry::Lines(parts) = across.clip(Axis::X, -100.0, 100.0).unwrap() else {
            panic!("lines stay lines");
        };
        assert_eq!(
            parts.0[0].0,
            vec![coord! { x: 100.0, y: 20.0 }, coord! { x: -100.0, y: 40.0 }]
        );
    }

    fn features<'a>(geometries: &'a [Geometry<f64>]) -> Vec<TileFeature<'a>> {
        geometries
            .iter()
            .enumerate()
            .map(|(i, g)| TileFeature {
                id: Some(i as u64 + 1),
                geometry: g,
                properties: vec![
                    ("name", PropertyValue::from(format!("f{i}"))),
                    ("rank", (i as i64 - 1).into()),
                    ("population", 1000u64.into()),
                    ("share", 0.5.into()),
                    ("capital", (i == 0).into()),
                ],
            })
            .collect()
    }

    #[test]
    fn encoded_tile_decodes_with_layers_features_and_properties() {
        // Tile 6/44/24 spans 67.5..73.125 E, 36.6..40.98 N.
        let inside: Vec<Geometry<f64>> = vec![
            point!(x: 68.78, y: 38.56).into(),
            line_string![(x: 60.0, y: 38.0), (x: 70.0, y: 39.0), (x: 80.0, y: 40.0)].into(),
            polygon![(x: 68.0, y: 37.0), (x: 72.0, y: 37.0), (x: 72.0, y: 40.0), (x: 68.0, y: 40.0),
                (x: 68.0, y: 37.0)]
            .into(),
        ];
        let outside: Vec<Geometry<f64>> = vec![point!(x: 10.0, y: 10.0).into()];
        let data = encode_tile(
            6,
            44,
            24,
            &[
                ("things", features(&inside)),
                ("empty", Vec::new()),
                ("elsewhere", features(&outside)),
            ],
        );
        let layers = decode(&data);
        assert_eq!(layers.len(), 1, "empty layers are skipped");
        let (name, extent, features) = &layers[0];
        assert_eq!((name.as_str(), *extent), ("things", 4096));
        assert_eq!(features.len(), 3);

        let Geometry::Point(p) = features[0].geometry else {
            panic!("a point: {:?}", features[0].geometry);
        };
        // MVT coordinates are y-down tile units.
        assert_eq!((p.x(), p.y()), (932.0, 2293.0));
        assert_eq!(features[0].id, Some(1));
        assert_eq!(
            features[0].properties,
            vec![
                ("name".to_owned(), TileValue::Str("f0".into())),
                ("rank".to_owned(), TileValue::Sint(-1)),
                ("population".to_owned(), TileValue::Uint(1000)),
                ("share".to_owned(), TileValue::Double(0.5)),
                ("capital".to_owned(), TileValue::Bool(true)),
            ]
        );

        let Geometry::LineString(line) = &features[1].geometry else {
            panic!("a line: {:?}", features[1].geometry);
        };
        // Clipped to the buffered tile.
        assert!(line.0.iter().all(|c| (-64.0..=4160.0).contains(&c.x)));
        assert_eq!(line.0.first().unwrap().x, -64.0);
        assert_eq!(line.0.last().unwrap().x, 4160.0);

        let Geometry::Polygon(poly) = &features[2].geometry else {
            panic!("a polygon: {:?}", features[2].geometry);
        };
        let ring: Vec<Coord<f64>> = poly.exterior().0.clone();
        assert!(
            twice_signed_area(&ring) > 0,
            "exterior rings have positive area"
        );
        assert_eq!(features[2].properties[4].1, TileValue::Bool(false));
    }

    #[test]
    fn holes_and_multipolygons_keep_their_winding() {
        // One square with a hole and a second square, both within tile 0/0/0 near (0, 0).
        let shape: Geometry<f64> = MultiPolygon::new(vec![
            Polygon::new(
                line_string![(x: 0.0, y: 0.0), (x: 40.0, y: 0.0), (x: 40.0, y: 40.0), (x: 0.0, y: 40.0), (x: 0.0, y: 0.0)],
                vec![line_string![(x: 10.0, y: 10.0), (x: 30.0, y: 10.0), (x: 30.0, y: 30.0), (x: 10.0, y: 30.0), (x: 10.0, y: 10.0)]],
            ),
            polygon![(x: 60.0, y: 0.0), (x: 80.0, y: 0.0), (x: 80.0, y: 20.0), (x: 60.0, y: 20.0), (x: 60.0, y: 0.0)],
        ])
        .into();
        let layers = decode(&encode_tile(
            0,
            0,
            0,
            &[("shapes", features(std::slice::from_ref(&shape)))],
        ));
        let Geometry::MultiPolygon(mp) = &layers[0].2[0].geometry else {
            panic!("a multipolygon: {:?}", layers[0].2[0].geometry);
        };
        assert_eq!(mp.0.len(), 2);
        assert_eq!(mp.0[0].interiors().len(), 1);
        assert!(twice_signed_area(&mp.0[0].exterior().0) > 0);
        assert!(twice_signed_area(&mp.0[0].interiors()[0].0) < 0);
        assert!(twice_signed_area(&mp.0[1].exterior().0) > 0);
    }

    #[test]
    fn tiny_rings_vanish_at_low_zoom_and_return_when_zoomed_in() {
        // An islet about 1 km across.
        let islet: Geometry<f64> = polygon![(x: 68.0, y: 38.0), (x: 68.01, y: 38.0),
            (x: 68.01, y: 38.01), (x: 68.0, y: 38.01), (x: 68.0, y: 38.0)]
        .into();
        let layer = |z: u8| {
            let (x, y) = lonlat_to_tile(68.005, 38.005, z);
            decode(&encode_tile(
                z,
                x,
                y,
                &[("islets", features(std::slice::from_ref(&islet)))],
            ))
        };
        assert!(
            layer(3).is_empty(),
            "an islet is less than a pixel at zoom 3"
        );
        assert_eq!(layer(10)[0].2.len(), 1);
    }

    #[test]
    fn simplification_drops_vertices_below_the_tolerance() {
        // A line with 1000 vertices wobbling by 1e-5 degrees.
        let wobbly: Geometry<f64> = LineString::new(
            (0..1000)
                .map(
                    |i| coord! { x: 60.0 + f64::from(i) * 0.01, y: 40.0 + f64::from(i % 2) * 1e-5 },
                )
                .collect(),
        )
        .into();
        let layers = decode(&encode_tile(
            4,
            10,
            6,
            &[("l", features(std::slice::from_ref(&wobbly)))],
        ));
        let Geometry::LineString(line) = &layers[0].2[0].geometry else {
            panic!("a line");
        };
        assert!(line.0.len() <= 3, "{} vertices left", line.0.len());
    }

    /// The polygons of one tile's only layer, in tile units.
    fn polygons_of(z: u8, x: u32, y: u32, shape: &Geometry<f64>) -> Vec<Polygon<f64>> {
        let data = encode_tile(z, x, y, &[("l", features(std::slice::from_ref(shape)))]);
        decode(&data)
            .into_iter()
            .flat_map(|(_, _, features)| features)
            .flat_map(|f| match f.geometry {
                Geometry::Polygon(p) => vec![p],
                Geometry::MultiPolygon(mp) => mp.0,
                other => panic!("not a polygon: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn rings_across_the_antimeridian_stay_at_the_world_edges() {
        // Chukotka-like: from 170°E across 180° to 170°W, written with the jump in longitude.
        let chukotka: Geometry<f64> = polygon![(x: 170.0, y: 60.0), (x: -170.0, y: 60.0),
            (x: -170.0, y: 70.0), (x: 170.0, y: 70.0), (x: 170.0, y: 60.0)]
        .into();
        let east = polygons_of(1, 1, 0, &chukotka);
        let west = polygons_of(1, 0, 0, &chukotka);
        assert_eq!((east.len(), west.len()), (1, 1));
        let east_box = east[0].bounding_rect().unwrap();
        let west_box = west[0].bounding_rect().unwrap();
        assert!(
            east_box.min().x >= 3800.0 && east_box.max().x == 4160.0,
            "{east_box:?}"
        );
        assert!(
            west_box.min().x == -64.0 && west_box.max().x <= 300.0,
            "{west_box:?}"
        );
        // No band across the world in between.
        assert!(polygons_of(2, 2, 0, &chukotka).is_empty());
        assert!(polygons_of(2, 1, 0, &chukotka).is_empty());
    }

    #[test]
    fn rings_around_a_pole_are_closed_along_it() {
        // Antarctica-like: once round the world at about 80°S, crossing 180° once.
        let antarctica: Geometry<f64> = polygon![(x: -180.0, y: -80.0), (x: -60.0, y: -78.0),
            (x: 60.0, y: -78.0), (x: 179.0, y: -80.0), (x: -180.0, y: -80.0)]
        .into();
        for x in 0..2 {
            // One polygon, plus a sliver of the world's other copy in the buffer at 180°.
            let polygons = MultiPolygon::new(polygons_of(1, x, 1, &antarctica));
            assert!(!polygons.0.is_empty());
            let b = polygons.bounding_rect().unwrap();
            // The whole width of the tile, from about 78°S down to the bottom of the world.
            assert_eq!((b.min().x, b.max().x, b.max().y), (-64.0, 4160.0, 4096.0));
            let (_, lat) = tile_pixel_to_lonlat(2048.0, b.min().y, 1, x, 1);
            assert!((-80.1..-77.9).contains(&lat), "top edge at {lat}");
        }
        assert!(polygons_of(1, 0, 0, &antarctica).is_empty());
    }

    #[test]
    fn longitudes_are_unwrapped_only_across_the_antimeridian() {
        let c = |x: f64, y: f64| coord! { x: x, y: y };
        assert_eq!(
            unwrap_longitudes(&[c(10.0, 0.0), c(100.0, 0.0), c(-60.0, 0.0)]),
            [c(10.0, 0.0), c(100.0, 0.0), c(-60.0, 0.0)]
        );
        assert_eq!(
            unwrap_longitudes(&[c(179.0, 0.0), c(-179.0, 1.0), c(178.0, 2.0)]),
            [c(179.0, 0.0), c(181.0, 1.0), c(178.0, 2.0)]
        );
    }

    #[test]
    fn all_geometry_kinds_encode() {
        let geometries: Vec<Geometry<f64>> = vec![
            point!(x: 1.0, y: 1.0).into(),
            MultiPoint::new(vec![point!(x: 1.0, y: 1.0), point!(x: 2.0, y: 2.0)]).into(),
            line_string![(x: 0.0, y: 0.0), (x: 3.0, y: 3.0)].into(),
            MultiLineString::new(vec![
                line_string![(x: 0.0, y: 0.0), (x: 3.0, y: 3.0)],
                line_string![(x: 0.0, y: 3.0), (x: 3.0, y: 0.0)],
            ])
            .into(),
            polygon![(x: 0.0, y: 0.0), (x: 3.0, y: 0.0), (x: 3.0, y: 3.0), (x: 0.0, y: 0.0)].into(),
            Rect::new(coord! { x: 4.0, y: 4.0 }, coord! { x: 6.0, y: 6.0 }).into(),
        ];
        let layers = decode(&encode_tile(5, 16, 15, &[("all", features(&geometries))]));
        let kinds: Vec<&str> = layers[0]
            .2
            .iter()
            .map(|f| match f.geometry {
                Geometry::Point(_) => "Point",
                Geometry::MultiPoint(_) => "MultiPoint",
                Geometry::LineString(_) => "LineString",
                Geometry::MultiLineString(_) => "MultiLineString",
                Geometry::Polygon(_) => "Polygon",
                _ => "other",
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "Point",
                "MultiPoint",
                "LineString",
                "MultiLineString",
                "Polygon",
                "Polygon"
            ]
        );
    }

    #[test]
    fn empty_tiles_are_empty_and_gzip_is_deterministic() {
        let far: Vec<Geometry<f64>> = vec![point!(x: -100.0, y: 40.0).into()];
        assert!(encode_tile(6, 44, 24, &[("far", features(&far))]).is_empty());
        assert!(!is_valid_tile(6, 64, 0) && !is_valid_tile(32, 0, 0) && is_valid_tile(31, 0, 0));
        assert!(encode_tile(6, 64, 24, &[("far", features(&far))]).is_empty());
        assert!(encode_tile(40, 0, 0, &[("far", features(&far))]).is_empty());

        let near: Vec<Geometry<f64>> = vec![point!(x: 68.78, y: 38.56).into()];
        let data = encode_tile(6, 44, 24, &[("near", features(&near))]);
        let zipped = gzip(&data);
        assert_eq!(zipped, gzip(&data));
        assert_eq!(&zipped[..2], &[0x1f, 0x8b]);
        let mut unzipped = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&zipped[..]),
            &mut unzipped,
        )
        .unwrap();
        assert_eq!(unzipped, data);
    }
}
