//! Polygons drawn for an answer: the geodesic circle of a range, the buffer around a border.
//!
//! They are for the map, not for deciding what is inside: membership is always decided by
//! exact geodesic distance (see `geodesy`). So the shapes trade a little accuracy for size.
//!
//! - A circle is 128 geodesic destinations from its centre (chord sag at 128 vertices is
//!   r·(1 − cos(π/128)) ≈ 0.03 % of the radius). Longitudes are unwrapped along the ring; a ring
//!   that winds around a pole is closed along that pole; a ring that leaves -180..180 is cut at
//!   the antimeridian into parts, as RFC 7946 asks (all three by `geom::antimeridian`).
//! - A buffer of distance D around lines is the union (`geo`'s boolean operations) of geodesic
//!   circles of radius D at the lines' vertices and of quadrilaterals joining the points at D on
//!   either side of each segment. The lines are first thinned so that kept vertices are at least
//!   D/20 apart (dropped vertices lie within that of a kept one), and for D above 1 000 km the
//!   quadrilaterals, whose straight lon/lat edges would stray, are replaced by circles every D/4.
//!   The drawn edge is therefore within about D/20 of the true one (at most 0.8 % of D short
//!   between circles for the largest D), which is below a line's width at the scale a zone of
//!   that size is viewed at.

use super::geodesy::{azimuth, destination, distance_m};
use crate::geom::antimeridian;
use geo::{
    unary_union, Coord, Geodesic, InterpolatePoint, LineString, MultiPolygon, Point, Polygon,
};

/// Vertices of a range ring.
pub const RING_VERTICES: usize = 128;
/// Vertices of each circle in a buffer.
const BUFFER_CIRCLE_VERTICES: usize = 64;
/// Most vertices a buffer is built from, whatever the length of the lines.
const MAX_BUFFER_CENTERS: f64 = 3_000.0;

/// The points within `radius_m` of `center`, as a polygon of `vertices` geodesic destinations.
pub fn circle(center: Coord<f64>, radius_m: f64, vertices: usize) -> MultiPolygon<f64> {
    let points: Vec<Coord<f64>> = (0..vertices)
        .map(|i| destination(center, 360.0 * i as f64 / vertices as f64, radius_m))
        .collect();
    wrap_ring(&points)
}

/// A closed ring given by its vertices (first not repeated), drawn within -180..180: cut at
/// the antimeridian, and closed along the pole it goes round (the one on its centre's side of
/// the equator, since its radius is below 90°; see `geom::antimeridian`).
fn wrap_ring(points: &[Coord<f64>]) -> MultiPolygon<f64> {
    let Some(&first) = points.first() else {
        return MultiPolygon(Vec::new());
    };
    let mut ring = points.to_vec();
    ring.push(first);
    MultiPolygon(antimeridian::split_polygon(&Polygon::new(
        LineString::new(ring),
        Vec::new(),
    )))
}

/// The points within `distance_m` of the lines, approximately (see the module notes); `None`
/// for a distance of 0, whose zone is the lines themselves.
pub fn buffer(lines: &[LineString<f64>], distance_m_: f64) -> Option<MultiPolygon<f64>> {
    if distance_m_ <= 0.0 || lines.is_empty() {
        return None;
    }
    let total: f64 = lines
        .iter()
        .flat_map(|l| l.0.windows(2))
        .map(|w| distance_m(w[0], w[1]))
        .sum();
    let thin = (distance_m_ / 20.0).max(total / MAX_BUFFER_CENTERS);
    let with_quads = distance_m_ <= 1_000_000.0;
    let spacing = if with_quads {
        50_000.0f64.min(distance_m_.max(thin))
    } else {
        distance_m_ / 4.0
    };
    let mut pieces: Vec<Polygon<f64>> = Vec::new();
    for line in lines {
        let Some(&first) = line.0.first() else {
            continue;
        };
        let mut kept = vec![first];
        for &v in &line.0[1..] {
            if distance_m(kept[kept.len() - 1], v) >= thin {
                kept.push(v);
            }
        }
        let last = line.0[line.0.len() - 1];
        if kept[kept.len() - 1] != last {
            kept.push(last);
        }
        let mut centers = vec![first];
        for pair in kept.windows(2) {
            centers.extend(
                Geodesic
                    .points_along_line(Point(pair[0]), Point(pair[1]), spacing, false)
                    .map(|p| p.0),
            );
            centers.push(pair[1]);
        }
        for &c in &centers {
            pieces.extend(circle(c, distance_m_, BUFFER_CIRCLE_VERTICES).0);
        }
        if with_quads {
            for pair in centers.windows(2) {
                pieces.extend(quad(pair[0], pair[1], distance_m_));
            }
        }
    }
    Some(unary_union(pieces.iter()))
}

/// The band of half-width `d` along the segment a–b, between the perpendiculars at its ends;
/// `None` when the segment is degenerate or the band would cross the antimeridian.
fn quad(a: Coord<f64>, b: Coord<f64>, d: f64) -> Option<Polygon<f64>> {
    if a == b {
        return None;
    }
    let at_a = azimuth(a, b);
    let at_b = azimuth(b, a) + 180.0;
    let corners = [
        destination(a, at_a - 90.0, d),
        destination(b, at_b - 90.0, d),
        destination(b, at_b + 90.0, d),
        destination(a, at_a + 90.0, d),
    ];
    let (west, east) = corners
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(w, e), c| {
            (w.min(c.x), e.max(c.x))
        });
    if east - west > 180.0 {
        return None;
    }
    let mut ring = corners.to_vec();
    ring.push(corners[0]);
    Some(Polygon::new(LineString::new(ring), Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Contains};

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    #[test]
    fn a_ring_has_its_vertices_at_the_radius() {
        let center = c(74.85, 42.89);
        let ring = circle(center, 300_000.0, RING_VERTICES);
        assert_eq!(ring.0.len(), 1);
        for v in &ring.0[0].exterior().0 {
            assert!((distance_m(center, *v) - 300_000.0).abs() < 1e-3);
        }
        assert!(ring.contains(&Point(center)));
    }

    #[test]
    fn a_ring_across_the_antimeridian_is_cut_in_two() {
        let ring = circle(c(179.9, 10.0), 500_000.0, RING_VERTICES);
        assert_eq!(ring.0.len(), 2, "{ring:?}");
        assert!(ring.contains(&Point(c(-179.8, 10.0))));
        assert!(ring.contains(&Point(c(179.0, 10.0))));
        for p in &ring.0 {
            for v in &p.exterior().0 {
                assert!((-180.0..=180.0).contains(&v.x));
            }
        }
    }

    #[test]
    fn a_ring_around_a_pole_covers_the_pole() {
        let ring = circle(c(30.0, 87.0), 500_000.0, RING_VERTICES);
        assert!(ring.contains(&Point(c(-150.0, 89.5))), "{ring:?}");
        assert!(ring.contains(&Point(c(30.0, 85.0))));
        assert!(!ring.contains(&Point(c(-150.0, 80.0))));
    }

    #[test]
    fn the_largest_rings_round_a_pole_cover_that_pole_and_not_the_other() {
        // 5 000 km, the largest distance an analysis accepts, from 60° N or S: the pole lies
        // about 3 340 km away, inside the ring.
        for (lat, pole) in [(60.0, 90.0_f64), (-60.0, -90.0)] {
            let ring = circle(c(100.0, lat), 5_000_000.0, RING_VERTICES);
            assert!(
                ring.contains(&Point(c(-80.0, pole - 0.5 * pole.signum()))),
                "{lat}"
            );
            assert!(ring.contains(&Point(c(100.0, lat))));
            assert!(!ring.contains(&Point(c(-80.0, -pole + 0.5 * pole.signum()))));
            assert!(!ring.contains(&Point(c(-80.0, lat))), "{lat}");
        }
    }

    #[test]
    fn a_buffer_covers_points_near_the_line_and_not_far_ones() {
        let line = LineString::new(vec![
            c(68.0, 37.0),
            c(69.0, 37.3),
            c(70.0, 37.1),
            c(71.0, 37.6),
        ]);
        let zone = buffer(std::slice::from_ref(&line), 50_000.0).unwrap();
        assert!(zone.unsigned_area() > 0.0);
        for (p, inside) in [
            (c(69.0, 37.6), true),
            (c(70.0, 36.8), true),
            (c(69.5, 38.2), false),
            (c(66.0, 37.0), false),
        ] {
            let d = super::super::geodesy::Polylines::new([&line])
                .closest(p)
                .unwrap()
                .distance_m;
            assert_eq!(zone.contains(&Point(p)), inside, "{p:?} at {d} m");
        }
        assert!(buffer(&[line], 0.0).is_none());
    }
}
