//! Geometries across the antimeridian: reading a jump in longitude as a crossing, unwrapping
//! longitudes along a path, closing a ring that goes round a pole, and cutting at ±180°.
//!
//! Every layer that meets such geometries goes through these functions: the loader cuts the
//! country rings of the topology, the catalog cuts coasts, the analyses cut range rings and
//! buffers, and the tile encoder unwraps paths before projecting them. The rules are decided here
//! once:
//!
//! - **A crossing** is a step of more than 180° in longitude between consecutive vertices
//!   ([`crosses_antimeridian`]). Natural Earth, TopoJSON and GeoJSON written to RFC 7946 keep
//!   longitudes in -180..180, so the short way round is the only one a step of more than half
//!   the world can mean; a genuine step of over 180° eastwards cannot be written at all.
//! - **Unwrapping** ([`unwrap_longitudes`]) shifts what follows a crossing by 360° so that the
//!   path stays continuous; longitudes may then leave -180..180.
//! - **A ring round a pole** is one whose unwrapped end lies 360° from its start: it crossed the
//!   antimeridian an odd number of times, and no ring in -180..180 can enclose its area
//!   without running along the pole. It is opened at its crossing and closed along the pole on
//!   the side of the equator where its vertices lie on average ([`unwrap_ring`]). The rings this code meets are
//!   smaller than a hemisphere: countries (Antarctica, Russia's Arctic islands) and range
//!   rings and buffers, whose radius is limited to 5 000 km. For a geodesic circle of angular
//!   radius below 90° the mean latitude of its vertices has the sign of its centre's latitude,
//!   so this rule picks the pole the circle contains; for a country it picks the pole whose cap
//!   the ring encloses. Orientation cannot decide it: the source data winds rings both ways.
//! - **Cutting** ([`split_polygon`]) intersects the unwrapped polygon with every 360°-wide
//!   window `-180 + 360k .. 180 + 360k` its bounding box overlaps, and shifts each piece back by
//!   `-360k`. The windows come from the polygon's extent rather than a fixed list of shifts, so
//!   a ring round a pole is cut completely wherever it starts (it spans 360° plus the start's
//!   distance from the antimeridian).
//!   Holes are unwrapped on their own and moved into the exterior's window first, so a hole
//!   stays inside its polygon. Lines are not cut but broken at each crossing
//!   ([`split_line`]): the sources end a line at ±180° and continue it from ∓180°.

use geo::{
    BooleanOps, BoundingRect, Coord, LineString, MapCoordsInPlace, Polygon, Rect, Translate,
};

/// The width of the world in degrees of longitude.
const WORLD: f64 = 360.0;

/// Longitudes this close to ±180° count as lying on the antimeridian (see
/// [`runs_along_antimeridian`]); the source's quantization moves its cut edges by a few
/// millionths of a degree.
const ON_ANTIMERIDIAN: f64 = 179.999;

/// Whether the step from `a` to `b` crosses the antimeridian: a step of more than 180° in
/// longitude.
pub fn crosses_antimeridian(a: Coord<f64>, b: Coord<f64>) -> bool {
    (b.x - a.x).abs() > WORLD / 2.0
}

/// Whether the segment `a`–`b` lies on the antimeridian: where a source cut a polygon in two,
/// an edge that is no coast.
pub fn runs_along_antimeridian(a: Coord<f64>, b: Coord<f64>) -> bool {
    a.x.abs() >= ON_ANTIMERIDIAN && b.x.abs() >= ON_ANTIMERIDIAN
}

/// Longitudes made continuous along a path: after each crossing, what follows is shifted by
/// 360° to stay next to the vertex before it. The first vertex keeps its longitude.
pub fn unwrap_longitudes(coords: &[Coord<f64>]) -> Vec<Coord<f64>> {
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(coords.len());
    let mut shift = 0.0;
    for (i, c) in coords.iter().enumerate() {
        if i > 0 {
            let previous = coords[i - 1];
            if crosses_antimeridian(previous, *c) {
                shift -= WORLD * (c.x - previous.x).signum();
            }
        }
        out.push(Coord {
            x: c.x + shift,
            y: c.y,
        });
    }
    out
}

/// [`unwrap_longitudes`] for a closed ring (first vertex repeated at the end). A ring that ends
/// 360° from where it started goes round a pole. It is then opened where it first crosses the
/// antimeridian (at the crossing point, interpolated on the lon/lat plane), so that it runs from
/// one side of the antimeridian round to the other, and closed along the pole its vertices lie
/// nearer to on average (see the module notes): from its end up to the pole, along it back to the
/// start's longitude, and down to the start. Opened anywhere else, the closure would leave a
/// seam inside the world where the cut parts meet.
pub fn unwrap_ring(ring: &[Coord<f64>]) -> Vec<Coord<f64>> {
    let unwrapped = unwrap_longitudes(ring);
    let (Some(&first), Some(&last)) = (unwrapped.first(), unwrapped.last()) else {
        return unwrapped;
    };
    if !crosses_antimeridian(first, last) {
        return unwrapped;
    }
    let Some(i) = ring
        .windows(2)
        .position(|w| crosses_antimeridian(w[0], w[1]))
    else {
        return unwrapped;
    };
    let (a, b) = (ring[i], ring[i + 1]);
    // The antimeridian on a's side, and b moved next to a.
    let edge = WORLD / 2.0 * a.x.signum();
    let b_x = b.x + WORLD * a.x.signum();
    let t = if b_x == a.x {
        0.0
    } else {
        (edge - a.x) / (b_x - a.x)
    };
    let crossing = Coord {
        x: -edge,
        y: a.y + t * (b.y - a.y),
    };
    // From the crossing on b's side, round the ring (its closing vertex left out) to a, and on to
    // the crossing again, which unwrapping moves to a's side.
    let open = &ring[..ring.len() - 1];
    let mut path = Vec::with_capacity(ring.len() + 5);
    path.push(crossing);
    path.extend(open[i + 1..].iter().chain(&open[..=i]).copied());
    path.push(crossing);
    let mut out = unwrap_longitudes(&path);
    out.dedup();
    let (start, end) = (out[0], out[out.len() - 1]);
    let pole = nearer_pole(&out);
    out.push(Coord { x: end.x, y: pole });
    out.push(Coord {
        x: start.x,
        y: pole,
    });
    out.push(start);
    out
}

/// The latitude of the pole on the side of the equator where the vertices lie on average.
fn nearer_pole(coords: &[Coord<f64>]) -> f64 {
    let mean = coords.iter().map(|c| c.y).sum::<f64>() / coords.len() as f64;
    if mean < 0.0 {
        -90.0
    } else {
        90.0
    }
}

/// A polygon with continuous longitudes: the exterior unwrapped (and closed along a pole it
/// goes round), each hole unwrapped and shifted by whole turns into the exterior's longitudes.
pub fn unwrap_polygon(polygon: &Polygon<f64>) -> Polygon<f64> {
    let exterior = LineString::new(unwrap_ring(&polygon.exterior().0));
    let Some(extent) = exterior.bounding_rect() else {
        return polygon.clone();
    };
    let holes = polygon
        .interiors()
        .iter()
        .map(|hole| {
            let mut coords = unwrap_ring(&hole.0);
            if let Some(start) = coords.first().map(|c| c.x) {
                let offset = if start > extent.max().x {
                    -WORLD
                } else if start < extent.min().x {
                    WORLD
                } else {
                    0.0
                };
                coords.iter_mut().for_each(|c| c.x += offset);
            }
            LineString::new(coords)
        })
        .collect();
    Polygon::new(exterior, holes)
}

/// A polygon drawn within -180..180, as RFC 7946 asks: unwrapped, then cut into the parts that
/// fall into each 360° window and shifted back (see the module notes). A polygon that stays
/// within -180..180 once unwrapped comes back as it is, in one part.
pub fn split_polygon(polygon: &Polygon<f64>) -> Vec<Polygon<f64>> {
    let unwrapped = unwrap_polygon(polygon);
    let Some(extent) = unwrapped.bounding_rect() else {
        return vec![unwrapped];
    };
    let (west, east) = (extent.min().x, extent.max().x);
    if west >= -WORLD / 2.0 && east <= WORLD / 2.0 {
        return vec![unwrapped];
    }
    let world = Rect::new(
        Coord {
            x: -WORLD / 2.0,
            y: -90.0,
        },
        Coord {
            x: WORLD / 2.0,
            y: 90.0,
        },
    )
    .to_polygon();
    let first = ((west + WORLD / 2.0) / WORLD).floor() as i64;
    let last = ((east + WORLD / 2.0) / WORLD).ceil() as i64 - 1;
    let mut parts = Vec::new();
    for k in first..=last {
        let shift = -WORLD * k as f64;
        if east + shift <= -WORLD / 2.0 || west + shift >= WORLD / 2.0 {
            continue;
        }
        parts.extend(unwrapped.translate(shift, 0.0).intersection(&world).0);
    }
    // The cut leaves coordinates a rounding error outside the world.
    for part in &mut parts {
        part.map_coords_in_place(|c| Coord {
            x: c.x.clamp(-WORLD / 2.0, WORLD / 2.0),
            y: c.y.clamp(-90.0, 90.0),
        });
    }
    parts
}

/// The parts of a line between its crossings of the antimeridian (see [`split_line_where`]).
pub fn split_line(line: &LineString<f64>) -> Vec<LineString<f64>> {
    split_line_where(line, crosses_antimeridian)
}

/// The parts of a line left when every segment for which `cut` holds is taken out; parts of
/// fewer than two vertices are dropped.
pub fn split_line_where(
    line: &LineString<f64>,
    cut: impl Fn(Coord<f64>, Coord<f64>) -> bool,
) -> Vec<LineString<f64>> {
    let mut parts = Vec::new();
    let mut current: Vec<Coord<f64>> = Vec::new();
    for segment in line.lines() {
        let (a, b) = (segment.start, segment.end);
        if cut(a, b) {
            if current.len() >= 2 {
                parts.push(LineString::new(std::mem::take(&mut current)));
            }
            current.clear();
            continue;
        }
        if current.is_empty() {
            current.push(a);
        }
        current.push(b);
    }
    if current.len() >= 2 {
        parts.push(LineString::new(current));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, line_string, Area, Contains, MultiPolygon, Point};

    fn c(x: f64, y: f64) -> Coord<f64> {
        coord! { x: x, y: y }
    }

    fn within_world(parts: &[Polygon<f64>]) -> bool {
        parts.iter().all(|p| {
            p.exterior()
                .0
                .iter()
                .chain(p.interiors().iter().flat_map(|h| h.0.iter()))
                .all(|v| (-180.0..=180.0).contains(&v.x) && (-90.0..=90.0).contains(&v.y))
        })
    }

    #[test]
    fn longitudes_are_unwrapped_only_across_the_antimeridian() {
        assert_eq!(
            unwrap_longitudes(&[c(10.0, 0.0), c(100.0, 0.0), c(-60.0, 0.0)]),
            [c(10.0, 0.0), c(100.0, 0.0), c(-60.0, 0.0)]
        );
        assert_eq!(
            unwrap_longitudes(&[c(179.0, 0.0), c(-179.0, 1.0), c(178.0, 2.0)]),
            [c(179.0, 0.0), c(181.0, 1.0), c(178.0, 2.0)]
        );
        // Westwards across and on: every later vertex keeps the shift.
        assert_eq!(
            unwrap_longitudes(&[c(-179.0, 0.0), c(179.0, 0.0), c(170.0, 0.0)]),
            [c(-179.0, 0.0), c(-181.0, 0.0), c(-190.0, 0.0)]
        );
    }

    #[test]
    fn a_ring_across_the_antimeridian_is_split_not_wrapped_round_the_globe() {
        // A box from 170°E to 170°W, written as the sources write it: jumping at ±180°.
        let ring = LineString::from(vec![
            (170.0, 60.0),
            (180.0, 60.0),
            (-180.0, 60.0),
            (-170.0, 60.0),
            (-170.0, 70.0),
            (-180.0, 70.0),
            (180.0, 70.0),
            (170.0, 70.0),
            (170.0, 60.0),
        ]);
        let parts = split_polygon(&Polygon::new(ring, vec![]));
        assert!(within_world(&parts));
        let all = MultiPolygon(parts);
        assert_eq!(all.0.len(), 2);
        assert!(
            (all.unsigned_area() - 200.0).abs() < 1e-6,
            "{}",
            all.unsigned_area()
        );
        assert!(all.contains(&Point::new(175.0, 65.0)));
        assert!(all.contains(&Point::new(-175.0, 65.0)));
        assert!(!all.contains(&Point::new(0.0, 65.0)));
    }

    #[test]
    fn a_box_with_one_jump_each_way_is_cut_where_it_crosses() {
        // The same box with no vertex on the antimeridian: the cut is interpolated at 180°.
        let ring = LineString::from(vec![
            (170.0, 60.0),
            (-170.0, 60.0),
            (-170.0, 70.0),
            (170.0, 70.0),
            (170.0, 60.0),
        ]);
        let parts = split_polygon(&Polygon::new(ring, vec![]));
        assert!(within_world(&parts));
        let area: f64 = parts.iter().map(|p| p.unsigned_area()).sum();
        assert!((area - 200.0).abs() < 1e-6, "{area}");
        let eastmost = parts
            .iter()
            .map(|p| p.bounding_rect().unwrap().max().x)
            .fold(f64::MIN, f64::max);
        assert!((eastmost - 180.0).abs() < 1e-9, "{eastmost}");
    }

    #[test]
    fn a_hole_across_the_antimeridian_stays_inside_its_polygon() {
        let exterior = LineString::from(vec![
            (160.0, 50.0),
            (-160.0, 50.0),
            (-160.0, 80.0),
            (160.0, 80.0),
            (160.0, 50.0),
        ]);
        // Starts west of the antimeridian although the exterior starts east of it.
        let hole = LineString::from(vec![
            (-175.0, 60.0),
            (-175.0, 70.0),
            (175.0, 70.0),
            (175.0, 60.0),
            (-175.0, 60.0),
        ]);
        let parts = split_polygon(&Polygon::new(exterior, vec![hole]));
        assert!(within_world(&parts));
        let all = MultiPolygon(parts);
        let area = all.unsigned_area();
        assert!((area - (40.0 * 30.0 - 10.0 * 10.0)).abs() < 1e-6, "{area}");
        assert!(!all.contains(&Point::new(179.0, 65.0)));
        assert!(!all.contains(&Point::new(-179.0, 65.0)));
        assert!(all.contains(&Point::new(165.0, 65.0)));
        assert!(all.contains(&Point::new(-165.0, 65.0)));
    }

    #[test]
    fn a_ring_round_the_south_pole_is_closed_along_the_pole() {
        let ring = LineString::from(vec![
            (-180.0, -70.0),
            (-90.0, -65.0),
            (0.0, -70.0),
            (90.0, -65.0),
            (180.0, -70.0),
            (-180.0, -70.0),
        ]);
        let parts = split_polygon(&Polygon::new(ring, vec![]));
        assert!(within_world(&parts));
        let all = MultiPolygon(parts);
        assert!(all.contains(&Point::new(45.0, -85.0)));
        assert!(all.contains(&Point::new(-135.0, -85.0)));
        assert!(!all.contains(&Point::new(45.0, -60.0)));
    }

    #[test]
    fn a_ring_round_the_north_pole_is_opened_at_its_crossing_and_leaves_no_seam() {
        // Eastwards once round the pole from 165°E, crossing the antimeridian between 175°E and
        // 175°W at 75°N and 76°N.
        let ring: Vec<Coord<f64>> = (0..=36)
            .map(|i| {
                let lon = 165.0 + 10.0 * f64::from(i);
                let lat = if i == 1 {
                    75.0
                } else if i == 2 {
                    76.0
                } else {
                    75.5
                };
                c(if lon > 180.0 { lon - 360.0 } else { lon }, lat)
            })
            .collect();
        let unwrapped = unwrap_ring(&ring);
        assert_eq!(unwrapped[0], c(-180.0, 75.5), "opened at the crossing");
        let (west, east) = unwrapped
            .iter()
            .fold((f64::MAX, f64::MIN), |(w, e), v| (w.min(v.x), e.max(v.x)));
        assert_eq!((west, east), (-180.0, 180.0));
        let n = unwrapped.len();
        assert_eq!(
            unwrapped[n - 4..],
            [
                c(180.0, 75.5),
                c(180.0, 90.0),
                c(-180.0, 90.0),
                c(-180.0, 75.5)
            ],
            "closed along the north pole"
        );
        let parts = split_polygon(&Polygon::new(LineString::new(ring), vec![]));
        assert!(within_world(&parts));
        assert_eq!(parts.len(), 1, "no seam where the ring starts");
        let all = MultiPolygon(parts);
        for lon in [-179.5, -90.0, 0.0, 90.0, 165.0, 179.5] {
            assert!(all.contains(&Point::new(lon, 80.0)), "{lon}");
            assert!(!all.contains(&Point::new(lon, 70.0)), "{lon}");
        }
    }

    #[test]
    fn the_pole_is_the_one_the_vertices_lie_nearer_to() {
        let round = |lat: f64| -> Vec<Coord<f64>> {
            let mut ring: Vec<Coord<f64>> = (0..=8)
                .map(|i| c(-180.0 + 45.0 * f64::from(i), lat))
                .collect();
            ring.push(ring[0]);
            ring
        };
        let north = unwrap_ring(&round(10.0));
        let south = unwrap_ring(&round(-10.0));
        assert!(north.iter().any(|v| v.y == 90.0) && !north.iter().any(|v| v.y == -90.0));
        assert!(south.iter().any(|v| v.y == -90.0) && !south.iter().any(|v| v.y == 90.0));
    }

    #[test]
    fn a_polygon_within_the_world_is_left_as_it_is() {
        let square = Polygon::new(
            LineString::from(vec![(10.0, 10.0), (20.0, 10.0), (20.0, 20.0), (10.0, 10.0)]),
            vec![],
        );
        assert_eq!(split_polygon(&square), vec![square]);
    }

    #[test]
    fn a_line_across_the_dateline_is_broken_where_it_jumps() {
        let line = line_string![
            (x: 178.0, y: 65.0), (x: 179.5, y: 65.5), (x: -179.5, y: 66.0), (x: -178.0, y: 66.0),
            (x: -178.0, y: 67.0), (x: 179.0, y: 67.5)
        ];
        let xs: Vec<Vec<f64>> = split_line(&line)
            .iter()
            .map(|p| p.0.iter().map(|v| v.x).collect())
            .collect();
        assert_eq!(xs, vec![vec![178.0, 179.5], vec![-179.5, -178.0, -178.0]]);
        // Unwrapped instead, the same line is one continuous path.
        let unwrapped: Vec<f64> = unwrap_longitudes(&line.0).iter().map(|v| v.x).collect();
        assert_eq!(unwrapped, [178.0, 179.5, 180.5, 182.0, 182.0, 179.0]);
    }

    #[test]
    fn segments_along_the_antimeridian_are_recognised() {
        assert!(runs_along_antimeridian(c(-180.0, 66.5), c(-180.0, 67.5)));
        assert!(runs_along_antimeridian(c(179.9995, 1.0), c(180.0, 2.0)));
        assert!(!runs_along_antimeridian(c(-180.0, 66.5), c(-178.0, 67.5)));
        let line = line_string![(x: -178.0, y: 66.0), (x: -180.0, y: 66.5), (x: -180.0, y: 67.5),
            (x: -178.0, y: 68.0)];
        let parts = split_line_where(&line, runs_along_antimeridian);
        assert_eq!(parts.len(), 2);
    }
}
