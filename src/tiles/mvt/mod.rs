//! Mapbox Vector Tile encoding: the public encoder ([`encode_tile`]) over three parts, the tile
//! grid (`grid`: tile math and bounds), pixel geometry (`pixel`: projection, clipping,
//! simplification, quantizing) and the layer encoder (`layer`: properties, protobuf layers).
//! `writer` writes one layer straight into protobuf bytes, with the same bytes as `layer` and
//! prost, for tiles made on request ([`tile_parts`] gives it the quantized geometries).
//!
//! Every geometry goes through the same stages, each one a small function of those parts:
//!
//! 1. **project**: lon/lat (WGS 84) to *world pixels* of one zoom level, Web Mercator scaled so
//!    that one tile is [`EXTENT`] units wide (y grows southwards, as in tile coordinates).
//!    A step of more than 180° in longitude is read as crossing the antimeridian, as Natural
//!    Earth and TopoJSON data write it: the path is unwrapped to stay continuous and a ring that
//!    goes round a pole is closed along it (`geom::antimeridian`), and the part beyond ±180° is
//!    copied to the other edge of the world, so no band is drawn across the map;
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

mod grid;
mod layer;
mod pixel;
mod writer;

pub use grid::{
    buffered_tile_bounds_lonlat, is_valid_tile, lonlat_to_tile, lonlat_to_tile_pixel,
    lonlat_to_world, tile_bounds_lonlat, tile_bounds_mercator, tile_pixel_to_lonlat,
    tiles_per_side, world_to_lonlat, EXTENT, MAX_LATITUDE, MAX_ZOOM, MERCATOR_HALF_WORLD,
};
pub use layer::PropertyValue;

pub(crate) use grid::TileWindow;
pub(crate) use layer::LayerBuilder;
pub(crate) use pixel::{Axis, PixelGeometry};
pub(crate) use writer::LayerWriter;
pub use writer::ValueRef;

use geo::{BoundingRect, Geometry, Rect};
use geozero::mvt::{Message, Tile};
use std::io::Write;

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
    encode_layers(tile_layers(z, x, y, layers, options))
}

/// The layers of tile `z/x/y` before serializing, for builders that add layers of their own
/// (see [`encode_tile_with`]); a tile that does not exist has none.
pub(crate) fn tile_layers(
    z: u8,
    x: u32,
    y: u32,
    layers: &[(&str, Vec<TileFeature<'_>>)],
    options: &TileOptions,
) -> Tile {
    let mut tile = Tile::default();
    if !is_valid_tile(z, x, y) {
        return tile;
    }
    let window = TileWindow::new(x, y, options.buffer);
    let lonlat_window = window.lonlat_bounds(z);
    for (name, features) in layers {
        let mut layer = LayerBuilder::new();
        for feature in features {
            tile_parts(
                feature.geometry,
                z,
                &window,
                &lonlat_window,
                options,
                |part| {
                    layer.add_quantized(part, feature.id, &feature.properties);
                },
            );
        }
        if let Some(layer) = layer.finish(name) {
            tile.layers.push(layer);
        }
    }
    tile
}

/// The parts of a lon/lat `geometry` in the buffered tile `window` of zoom `z`, each projected,
/// clipped, simplified and quantized to integer tile units, handed to `part` in order (one for
/// most geometries; a `GeometryCollection` or a copy across the antimeridian gives more).
/// `lonlat_window` is the window in degrees, for rejecting far geometries cheaply.
pub(crate) fn tile_parts(
    geometry: &Geometry<f64>,
    z: u8,
    window: &TileWindow,
    lonlat_window: &Rect<f64>,
    options: &TileOptions,
    mut part: impl FnMut(&Geometry<f64>),
) {
    match geometry.bounding_rect() {
        None => return,
        // Geometries beyond ±180° wrap around, so the box says nothing about them.
        Some(bbox) if bbox.min().x < -180.0 || bbox.max().x > 180.0 => {}
        Some(bbox) if !rects_intersect(&bbox, lonlat_window) => return,
        Some(_) => {}
    }
    if let Geometry::Point(point) = geometry {
        if let Some(kept) = point_part(point, z, window) {
            if let Some(kept) = kept {
                part(&Geometry::Point(kept));
            }
            return;
        }
    }
    let mut parts = Vec::new();
    PixelGeometry::project(geometry, z, &mut parts);
    for projected in parts {
        let Some(clipped) = projected
            .clip(Axis::X, window.min.x, window.max.x)
            .and_then(|g| g.clip(Axis::Y, window.min.y, window.max.y))
        else {
            continue;
        };
        let simplified = clipped.simplify(options.tolerance);
        if let Some(quantized) = simplified.quantize(window.origin, options.min_ring_area) {
            part(&quantized);
        }
    }
}

/// What the stages of [`tile_parts`] make of a point, without building a pixel geometry:
/// `Some(kept)` for a point inside the world (one copy, which clipping keeps whole or drops and
/// simplification leaves as it is), `None` for one the full stages must handle (on or beyond
/// the antimeridian, or not a number).
fn point_part(
    point: &geo::Point<f64>,
    z: u8,
    window: &TileWindow,
) -> Option<Option<geo::Point<f64>>> {
    let world = grid::lonlat_to_world_pixel(point.x(), point.y(), z);
    let size = f64::from(tiles_per_side(z)) * f64::from(EXTENT);
    if !(0.0 < world.x && world.x < size) || world.y.is_nan() {
        return None;
    }
    let inside = (window.min.x..=window.max.x).contains(&world.x)
        && (window.min.y..=window.max.y).contains(&world.y);
    Some(inside.then(|| {
        geo::Point::new(
            (world.x - window.origin.x).round(),
            (world.y - window.origin.y).round(),
        )
    }))
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

#[cfg(test)]
pub(crate) mod tests {
    use super::pixel::twice_signed_area;
    use super::*;
    use geo::{coord, line_string, point, polygon};
    use geo::{Coord, LineString, MultiLineString, MultiPoint, MultiPolygon, Polygon};
    use geozero::mvt::TileValue;
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
    fn the_point_shortcut_gives_what_the_full_stages_give() {
        let options = TileOptions::default();
        // Points on a grid finer than a tile unit around tile 6/44/24 and its buffer, and
        // points near the world's edges, where the shortcut hands over to the full stages.
        let bounds = buffered_tile_bounds_lonlat(6, 44, 24, 2 * options.buffer);
        let mut points = Vec::new();
        for i in 0..=300 {
            for j in 0..=300 {
                let lon = bounds.min().x + (bounds.max().x - bounds.min().x) * f64::from(i) / 300.0;
                let lat = bounds.min().y + (bounds.max().y - bounds.min().y) * f64::from(j) / 300.0;
                points.push(point!(x: lon, y: lat));
            }
        }
        points.extend([
            point!(x: 180.0, y: 0.0),
            point!(x: -180.0, y: 0.0),
            point!(x: 179.99, y: 85.0),
        ]);
        for (z, x, y) in [(6, 44, 24), (0, 0, 0), (1, 1, 0), (1, 0, 1)] {
            let window = TileWindow::new(x, y, options.buffer);
            for point in &points {
                let mut full = Vec::new();
                let mut parts = Vec::new();
                PixelGeometry::project(&Geometry::Point(*point), z, &mut parts);
                for part in parts {
                    let kept = part
                        .clip(Axis::X, window.min.x, window.max.x)
                        .and_then(|g| g.clip(Axis::Y, window.min.y, window.max.y))
                        .and_then(|g| {
                            g.simplify(options.tolerance)
                                .quantize(window.origin, options.min_ring_area)
                        });
                    full.extend(kept);
                }
                match point_part(point, z, &window) {
                    Some(kept) => assert_eq!(
                        kept.map(Geometry::Point).into_iter().collect::<Vec<_>>(),
                        full,
                        "{point:?} at {z}/{x}/{y}"
                    ),
                    None => assert!(
                        point.x().abs() >= 180.0,
                        "{point:?} left to the full stages"
                    ),
                }
            }
        }
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
