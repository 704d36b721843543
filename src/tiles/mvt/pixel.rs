//! Geometries in pixel space, between projection and encoding: projecting lon/lat to world
//! pixels (with copies across the antimeridian), clipping to a tile one axis at a time,
//! Ramer–Douglas–Peucker simplification and quantizing to the tile's integer grid.

use super::grid::lonlat_to_world_pixel;
use super::{tiles_per_side, EXTENT};
use crate::geom::antimeridian::{unwrap_longitudes, unwrap_polygon};
use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::{BooleanOps, Point, Polygon, PreparedGeometry, Rect, Relate, Simplify};
use geo::{BoundingRect, Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon};
use geo::{Translate, Validation};

/// How many times a polygon broken by rounding to the grid is repaired before it is kept as
/// it is.
const GRID_REPAIR_ROUNDS: usize = 4;

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
        let path = |coords: &[Coord<f64>]| LineString::new(coords.iter().map(p).collect());
        let line = |l: &LineString<f64>| path(&unwrap_longitudes(&l.0));
        let polygon = |poly: &Polygon<f64>| {
            let unwrapped = unwrap_polygon(poly);
            Polygon::new(
                path(&unwrapped.exterior().0),
                unwrapped
                    .interiors()
                    .iter()
                    .map(|hole| path(&hole.0))
                    .collect(),
            )
        };
        let geometry = match geometry {
            Geometry::Point(pt) => Self::Points(MultiPoint::new(vec![Point(p(&pt.0))])),
            Geometry::MultiPoint(mp) => Self::Points(MultiPoint::new(
                mp.0.iter().map(|pt| Point(p(&pt.0))).collect(),
            )),
            Geometry::Line(l) => {
                Self::Lines(MultiLineString::new(vec![path(&unwrap_longitudes(&[
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
                let mut polygons = grid_polygons(g, q, min_ring_area);
                // Rounding to the grid can make a ring touch or cross itself or a neighbour
                // where the source runs closer than a tile unit. The union of the rounded
                // rings is valid again; rounding the crossings it adds can, rarely, break that
                // once more, so it is repeated a few times (each round has fewer crossings).
                let round = |c: &Coord<f64>| Coord {
                    x: c.x.round(),
                    y: c.y.round(),
                };
                for _ in 0..GRID_REPAIR_ROUNDS {
                    let shape = MultiPolygon::new(polygons);
                    if is_valid_multipolygon(&shape) {
                        polygons = shape.0;
                        break;
                    }
                    let repaired = shape.union(&MultiPolygon::new(vec![]));
                    polygons = grid_polygons(&repaired, round, min_ring_area);
                }
                match polygons.len() {
                    0 => None,
                    1 => polygons.pop().map(Geometry::Polygon),
                    _ => Some(Geometry::MultiPolygon(MultiPolygon::new(polygons))),
                }
            }
        }
    }
}

/// Whether `shape` is valid as `geo`'s `Validation` judges a multipolygon: every polygon valid,
/// no two overlapping or touching along a line. `geo` relates every pair of polygons, building
/// both polygons' graphs each time, which for a footprint of a large mainland and hundreds of
/// islands costs seconds a tile. Here only pairs whose boxes meet are related (polygons apart
/// can neither overlap nor touch), each polygon's graph is built once (`PreparedGeometry`).
fn is_valid_multipolygon(shape: &MultiPolygon<f64>) -> bool {
    if !shape.0.iter().all(|p| p.is_valid()) {
        return false;
    }
    let boxes: Vec<Option<Rect<f64>>> = shape.0.iter().map(|p| p.bounding_rect()).collect();
    let meet = |a: &Rect<f64>, b: &Rect<f64>| {
        a.min().x <= b.max().x
            && b.min().x <= a.max().x
            && a.min().y <= b.max().y
            && b.min().y <= a.max().y
    };
    let mut prepared: Vec<Option<PreparedGeometry<'_, &Polygon<f64>>>> =
        (0..shape.0.len()).map(|_| None).collect();
    for i in 0..shape.0.len() {
        for j in i + 1..shape.0.len() {
            let (Some(a), Some(b)) = (&boxes[i], &boxes[j]) else {
                continue;
            };
            if !meet(a, b) {
                continue;
            }
            for k in [i, j] {
                if prepared[k].is_none() {
                    prepared[k] = Some(PreparedGeometry::from(&shape.0[k]));
                }
            }
            let (Some(first), Some(second)) = (&prepared[i], &prepared[j]) else {
                continue;
            };
            let matrix = first.relate(second);
            if matrix.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional
                || matrix.get(CoordPos::OnBoundary, CoordPos::OnBoundary)
                    == Dimensions::OneDimensional
            {
                return false;
            }
        }
    }
    true
}

/// The polygons of `shape` with every vertex moved by `to_grid` onto the integer grid,
/// repeated points removed, rings smaller than `min_ring_area` dropped (a polygon goes with its
/// exterior) and rings oriented as MVT wants: exteriors positive, holes negative.
fn grid_polygons(
    shape: &MultiPolygon<f64>,
    to_grid: impl Fn(&Coord<f64>) -> Coord<f64>,
    min_ring_area: f64,
) -> Vec<Polygon<f64>> {
    let ring = |l: &LineString<f64>, exterior: bool| -> Option<LineString<f64>> {
        let mut coords: Vec<Coord<f64>> = l.0.iter().map(&to_grid).collect();
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
    shape
        .0
        .iter()
        .filter_map(|poly| {
            let exterior = ring(poly.exterior(), true)?;
            let holes = poly
                .interiors()
                .iter()
                .filter_map(|h| ring(h, false))
                .collect();
            Some(Polygon::new(exterior, holes))
        })
        .collect()
}

/// Twice the surveyor's-formula area of a closed ring of integer-valued coordinates, exactly.
pub(super) fn twice_signed_area(ring: &[Coord<f64>]) -> i64 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiles::mvt::TileWindow;
    use geo::{coord, line_string, polygon};

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
}
