//! [`Territory`]: a country's area prepared for many "is this point on its territory?" tests,
//! answering exactly as `geo`'s `Intersects` of the area and the point (boundary included).
//!
//! The edges of every ring are filed by latitude band; a point counts the crossings of a ray
//! eastward with the edges of its band only, ring by ring (even-odd). A point inside a
//! polygon's exterior ring and inside none of its holes is inside. A point that lies on an edge,
//! or so near one that the crossing might be decided by rounding, is handed to `geo` itself, so
//! the answer is `geo`'s in every case.

use geo::{Coord, Geometry, Intersects, Point, Polygon};

/// Points nearer an edge than this (degrees, along the ray) are decided by `geo`.
const NEAR_EDGE_DEGREES: f64 = 1e-9;
/// Average edges per latitude band.
const EDGES_PER_BAND: usize = 4;

#[derive(Clone, Copy)]
struct Edge {
    a: Coord<f64>,
    b: Coord<f64>,
    ring: u32,
}

/// One country's area, prepared.
pub struct Territory {
    geometry: Option<Geometry<f64>>,
    /// For each ring: the polygon it belongs to, and whether it is a hole.
    rings: Vec<(u32, bool)>,
    /// Edges per band, grouped by ring.
    bands: Vec<Vec<Edge>>,
    west: f64,
    east: f64,
    south: f64,
    north: f64,
}

enum Answer {
    Inside,
    Outside,
    NearEdge,
}

impl Territory {
    pub fn new(geometry: Option<&Geometry<f64>>) -> Territory {
        let polygons: Vec<&Polygon<f64>> = match geometry {
            Some(Geometry::Polygon(p)) => vec![p],
            Some(Geometry::MultiPolygon(mp)) => mp.0.iter().collect(),
            _ => Vec::new(),
        };
        let mut rings = Vec::new();
        let mut edges = Vec::new();
        for (index, polygon) in polygons.iter().enumerate() {
            let all = std::iter::once((polygon.exterior(), false))
                .chain(polygon.interiors().iter().map(|r| (r, true)));
            for (ring, hole) in all {
                let id = rings.len() as u32;
                rings.push((index as u32, hole));
                edges.extend(ring.0.windows(2).map(|w| Edge {
                    a: w[0],
                    b: w[1],
                    ring: id,
                }));
            }
        }
        let (mut west, mut east, mut south, mut north) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for e in &edges {
            for c in [e.a, e.b] {
                west = west.min(c.x);
                east = east.max(c.x);
                south = south.min(c.y);
                north = north.max(c.y);
            }
        }
        let count = (edges.len() / EDGES_PER_BAND).clamp(1, 1 << 16);
        let mut territory = Territory {
            geometry: geometry.cloned(),
            rings,
            bands: vec![Vec::new(); count],
            west,
            east,
            south,
            north,
        };
        for e in edges {
            let first = territory.band(e.a.y.min(e.b.y));
            let last = territory.band(e.a.y.max(e.b.y));
            for band in &mut territory.bands[first..=last] {
                band.push(e);
            }
        }
        territory
    }

    fn band(&self, y: f64) -> usize {
        let count = self.bands.len().max(1);
        let height = (self.north - self.south) / count as f64;
        if height.is_nan() || height <= 0.0 {
            return 0;
        }
        (((y - self.south) / height) as usize).min(count - 1)
    }

    /// Whether the point is on the territory, boundary included: `geo`'s `Intersects`.
    pub fn holds(&self, p: Coord<f64>) -> bool {
        let Some(geometry) = &self.geometry else {
            return false;
        };
        if self.bands.iter().all(Vec::is_empty) {
            return geometry.intersects(&Point(p));
        }
        match self.crossings(p) {
            Answer::Inside => true,
            Answer::Outside => false,
            Answer::NearEdge => geometry.intersects(&Point(p)),
        }
    }

    fn crossings(&self, p: Coord<f64>) -> Answer {
        if p.x < self.west || p.x > self.east || p.y < self.south || p.y > self.north {
            return Answer::Outside;
        }
        // Rings whose crossing count is odd: inside them.
        let mut odd: Vec<u32> = Vec::new();
        for e in &self.bands[self.band(p.y)] {
            let (low, high) = (e.a.y.min(e.b.y), e.a.y.max(e.b.y));
            if p.y < low || p.y > high {
                continue;
            }
            if e.a.y == e.b.y {
                if p.x >= e.a.x.min(e.b.x) - NEAR_EDGE_DEGREES
                    && p.x <= e.a.x.max(e.b.x) + NEAR_EDGE_DEGREES
                {
                    return Answer::NearEdge;
                }
                continue;
            }
            let x = e.a.x + (p.y - e.a.y) * (e.b.x - e.a.x) / (e.b.y - e.a.y);
            if (x - p.x).abs() <= NEAR_EDGE_DEGREES * (1.0 + p.x.abs()) {
                return Answer::NearEdge;
            }
            if (e.a.y > p.y) != (e.b.y > p.y) && x > p.x {
                match odd.iter().position(|&r| r == e.ring) {
                    Some(i) => {
                        odd.swap_remove(i);
                    }
                    None => odd.push(e.ring),
                }
            }
        }
        let inside = odd.iter().any(|&r| {
            let (polygon, hole) = self.rings[r as usize];
            !hole
                && !odd
                    .iter()
                    .any(|&h| self.rings[h as usize] == (polygon, true))
        });
        if inside {
            Answer::Inside
        } else {
            Answer::Outside
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};
    use rand::{RngExt, SeedableRng};

    #[test]
    fn the_prepared_test_answers_as_geo_does_on_and_off_the_boundary() {
        let outer = polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 3.0), (x: 2.0, y: 5.0), (x: 0.0, y: 3.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0), (x: 1.0, y: 1.0)]],
        ];
        let island = polygon![(x: 10.0, y: 10.0), (x: 11.0, y: 10.5), (x: 10.0, y: 11.0), (x: 10.0, y: 10.0)];
        let area = Geometry::MultiPolygon(MultiPolygon(vec![outer, island]));
        let territory = Territory::new(Some(&area));
        let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
        let mut points: Vec<Coord<f64>> = (0..20_000)
            .map(|_| Coord {
                x: rng.random_range(-1.0..12.0),
                y: rng.random_range(-1.0..12.0),
            })
            .collect();
        // Vertices, edge midpoints and points on the rays through vertices.
        points.extend([
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 2.0, y: 5.0 },
            Coord { x: 1.5, y: 1.0 },
            Coord { x: 1.0, y: 3.0 },
            Coord { x: -0.5, y: 3.0 },
            Coord { x: 10.5, y: 10.5 },
            Coord { x: 3.0, y: 4.0 },
        ]);
        for p in points {
            assert_eq!(territory.holds(p), area.intersects(&Point(p)), "{p:?}");
        }
        assert!(!Territory::new(None).holds(Coord { x: 0.0, y: 0.0 }));
    }
}
