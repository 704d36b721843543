//! The default vector basemap: countries, shared land borders and places, tiled into a PMTiles
//! archive that the map page reads with HTTP range requests.
//!
//! The builder walks the pyramid zoom by zoom. For each zoom it projects every feature to world
//! pixels and simplifies it once (`mvt` stages), then cuts the world into tile columns: each
//! feature is clipped to a column once, and the column pieces to each tile of the column. The
//! work per zoom is thus about one pass over the data per column and per row, and columns are
//! independent, so they are shared between threads. Tiles are then sorted by PMTiles tile id
//! (Hilbert order) and written with the `pmtiles` crate's writer, which gzips them and stores
//! identical tiles once (the many tiles inside a large country are all the same square).
//! Nothing depends on thread timing or hash order, so the same input gives the same bytes.
//!
//! Layers, with the field names the map page styles on:
//! - `countries`: polygons, `id` (ISO 3166-1 alpha-3) and `name`;
//! - `boundaries`: shared land borders as lines, `id` such as `AFG-TJK`;
//! - `coasts`: the rest of each country's outline (coasts) as lines, `id` the country's
//!   ISO3 code. With `boundaries` it draws the outline of any set of countries without the
//!   borders inside it, and without the tile edges that outlining the polygons would show;
//! - `country_labels`: one point per country for its name, inside its largest part, with
//!   `id`, `name` and `area_km2` (of the whole country, for label priority): labelling the
//!   polygons themselves would repeat a name in every tile the country spans;
//! - `places`: points, `name`, `country`, `population`, `capital`, `rank`. A place appears from
//!   zoom [`place_min_zoom`] on, so low zooms carry only capitals and large cities, and within a
//!   tile places come most prominent first, which is the order MapLibre places labels in.

use super::mvt::{self, Axis, LayerBuilder, PixelGeometry, PropertyValue, TileWindow};
use anyhow::Context;
use geo::{
    BoundingRect, GeodesicArea, Geometry, InteriorPoint, MultiLineString, MultiPolygon, Point, Rect,
};
use geozero::mvt::Tile;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pmtiles::{PmTilesWriter, TileCoord, TileId, TileType};
use serde_json::json;
use std::io::{Cursor, IsTerminal};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

/// Name of the country polygon layer.
pub const COUNTRIES_LAYER: &str = "countries";
/// Name of the shared border line layer.
pub const BOUNDARIES_LAYER: &str = "boundaries";
/// Name of the coast line layer.
pub const COASTS_LAYER: &str = "coasts";
/// Name of the country label point layer.
pub const COUNTRY_LABELS_LAYER: &str = "country_labels";
/// Name of the place point layer.
pub const PLACES_LAYER: &str = "places";

/// Lowest zoom of the default basemap.
pub const DEFAULT_MIN_ZOOM: u8 = 0;
/// Highest zoom of the default basemap. Natural Earth 1:10m has no detail beyond it (its
/// vertices lie about 0.002° apart, one tile unit at zoom 6 is 0.0014°); clients overzoom.
pub const DEFAULT_MAX_ZOOM: u8 = 6;

/// Title written into the archive metadata.
pub const BASEMAP_NAME: &str = "forcemap basemap";
/// Attribution written into the archive metadata.
pub const BASEMAP_ATTRIBUTION: &str = "Natural Earth; GeoNames";
/// Default view: the CSTO region, `(lon, lat, zoom)`.
pub const BASEMAP_CENTER: (f64, f64, u8) = (65.0, 45.0, 3);

/// Simplification below the highest zoom, in tile units (see [`mvt::TileOptions`]).
const TOLERANCE: f64 = 3.0;
/// Simplification at the highest zoom, which clients overzoom, so it keeps more.
const MAX_ZOOM_TOLERANCE: f64 = 1.0;

/// A populated place for the `places` layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Place<'a> {
    /// Label.
    pub name: &'a str,
    /// ISO 3166-1 alpha-3 code of its country.
    pub country: &'a str,
    /// Inhabitants (0 when unknown).
    pub population: u64,
    /// Whether it is a national capital.
    pub capital: bool,
    /// Prominence, 0 most prominent: the place appears from zoom `rank` on (capitals from zoom 2
    /// at the latest), see [`place_min_zoom`]; [`rank_for_population`] derives one.
    pub rank: u8,
    /// Location, lon/lat.
    pub point: Point<f64>,
}

/// What the basemap is made of; everything in WGS 84 lon/lat.
#[derive(Debug, Clone, Default)]
pub struct BasemapInput<'a> {
    /// `(ISO3 id, name, outline)` of each country.
    pub countries: Vec<(&'a str, &'a str, &'a MultiPolygon<f64>)>,
    /// `(id, line)` of each shared land border, id like `AFG-TJK`.
    pub boundaries: Vec<(&'a str, &'a MultiLineString<f64>)>,
    /// `(ISO3 id, line)` of each country's coast.
    pub coasts: Vec<(&'a str, &'a MultiLineString<f64>)>,
    /// Populated places.
    pub places: Vec<Place<'a>>,
}

/// The zoom levels to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BasemapOptions {
    /// Lowest zoom level.
    pub min_zoom: u8,
    /// Highest zoom level (clients overzoom beyond it).
    pub max_zoom: u8,
}

impl Default for BasemapOptions {
    fn default() -> Self {
        Self {
            min_zoom: DEFAULT_MIN_ZOOM,
            max_zoom: DEFAULT_MAX_ZOOM,
        }
    }
}

/// Highest zoom a basemap may have: world pixels of zoom 20 still fit the tile math exactly,
/// and more would only make empty detail.
const MAX_BASEMAP_ZOOM: u8 = 20;

/// A rank from population alone, for sources without one: 8 million inhabitants or more give
/// rank 1, 3 million 2, 1 million 3, then 500 000, 200 000, 100 000, 50 000 and 20 000 for ranks
/// 4 to 8; smaller places get 9, unknown populations (0) 10.
pub fn rank_for_population(population: u64) -> u8 {
    const STEPS: [u64; 8] = [
        8_000_000, 3_000_000, 1_000_000, 500_000, 200_000, 100_000, 50_000, 20_000,
    ];
    if population == 0 {
        return 10;
    }
    STEPS
        .iter()
        .position(|&step| population >= step)
        .map_or(9, |i| i as u8 + 1)
}

/// The lowest zoom at which a place is in the tiles: its rank, at most 2 for capitals. Places
/// ranked beyond the highest zoom of an archive appear at that zoom.
pub fn place_min_zoom(place: &Place<'_>) -> u8 {
    if place.capital {
        place.rank.min(2)
    } else {
        place.rank
    }
}

/// A progress bar for [`build_basemap`], drawn on standard error and hidden when that is not a
/// terminal (so logs and pipes stay clean).
pub fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{msg:>8} [{bar:40}] {pos}/{len} tiles ({elapsed})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Builds the basemap as a PMTiles v3 archive of gzip-compressed MVT tiles.
///
/// `progress` gets the number of candidate tiles (those within the data's extent) as its
/// length and advances by one per candidate; empty tiles are not stored.
///
/// # Errors
/// When the zoom range is empty or beyond zoom 20, or the archive cannot be written.
pub fn build_basemap(
    input: &BasemapInput<'_>,
    options: &BasemapOptions,
    progress: &ProgressBar,
) -> anyhow::Result<Vec<u8>> {
    let BasemapOptions { min_zoom, max_zoom } = *options;
    anyhow::ensure!(
        min_zoom <= max_zoom && max_zoom <= MAX_BASEMAP_ZOOM,
        "invalid basemap zoom range {min_zoom}..={max_zoom} (zooms go from 0 to {MAX_BASEMAP_ZOOM})"
    );

    // Places most prominent first, ties broken by population, then name, so that the order is
    // total and labels that matter win placement.
    let mut places: Vec<&Place<'_>> = input.places.iter().collect();
    places.sort_by(|a, b| {
        place_min_zoom(a)
            .cmp(&place_min_zoom(b))
            .then(b.capital.cmp(&a.capital))
            .then(b.population.cmp(&a.population))
            .then(a.name.cmp(b.name))
            .then(a.country.cmp(b.country))
    });

    let sources = Sources::new(input, &places);
    let total: u64 = (min_zoom..=max_zoom)
        .map(|z| sources.tile_range(z).map_or(0, |r| r.count()))
        .sum();
    progress.set_length(total);
    progress.set_position(0);

    let bounds = sources.lonlat_bounds();
    let (lon, lat, zoom) = BASEMAP_CENTER;
    let mut out = Cursor::new(Vec::new());
    let mut writer = PmTilesWriter::new(TileType::Mvt)
        .min_zoom(min_zoom)
        .max_zoom(max_zoom)
        .bounds(
            bounds.min().x,
            bounds.min().y,
            bounds.max().x,
            bounds.max().y,
        )
        .center(lon, lat)
        .center_zoom(zoom.clamp(min_zoom, max_zoom))
        .metadata(metadata(options, &sources).to_string())
        .create(&mut out)
        .context("starting the basemap archive")?;
    // Tile ids grow with the zoom, so writing level by level, each sorted, keeps the archive
    // clustered while only one level is held in memory.
    for z in min_zoom..=max_zoom {
        progress.set_message(format!("zoom {z}"));
        let mut level = build_level(&sources, z, z == max_zoom, progress);
        level.sort_unstable_by_key(|(id, _)| *id);
        for (id, data) in &level {
            let coord = TileCoord::from(TileId::new(*id).context("tile id")?);
            writer
                .add_tile(coord, data)
                .context("writing a basemap tile")?;
        }
    }
    progress.finish();
    writer.finalize().context("finishing the basemap archive")?;
    Ok(out.into_inner())
}

/// The archive metadata: TileJSON fields plus `vector_layers` with each layer's fields.
fn metadata(options: &BasemapOptions, sources: &Sources<'_>) -> serde_json::Value {
    let (min, max) = (options.min_zoom, options.max_zoom);
    let places_min = sources
        .places
        .iter()
        .map(|(p, _)| place_min_zoom(p))
        .min()
        .map_or(min, |z| z.clamp(min, max));
    json!({
        "name": BASEMAP_NAME,
        "description": "Countries, shared land borders and populated places",
        "attribution": BASEMAP_ATTRIBUTION,
        "version": "1.0.0",
        "type": "baselayer",
        "format": "pbf",
        "generator": concat!("forcemap ", env!("CARGO_PKG_VERSION")),
        "vector_layers": [
            {
                "id": COUNTRIES_LAYER,
                "description": "Country outlines (Natural Earth 1:10m admin-0)",
                "minzoom": min, "maxzoom": max,
                "fields": { "id": "String", "name": "String" }
            },
            {
                "id": BOUNDARIES_LAYER,
                "description": "Land borders shared by two countries",
                "minzoom": min, "maxzoom": max,
                "fields": { "id": "String" }
            },
            {
                "id": COASTS_LAYER,
                "description": "Country outlines where they border no other country (coasts)",
                "minzoom": min, "maxzoom": max,
                "fields": { "id": "String" }
            },
            {
                "id": COUNTRY_LABELS_LAYER,
                "description": "One point per country for its name label, largest countries first",
                "minzoom": min, "maxzoom": max,
                "fields": { "id": "String", "name": "String", "area_km2": "Number" }
            },
            {
                "id": PLACES_LAYER,
                "description": "Populated places, most prominent first",
                "minzoom": places_min, "maxzoom": max,
                "fields": {
                    "name": "String", "country": "String", "population": "Number",
                    "capital": "Boolean", "rank": "Number"
                }
            }
        ]
    })
}

/// One country or border as the builder needs it.
struct Source<'a> {
    /// Lon/lat.
    geometry: Geometry<f64>,
    /// Lon/lat bounding box.
    bbox: Rect<f64>,
    properties: Vec<(&'a str, PropertyValue)>,
}

/// The input with what the builder needs per feature.
struct Sources<'a> {
    countries: Vec<Source<'a>>,
    boundaries: Vec<Source<'a>>,
    coasts: Vec<Source<'a>>,
    /// Largest country first.
    country_labels: Vec<Source<'a>>,
    /// Sorted as they go into tiles.
    places: Vec<(&'a Place<'a>, Vec<(&'a str, PropertyValue)>)>,
}

impl<'a> Sources<'a> {
    fn new(input: &BasemapInput<'a>, places: &[&'a Place<'a>]) -> Self {
        let source = |geometry: Geometry<f64>, properties| {
            Some(Source {
                bbox: geometry.bounding_rect()?,
                geometry,
                properties,
            })
        };
        let countries = input
            .countries
            .iter()
            .filter_map(|&(id, name, shape)| {
                let properties = vec![("id", id.into()), ("name", name.into())];
                source(Geometry::MultiPolygon(shape.clone()), properties)
            })
            .collect();
        let lines = |lines: &[(&'a str, &'a MultiLineString<f64>)]| -> Vec<Source<'a>> {
            lines
                .iter()
                .filter_map(|&(id, line)| {
                    source(
                        Geometry::MultiLineString(line.clone()),
                        vec![("id", id.into())],
                    )
                })
                .collect()
        };
        let boundaries = lines(&input.boundaries);
        let coasts = lines(&input.coasts);
        let country_labels = country_labels(&input.countries);
        let places = places
            .iter()
            .map(|&p| {
                let props = vec![
                    ("name", p.name.into()),
                    ("country", p.country.into()),
                    ("population", p.population.into()),
                    ("capital", p.capital.into()),
                    ("rank", i64::from(p.rank).into()),
                ];
                (p, props)
            })
            .collect();
        Self {
            countries,
            boundaries,
            coasts,
            country_labels,
            places,
        }
    }

    /// Extent of all features in lon/lat, within the Web Mercator world; the world when empty.
    fn lonlat_bounds(&self) -> Rect<f64> {
        let rects = self
            .countries
            .iter()
            .chain(&self.boundaries)
            .chain(&self.coasts)
            .map(|s| s.bbox)
            .chain(
                self.places
                    .iter()
                    .map(|(p, _)| Rect::new(p.point.0, p.point.0)),
            );
        let merged = rects.reduce(|a, b| {
            Rect::new(
                geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
            )
        });
        let lat = mvt::MAX_LATITUDE;
        let r = merged.unwrap_or_else(|| {
            Rect::new(
                geo::coord! { x: -180.0, y: -lat },
                geo::coord! { x: 180.0, y: lat },
            )
        });
        Rect::new(
            geo::coord! { x: r.min().x.clamp(-180.0, 180.0), y: r.min().y.clamp(-lat, lat) },
            geo::coord! { x: r.max().x.clamp(-180.0, 180.0), y: r.max().y.clamp(-lat, lat) },
        )
    }

    /// The tiles of zoom `z` that the data's extent touches, or `None` without data.
    fn tile_range(&self, z: u8) -> Option<TileRange> {
        if self.countries.is_empty()
            && self.boundaries.is_empty()
            && self.coasts.is_empty()
            && self.places.is_empty()
        {
            return None;
        }
        let b = self.lonlat_bounds();
        let (x0, y0) = mvt::lonlat_to_tile(b.min().x, b.max().y, z);
        let (x1, y1) = mvt::lonlat_to_tile(b.max().x, b.min().y, z);
        Some(TileRange { x0, x1, y0, y1 })
    }
}

#[derive(Debug, Clone, Copy)]
struct TileRange {
    x0: u32,
    x1: u32,
    y0: u32,
    y1: u32,
}

impl TileRange {
    fn count(self) -> u64 {
        u64::from(self.x1 - self.x0 + 1) * u64::from(self.y1 - self.y0 + 1)
    }
}

/// Where each country's name goes: a point inside its largest part (by geodesic area), with
/// its properties, largest country first (ties by id) so that big countries win label
/// placement.
fn country_labels<'a>(countries: &[(&'a str, &'a str, &'a MultiPolygon<f64>)]) -> Vec<Source<'a>> {
    let mut labels: Vec<(f64, &str, Source<'a>)> = countries
        .iter()
        .filter_map(|&(id, name, shape)| {
            let areas: Vec<f64> = shape.0.iter().map(|p| p.geodesic_area_unsigned()).collect();
            let largest = (0..areas.len()).max_by(|&a, &b| areas[a].total_cmp(&areas[b]))?;
            let point = shape.0[largest].interior_point()?;
            let area_km2 = areas.iter().sum::<f64>() / 1e6;
            let label = Source {
                geometry: Geometry::Point(point),
                bbox: Rect::new(point.0, point.0),
                properties: vec![
                    ("id", id.into()),
                    ("name", name.into()),
                    ("area_km2", (area_km2.round() as u64).into()),
                ],
            };
            Some((area_km2, id, label))
        })
        .collect();
    labels.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    labels.into_iter().map(|(_, _, label)| label).collect()
}

/// A feature of one zoom level in world pixels.
struct Prepared<'s> {
    geometry: PixelGeometry,
    bbox: Rect<f64>,
    properties: &'s [(&'s str, PropertyValue)],
}

/// Projects and simplifies one layer's features for zoom `z`.
fn prepare<'s>(features: &'s [Source<'s>], z: u8, tolerance: f64) -> Vec<Prepared<'s>> {
    let mut out = Vec::with_capacity(features.len());
    let mut parts = Vec::new();
    for Source {
        geometry,
        properties,
        ..
    } in features
    {
        parts.clear();
        PixelGeometry::project(geometry, z, &mut parts);
        for part in parts.drain(..) {
            let geometry = part.simplify(tolerance);
            if let Some(bbox) = geometry.bounding_rect() {
                out.push(Prepared {
                    geometry,
                    bbox,
                    properties,
                });
            }
        }
    }
    out
}

/// Every non-empty tile of zoom `z`, as `(PMTiles tile id, uncompressed MVT)`, in no particular
/// order.
fn build_level(
    sources: &Sources<'_>,
    z: u8,
    is_max_zoom: bool,
    progress: &ProgressBar,
) -> Vec<(u64, Vec<u8>)> {
    let Some(range) = sources.tile_range(z) else {
        return Vec::new();
    };
    let tolerance = if is_max_zoom {
        MAX_ZOOM_TOLERANCE
    } else {
        TOLERANCE
    };
    let options = mvt::TileOptions {
        tolerance,
        min_ring_area: tolerance * tolerance * 2.0,
        ..mvt::TileOptions::default()
    };
    let countries = prepare(&sources.countries, z, tolerance);
    let boundaries = prepare(&sources.boundaries, z, tolerance);
    let coasts = prepare(&sources.coasts, z, tolerance);
    let country_labels = prepare(&sources.country_labels, z, tolerance);
    let places: Vec<Prepared<'_>> = sources
        .places
        .iter()
        .filter(|(p, _)| is_max_zoom || place_min_zoom(p) <= z)
        .filter_map(|(p, props)| {
            let mut parts = Vec::new();
            PixelGeometry::project(&Geometry::Point(p.point), z, &mut parts);
            let geometry = parts.pop()?;
            Some(Prepared {
                bbox: geometry.bounding_rect()?,
                geometry,
                properties: props,
            })
        })
        .collect();
    let layers = [
        (COUNTRIES_LAYER, &countries),
        (BOUNDARIES_LAYER, &boundaries),
        (COASTS_LAYER, &coasts),
        (COUNTRY_LABELS_LAYER, &country_labels),
        (PLACES_LAYER, &places),
    ];

    let next_column = AtomicU32::new(range.x0);
    let results = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min((range.x1 - range.x0 + 1) as usize);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut local = Vec::new();
                loop {
                    let x = next_column.fetch_add(1, Ordering::Relaxed);
                    if x > range.x1 {
                        break;
                    }
                    build_column(z, x, range, &layers, &options, progress, &mut local);
                }
                results.lock().expect("no panics").extend(local);
            });
        }
    });
    results.into_inner().expect("no panics")
}

/// The tiles of column `x`: each feature is clipped to the column once, then the pieces to
/// each tile.
fn build_column(
    z: u8,
    x: u32,
    range: TileRange,
    layers: &[(&str, &Vec<Prepared<'_>>)],
    options: &mvt::TileOptions,
    progress: &ProgressBar,
    out: &mut Vec<(u64, Vec<u8>)>,
) {
    let column = TileWindow::new(x, 0, options.buffer);
    let pieces: Vec<Vec<Prepared<'_>>> = layers
        .iter()
        .map(|(_, features)| {
            features
                .iter()
                .filter(|f| f.bbox.max().x >= column.min.x && f.bbox.min().x <= column.max.x)
                .filter_map(|f| {
                    let geometry = f.geometry.clip(Axis::X, column.min.x, column.max.x)?;
                    Some(Prepared {
                        bbox: geometry.bounding_rect()?,
                        geometry,
                        properties: f.properties,
                    })
                })
                .collect()
        })
        .collect();
    if pieces.iter().all(Vec::is_empty) {
        progress.inc(u64::from(range.y1 - range.y0 + 1));
        return;
    }
    for y in range.y0..=range.y1 {
        let window = TileWindow::new(x, y, options.buffer);
        let mut tile = Tile::default();
        for ((name, _), features) in layers.iter().zip(&pieces) {
            let mut layer = LayerBuilder::new();
            for f in features {
                if f.bbox.max().y < window.min.y || f.bbox.min().y > window.max.y {
                    continue;
                }
                if let Some(g) = f.geometry.clip(Axis::Y, window.min.y, window.max.y) {
                    layer.add(&g, window.origin, options.min_ring_area, None, f.properties);
                }
            }
            if let Some(layer) = layer.finish(name) {
                tile.layers.push(layer);
            }
        }
        let data = mvt::encode_layers(tile);
        if !data.is_empty() {
            let coord = TileCoord::new(z, x, y).expect("tile within its zoom");
            out.push((TileId::from(coord).value(), data));
        }
        progress.inc(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiles::archive::TileArchive;
    use crate::tiles::mvt::tests::decode;
    use geo::{line_string, point, polygon};
    use geozero::mvt::TileValue;

    fn square(west: f64, south: f64, east: f64, north: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon![
            (x: west, y: south), (x: east, y: south), (x: east, y: north),
            (x: west, y: north), (x: west, y: south)
        ]])
    }

    /// Two neighbours sharing the meridian 70°E, their border, Alphaland's coast, a capital
    /// and a town.
    fn build(max_zoom: u8) -> (Vec<u8>, ProgressBar) {
        let aaa = square(60.0, 40.0, 70.0, 50.0);
        let bbb = square(70.0, 40.0, 80.0, 50.0);
        let border =
            MultiLineString::new(vec![line_string![(x: 70.0, y: 40.0), (x: 70.0, y: 50.0)]]);
        let coast = MultiLineString::new(vec![line_string![
            (x: 70.0, y: 50.0), (x: 60.0, y: 50.0), (x: 60.0, y: 40.0), (x: 70.0, y: 40.0)
        ]]);
        let input = BasemapInput {
            countries: vec![("AAA", "Alphaland", &aaa), ("BBB", "Betaland", &bbb)],
            boundaries: vec![("AAA-BBB", &border)],
            coasts: vec![("AAA", &coast)],
            places: vec![
                Place {
                    name: "Betatown",
                    country: "BBB",
                    population: 250_000,
                    capital: false,
                    rank: rank_for_population(250_000),
                    point: point!(x: 75.0, y: 45.0),
                },
                Place {
                    name: "Alpha City",
                    country: "AAA",
                    population: 900_000,
                    capital: true,
                    rank: 4,
                    point: point!(x: 65.0, y: 45.0),
                },
            ],
        };
        let progress = ProgressBar::hidden();
        let options = BasemapOptions {
            min_zoom: 0,
            max_zoom,
        };
        let bytes = build_basemap(&input, &options, &progress).expect("builds");
        (bytes, progress)
    }

    fn layer_names(tile: &[u8]) -> Vec<String> {
        decode(tile).into_iter().map(|(name, _, _)| name).collect()
    }

    #[test]
    fn ranks_and_zooms() {
        assert_eq!(rank_for_population(10_000_000), 1);
        assert_eq!(rank_for_population(1_000_000), 3);
        assert_eq!(rank_for_population(250_000), 5);
        assert_eq!(rank_for_population(1_000), 9);
        assert_eq!(rank_for_population(0), 10);
        let mut place = Place {
            name: "x",
            country: "XXX",
            population: 0,
            capital: false,
            rank: 7,
            point: point!(x: 0.0, y: 0.0),
        };
        assert_eq!(place_min_zoom(&place), 7);
        place.capital = true;
        assert_eq!(place_min_zoom(&place), 2);
    }

    #[test]
    fn tiny_basemap_reads_back_through_the_archive() {
        let (bytes, progress) = build(5);
        let archive = TileArchive::new(bytes).expect("a PMTiles v3 archive");
        assert_eq!((archive.min_zoom(), archive.max_zoom()), (0, 5));
        assert_eq!(archive.tile_type(), TileType::Mvt);
        assert_eq!(archive.tile_compression(), pmtiles::Compression::Gzip);
        assert_eq!(archive.center(), (65.0, 45.0, 3));
        assert_eq!(archive.bounds(), [60.0, 40.0, 80.0, 50.0]);
        assert_eq!(progress.position(), progress.length().unwrap());
        assert!(progress.is_finished());

        // Zoom 0: both countries, the border and the coast, no place yet (the capital starts
        // at zoom 2).
        let world = archive.tile(0, 0, 0).expect("tile 0/0/0");
        assert_eq!(
            layer_names(&world),
            [
                COUNTRIES_LAYER,
                BOUNDARIES_LAYER,
                COASTS_LAYER,
                COUNTRY_LABELS_LAYER
            ]
        );
        let layers = decode(&world);
        assert_eq!(layers[0].2.len(), 2);
        assert_eq!(
            layers[0].2[0].properties,
            vec![
                ("id".to_owned(), TileValue::Str("AAA".into())),
                ("name".to_owned(), TileValue::Str("Alphaland".into())),
            ]
        );
        assert_eq!(
            layers[1].2[0].properties,
            vec![("id".to_owned(), TileValue::Str("AAA-BBB".into()))]
        );
        assert!(matches!(
            layers[1].2[0].geometry,
            Geometry::LineString(_) | Geometry::MultiLineString(_)
        ));
        assert_eq!(
            layers[2].2[0].properties,
            vec![("id".to_owned(), TileValue::Str("AAA".into()))]
        );
        // One label point per country, inside it, the larger first (here equal: by id).
        let labels = &layers[3].2;
        assert_eq!(labels.len(), 2);
        assert_eq!(labels[0].properties[0].1, TileValue::Str("AAA".into()));
        assert_eq!(labels[1].properties[1].1, TileValue::Str("Betaland".into()));
        let TileValue::Uint(area) = labels[0].properties[2].1 else {
            panic!("an area");
        };
        // 10° × 10° at 40–50°N is about 860,000 km² on WGS 84.
        assert!((800_000..900_000).contains(&area), "{area}");

        // Zoom 2: the capital, with every field typed.
        let (x, y) = mvt::lonlat_to_tile(65.0, 45.0, 2);
        let tile = decode(&archive.tile(2, x, y).expect("the capital's tile"));
        let places = &tile.iter().find(|l| l.0 == PLACES_LAYER).expect("places").2;
        assert_eq!(places.len(), 1);
        assert_eq!(
            places[0].properties,
            vec![
                ("name".to_owned(), TileValue::Str("Alpha City".into())),
                ("country".to_owned(), TileValue::Str("AAA".into())),
                ("population".to_owned(), TileValue::Uint(900_000)),
                ("capital".to_owned(), TileValue::Bool(true)),
                ("rank".to_owned(), TileValue::Sint(4)),
            ]
        );

        // The town (rank 5) only from zoom 5, after the capital in its tile.
        let names_at = |z: u8| -> Vec<TileValue> {
            let (x, y) = mvt::lonlat_to_tile(75.0, 45.0, z);
            let tile = decode(&archive.tile(z, x, y).expect("a tile over Betaland"));
            tile.iter()
                .filter(|l| l.0 == PLACES_LAYER)
                .flat_map(|l| l.2.iter().map(|f| f.properties[0].1.clone()))
                .collect()
        };
        assert!(!names_at(4).contains(&TileValue::Str("Betatown".into())));
        assert!(names_at(5).contains(&TileValue::Str("Betatown".into())));

        // Tiles away from the data are not stored.
        let (x, y) = mvt::lonlat_to_tile(0.0, 0.0, 3);
        assert!(archive.tile(3, x, y).is_none());
        assert!(archive.tile(6, 0, 0).is_none());

        // Stored gzip-compressed.
        assert_eq!(&archive.tile_raw(0, 0, 0).unwrap()[..2], &[0x1f, 0x8b]);

        let tilejson = archive.tilejson("http://localhost/basemap/{z}/{x}/{y}.mvt");
        assert_eq!(tilejson["tilejson"], "3.0.0");
        assert_eq!(tilejson["name"], BASEMAP_NAME);
        assert_eq!(tilejson["attribution"], BASEMAP_ATTRIBUTION);
        assert_eq!(
            tilejson["tiles"][0],
            "http://localhost/basemap/{z}/{x}/{y}.mvt"
        );
        let ids: Vec<&str> = tilejson["vector_layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                COUNTRIES_LAYER,
                BOUNDARIES_LAYER,
                COASTS_LAYER,
                COUNTRY_LABELS_LAYER,
                PLACES_LAYER
            ]
        );
        assert_eq!(tilejson["vector_layers"][4]["minzoom"], 2);
        assert_eq!(tilejson["vector_layers"][4]["fields"]["capital"], "Boolean");
        assert_eq!(
            (tilejson["minzoom"].as_u64(), tilejson["maxzoom"].as_u64()),
            (Some(0), Some(5))
        );
        assert_eq!(tilejson["center"], json!([65.0, 45.0, 3]));
    }

    #[test]
    fn same_input_same_bytes() {
        assert_eq!(build(4).0, build(4).0);
    }

    #[test]
    fn interior_tiles_are_the_whole_square() {
        // At zoom 6, tile 43/23 lies inside Alphaland (and holds its capital): one country polygon
        // covering the buffered tile.
        let archive = TileArchive::new(build(6).0).unwrap();
        let layers = decode(&archive.tile(6, 43, 23).unwrap());
        assert_eq!(layers[0].0, COUNTRIES_LAYER);
        assert_eq!(layers[0].2.len(), 1);
        let Geometry::Polygon(p) = &layers[0].2[0].geometry else {
            panic!("one polygon");
        };
        assert_eq!(p.exterior().0.len(), 5);
        assert!(p
            .exterior()
            .0
            .iter()
            .all(|c| c.x.abs() == 64.0 || c.x == 4160.0));
    }

    #[test]
    fn bad_zoom_ranges_are_refused() {
        let input = BasemapInput::default();
        let bar = ProgressBar::hidden();
        let bad = BasemapOptions {
            min_zoom: 5,
            max_zoom: 4,
        };
        assert!(build_basemap(&input, &bad, &bar).is_err());
        // Nothing to draw still makes a valid (empty) archive.
        let empty = build_basemap(&input, &BasemapOptions::default(), &bar).unwrap();
        let archive = TileArchive::new(empty).unwrap();
        assert!(archive.tile(0, 0, 0).is_none());
    }
}
