//! Coordinate reference systems offered by the OGC API (Features Part 2): parsing the `crs` and
//! `bbox-crs` parameters, naming CRSs as URIs, and moving coordinates between lon/lat and each CRS.
//!
//! Design:
//! - The set of CRSs is a closed enum, not an arbitrary EPSG lookup. The service promises exactly
//!   what it lists in collection metadata, every entry is tested, and a typo gets a 400 that says
//!   what is on offer instead of a surprising projection.
//! - Everything inside the server is lon/lat on WGS 84 (CRS84). A CRS only matters at the edges:
//!   output writers call [`Crs::from_lon_lat`] per coordinate and request parsing calls
//!   [`Crs::bbox_to_crs84`] once. So the geographic cases are plain axis swaps, and the projected
//!   ones use `proj4rs` projections built once per process (one `OnceLock` per projection) rather
//!   than parsing a proj string per call.
//! - Axis order follows the authorities, because that is what GDAL, QGIS and owslib expect when
//!   they ask for a CRS by URI: EPSG:4326 is latitude, longitude; CRS84 is longitude, latitude;
//!   the projected CRSs are easting, northing.
//! - Web Mercator cannot represent the poles. Forward projection clamps latitude to
//!   ±85.051128779806° (the edge of the square Web Mercator world) instead of failing, so a
//!   polygon that touches a pole still serialises: its polar part is flattened onto the map edge,
//!   which is what every Web Mercator map shows anyway. Inverse projection accepts any finite
//!   northing.
//! - A transverse Mercator (UTM) zone is only meaningful near its central meridian: it is accurate
//!   to millimetres within a few thousand kilometres, grows distorted beyond, and is singular 90°
//!   of longitude away. Points that far or farther come back as [`CrsError::OutOfRange`] naming
//!   the point and the zone (instead of plausible-looking numbers from the far side of the
//!   globe), and the caller decides whether that is a 400 or a skipped feature.

use geo::Coord;
use proj4rs::proj::Proj;
use proj4rs::transform::transform;
use std::fmt;
use std::sync::OnceLock;

/// A coordinate reference system the server accepts for `bbox-crs` and offers for `crs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Crs {
    /// WGS 84 longitude, latitude (OGC CRS84): the GeoJSON default and the internal CRS.
    Crs84,
    /// WGS 84 latitude, longitude (EPSG:4326, authority axis order).
    Epsg4326,
    /// WGS 84 / Pseudo-Mercator (EPSG:3857), easting, northing in metres.
    WebMercator,
    /// WGS 84 / UTM zone `zone` (1..=60), north (EPSG:326zz) or south (EPSG:327zz) hemisphere.
    Utm {
        /// Zone number, 1..=60.
        zone: u8,
        /// `true` for the northern-hemisphere variant (false northing 0).
        north: bool,
    },
}

/// Why a CRS could not be used. The messages are meant for a 400 response body.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CrsError {
    /// The text does not name a CRS this server offers. Holds the text as given (shortened).
    #[error(
        "unsupported CRS \"{0}\"; supported: CRS84, EPSG:4326, EPSG:3857, EPSG:326xx/327xx (UTM)"
    )]
    Unsupported(String),
    /// A coordinate or bbox is outside what the CRS can represent, or is malformed. Holds the
    /// whole message.
    #[error("{0}")]
    OutOfRange(String),
}

const OGC_CRS84_URI: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
const EPSG_URI_PREFIX: &str = "http://www.opengis.net/def/crs/EPSG/0/";

/// Largest latitude Web Mercator shows: where the projected world becomes a square,
/// `atan(sinh(pi))` in degrees.
pub const WEB_MERCATOR_MAX_LAT: f64 = crate::geom::web_mercator::MAX_LATITUDE;

/// Half the width of the Web Mercator world in metres (`pi * 6378137`).
const WEB_MERCATOR_HALF_WORLD: f64 = crate::geom::web_mercator::HALF_WORLD_M;

/// Number of points sampled along each edge of a projected bbox when mapping it to lon/lat.
const BBOX_EDGE_SAMPLES: usize = 64;

impl Crs {
    /// Accepts the OGC URIs `http://www.opengis.net/def/crs/OGC/1.3/CRS84`,
    /// `http://www.opengis.net/def/crs/EPSG/0/{4326,3857,32601..32660,32701..32760}`, and the
    /// safe-CURIE / short forms `[EPSG:4326]`, `EPSG:4326`, `OGC:CRS84`. Also accepted, because
    /// clients send them: `https` URIs, any version segment in the URI, `urn:ogc:def:crs:...`
    /// URNs and a bare `CRS84`. Authority names are case-insensitive.
    pub fn parse(s: &str) -> Result<Crs, CrsError> {
        let text = s.trim();
        let unsupported = || CrsError::Unsupported(shorten(text));
        let inner = text
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
            .unwrap_or(text)
            .trim();
        let lower = inner.to_ascii_lowercase();

        let (authority, code): (&str, &str) = if let Some(rest) = ["http://", "https://"]
            .iter()
            .find_map(|scheme| lower.strip_prefix(scheme))
            .and_then(|rest| rest.strip_prefix("www.opengis.net/def/crs/"))
        {
            // authority/version/code
            let mut parts = rest.trim_end_matches('/').split('/');
            match (parts.next(), parts.next(), parts.next(), parts.next()) {
                (Some(authority), Some(_version), Some(code), None) => (authority, code),
                _ => return Err(unsupported()),
            }
        } else if let Some(rest) = lower.strip_prefix("urn:ogc:def:crs:") {
            // authority:version:code, where the version may be empty (`EPSG::4326`)
            let mut parts = rest.split(':');
            match (parts.next(), parts.next(), parts.next(), parts.next()) {
                (Some(authority), Some(_version), Some(code), None) => (authority, code),
                (Some(authority), Some(code), None, None) => (authority, code),
                _ => return Err(unsupported()),
            }
        } else if let Some((authority, code)) = lower.split_once(':') {
            (authority, code)
        } else if lower == "crs84" {
            ("ogc", "crs84")
        } else {
            return Err(unsupported());
        };

        match authority {
            "ogc" if code == "crs84" => Ok(Crs::Crs84),
            "epsg" => code
                .parse::<u32>()
                .ok()
                .and_then(Crs::from_epsg)
                .ok_or_else(unsupported),
            _ => Err(unsupported()),
        }
    }

    /// The CRS with this EPSG code, if the server offers it.
    pub fn from_epsg(code: u32) -> Option<Crs> {
        match code {
            4326 => Some(Crs::Epsg4326),
            3857 => Some(Crs::WebMercator),
            32601..=32660 => Some(Crs::Utm {
                zone: (code - 32600) as u8,
                north: true,
            }),
            32701..=32760 => Some(Crs::Utm {
                zone: (code - 32700) as u8,
                north: false,
            }),
            _ => None,
        }
    }

    /// The EPSG code, or `None` for CRS84 (which is an OGC definition).
    pub fn epsg(&self) -> Option<u32> {
        match *self {
            Crs::Crs84 => None,
            Crs::Epsg4326 => Some(4326),
            Crs::WebMercator => Some(3857),
            Crs::Utm { zone, north } => Some(if north { 32600 } else { 32700 } + u32::from(zone)),
        }
    }

    /// The canonical OGC URI, as used in `crs` lists and the `Content-Crs` header.
    pub fn uri(&self) -> String {
        match self.epsg() {
            None => OGC_CRS84_URI.to_string(),
            Some(code) => format!("{EPSG_URI_PREFIX}{code}"),
        }
    }

    /// Every CRS this server offers, as URIs (for collection metadata `crs` lists): CRS84, 4326,
    /// 3857 and all 120 UTM zones.
    pub fn supported() -> Vec<String> {
        Crs::all().map(|crs| crs.uri()).collect()
    }

    /// Every CRS this server offers, in the order of [`Crs::supported`].
    pub fn all() -> impl Iterator<Item = Crs> {
        [Crs::Crs84, Crs::Epsg4326, Crs::WebMercator]
            .into_iter()
            .chain((1..=60).map(|zone| Crs::Utm { zone, north: true }))
            .chain((1..=60).map(|zone| Crs::Utm { zone, north: false }))
    }

    /// Whether every point of a lon/lat box (west ≤ east; one that crosses the antimeridian
    /// has west > east) can be written in this CRS: always for the geographic CRSs and Web
    /// Mercator, and for a UTM zone when the whole box lies within 90° of longitude of its
    /// central meridian, the limit [`Crs::from_lon_lat`] holds every coordinate to.
    pub fn covers(&self, [west, _, east, _]: [f64; 4]) -> bool {
        if !matches!(self, Crs::Utm { .. }) {
            return true;
        }
        let width = if west <= east {
            east - west
        } else {
            east + 360.0 - west
        };
        let from = wrap_degrees(west - self.central_meridian());
        from > -UTM_MAX_LONGITUDE_OFFSET && from + width < UTM_MAX_LONGITUDE_OFFSET
    }

    /// The CRSs a collection with this extent is offered in (its `crs` list): those that can
    /// write every one of its features; all of them for a collection with no geometry.
    pub fn offered_for(extent: Option<[f64; 4]>) -> impl Iterator<Item = Crs> {
        Crs::all().filter(move |crs| extent.is_none_or(|b| crs.covers(b)))
    }

    /// True for CRS84 and EPSG:4326 (angular units), false for the projected CRSs (metres).
    pub fn is_geographic(&self) -> bool {
        matches!(self, Crs::Crs84 | Crs::Epsg4326)
    }

    /// lon/lat (degrees) → output coordinates in this CRS's axis order (EPSG:4326 is lat,lon per
    /// the standard; CRS84 lon,lat; projected easting,northing).
    ///
    /// Web Mercator clamps latitude to ±[`WEB_MERCATOR_MAX_LAT`]; UTM fails for points its
    /// projection cannot represent. Non-finite input or latitude beyond ±90° is an error for the
    /// projected CRSs; the geographic ones pass coordinates through untouched (only the axis order
    /// changes) to stay as cheap as possible for output writers.
    pub fn from_lon_lat(&self, c: Coord<f64>) -> Result<Coord<f64>, CrsError> {
        match *self {
            Crs::Crs84 => Ok(c),
            Crs::Epsg4326 => Ok(Coord { x: c.y, y: c.x }),
            Crs::WebMercator | Crs::Utm { .. } => {
                // Web Mercator clamps latitude anyway, so a pole a rounding error beyond ±90°
                // (as repaired polar rings have) is drawn on the map edge like the pole itself.
                let slack = if *self == Crs::WebMercator { 1e-6 } else { 0.0 };
                let beyond_pole = c.y.abs() > 90.0 + slack;
                if !(c.x.is_finite() && c.y.is_finite()) || beyond_pole {
                    return Err(self.out_of_range_lon_lat(c));
                }
                let lat = if *self == Crs::WebMercator {
                    c.y.clamp(-WEB_MERCATOR_MAX_LAT, WEB_MERCATOR_MAX_LAT)
                } else {
                    if wrap_degrees(c.x - self.central_meridian()).abs() >= UTM_MAX_LONGITUDE_OFFSET
                    {
                        return Err(self.out_of_range_lon_lat(c));
                    }
                    c.y
                };
                let mut point = (c.x.to_radians(), lat.to_radians(), 0.0);
                let out = transform(geographic(), self.projection(), &mut point)
                    .ok()
                    .filter(|_| point.0.is_finite() && point.1.is_finite());
                match out {
                    Some(()) => Ok(Coord {
                        x: point.0,
                        y: point.1,
                    }),
                    None => Err(self.out_of_range_lon_lat(c)),
                }
            }
        }
    }

    /// Inverse: coordinates in this CRS's axis order → lon/lat.
    pub fn to_lon_lat(&self, c: Coord<f64>) -> Result<Coord<f64>, CrsError> {
        match *self {
            Crs::Crs84 => Ok(c),
            Crs::Epsg4326 => Ok(Coord { x: c.y, y: c.x }),
            Crs::WebMercator | Crs::Utm { .. } => {
                let fail = || {
                    CrsError::OutOfRange(format!(
                        "coordinate ({}, {}) is outside the area where {} is defined",
                        c.x,
                        c.y,
                        self.label()
                    ))
                };
                if !(c.x.is_finite() && c.y.is_finite()) {
                    return Err(fail());
                }
                let mut point = (c.x, c.y, 0.0);
                transform(self.projection(), geographic(), &mut point).map_err(|_| fail())?;
                let (lon, lat) = (point.0.to_degrees(), point.1.to_degrees());
                if !(lon.is_finite() && lat.is_finite()) || lat.abs() > 90.0 {
                    return Err(fail());
                }
                if matches!(self, Crs::Utm { .. })
                    && wrap_degrees(lon - self.central_meridian()).abs() >= UTM_MAX_LONGITUDE_OFFSET
                {
                    return Err(fail());
                }
                Ok(Coord { x: lon, y: lat })
            }
        }
    }

    /// A bbox given in this CRS (minx,miny,maxx,maxy in the CRS's axis order) → a CRS84
    /// [west,south,east,north] covering it (densify edges so a projected box maps to a box that
    /// contains it).
    ///
    /// Geographic boxes are only reordered; a CRS84 box with west > east (crossing the
    /// antimeridian, as OGC API allows) is passed through. A projected box whose lon/lat footprint
    /// crosses the antimeridian, or that contains a pole, comes back spanning all longitudes
    /// (-180..180), which covers it without asking callers to handle wrapped boxes.
    pub fn bbox_to_crs84(&self, b: [f64; 4]) -> Result<[f64; 4], CrsError> {
        if b.iter().any(|v| !v.is_finite()) {
            return Err(CrsError::OutOfRange(format!(
                "bbox {} has a value that is not a finite number",
                show_bbox(b)
            )));
        }
        match *self {
            Crs::Crs84 => check_geographic_bbox(self, b, [b[0], b[1], b[2], b[3]]),
            Crs::Epsg4326 => check_geographic_bbox(self, b, [b[1], b[0], b[3], b[2]]),
            Crs::WebMercator | Crs::Utm { .. } => self.projected_bbox_to_crs84(b),
        }
    }

    fn projected_bbox_to_crs84(&self, b: [f64; 4]) -> Result<[f64; 4], CrsError> {
        let [mut minx, miny, mut maxx, maxy] = b;
        if minx > maxx || miny > maxy {
            return Err(CrsError::OutOfRange(format!(
                "bbox {} in {} must be given as minx,miny,maxx,maxy with min <= max",
                show_bbox(b),
                self.label()
            )));
        }
        if *self == Crs::WebMercator {
            // Beyond the world's width, longitudes would wrap around; clamp to the world.
            minx = minx.clamp(-WEB_MERCATOR_HALF_WORLD, WEB_MERCATOR_HALF_WORLD);
            maxx = maxx.clamp(-WEB_MERCATOR_HALF_WORLD, WEB_MERCATOR_HALF_WORLD);
        }
        // A UTM box can contain a pole; there latitude peaks inside the box and every longitude
        // meets, and the part of the box beyond the pole has no inverse.
        let centre = self.central_meridian();
        let mut poles = (false, false);
        if let Crs::Utm { .. } = self {
            for (pole_lat, slot) in [(90.0, &mut poles.0), (-90.0, &mut poles.1)] {
                if let Ok(pole) = self.from_lon_lat(Coord {
                    x: centre,
                    y: pole_lat,
                }) {
                    *slot = (minx..=maxx).contains(&pole.x) && (miny..=maxy).contains(&pole.y);
                }
            }
        }
        // Along a projected edge, latitude and longitude are monotonic except across the central
        // meridian (for latitude) and the equator (for longitude), so the edges are sampled there
        // as well as evenly; the samples then bound the whole box.
        let (false_easting, false_northing) = self.false_origin();
        let n = BBOX_EDGE_SAMPLES;
        let along = |lo: f64, hi: f64, special: f64| {
            (0..=n)
                .map(move |i| lo + (hi - lo) * (i as f64 / n as f64))
                .chain((lo < special && special < hi).then_some(special))
        };
        let samples = along(minx, maxx, false_easting)
            .flat_map(|x| [(x, miny), (x, maxy)])
            .chain(along(miny, maxy, false_northing).flat_map(|y| [(minx, y), (maxx, y)]));
        let (mut west, mut south) = (f64::INFINITY, f64::INFINITY);
        let (mut east, mut north) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for (px, py) in samples {
            let p = match self.to_lon_lat(Coord { x: px, y: py }) {
                Ok(p) => p,
                Err(_) if poles.0 || poles.1 => continue,
                Err(_) => {
                    return Err(CrsError::OutOfRange(format!(
                        "bbox {} reaches beyond the area where {} is defined (at {px}, {py})",
                        show_bbox(b),
                        self.label()
                    )))
                }
            };
            // Unwrapped around the central meridian, so that a footprint crossing the
            // antimeridian shows up as east > 180 rather than as a jump to -180.
            let lon = match p.x - centre {
                d if d > 180.0 => p.x - 360.0,
                d if d < -180.0 => p.x + 360.0,
                _ => p.x,
            };
            west = west.min(lon);
            east = east.max(lon);
            south = south.min(p.y);
            north = north.max(p.y);
        }
        if poles.0 {
            north = 90.0;
        }
        if poles.1 {
            south = -90.0;
        }
        if !(west.is_finite() && south.is_finite() && east.is_finite() && north.is_finite()) {
            return Err(CrsError::OutOfRange(format!(
                "bbox {} lies outside the area where {} is defined",
                show_bbox(b),
                self.label()
            )));
        }
        if poles.0 || poles.1 || west < -180.0 || east > 180.0 {
            west = -180.0;
            east = 180.0;
        }
        Ok([west, south.max(-90.0), east, north.min(90.0)])
    }

    /// Projected coordinates of the central meridian (easting) and the equator (northing).
    fn false_origin(&self) -> (f64, f64) {
        match *self {
            Crs::Utm { north: false, .. } => (500_000.0, 10_000_000.0),
            Crs::Utm { north: true, .. } => (500_000.0, 0.0),
            _ => (0.0, 0.0),
        }
    }

    /// Longitude of the CRS's central meridian, in degrees.
    fn central_meridian(&self) -> f64 {
        match *self {
            Crs::Utm { zone, .. } => f64::from(zone) * 6.0 - 183.0,
            _ => 0.0,
        }
    }

    /// Short human name for messages, e.g. `EPSG:32642 (UTM zone 42N)`.
    pub fn label(&self) -> String {
        match *self {
            Crs::Utm { zone, north } => {
                format!("{self} (UTM zone {zone}{})", if north { "N" } else { "S" })
            }
            _ => self.to_string(),
        }
    }

    fn out_of_range_lon_lat(&self, c: Coord<f64>) -> CrsError {
        CrsError::OutOfRange(format!(
            "lon/lat ({}, {}) cannot be expressed in {}",
            c.x,
            c.y,
            self.label()
        ))
    }

    /// The projection for a projected CRS, built on first use and kept for the process.
    fn projection(&self) -> &'static Proj {
        static MERCATOR: OnceLock<Proj> = OnceLock::new();
        static UTM: [OnceLock<Proj>; 120] = [const { OnceLock::new() }; 120];
        match *self {
            Crs::Utm { zone, north } => {
                let slot = usize::from(zone.clamp(1, 60) - 1) + if north { 0 } else { 60 };
                UTM[slot].get_or_init(|| {
                    build(&format!(
                        "+proj=utm +zone={zone}{} +datum=WGS84 +units=m +no_defs",
                        if north { "" } else { " +south" }
                    ))
                })
            }
            // The spherical definition EPSG:3857 uses: WGS 84 lon/lat taken as-is onto a sphere
            // of the WGS 84 semi-major axis. With no datum on the sphere, proj4rs applies no datum
            // shift, which is exactly what Pseudo-Mercator specifies.
            _ => MERCATOR.get_or_init(|| {
                build("+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +no_defs")
            }),
        }
    }
}

impl fmt::Display for Crs {
    /// The short form, e.g. `OGC:CRS84`, `EPSG:4326`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.epsg() {
            None => f.write_str("OGC:CRS84"),
            Some(code) => write!(f, "EPSG:{code}"),
        }
    }
}

impl std::str::FromStr for Crs {
    type Err = CrsError;
    fn from_str(s: &str) -> Result<Crs, CrsError> {
        Crs::parse(s)
    }
}

/// WGS 84 longitude/latitude in radians: the source or target of every projection.
fn geographic() -> &'static Proj {
    static GEOGRAPHIC: OnceLock<Proj> = OnceLock::new();
    GEOGRAPHIC.get_or_init(|| build("+proj=longlat +datum=WGS84 +no_defs"))
}

fn build(definition: &str) -> Proj {
    // The definitions are fixed strings covered by the tests (every zone is built there), so a
    // failure here is a programming error, not bad input.
    Proj::from_proj_string(definition)
        .unwrap_or_else(|e| panic!("projection {definition:?} does not build: {e}"))
}

fn check_geographic_bbox(crs: &Crs, given: [f64; 4], b: [f64; 4]) -> Result<[f64; 4], CrsError> {
    let [west, south, east, north] = b;
    let order = if *crs == Crs::Epsg4326 {
        "minlat,minlon,maxlat,maxlon"
    } else {
        "minlon,minlat,maxlon,maxlat"
    };
    if south > north || south < -90.0 || north > 90.0 || west.abs() > 180.0 || east.abs() > 180.0 {
        return Err(CrsError::OutOfRange(format!(
            "bbox {} is not a valid {} box: give {order} with latitudes within ±90, longitudes \
             within ±180 and min latitude <= max latitude",
            show_bbox(given),
            crs
        )));
    }
    Ok(b)
}

/// Wraps an angle in degrees into [-180, 180).
fn wrap_degrees(d: f64) -> f64 {
    (d + 180.0).rem_euclid(360.0) - 180.0
}

/// Transverse Mercator is singular 90° from its central meridian and meaningless beyond.
const UTM_MAX_LONGITUDE_OFFSET: f64 = 90.0;

fn show_bbox(b: [f64; 4]) -> String {
    format!("{},{},{},{}", b[0], b[1], b[2], b[3])
}

/// Keeps echoed user input short enough for an error message.
fn shorten(s: &str) -> String {
    const MAX: usize = 100;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_zone_covers_a_box_within_90_degrees_of_its_meridian() {
        let zone = |zone, north| Crs::Utm { zone, north };
        // Zone 43 is centred on 75°E.
        assert!(zone(43, true).covers([20.0, 30.0, 160.0, 50.0]));
        assert!(!zone(43, true).covers([-20.0, 30.0, 160.0, 50.0]));
        assert!(!zone(43, false).covers([20.0, 30.0, 170.0, 50.0]));
        // Across the antimeridian: zone 1 (177°W) covers 170°E to 170°W, zone 43 does not.
        assert!(zone(1, true).covers([170.0, 60.0, -170.0, 70.0]));
        assert!(!zone(43, true).covers([170.0, 60.0, -170.0, 70.0]));
        for crs in [Crs::Crs84, Crs::Epsg4326, Crs::WebMercator] {
            assert!(crs.covers([-180.0, -90.0, 180.0, 90.0]));
        }
        assert_eq!(
            Crs::offered_for(Some([-180.0, -90.0, 180.0, 90.0])).count(),
            3
        );
        assert_eq!(Crs::offered_for(None).count(), Crs::all().count());
        // A point offered in every zone within 90° of it, on both hemispheres' grids.
        let kant = Crs::offered_for(Some([74.85, 42.89, 74.85, 42.89])).count();
        assert_eq!(kant, 3 + 2 * 30);
    }

    use super::*;
    use serde_json::Value;

    /// Reference points projected by PROJ through pyproj; see the script beside the file.
    const REFERENCE: &str = include_str!("../../tests/fixtures/independent/crs_points.json");

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    fn reference() -> Vec<Value> {
        let doc: Value = serde_json::from_str(REFERENCE).expect("reference JSON parses");
        doc["points"].as_array().expect("points").clone()
    }

    #[test]
    fn parses_uris_curies_and_short_forms() {
        let cases = [
            (OGC_CRS84_URI, Crs::Crs84),
            ("https://www.opengis.net/def/crs/OGC/1.3/CRS84", Crs::Crs84),
            ("http://www.opengis.net/def/crs/OGC/0/CRS84", Crs::Crs84),
            ("OGC:CRS84", Crs::Crs84),
            ("[OGC:CRS84]", Crs::Crs84),
            ("CRS84", Crs::Crs84),
            ("urn:ogc:def:crs:OGC:1.3:CRS84", Crs::Crs84),
            ("http://www.opengis.net/def/crs/EPSG/0/4326", Crs::Epsg4326),
            ("EPSG:4326", Crs::Epsg4326),
            ("[EPSG:4326]", Crs::Epsg4326),
            ("epsg:4326", Crs::Epsg4326),
            (" EPSG:4326 ", Crs::Epsg4326),
            ("urn:ogc:def:crs:EPSG::4326", Crs::Epsg4326),
            (
                "http://www.opengis.net/def/crs/EPSG/0/3857",
                Crs::WebMercator,
            ),
            ("EPSG:3857", Crs::WebMercator),
            (
                "http://www.opengis.net/def/crs/EPSG/0/32642",
                Crs::Utm {
                    zone: 42,
                    north: true,
                },
            ),
            (
                "[EPSG:32601]",
                Crs::Utm {
                    zone: 1,
                    north: true,
                },
            ),
            (
                "EPSG:32660",
                Crs::Utm {
                    zone: 60,
                    north: true,
                },
            ),
            (
                "EPSG:32701",
                Crs::Utm {
                    zone: 1,
                    north: false,
                },
            ),
            (
                "http://www.opengis.net/def/crs/EPSG/0/32760",
                Crs::Utm {
                    zone: 60,
                    north: false,
                },
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(Crs::parse(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn rejects_unsupported_with_a_helpful_message() {
        for text in [
            "EPSG:9999",
            "EPSG:32600",
            "EPSG:32661",
            "EPSG:32700",
            "EPSG:32761",
            "EPSG:abc",
            "EPSG:",
            "",
            "WGS84",
            "OGC:CRS83",
            "http://www.opengis.net/def/crs/EPSG/0/",
            "http://www.opengis.net/def/crs/EPSG/0/4326/extra",
            "http://example.com/def/crs/EPSG/0/4326",
        ] {
            assert!(
                matches!(Crs::parse(text), Err(CrsError::Unsupported(_))),
                "{text:?} should be rejected"
            );
        }
        assert_eq!(
            Crs::parse("EPSG:9999").unwrap_err().to_string(),
            "unsupported CRS \"EPSG:9999\"; supported: CRS84, EPSG:4326, EPSG:3857, \
             EPSG:326xx/327xx (UTM)"
        );
        let long = "x".repeat(500);
        assert!(Crs::parse(&long).unwrap_err().to_string().len() < 250);
    }

    #[test]
    fn uris_round_trip_and_supported_lists_every_crs() {
        let all = Crs::supported();
        assert_eq!(all.len(), 123);
        assert_eq!(all[0], OGC_CRS84_URI);
        assert_eq!(all[1], "http://www.opengis.net/def/crs/EPSG/0/4326");
        assert_eq!(all[2], "http://www.opengis.net/def/crs/EPSG/0/3857");
        assert!(all.contains(&"http://www.opengis.net/def/crs/EPSG/0/32642".to_string()));
        assert!(all.contains(&"http://www.opengis.net/def/crs/EPSG/0/32760".to_string()));
        for uri in &all {
            let crs = Crs::parse(uri).expect("a supported URI parses");
            assert_eq!(&crs.uri(), uri);
            assert_eq!(Crs::parse(&crs.to_string()), Ok(crs));
        }
        let unique: std::collections::HashSet<_> = all.iter().collect();
        assert_eq!(unique.len(), all.len());
    }

    #[test]
    fn every_projection_builds_and_round_trips_its_central_meridian() {
        for crs in Crs::all().filter(|c| !c.is_geographic()) {
            let lat = if let Crs::Utm { north: false, .. } = crs {
                -30.0
            } else {
                30.0
            };
            let p = c(crs.central_meridian() + 1.0, lat);
            let projected = crs.from_lon_lat(p).expect("forward");
            let back = crs.to_lon_lat(projected).expect("inverse");
            assert!(
                (back.x - p.x).abs() < 1e-9 && (back.y - p.y).abs() < 1e-9,
                "{crs}"
            );
        }
    }

    #[test]
    fn matches_independent_reference_values() {
        let mut checked = 0;
        for point in reference() {
            let lon = point["lon"].as_f64().unwrap();
            let lat = point["lat"].as_f64().unwrap();
            for (code, xy) in point["projected"].as_object().unwrap() {
                let crs = Crs::parse(code).unwrap();
                let expected = c(xy[0].as_f64().unwrap(), xy[1].as_f64().unwrap());
                let got = crs.from_lon_lat(c(lon, lat)).unwrap();
                // Millimetres: both implement the same published formulas.
                assert!(
                    (got.x - expected.x).abs() < 1e-3 && (got.y - expected.y).abs() < 1e-3,
                    "{} in {code}: got {got:?}, expected {expected:?}",
                    point["name"]
                );
                let back = crs.to_lon_lat(expected).unwrap();
                assert!(
                    (back.x - lon).abs() < 1e-6 && (back.y - lat).abs() < 1e-6,
                    "{} back from {code}: got {back:?}",
                    point["name"]
                );
                checked += 1;
            }
            let order = &point["epsg4326_authority_order"];
            let got = Crs::Epsg4326.from_lon_lat(c(lon, lat)).unwrap();
            assert_eq!(
                (got.x, got.y),
                (order[0].as_f64().unwrap(), order[1].as_f64().unwrap())
            );
        }
        assert!(checked >= 20, "only {checked} reference values checked");
    }

    #[test]
    fn dushanbe_known_values() {
        // Dushanbe (68.78 E, 38.56 N), values from the reference file, spelled out for readers.
        let dushanbe = c(68.78, 38.56);
        let merc = Crs::WebMercator.from_lon_lat(dushanbe).unwrap();
        assert!((merc.x - 7_656_554.577).abs() < 0.01 && (merc.y - 4_658_839.895).abs() < 0.01);
        let utm = Crs::Utm {
            zone: 42,
            north: true,
        }
        .from_lon_lat(dushanbe)
        .unwrap();
        assert!((utm.x - 480_832.382).abs() < 0.01 && (utm.y - 4_267_974.093).abs() < 0.01);
    }

    #[test]
    fn round_trips_to_a_millionth_of_a_degree() {
        let points = [
            c(68.78, 38.56),
            c(74.85, 42.85),
            c(-0.5, 51.5),
            c(151.2, -33.9),
            c(-179.9, -16.5),
            c(0.0, 0.0),
            c(12.0, 84.0),
        ];
        for p in points {
            let zone = ((p.x + 180.0) / 6.0).floor() as u8 + 1;
            for crs in [
                Crs::Crs84,
                Crs::Epsg4326,
                Crs::WebMercator,
                Crs::Utm {
                    zone: zone.min(60),
                    north: p.y >= 0.0,
                },
            ] {
                let back = crs.to_lon_lat(crs.from_lon_lat(p).unwrap()).unwrap();
                assert!(
                    (back.x - p.x).abs() < 1e-6 && (back.y - p.y).abs() < 1e-6,
                    "{p:?} via {crs}: {back:?}"
                );
            }
        }
    }

    #[test]
    fn epsg_4326_is_lat_lon_and_crs84_is_lon_lat() {
        let p = c(68.78, 38.56);
        assert_eq!(Crs::Epsg4326.from_lon_lat(p).unwrap(), c(38.56, 68.78));
        assert_eq!(Crs::Crs84.from_lon_lat(p).unwrap(), p);
        assert_eq!(Crs::Epsg4326.to_lon_lat(c(38.56, 68.78)).unwrap(), p);
        assert_eq!(
            Crs::Epsg4326
                .bbox_to_crs84([36.6, 67.3, 41.1, 75.2])
                .unwrap(),
            [67.3, 36.6, 75.2, 41.1]
        );
        assert_eq!(
            Crs::Crs84.bbox_to_crs84([67.3, 36.6, 75.2, 41.1]).unwrap(),
            [67.3, 36.6, 75.2, 41.1]
        );
        // Antimeridian-crossing CRS84 boxes pass through.
        assert_eq!(
            Crs::Crs84
                .bbox_to_crs84([170.0, -20.0, -170.0, -10.0])
                .unwrap(),
            [170.0, -20.0, -170.0, -10.0]
        );
    }

    #[test]
    fn web_mercator_clamps_beyond_its_latitude_limit() {
        let edge = Crs::WebMercator
            .from_lon_lat(c(10.0, WEB_MERCATOR_MAX_LAT))
            .unwrap();
        assert!((edge.y - WEB_MERCATOR_HALF_WORLD).abs() < 1e-3, "{edge:?}");
        for lat in [85.1, 89.0, 90.0] {
            let p = Crs::WebMercator.from_lon_lat(c(10.0, lat)).unwrap();
            assert_eq!(p, edge, "lat {lat}");
        }
        let south = Crs::WebMercator.from_lon_lat(c(10.0, -90.0)).unwrap();
        assert!((south.y + WEB_MERCATOR_HALF_WORLD).abs() < 1e-3);
        // Not clamped within range: 85.0 is below the limit and matches PROJ.
        let ref_85 = Crs::WebMercator.from_lon_lat(c(10.0, 85.0)).unwrap();
        assert!(ref_85.y < edge.y);
        assert!(Crs::WebMercator.from_lon_lat(c(10.0, 91.0)).is_err());
        assert!(Crs::WebMercator.from_lon_lat(c(f64::NAN, 0.0)).is_err());
    }

    #[test]
    fn utm_far_from_its_zone_is_an_error_not_garbage() {
        let zone42 = Crs::Utm {
            zone: 42,
            north: true,
        };
        let err = zone42.from_lon_lat(c(-111.0, 40.0)).unwrap_err();
        assert!(
            err.to_string().contains("EPSG:32642 (UTM zone 42N)"),
            "{err}"
        );
        assert!(zone42.to_lon_lat(c(f64::INFINITY, 0.0)).is_err());
    }

    #[test]
    fn projected_bbox_maps_to_a_covering_lon_lat_box() {
        // A box around Dushanbe in UTM 42N: every sampled interior point must fall inside.
        let zone42 = Crs::Utm {
            zone: 42,
            north: true,
        };
        let b = [380_000.0, 4_170_000.0, 580_000.0, 4_370_000.0];
        let out = zone42.bbox_to_crs84(b).unwrap();
        let [west, south, east, north] = out;
        assert!(west < 68.78 && east > 68.78 && south < 38.56 && north > 38.56);
        for i in 0..=20 {
            for j in 0..=20 {
                let x = b[0] + (b[2] - b[0]) * f64::from(i) / 20.0;
                let y = b[1] + (b[3] - b[1]) * f64::from(j) / 20.0;
                let p = zone42.to_lon_lat(c(x, y)).unwrap();
                assert!(
                    p.x >= west && p.x <= east && p.y >= south && p.y <= north,
                    "{p:?} outside {out:?}"
                );
            }
        }
        // The box bulges: the north edge peaks on the central meridian, above its corners.
        let corner = zone42.to_lon_lat(c(b[0], b[3])).unwrap();
        let peak = zone42.to_lon_lat(c(500_000.0, b[3])).unwrap();
        assert!(north > corner.y);
        assert_eq!(north, peak.y);

        // A box east of the central meridian that spans the equator reaches furthest west on the
        // equator, between its corners.
        let zone42s = Crs::Utm {
            zone: 42,
            north: false,
        };
        let b = [700_000.0, 9_500_000.0, 800_000.0, 10_500_000.0];
        let out = zone42s.bbox_to_crs84(b).unwrap();
        let on_equator = zone42s.to_lon_lat(c(700_000.0, 10_000_000.0)).unwrap();
        let corner = zone42s.to_lon_lat(c(700_000.0, 9_500_000.0)).unwrap();
        assert!(on_equator.x < corner.x);
        assert_eq!(out[0], on_equator.x);

        // Web Mercator maps rectangles to rectangles: corners give the box.
        let merc = Crs::WebMercator.from_lon_lat(c(60.0, 35.0)).unwrap();
        let merc2 = Crs::WebMercator.from_lon_lat(c(80.0, 45.0)).unwrap();
        let out = Crs::WebMercator
            .bbox_to_crs84([merc.x, merc.y, merc2.x, merc2.y])
            .unwrap();
        for (got, want) in out.iter().zip([60.0, 35.0, 80.0, 45.0]) {
            assert!((got - want).abs() < 1e-9, "{out:?}");
        }
        // Wider than the world: clamped to all longitudes.
        let out = Crs::WebMercator
            .bbox_to_crs84([-3.0e7, -1.0e6, 3.0e7, 1.0e6])
            .unwrap();
        assert_eq!((out[0], out[2]), (-180.0, 180.0));
    }

    #[test]
    fn projected_bbox_across_the_antimeridian_or_a_pole_spans_all_longitudes() {
        let zone60 = Crs::Utm {
            zone: 60,
            north: false,
        };
        // Zone 60 is centred on 177 E; 900 km east of the false easting is past 180.
        let out = zone60
            .bbox_to_crs84([400_000.0, 8_000_000.0, 900_000.0, 8_500_000.0])
            .unwrap();
        assert_eq!((out[0], out[2]), (-180.0, 180.0), "{out:?}");

        let zone42 = Crs::Utm {
            zone: 42,
            north: true,
        };
        let pole = zone42.from_lon_lat(c(69.0, 90.0)).unwrap();
        let out = zone42
            .bbox_to_crs84([pole.x - 1e5, pole.y - 1e5, pole.x + 1e5, pole.y + 1e5])
            .unwrap();
        assert_eq!(out[3], 90.0, "{out:?}");
        assert_eq!((out[0], out[2]), (-180.0, 180.0));
    }

    #[test]
    fn bad_bboxes_are_rejected_with_reasons() {
        let err = Crs::Crs84
            .bbox_to_crs84([10.0, 50.0, 20.0, 40.0])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("10,50,20,40") && err.contains("OGC:CRS84"),
            "{err}"
        );
        // Longitude first by mistake: a "latitude" of 100.
        let err = Crs::Epsg4326
            .bbox_to_crs84([67.3, 36.6, 100.0, 41.1])
            .unwrap_err()
            .to_string();
        assert!(err.contains("minlat,minlon,maxlat,maxlon"), "{err}");
        assert!(Crs::WebMercator
            .bbox_to_crs84([10.0, 0.0, 0.0, 10.0])
            .is_err());
        assert!(Crs::Crs84.bbox_to_crs84([f64::NAN, 0.0, 1.0, 1.0]).is_err());
    }

    #[test]
    fn crs_values_are_send_sync_and_cheap_to_share() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Crs>();
        assert_send_sync::<CrsError>();
    }
}
