//! Cheap, proven lower and upper bounds of the geodesic distance from a point to a border's
//! lines, so that a border zone measures exactly only the few points a bound cannot decide.
//!
//! **The conformal sphere.** Each point (φ, λ) of the WGS 84 ellipsoid is mapped to the point
//! (χ, λ) of a sphere of radius a, χ the conformal latitude. The map is conformal, so at every
//! point a length on the ellipsoid is k(φ) times its image on the sphere, in every direction,
//! with k = cos φ / (W cos χ), W = √(1 − e² sin² φ). Its derivative is
//! d ln k / dφ = (M/N)(sin χ − sin φ)/cos φ, and |χ| < |φ| away from the equator, so k is largest
//! on the equator and decreases with |φ|: over a band of latitudes its least value is at the
//! band's edge farthest from the equator and its greatest at the edge nearest it. A curve inside
//! the band is therefore between k_lo and k_hi times as long on the ellipsoid as on the sphere.
//!
//! **Bounds to the border.** Let T be the farthest distance the zone cares about and B the
//! border's latitudes widened by T / 110 574 m per degree (a degree of latitude is never
//! shorter). A geodesic of length s ≤ T from a point to the border stays inside B, so
//! s ≥ k_lo(B) × its image's length ≥ k_lo × the spherical distance to the border's image:
//! the distance to the border is at least min(T, k_lo·a·θ) with θ the angle to the image. The
//! other way, the great-circle path on the sphere from the point to its nearest point of the
//! image, of angle θ', stays within θ' of the border's image, which is within B while
//! θ' ≤ (1 − e²)·T/110 574 m (dχ/dφ ≥ 1 − e²); so the distance is at most k_hi·a·θ'.
//!
//! **The border's image.** A border segment is a geodesic of the ellipsoid; its image is not
//! quite a great-circle arc. Segments are cut into pieces of at most [`PIECE_M`]; a point x of a
//! piece of length ℓ between P and Q has s(P,x) + s(x,Q) = ℓ, so its image lies in the
//! spherical ellipse of foci P', Q' and focal sum ℓ/k_lo (k over the piece's own tiny band): the
//! image is within that ellipse's semi-minor axis b of the arc P'Q' and the arc within b of
//! the image (the perpendicular through any point of the arc meets the image inside the
//! ellipse). Every angle to an arc is thus widened or narrowed by its b, a fraction of a metre.
//! Each bound also leaves a millimetre and a part in a million for floating-point rounding.
//!
//! The pieces are grouped in runs of [`RUN`] with a bounding cap (convex, so it holds the
//! arcs), which lets a point skip every run that cannot hold its nearest point. What depends on
//! the border only is built once per catalog ([`BorderBounds`]); what depends on the distance
//! asked too (the band, a grid of the runs' reach) per question ([`ZoneBounds`]), the grids of
//! the last few distances kept with the border.

use super::geodesy::{
    azimuth, circle_envelopes, destination, distance_m, Polylines, MIN_METRES_PER_DEGREE_LATITUDE,
};
use crate::catalog::Envelope;
use geo::Coord;
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

/// Semi-major axis of WGS 84, the conformal sphere's radius.
const A: f64 = 6_378_137.0;
/// First eccentricity squared of WGS 84.
const E2: f64 = 0.006_694_379_990_141_317;
/// Longest border piece an arc stands for.
pub const PIECE_M: f64 = 1_000.0;
/// Pieces per bounding cap.
const RUN: usize = 8;
/// Latitudes this close to a pole get no bounds (every distance there is measured exactly).
const POLAR_LIMIT_DEGREES: f64 = 89.5;

type V3 = [f64; 3];

fn dot(u: V3, v: V3) -> f64 {
    u[0] * v[0] + u[1] * v[1] + u[2] * v[2]
}

fn cross(u: V3, v: V3) -> V3 {
    [
        u[1] * v[2] - u[2] * v[1],
        u[2] * v[0] - u[0] * v[2],
        u[0] * v[1] - u[1] * v[0],
    ]
}

fn norm(u: V3) -> f64 {
    dot(u, u).sqrt()
}

/// Bounds of asin(x) for 0 ≤ x ≤ 1 without computing it where x is small: asin x ≥ x, and
/// asin x = x + x³/6 + 3x⁵/40 + … ≤ x + x³/5 for x ≤ 0.05 (about 320 km on the sphere).
fn asin_range(x: f64) -> (f64, f64) {
    if x <= 0.05 {
        (x, x + x * x * x / 5.0)
    } else {
        let a = x.min(1.0).asin();
        (a, a)
    }
}

/// Bounds of the angle between two unit vectors, from their chord.
fn angle_range(u: V3, v: V3) -> (f64, f64) {
    let (lo, hi) = asin_range(norm([u[0] - v[0], u[1] - v[1], u[2] - v[2]]) / 2.0);
    (2.0 * lo, 2.0 * hi)
}

/// Angle between two unit vectors, from their chord: accurate for small angles too.
fn angle(u: V3, v: V3) -> f64 {
    let chord = norm([u[0] - v[0], u[1] - v[1], u[2] - v[2]]);
    2.0 * (chord / 2.0).min(1.0).asin()
}

/// The image of a geodetic longitude/latitude on the conformal sphere, as a unit vector.
pub fn to_sphere(p: Coord<f64>) -> V3 {
    let phi = p.y.to_radians();
    let lambda = p.x.to_radians();
    let chi = conformal_latitude(phi);
    let (sin_chi, cos_chi) = chi.sin_cos();
    let (sin_l, cos_l) = lambda.sin_cos();
    [cos_chi * cos_l, cos_chi * sin_l, sin_chi]
}

fn conformal_latitude(phi: f64) -> f64 {
    let e = E2.sqrt();
    let psi = phi.tan().asinh() - e * (e * phi.sin()).atanh();
    psi.sinh().atan()
}

/// Length on the ellipsoid per length on the conformal sphere at latitude `phi_degrees`.
pub fn scale(phi_degrees: f64) -> f64 {
    let phi = phi_degrees.to_radians();
    let w = (1.0 - E2 * phi.sin().powi(2)).sqrt();
    phi.cos() / (w * conformal_latitude(phi).cos())
}

/// The least and greatest [`scale`] over the latitudes `south..=north` (degrees), or `None`
/// when the band comes near a pole.
fn scale_range(south: f64, north: f64) -> Option<(f64, f64)> {
    if south < -POLAR_LIMIT_DEGREES || north > POLAR_LIMIT_DEGREES {
        return None;
    }
    let nearest_equator = if south <= 0.0 && north >= 0.0 {
        0.0
    } else {
        south.abs().min(north.abs())
    };
    let farthest = south.abs().max(north.abs());
    Some((scale(farthest), scale(nearest_equator)))
}

/// One piece of the border on the sphere: the great-circle arc between the images of its ends.
struct PieceArc {
    a: V3,
    b: V3,
    /// Unit normal of the arc's plane (zero for a piece of one point).
    normal: V3,
    /// A point is beside the arc, rather than beyond an end, when it is on the inner side of
    /// both of these planes.
    after_a: V3,
    before_b: V3,
    /// False for a piece of one point, which has no side.
    has_side: bool,
    /// How far (radians) the image of the piece may stray from the arc.
    slack: f64,
    /// The border segment ([`Polylines`]) the piece belongs to.
    segment: usize,
}

impl PieceArc {
    /// Bounds of the angle from `p` to the arc.
    fn angle_range(&self, p: V3) -> (f64, f64) {
        if self.has_side && dot(p, self.after_a) >= 0.0 && dot(p, self.before_b) >= 0.0 {
            asin_range(dot(p, self.normal).abs())
        } else {
            let (a, b) = (angle_range(p, self.a), angle_range(p, self.b));
            (a.0.min(b.0), a.1.min(b.1))
        }
    }

    /// Angle from `p` to the arc.
    #[cfg(test)]
    fn angle(&self, p: V3) -> f64 {
        if self.has_side && dot(p, self.after_a) >= 0.0 && dot(p, self.before_b) >= 0.0 {
            dot(p, self.normal).abs().min(1.0).asin()
        } else {
            angle(p, self.a).min(angle(p, self.b))
        }
    }
}

struct Run {
    /// An end of one of the run's pieces (a point of the border), on the sphere.
    center: V3,
    center_lon_lat: Coord<f64>,
    /// Every point of the run's image is within this angle of `center`.
    radius: f64,
    /// Every point of the run's pieces is within this many metres of `center` on the ellipsoid.
    radius_m: f64,
    arcs: std::ops::Range<usize>,
}

/// What the bounds need of one border, built once per catalog.
pub struct BorderBounds {
    arcs: Vec<PieceArc>,
    runs: Vec<Run>,
    /// The latitudes every point of the border lies between.
    south: f64,
    north: f64,
    /// The grids of the distances asked last (by the bits of the distance in metres): a grid
    /// depends on the border and the distance only.
    grids: Mutex<LruCache<u64, Arc<RunGrid>>>,
}

/// How many distances' grids a border keeps.
const GRIDS_KEPT: usize = 8;

impl BorderBounds {
    pub fn new(lines: &Polylines) -> BorderBounds {
        let mut arcs = Vec::new();
        let mut ends: Vec<(Coord<f64>, Coord<f64>, f64)> = Vec::new();
        let (mut south, mut north) = (f64::INFINITY, f64::NEG_INFINITY);
        for (segment, (a, b, length)) in lines.segments().enumerate() {
            let first = ends.len();
            let pieces = (length / PIECE_M).ceil().max(1.0) as usize;
            let heading = if length > 0.0 { azimuth(a, b) } else { 0.0 };
            let mut start = a;
            for i in 1..=pieces {
                let end = if i == pieces {
                    b
                } else {
                    destination(a, heading, length * i as f64 / pieces as f64)
                };
                ends.push((start, end, length / pieces as f64));
                start = end;
            }
            for &(p, q, piece) in &ends[first..] {
                // A point of a piece is within half its length of one of its ends.
                let reach = piece / 2.0 / MIN_METRES_PER_DEGREE_LATITUDE;
                south = south.min(p.y.min(q.y) - reach);
                north = north.max(p.y.max(q.y) + reach);
                arcs.push(arc(p, q, piece, segment));
            }
        }
        let mut runs = Vec::new();
        let mut first = 0;
        while first < arcs.len() {
            let range = first..(first + RUN).min(arcs.len());
            let middle = (range.start + range.end) / 2;
            let center = arcs[middle].a;
            let center_lon_lat = ends[middle].0;
            let mut radius = 0.0f64;
            let mut radius_m = 0.0f64;
            for i in range.clone() {
                radius = radius
                    .max(angle(center, arcs[i].a) + arcs[i].slack)
                    .max(angle(center, arcs[i].b) + arcs[i].slack);
                let (p, q, piece) = ends[i];
                radius_m = radius_m
                    .max(distance_m(center_lon_lat, p) + piece / 2.0)
                    .max(distance_m(center_lon_lat, q) + piece / 2.0);
            }
            runs.push(Run {
                center,
                center_lon_lat,
                radius: radius * (1.0 + 1e-9) + 1e-12,
                radius_m: radius_m * (1.0 + 1e-9) + 1e-3,
                arcs: range.clone(),
            });
            first = range.end;
        }
        BorderBounds {
            arcs,
            runs,
            south,
            north,
            grids: Mutex::new(LruCache::new(
                NonZeroUsize::new(GRIDS_KEPT).expect("more than none"),
            )),
        }
    }

    /// The bounds for points within `metres` of the border; `None` when the border comes near
    /// a pole, where every distance is measured exactly.
    pub fn within(&self, metres: f64) -> Option<ZoneBounds<'_>> {
        if self.runs.is_empty() {
            return None;
        }
        let band = metres / MIN_METRES_PER_DEGREE_LATITUDE * (1.0 + 1e-9) + 1e-9;
        let (k_lo, k_hi) = scale_range(self.south - band, self.north + band)?;
        let known = self
            .grids
            .lock()
            .ok()
            .and_then(|mut g| g.get(&metres.to_bits()).cloned());
        let reach = match known {
            Some(grid) => grid,
            None => {
                let boxes: Vec<Vec<Envelope>> = self
                    .runs
                    .iter()
                    .map(|r| circle_envelopes(r.center_lon_lat, r.radius_m + metres))
                    .collect();
                let grid = Arc::new(RunGrid::new(&boxes, &self.runs));
                if let Ok(mut grids) = self.grids.lock() {
                    grids.put(metres.to_bits(), grid.clone());
                }
                grid
            }
        };
        Some(ZoneBounds {
            border: self,
            metres,
            k_lo,
            k_hi,
            // The spherical path must stay within the band; see the module notes.
            longest_path: (1.0 - E2) * band.to_radians() * (1.0 - 1e-9),
            reach,
        })
    }
}

/// The arc of a piece from `p` to `q`, `length` metres long on the ellipsoid.
fn arc(p: Coord<f64>, q: Coord<f64>, length: f64, segment: usize) -> PieceArc {
    let (a, b) = (to_sphere(p), to_sphere(q));
    let n = cross(a, b);
    let n_len = norm(n);
    let normal = if n_len > 0.0 {
        [n[0] / n_len, n[1] / n_len, n[2] / n_len]
    } else {
        [0.0; 3]
    };
    let (after_a, before_b) = (cross(normal, a), cross(b, normal));
    let band = length / MIN_METRES_PER_DEGREE_LATITUDE;
    let slack = match scale_range(p.y.min(q.y) - band, p.y.max(q.y) + band) {
        Some((k_lo, _)) => {
            // Half the focal sum and half the focal distance, as angles on the sphere; the
            // semi-minor axis b of the spherical ellipse has cos b = cos s / cos c.
            let s = length / k_lo / A / 2.0;
            let c = angle(a, b) / 2.0;
            let one_minus_cos_b = if s > c {
                2.0 * ((s + c) / 2.0).sin() * ((s - c) / 2.0).sin() / c.cos()
            } else {
                0.0
            };
            2.0 * (one_minus_cos_b / 2.0).sqrt().asin() * 1.001 + 1e-4 / A
        }
        None => f64::INFINITY,
    };
    PieceArc {
        a,
        b,
        normal,
        after_a,
        before_b,
        has_side: n_len > 0.0,
        slack,
        segment,
    }
}

/// A lower and an upper bound of a distance, in metres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    pub lower_m: f64,
    pub upper_m: f64,
}

/// The bounds of one border for the points within a distance of it, for one question.
pub struct ZoneBounds<'a> {
    border: &'a BorderBounds,
    /// Distances beyond this are only known to be beyond it.
    metres: f64,
    k_lo: f64,
    k_hi: f64,
    /// Longest spherical path (radians) whose upper bound holds.
    longest_path: f64,
    /// Which runs may be within `metres` of a point.
    reach: Arc<RunGrid>,
}

/// A grid of lon/lat cells, each listing the runs whose reach meets it, nearest first: a
/// point's runs in one look-up, and the far ones left unvisited.
struct RunGrid {
    west: f64,
    south: f64,
    cell_width: f64,
    cell_height: f64,
    columns: usize,
    rows: usize,
    /// The runs of cell `i` are `runs[starts[i]..starts[i + 1]]`, ascending by `nearest`.
    starts: Vec<u32>,
    runs: Vec<u32>,
    /// Per entry of `runs`: no point of the cell is nearer the run's cap than this (radians).
    nearest: Vec<f64>,
    /// Per cell: every point of the cell is within this angle of a run's centre.
    farthest: Vec<f64>,
}

/// About how many cells a grid has.
const GRID_CELLS: f64 = 40_000.0;

impl RunGrid {
    /// `reach[r]` are the boxes of run `r`.
    fn new(reach: &[Vec<Envelope>], runs: &[Run]) -> RunGrid {
        let all = reach
            .iter()
            .flatten()
            .copied()
            .reduce(Envelope::merge)
            .unwrap_or(Envelope::new(0.0, 0.0, 0.0, 0.0));
        let (width, height) = (all.max[0] - all.min[0], all.max[1] - all.min[1]);
        let cell = ((width * height) / GRID_CELLS).sqrt().max(1e-6);
        let columns = ((width / cell).ceil() as usize).clamp(1, 1024);
        let rows = ((height / cell).ceil() as usize).clamp(1, 1024);
        let mut grid = RunGrid {
            west: all.min[0],
            south: all.min[1],
            cell_width: (width / columns as f64).max(1e-9),
            cell_height: (height / rows as f64).max(1e-9),
            columns,
            rows,
            starts: Vec::new(),
            runs: Vec::new(),
            nearest: Vec::new(),
            farthest: Vec::new(),
        };
        let mut per_cell: Vec<Vec<u32>> = vec![Vec::new(); columns * rows];
        for (run, boxes) in reach.iter().enumerate() {
            for e in boxes {
                let (c0, r0) = grid.cell_of(e.min[0], e.min[1]);
                let (c1, r1) = grid.cell_of(e.max[0], e.max[1]);
                for row in r0..=r1 {
                    for column in c0..=c1 {
                        let list = &mut per_cell[row * columns + column];
                        if list.last() != Some(&(run as u32)) {
                            list.push(run as u32);
                        }
                    }
                }
            }
        }
        grid.starts.push(0);
        let mut order: Vec<(f64, u32)> = Vec::new();
        for (i, list) in per_cell.into_iter().enumerate() {
            let mut farthest = f64::INFINITY;
            if !list.is_empty() {
                let (center, half_diagonal) = grid.cell_cap(i);
                order.clear();
                order.extend(list.into_iter().map(|r| {
                    let run = &runs[r as usize];
                    let to_center = angle(center, run.center);
                    farthest = farthest.min(to_center + half_diagonal);
                    (to_center - run.radius - half_diagonal, r)
                }));
                order.sort_by(|x, y| x.0.total_cmp(&y.0));
                grid.runs.extend(order.iter().map(|x| x.1));
                grid.nearest.extend(order.iter().map(|x| x.0));
            }
            grid.starts.push(grid.runs.len() as u32);
            grid.farthest.push(farthest * (1.0 + 1e-9));
        }
        grid
    }

    /// The centre of cell `i` on the sphere and an angle every point of the cell is within of
    /// it: a tenth more than the farthest of its corners and edge midpoints (on a cell this
    /// small, the farthest point is a corner).
    fn cell_cap(&self, i: usize) -> (V3, f64) {
        let (column, row) = (i % self.columns, i / self.columns);
        let x0 = self.west + column as f64 * self.cell_width;
        let y0 = self.south + row as f64 * self.cell_height;
        let at = |fx: f64, fy: f64| {
            to_sphere(Coord {
                x: x0 + fx * self.cell_width,
                y: (y0 + fy * self.cell_height).clamp(-90.0, 90.0),
            })
        };
        let center = at(0.5, 0.5);
        let edge = [
            (0.0, 0.0),
            (1.0, 0.0),
            (0.0, 1.0),
            (1.0, 1.0),
            (0.5, 0.0),
            (0.5, 1.0),
            (0.0, 0.5),
            (1.0, 0.5),
        ];
        let farthest = edge
            .into_iter()
            .map(|(fx, fy)| angle(center, at(fx, fy)))
            .fold(0.0, f64::max);
        (center, farthest * 1.1 + 1e-12)
    }

    /// The cell holding a point, clamped into the grid.
    fn cell_of(&self, x: f64, y: f64) -> (usize, usize) {
        let column = ((x - self.west) / self.cell_width).max(0.0) as usize;
        let row = ((y - self.south) / self.cell_height).max(0.0) as usize;
        (column.min(self.columns - 1), row.min(self.rows - 1))
    }

    /// The cell of a point inside the grid, `None` outside it.
    fn cell(&self, p: Coord<f64>) -> Option<u32> {
        let x = (p.x - self.west) / self.cell_width;
        let y = (p.y - self.south) / self.cell_height;
        // A point on the grid's far edge belongs to its last cell.
        if !(x >= 0.0 && y >= 0.0 && x <= self.columns as f64 && y <= self.rows as f64) {
            return None;
        }
        let (column, row) = (
            (x as usize).min(self.columns - 1),
            (y as usize).min(self.rows - 1),
        );
        Some((row * self.columns + column) as u32)
    }

    /// Whether a box meets a cell that some run reaches.
    fn meets(&self, e: &Envelope) -> bool {
        if e.max[0] < self.west
            || e.max[1] < self.south
            || e.min[0] > self.west + self.cell_width * self.columns as f64
            || e.min[1] > self.south + self.cell_height * self.rows as f64
        {
            return false;
        }
        let (c0, r0) = self.cell_of(e.min[0], e.min[1]);
        let (c1, r1) = self.cell_of(e.max[0], e.max[1]);
        // Large boxes (the tree's upper nodes) are opened without looking at every cell.
        if (c1 - c0 + 1) * (r1 - r0 + 1) > 64 {
            return true;
        }
        (r0..=r1).any(|row| {
            (c0..=c1).any(|column| {
                let i = row * self.columns + column;
                self.starts[i + 1] > self.starts[i]
            })
        })
    }

    fn runs(&self, cell: u32) -> (&[u32], &[f64]) {
        let i = cell as usize;
        let range = self.starts[i] as usize..self.starts[i + 1] as usize;
        (&self.runs[range.clone()], &self.nearest[range])
    }
}

/// A point prepared for repeated bounds: its image and the runs that reach it.
#[derive(Clone, Copy)]
pub struct Prepared {
    at: V3,
    cell: u32,
}

impl ZoneBounds<'_> {
    /// Whether a lon/lat box may hold a point within the bounds' distance of the border: every
    /// box that does is accepted, and so is every box that holds an accepted one.
    pub fn may_reach(&self, e: &Envelope) -> bool {
        self.reach.meets(e)
    }

    /// The image of `p` and the runs that reach it, or `None` when no run does (then the point
    /// is farther than the distance the bounds were made for).
    pub fn prepare(&self, p: Coord<f64>) -> Option<Prepared> {
        let cell = self.reach.cell(p)?;
        (!self.reach.runs(cell).0.is_empty()).then(|| Prepared {
            at: to_sphere(p),
            cell,
        })
    }

    /// Metres on the ellipsoid from angles on the sphere, the lower one capped at the bounds'
    /// distance (beyond it, only that much is known).
    fn to_metres(&self, lower: f64, upper: f64) -> Bounds {
        let lower_m = (self.k_lo * A * lower.max(0.0)) * (1.0 - 1e-6) - 1e-3;
        let upper_m = if upper <= self.longest_path {
            (self.k_hi * A * upper) * (1.0 + 1e-6) + 1e-3
        } else {
            f64::INFINITY
        };
        Bounds {
            lower_m: lower_m.max(0.0).min(self.metres),
            upper_m,
        }
    }

    /// Bounds shared by every point of `p`'s grid cell: one look-up, looser than
    /// [`ZoneBounds::bounds`].
    pub fn cell_bounds(&self, p: &Prepared) -> Bounds {
        let i = p.cell as usize;
        let lower = self.reach.nearest[self.reach.starts[i] as usize];
        self.to_metres(lower, self.reach.farthest[i])
    }

    /// Bounds from every piece that may hold the nearest point, and, when asked, per border
    /// segment that may hold it, a lower bound of the distance to that segment (ascending),
    /// for the exact measure ([`Polylines::closest_over`]).
    pub fn bounds(&self, p: &Prepared, segments: Option<&mut Vec<(f64, usize)>>) -> Bounds {
        let (runs, nearest) = self.reach.runs(p.cell);
        // Each run's centre is a point of the border, so the nearest centre bounds the
        // distance from above; a run whose cap is farther than that cannot hold the nearest
        // point, and the runs come nearest first, so the first run surely farther ends the
        // search.
        let mut upper = f64::INFINITY;
        let mut lower = f64::INFINITY;
        let mut pieces: Vec<(f64, usize)> = Vec::new();
        let keep = segments.is_some();
        for (&r, &cell_lower) in runs.iter().zip(nearest) {
            if cell_lower > upper {
                break;
            }
            let run = &self.border.runs[r as usize];
            let (center_lo, center_hi) = angle_range(p.at, run.center);
            upper = upper.min(center_hi);
            if center_lo - run.radius > upper {
                continue;
            }
            for arc in &self.border.arcs[run.arcs.clone()] {
                let (arc_lo, arc_hi) = arc.angle_range(p.at);
                upper = upper.min(arc_hi + arc.slack);
                lower = lower.min(arc_lo - arc.slack);
                if keep {
                    pieces.push((arc_lo - arc.slack, arc.segment));
                }
            }
        }
        if let Some(segments) = segments {
            segments.clear();
            pieces.retain(|x| x.0 <= upper);
            pieces.sort_by(|x, y| x.0.total_cmp(&y.0));
            for (angle_lower, segment) in pieces {
                let metres = self.to_metres(angle_lower, angle_lower).lower_m;
                segments.push((metres, segment));
            }
        }
        self.to_metres(lower, upper)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_falls_from_the_equator_to_the_poles() {
        let mut previous = scale(0.0);
        assert!((previous - 1.0).abs() < 1e-15);
        for i in 1..=895 {
            let k = scale(i as f64 / 10.0);
            assert!(k < previous, "{i}");
            assert!((k - scale(-(i as f64) / 10.0)).abs() < 1e-15, "{i}");
            previous = k;
        }
    }

    #[test]
    fn the_asin_range_holds_asin() {
        for i in 0..=10_000 {
            let x = i as f64 / 10_000.0;
            let (lo, hi) = asin_range(x);
            assert!(lo <= x.asin() && x.asin() <= hi, "{x}");
        }
    }

    #[test]
    fn an_arc_is_measured_beside_it_and_beyond_its_ends() {
        let (p, q) = (Coord { x: 10.0, y: 0.0 }, Coord { x: 10.01, y: 0.0 });
        let piece = arc(p, q, distance_m(p, q), 0);
        let beside = to_sphere(Coord { x: 10.005, y: 0.01 });
        let beyond = to_sphere(Coord { x: 10.02, y: 0.0 });
        assert!((piece.angle(beside) - conformal_latitude(0.01f64.to_radians())).abs() < 1e-12);
        assert!((piece.angle(beyond) - angle(beyond, piece.b)).abs() < 1e-15);
        let point = arc(p, p, 0.0, 0);
        assert!((point.angle(beside) - angle(beside, point.a)).abs() < 1e-15);
    }
}
