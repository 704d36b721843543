//! Geodesic measures on the WGS 84 ellipsoid for the analysis questions: search envelopes that
//! are safe at every latitude, and distances from points to lines and areas.
//!
//! All distances come from `geo`'s [`Geodesic`] (Karney's algorithms, accurate to nanometres
//! between two points). Two things are built on top of it here:
//!
//! **Envelopes.** The R-tree works on lon/lat boxes, so a distance must become a box that is
//! sure to hold every point within it ([`expand_envelope`]). A path's northward progress costs at
//! least the meridian length of a degree at the equator, a(1 − e²)·π/180 ≈ 110 574 m, so the
//! latitude span is the distance over that. Every point of a shortest path to a point within the
//! distance is itself within the distance, so the whole path stays inside that latitude band,
//! where a degree of longitude costs at least a·cos φ·π/180 with φ the band's poleward edge:
//! the longitude span is the distance over that. A band that reaches a pole, or a span wider
//! than 180°, gives the full -180..180; a box that crosses the antimeridian is split in two.
//!
//! **Point to line.** A line's segments are taken as geodesics between its vertices (the same
//! convention as border lengths). The distance from a point to a segment is found by
//! golden-section search along the segment, each step a geodesic direct and inverse problem.
//! Along a segment shorter than [`MAX_PIECE_M`] the distance to a point is unimodal, and it
//! changes by at most one metre per metre moved, so stopping when the bracket is shorter than
//! [`TOLERANCE_M`] bounds the error by that tolerance: **the distances reported are within
//! 1 cm of the exact geodesic distance to the line** (longer segments are cut into pieces
//! first). Lines are split into chunks of consecutive segments with a centre and a radius, and
//! the triangle inequality prunes chunks and segments that cannot hold the minimum, so a long
//! border costs a few thousand inverse problems, not a search per segment.

use crate::catalog::{Envelope, SpatialIndex};
use geo::{
    Bearing, Coord, Destination, Distance, Geodesic, Geometry, InterpolatePoint, Intersects,
    LineString, Point, Polygon,
};

/// Shortest length of a degree of latitude (at the equator), rounded down: a(1 − e²)·π/180.
pub const MIN_METRES_PER_DEGREE_LATITUDE: f64 = 110_574.0;
/// Length of a degree of longitude on the equator, rounded down: a·π/180. On the parallel at φ
/// a degree is N(φ)·cos φ·π/180, and N(φ) ≥ a.
pub const METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR: f64 = 111_319.0;
/// Segments longer than this are cut into pieces before searching them.
pub const MAX_PIECE_M: f64 = 20_000.0;
/// The golden-section search stops when its bracket is shorter than this along the segment.
pub const TOLERANCE_M: f64 = 0.01;
/// Consecutive segments per pruning chunk.
const CHUNK: usize = 32;

pub fn distance_m(a: Coord<f64>, b: Coord<f64>) -> f64 {
    Geodesic.distance(Point(a), Point(b))
}

/// The point reached from `origin` after `metres` along the geodesic with initial `azimuth`
/// (degrees clockwise from north).
pub fn destination(origin: Coord<f64>, azimuth: f64, metres: f64) -> Coord<f64> {
    Geodesic.destination(Point(origin), azimuth, metres).0
}

/// Initial azimuth of the geodesic from `a` to `b`, degrees in 0..360.
pub fn azimuth(a: Coord<f64>, b: Coord<f64>) -> f64 {
    Geodesic.bearing(Point(a), Point(b))
}

/// Lon/lat boxes that together hold every point within `metres` of any point of `envelope`.
pub fn expand_envelope(envelope: Envelope, metres: f64) -> Vec<Envelope> {
    // A hair more than the exact bound, so that rounding never loses a point on the circle.
    let dlat = metres / MIN_METRES_PER_DEGREE_LATITUDE * (1.0 + 1e-9) + 1e-9;
    let south = envelope.min[1] - dlat;
    let north = envelope.max[1] + dlat;
    if south <= -90.0 || north >= 90.0 {
        return vec![Envelope::new(
            -180.0,
            south.max(-90.0),
            180.0,
            north.min(90.0),
        )];
    }
    let edge = south.abs().max(north.abs());
    let dlon = metres / (METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR * edge.to_radians().cos())
        * (1.0 + 1e-9)
        + 1e-9;
    let west = envelope.min[0] - dlon;
    let east = envelope.max[0] + dlon;
    if east - west >= 360.0 {
        return vec![Envelope::new(-180.0, south, 180.0, north)];
    }
    if west < -180.0 {
        vec![
            Envelope::new(west + 360.0, south, 180.0, north),
            Envelope::new(-180.0, south, east, north),
        ]
    } else if east > 180.0 {
        vec![
            Envelope::new(west, south, 180.0, north),
            Envelope::new(-180.0, south, east - 360.0, north),
        ]
    } else {
        vec![Envelope::new(west, south, east, north)]
    }
}

/// Boxes holding every point within `metres` of `center`.
pub fn circle_envelopes(center: Coord<f64>, metres: f64) -> Vec<Envelope> {
    expand_envelope(
        Envelope::new(center.x, center.y, center.x, center.y),
        metres,
    )
}

/// A distance and the point where it is reached.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Closest {
    pub distance_m: f64,
    /// The nearest point of the thing measured to.
    pub at: Coord<f64>,
}

impl Closest {
    fn better(self, other: Closest) -> Closest {
        if other.distance_m < self.distance_m {
            other
        } else {
            self
        }
    }
}

/// Minimum of the distance from `p` to the geodesic segment `a`–`b` (length `length`, distances
/// from `p` to its ends `da`, `db`), by golden-section search. Assumes a segment short enough
/// for the distance along it to be unimodal (see [`MAX_PIECE_M`]).
fn segment_search(
    p: Coord<f64>,
    a: Coord<f64>,
    b: Coord<f64>,
    length: f64,
    da: f64,
    db: f64,
) -> Closest {
    let mut best = Closest {
        distance_m: da,
        at: a,
    }
    .better(Closest {
        distance_m: db,
        at: b,
    });
    if length <= TOLERANCE_M {
        return best;
    }
    let along = SegmentLine::new(a, b);
    let at = |t: f64| along.at(t * length);
    let f = |t: f64| {
        let c = at(t);
        Closest {
            distance_m: distance_m(p, c),
            at: c,
        }
    };
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    let mut x1 = hi - ratio * (hi - lo);
    let mut x2 = lo + ratio * (hi - lo);
    let mut f1 = f(x1);
    let mut f2 = f(x2);
    while (hi - lo) * length > TOLERANCE_M {
        if f1.distance_m < f2.distance_m {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - ratio * (hi - lo);
            f1 = f(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + ratio * (hi - lo);
            f2 = f(x2);
        }
    }
    best = best.better(f1).better(f2);
    best
}

/// The geodesic from a segment's start towards its end, set up once: [`SegmentLine::at`] is
/// [`destination`] from the start along the segment's azimuth, to the bit (the same line of the
/// same library with the same capabilities), without setting the line up at every call.
struct SegmentLine {
    line: geographiclib_rs::GeodesicLine,
}

/// What [`destination`] asks of the geodesic line (geo's `direct` to a latitude and longitude).
const DESTINATION_CAPS: u64 = geographiclib_rs::capability::LATITUDE
    | geographiclib_rs::capability::LONGITUDE
    | geographiclib_rs::capability::DISTANCE_IN;

impl SegmentLine {
    fn new(a: Coord<f64>, b: Coord<f64>) -> SegmentLine {
        let geodesic = geographiclib_rs::Geodesic::wgs84();
        SegmentLine {
            line: geographiclib_rs::GeodesicLine::new(
                &geodesic,
                a.y,
                a.x,
                azimuth(a, b),
                Some(DESTINATION_CAPS),
                None,
                None,
            ),
        }
    }

    fn at(&self, metres: f64) -> Coord<f64> {
        let (_, lat, lon, ..) = self.line._gen_position(false, metres, DESTINATION_CAPS);
        Coord { x: lon, y: lat }
    }
}

/// Distance from `p` to the geodesic segment `a`–`b`, within [`TOLERANCE_M`].
pub fn point_to_segment(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> Closest {
    let length = distance_m(a, b);
    if length > MAX_PIECE_M {
        return Polylines::new([&LineString::new(vec![a, b])])
            .closest(p)
            .expect("two vertices");
    }
    segment_search(p, a, b, length, distance_m(p, a), distance_m(p, b))
}

struct Chunk {
    center: Coord<f64>,
    /// Every point of the chunk's segments is within this of `center`.
    radius_m: f64,
    /// Indices into `Polylines::segments`.
    segments: std::ops::Range<usize>,
}

struct Segment {
    a: Coord<f64>,
    b: Coord<f64>,
    length_m: f64,
}

/// Lines prepared for repeated distance queries: segments cut to at most [`MAX_PIECE_M`],
/// grouped into chunks with bounding circles for pruning.
pub struct Polylines {
    segments: Vec<Segment>,
    chunks: Vec<Chunk>,
    length_m: f64,
    vertices: Vec<Coord<f64>>,
}

impl Polylines {
    pub fn new<'a>(lines: impl IntoIterator<Item = &'a LineString<f64>>) -> Polylines {
        let mut segments = Vec::new();
        let mut chunks = Vec::new();
        let mut vertices = Vec::new();
        let mut length_m = 0.0;
        for line in lines {
            let start = segments.len();
            vertices.extend(line.0.iter().copied());
            for pair in line.0.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let length = distance_m(a, b);
                if length == 0.0 {
                    continue;
                }
                length_m += length;
                if length <= MAX_PIECE_M {
                    segments.push(Segment {
                        a,
                        b,
                        length_m: length,
                    });
                    continue;
                }
                let points: Vec<Point<f64>> = Geodesic
                    .points_along_line(Point(a), Point(b), MAX_PIECE_M, true)
                    .collect();
                for piece in points.windows(2) {
                    let (a, b) = (piece[0].0, piece[1].0);
                    segments.push(Segment {
                        a,
                        b,
                        length_m: distance_m(a, b),
                    });
                }
            }
            if segments.len() == start {
                // A line of one point (or of repeated points) is a point.
                if let Some(&only) = line.0.first() {
                    segments.push(Segment {
                        a: only,
                        b: only,
                        length_m: 0.0,
                    });
                }
            }
            let mut first = start;
            while first < segments.len() {
                let range = first..(first + CHUNK).min(segments.len());
                let middle = &segments[(range.start + range.end) / 2];
                let center = middle.a;
                let mut radius = 0.0f64;
                let mut longest = 0.0f64;
                for s in &segments[range.clone()] {
                    radius = radius
                        .max(distance_m(center, s.a))
                        .max(distance_m(center, s.b));
                    longest = longest.max(s.length_m);
                }
                // A point of a segment is within half its length of one of its ends.
                chunks.push(Chunk {
                    center,
                    radius_m: radius + longest / 2.0,
                    segments: range.clone(),
                });
                first = range.end;
            }
        }
        Polylines {
            segments,
            chunks,
            length_m,
            vertices,
        }
    }

    /// Total geodesic length of the lines in metres.
    pub fn length_m(&self) -> f64 {
        self.length_m
    }

    pub fn vertices(&self) -> &[Coord<f64>] {
        &self.vertices
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Each segment's ends and geodesic length in metres, in order (long segments already cut).
    pub fn segments(&self) -> impl Iterator<Item = (Coord<f64>, Coord<f64>, f64)> + '_ {
        self.segments.iter().map(|s| (s.a, s.b, s.length_m))
    }

    /// The nearest point to `p` of the segments listed, each with a lower bound of its distance
    /// to `p` (ascending by it). With every segment that may hold the nearest point listed, this
    /// is the distance [`Polylines::closest`] measures, to the bit: the same search of the same
    /// segments, the ones skipped being those that cannot come nearer.
    pub fn closest_over(&self, p: Coord<f64>, segments: &[(f64, usize)]) -> Option<Closest> {
        let mut best: Option<Closest> = None;
        let mut measured: Vec<usize> = Vec::with_capacity(segments.len());
        for &(lower_bound, i) in segments {
            if best.is_some_and(|b| lower_bound >= b.distance_m) {
                break;
            }
            if measured.contains(&i) {
                continue;
            }
            measured.push(i);
            let s = &self.segments[i];
            let da = distance_m(p, s.a);
            let db = if s.b == s.a { da } else { distance_m(p, s.b) };
            let ends = Closest {
                distance_m: da,
                at: s.a,
            }
            .better(Closest {
                distance_m: db,
                at: s.b,
            });
            let current = best.map_or(ends, |b| b.better(ends));
            best = Some(current);
            if (da + db - s.length_m) / 2.0 >= current.distance_m {
                continue;
            }
            best = Some(current.better(segment_search(p, s.a, s.b, s.length_m, da, db)));
        }
        best
    }

    /// The nearest point of the lines to `p`, within [`TOLERANCE_M`]; `None` for no lines.
    pub fn closest(&self, p: Coord<f64>) -> Option<Closest> {
        self.closest_among(p, 0..self.chunks.len())
    }

    /// Where the lines reach within `metres`: the boxes that hold every point that near, per
    /// chunk of the lines, indexed. A chunk's points all lie within its radius of its centre,
    /// so a point within `metres` of the chunk lies within radius + `metres` of the centre.
    pub fn reach(&self, metres: f64) -> Reach {
        let per_chunk: Vec<Vec<Envelope>> = self
            .chunks
            .iter()
            .map(|c| circle_envelopes(c.center, c.radius_m + metres))
            .collect();
        Reach {
            envelopes: per_chunk.iter().flatten().copied().collect(),
            chunks: SpatialIndex::new(per_chunk),
        }
    }

    /// The nearest point of the lines to `p`, exact when it is within the reach's distance
    /// (measured over the chunks that reach `p` only); farther than that distance, a distance
    /// at least the exact one, or `None` when no chunk reaches `p`.
    pub fn closest_within(&self, p: Coord<f64>, reach: &Reach) -> Option<Closest> {
        let near = reach.chunks.search(&Envelope::new(p.x, p.y, p.x, p.y));
        if near.is_empty() {
            return None;
        }
        self.closest_among(p, near)
    }

    fn closest_among(
        &self,
        p: Coord<f64>,
        chunks: impl IntoIterator<Item = usize>,
    ) -> Option<Closest> {
        let mut order: Vec<(f64, usize)> = chunks
            .into_iter()
            .map(|i| {
                (
                    distance_m(p, self.chunks[i].center) - self.chunks[i].radius_m,
                    i,
                )
            })
            .collect();
        order.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut best: Option<Closest> = None;
        for (lower_bound, chunk) in order {
            if best.is_some_and(|b| lower_bound >= b.distance_m) {
                break;
            }
            let range = self.chunks[chunk].segments.clone();
            let mut previous: Option<(Coord<f64>, f64)> = None;
            for s in &self.segments[range] {
                let da = match previous {
                    Some((c, d)) if c == s.a => d,
                    _ => distance_m(p, s.a),
                };
                let db = if s.b == s.a { da } else { distance_m(p, s.b) };
                previous = Some((s.b, db));
                let ends = Closest {
                    distance_m: da,
                    at: s.a,
                }
                .better(Closest {
                    distance_m: db,
                    at: s.b,
                });
                let current = best.map_or(ends, |b| b.better(ends));
                best = Some(current);
                // No point of the segment is nearer than this (triangle inequality).
                if (da + db - s.length_m) / 2.0 >= current.distance_m {
                    continue;
                }
                best = Some(current.better(segment_search(p, s.a, s.b, s.length_m, da, db)));
            }
        }
        best
    }
}

/// Where prepared lines reach within a distance ([`Polylines::reach`]).
pub struct Reach {
    chunks: SpatialIndex,
    /// Every box of every chunk: together they hold every point within the distance.
    pub envelopes: Vec<Envelope>,
}

/// The lines that bound a geometry's area, or the lines it is made of.
fn lines_of(geometry: &Geometry<f64>) -> Vec<LineString<f64>> {
    let rings = |p: &Polygon<f64>| {
        std::iter::once(p.exterior().clone())
            .chain(p.interiors().iter().cloned())
            .collect::<Vec<_>>()
    };
    match geometry {
        Geometry::Point(p) => vec![LineString::new(vec![p.0])],
        Geometry::MultiPoint(mp) => mp.0.iter().map(|p| LineString::new(vec![p.0])).collect(),
        Geometry::Line(l) => vec![LineString::new(vec![l.start, l.end])],
        Geometry::LineString(l) => vec![l.clone()],
        Geometry::MultiLineString(ml) => ml.0.clone(),
        Geometry::Polygon(p) => rings(p),
        Geometry::MultiPolygon(mp) => mp.0.iter().flat_map(rings).collect(),
        Geometry::Rect(r) => rings(&r.to_polygon()),
        Geometry::Triangle(t) => rings(&t.to_polygon()),
        Geometry::GeometryCollection(gc) => gc.0.iter().flat_map(lines_of).collect(),
    }
}

fn has_area(geometry: &Geometry<f64>) -> bool {
    match geometry {
        Geometry::Polygon(_)
        | Geometry::MultiPolygon(_)
        | Geometry::Rect(_)
        | Geometry::Triangle(_) => true,
        Geometry::GeometryCollection(gc) => gc.0.iter().any(has_area),
        _ => false,
    }
}

/// Geodesic distance from a point to a geometry: to its nearest vertex or segment, or 0 inside
/// an area. `at` is the nearest point of the geometry.
pub fn point_to_geometry(p: Coord<f64>, geometry: &Geometry<f64>) -> Option<Closest> {
    if let Geometry::Point(q) = geometry {
        return Some(Closest {
            distance_m: distance_m(p, q.0),
            at: q.0,
        });
    }
    if has_area(geometry) && geometry.intersects(&Point(p)) {
        return Some(Closest {
            distance_m: 0.0,
            at: p,
        });
    }
    Polylines::new(&lines_of(geometry)).closest(p)
}

/// Geodesic distance from a geometry to prepared lines, and the geometry's point nearest to
/// them. Points measure directly. Lines and areas measure 0 when they cross the lines (an
/// intersection test in lon/lat: where it meets the lines, the distance is 0 whatever the
/// projection), else the least of the distances from the geometry's vertices to the lines and
/// from the lines' vertices to the geometry, which is the distance between two polylines that
/// do not cross.
pub fn geometry_to_lines(
    geometry: &Geometry<f64>,
    lines: &Polylines,
    lines_geometry: &Geometry<f64>,
) -> Option<Closest> {
    match geometry {
        Geometry::Point(p) => lines.closest(p.0).map(|c| Closest {
            distance_m: c.distance_m,
            at: p.0,
        }),
        Geometry::MultiPoint(mp) => {
            mp.0.iter()
                .filter_map(|p| {
                    lines.closest(p.0).map(|c| Closest {
                        distance_m: c.distance_m,
                        at: p.0,
                    })
                })
                .reduce(Closest::better)
        }
        other => {
            let own = Polylines::new(&lines_of(other));
            let from_own_vertices = own
                .vertices()
                .iter()
                .filter_map(|&v| {
                    lines.closest(v).map(|c| Closest {
                        distance_m: c.distance_m,
                        at: v,
                    })
                })
                .reduce(Closest::better);
            let crossing = other.intersects(lines_geometry);
            if crossing {
                // The vertex nearest the lines stands for the feature's side.
                return from_own_vertices.map(|c| Closest {
                    distance_m: 0.0,
                    at: c.at,
                });
            }
            let from_line_vertices = lines
                .vertices()
                .iter()
                .filter_map(|&v| own.closest(v))
                .reduce(Closest::better);
            match (from_own_vertices, from_line_vertices) {
                (Some(a), Some(b)) => Some(a.better(b)),
                (a, b) => a.or(b),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    fn found(envelopes: &[Envelope], p: Coord<f64>) -> bool {
        envelopes
            .iter()
            .any(|e| e.intersects(&Envelope::new(p.x, p.y, p.x, p.y)))
    }

    #[test]
    fn a_circle_across_the_antimeridian_is_two_boxes_that_hold_the_far_side() {
        let center = c(179.9, 10.0);
        let target = c(-179.8, 10.0);
        assert!(distance_m(center, target) < 500_000.0);
        let boxes = circle_envelopes(center, 500_000.0);
        assert_eq!(boxes.len(), 2, "{boxes:?}");
        assert!(found(&boxes, target), "{boxes:?}");
        assert!(boxes
            .iter()
            .all(|b| b.min[0] >= -180.0 && b.max[0] <= 180.0));
    }

    #[test]
    fn at_high_latitude_the_longitude_span_grows() {
        let center = c(20.0, 80.0);
        let east = destination(center, 90.0, 250_000.0);
        assert!((east.x - center.x) > 12.0, "{east:?}");
        let boxes = circle_envelopes(center, 300_000.0);
        assert!(found(&boxes, east), "{boxes:?} {east:?}");
        // A circle that reaches the pole spans every longitude.
        let polar = circle_envelopes(c(0.0, 88.0), 300_000.0);
        assert_eq!(polar.len(), 1);
        assert_eq!(
            (polar[0].min[0], polar[0].max[0], polar[0].max[1]),
            (-180.0, 180.0, 90.0)
        );
    }

    #[test]
    fn every_point_on_a_circle_is_inside_its_envelope() {
        for &lat in &[-89.0, -60.0, -1.0, 0.0, 37.5, 71.0, 84.0] {
            for &lon in &[-179.99, -120.0, 0.0, 68.8, 179.5] {
                for &radius in &[1_000.0, 50_000.0, 700_000.0, 3_000_000.0, 5_000_000.0] {
                    let boxes = circle_envelopes(c(lon, lat), radius);
                    for i in 0..72 {
                        let p = destination(c(lon, lat), i as f64 * 5.0, radius);
                        assert!(
                            found(&boxes, p),
                            "{lon},{lat} r={radius} az={} -> {p:?} not in {boxes:?}",
                            i * 5
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_segment_line_is_destination_to_the_bit() {
        for (a, b) in [
            (c(68.0, 37.0), c(68.3, 37.1)),
            (c(179.99, -10.0), c(-179.9, -10.05)),
            (c(20.0, 79.0), c(20.1, 79.2)),
        ] {
            let line = SegmentLine::new(a, b);
            let heading = azimuth(a, b);
            let length = distance_m(a, b);
            for i in 0..=50 {
                let t = length * i as f64 / 50.0;
                let (x, y) = (line.at(t), destination(a, heading, t));
                assert_eq!(
                    (x.x.to_bits(), x.y.to_bits()),
                    (y.x.to_bits(), y.y.to_bits())
                );
            }
        }
    }

    #[test]
    fn segment_distance_matches_a_dense_sampling() {
        let (a, b) = (c(68.0, 37.0), c(68.3, 37.1));
        for p in [c(68.1, 37.2), c(67.9, 36.9), c(68.5, 37.0), c(68.15, 37.05)] {
            let fast = point_to_segment(p, a, b);
            let azimuth = azimuth(a, b);
            let length = distance_m(a, b);
            let sampled = (0..=20_000)
                .map(|i| distance_m(p, destination(a, azimuth, length * i as f64 / 20_000.0)))
                .fold(f64::INFINITY, f64::min);
            // The sampling is itself within about (step/2)²/(2d) of the truth.
            assert!(
                fast.distance_m <= sampled + 0.01,
                "{p:?}: {} vs {sampled}",
                fast.distance_m
            );
            assert!(
                sampled - fast.distance_m < 0.05,
                "{p:?}: {} vs {sampled}",
                fast.distance_m
            );
        }
    }

    #[test]
    fn polylines_agree_with_brute_force_and_prune_nothing_they_need() {
        let line = LineString::new(
            (0..200)
                .map(|i| c(60.0 + i as f64 * 0.05, 37.0 + (i as f64 * 0.3).sin() * 0.2))
                .collect(),
        );
        let lines = Polylines::new([&line]);
        for p in [
            c(61.0, 38.0),
            c(65.0, 36.5),
            c(58.0, 37.0),
            c(70.2, 37.0),
            c(62.5, 37.0),
        ] {
            let fast = lines.closest(p).unwrap();
            let slow = line
                .0
                .windows(2)
                .map(|w| point_to_segment(p, w[0], w[1]).distance_m)
                .fold(f64::INFINITY, f64::min);
            assert!(
                (fast.distance_m - slow).abs() < 0.02,
                "{p:?}: {} vs {slow}",
                fast.distance_m
            );
        }
        let on_line = line.0[57];
        assert!(lines.closest(on_line).unwrap().distance_m < 0.01);
    }

    #[test]
    fn the_reach_measures_exactly_what_is_near_and_refuses_only_what_is_far() {
        let line = LineString::new(
            (0..300)
                .map(|i| c(60.0 + i as f64 * 0.04, 37.0 + (i as f64 * 0.2).sin() * 0.3))
                .collect(),
        );
        let lines = Polylines::new([&line]);
        let reach_m = 60_000.0;
        let reach = lines.reach(reach_m);
        // A grid of points around the line, near and far.
        for i in 0..40 {
            for j in 0..20 {
                let p = c(58.5 + i as f64 * 0.4, 35.0 + j as f64 * 0.2);
                let exact = lines.closest(p).unwrap();
                match lines.closest_within(p, &reach) {
                    Some(near) if exact.distance_m <= reach_m => {
                        assert!((near.distance_m - exact.distance_m).abs() < 1e-6)
                    }
                    // Beyond the distance, only the chunks that reach it were measured.
                    Some(near) => assert!(near.distance_m >= exact.distance_m - 1e-6),
                    None => assert!(exact.distance_m > reach_m, "{p:?} at {}", exact.distance_m),
                }
                if exact.distance_m <= reach_m {
                    assert!(found(&reach.envelopes, p), "{p:?} not in the reach's boxes");
                }
            }
        }
    }

    #[test]
    fn long_segments_are_cut_and_still_measured_exactly() {
        let (a, b) = (c(0.0, 0.0), c(10.0, 0.0));
        let p = c(5.0, 1.0);
        let d = point_to_segment(p, a, b);
        // Along the equator the geodesic is the equator: the foot is (5, 0).
        assert!(
            (d.distance_m - distance_m(p, c(5.0, 0.0))).abs() < 0.05,
            "{d:?}"
        );
        assert!((d.at.x - 5.0).abs() < 1e-4 && d.at.y.abs() < 1e-6, "{d:?}");
    }

    #[test]
    fn inside_an_area_the_distance_is_zero_and_outside_it_is_to_the_boundary() {
        let square = Geometry::Polygon(Polygon::new(
            LineString::new(vec![
                c(0.0, 0.0),
                c(1.0, 0.0),
                c(1.0, 1.0),
                c(0.0, 1.0),
                c(0.0, 0.0),
            ]),
            vec![],
        ));
        assert_eq!(
            point_to_geometry(c(0.5, 0.5), &square).unwrap().distance_m,
            0.0
        );
        let outside = point_to_geometry(c(0.5, -1.0), &square).unwrap();
        assert!(
            (outside.distance_m - distance_m(c(0.5, -1.0), c(0.5, 0.0))).abs() < 0.05,
            "{outside:?}"
        );
    }
}
