//! The spatial side of filters: geometry literals (WKT, GeoJSON, `BBOX`) compiled and checked as
//! lon/lat, the `S_*` predicates with a bounding-box test first, and the box a filter implies
//! for every match ([`Pred::bbox_hint`]), which lets the catalog ask its R-tree first.

use super::compile::{Ctx, Name};
use super::messages::{clip, op_name, show};
use super::tree::*;
use super::{FilterError, FilterTarget};
use cql2::Expr;
use geo::{BoundingRect, Contains, CoordsIter, Intersects, Relate};
use geo::{Coord, Geometry, MultiPolygon, Rect};
use std::panic::{catch_unwind, AssertUnwindSafe};

impl Ctx<'_> {
    pub(super) fn shape(&self, whole: &Expr, e: &Expr) -> Result<Shape, FilterError> {
        match e {
            Expr::Property { property } => match self.resolve(property)? {
                Name::Geometry => Ok(Shape::Feature),
                _ => Err(FilterError::Type(format!(
                    "{} needs geometries, but \"{property}\" is not a geometry queryable; use \
                     geometry",
                    op_name(whole)
                ))),
            },
            Expr::Geometry(_) => {
                let geometry = Geometry::<f64>::try_from(e.clone()).map_err(|_| {
                    FilterError::Unsupported(format!(
                        "cannot read the geometry {} as a 2D lon/lat geometry",
                        clip(&show(e), 80)
                    ))
                })?;
                check_lon_lat(&geometry, e)?;
                let bbox = geometry.bounding_rect();
                Ok(Shape::Literal(Box::new(LiteralShape { geometry, bbox })))
            }
            Expr::BBox { bbox } => {
                let numbers = bbox
                    .iter()
                    .map(|v| match v.as_ref() {
                        Expr::Float(f) if f.is_finite() => Some(*f),
                        _ => None,
                    })
                    .collect::<Option<Vec<f64>>>();
                let [west, south, east, north] = match numbers.as_deref() {
                    Some(&[w, s, e, n]) | Some(&[w, s, _, e, n, _]) => [w, s, e, n],
                    _ => {
                        return Err(FilterError::Syntax(format!(
                            "{} must have 4 numbers: west, south, east, north",
                            show(e)
                        )))
                    }
                };
                if south > north
                    || south < -90.0
                    || north > 90.0
                    || west.abs() > 180.0
                    || east.abs() > 180.0
                {
                    return Err(FilterError::Type(format!(
                        "{} is not a lon/lat box: give west, south, east, north with longitudes \
                         within ±180, latitudes within ±90 and south <= north",
                        show(e)
                    )));
                }
                let rect = |w: f64, e: f64| {
                    Rect::new(Coord { x: w, y: south }, Coord { x: e, y: north }).to_polygon()
                };
                // west > east crosses the antimeridian: two boxes.
                let geometry = if west <= east {
                    Geometry::Polygon(rect(west, east))
                } else {
                    Geometry::MultiPolygon(MultiPolygon(vec![
                        rect(west, 180.0),
                        rect(-180.0, east),
                    ]))
                };
                let bbox = geometry.bounding_rect();
                Ok(Shape::Literal(Box::new(LiteralShape { geometry, bbox })))
            }
            _ => Err(FilterError::Type(format!(
                "{} needs geometries (geometry, POINT(...), POLYGON(...), BBOX(...)), but {} \
                 is not one",
                op_name(whole),
                show(e)
            ))),
        }
    }
}

/// Where a condition puts a matching feature's geometry: at least one of its points, or all of
/// them (`whole`), lies in `rect`.
#[derive(Clone, Copy, Debug)]
struct Extent {
    rect: Rect<f64>,
    whole: bool,
}

impl Pred {
    /// A box holding at least one point of every matching feature's geometry. Because that point
    /// lies in one part of a multi-geometry, an R-tree over the parts' envelopes finds every
    /// match among the entries meeting the box.
    pub(super) fn bbox_hint(&self) -> Option<Rect<f64>> {
        self.extent().map(|extent| extent.rect)
    }

    fn extent(&self) -> Option<Extent> {
        match self {
            Pred::Spatial { op, left, right } => {
                let (lit, feature_inside) = match (left, right) {
                    (Shape::Feature, Shape::Literal(lit)) => (lit, *op == SpatialOp::Within),
                    (Shape::Literal(lit), Shape::Feature) => (lit, *op == SpatialOp::Contains),
                    _ => return None,
                };
                match op {
                    SpatialOp::Disjoint => None,
                    _ => Some(Extent {
                        rect: lit.bbox?,
                        whole: feature_inside || *op == SpatialOp::Equals,
                    }),
                }
            }
            Pred::And(children) => {
                let extents: Vec<Extent> = children.iter().filter_map(Pred::extent).collect();
                // Every point lies in each `whole` box, so in their intersection.
                let inside = extents
                    .iter()
                    .filter(|e| e.whole)
                    .map(|e| e.rect)
                    .reduce(|a, b| intersect_rects(a, b).unwrap_or(a));
                // A point in one box and a point in another may be different points (of
                // different parts), so such boxes are not intersected: the smallest is kept,
                // cut to the `whole` box, which holds that point too.
                let touched = extents
                    .iter()
                    .filter(|e| !e.whole)
                    .map(|e| match inside {
                        Some(inside) => intersect_rects(e.rect, inside).unwrap_or(e.rect),
                        None => e.rect,
                    })
                    .min_by(|a, b| area(*a).total_cmp(&area(*b)));
                match (touched, inside) {
                    (Some(rect), _) => Some(Extent { rect, whole: false }),
                    (None, Some(rect)) => Some(Extent { rect, whole: true }),
                    (None, None) => None,
                }
            }
            Pred::Or(children) => {
                let mut acc: Option<Extent> = None;
                for child in children {
                    let hint = child.extent()?;
                    acc = Some(match acc {
                        None => hint,
                        Some(a) => Extent {
                            rect: union_rects(a.rect, hint.rect),
                            whole: a.whole && hint.whole,
                        },
                    });
                }
                acc
            }
            _ => None,
        }
    }
}

fn area(r: Rect<f64>) -> f64 {
    r.width() * r.height()
}

pub(super) fn check_lon_lat(geometry: &Geometry<f64>, e: &Expr) -> Result<(), FilterError> {
    if let Some(c) = geometry
        .coords_iter()
        .find(|c| !(c.x.is_finite() && c.y.is_finite()) || c.x.abs() > 180.0 || c.y.abs() > 90.0)
    {
        return Err(FilterError::Type(format!(
            "the geometry {} has the coordinate ({} {}) outside longitude ±180 / latitude ±90; \
             filter geometries are longitude latitude (CRS84)",
            clip(&show(e), 80),
            c.x,
            c.y
        )));
    }
    Ok(())
}

impl Shape {
    pub(super) fn get<'a, T: FilterTarget + ?Sized>(
        &'a self,
        t: &'a T,
    ) -> Option<(&'a Geometry<f64>, Option<Rect<f64>>)> {
        match self {
            Shape::Feature => {
                let g = t.geometry()?;
                Some((g, g.bounding_rect()))
            }
            Shape::Literal(lit) => Some((&lit.geometry, lit.bbox)),
        }
    }
}

pub(super) fn spatial(
    op: SpatialOp,
    a: &Geometry<f64>,
    a_box: Option<Rect<f64>>,
    b: &Geometry<f64>,
    b_box: Option<Rect<f64>>,
) -> Truth {
    // Empty geometries have no box; they intersect nothing.
    let (Some(ab), Some(bb)) = (a_box, b_box) else {
        return Some(op == SpatialOp::Disjoint);
    };
    if !rects_intersect(ab, bb) {
        return Some(op == SpatialOp::Disjoint);
    }
    match op {
        SpatialOp::Contains if !rect_covers(ab, bb) => return Some(false),
        SpatialOp::Within if !rect_covers(bb, ab) => return Some(false),
        SpatialOp::Equals if ab != bb => return Some(false),
        _ => {}
    }
    guarded(|| match op {
        SpatialOp::Intersects => a.intersects(b),
        SpatialOp::Disjoint => !a.intersects(b),
        SpatialOp::Contains => a.contains(b),
        SpatialOp::Within => b.contains(a),
        SpatialOp::Equals => a.relate(b).is_equal_topo(),
        SpatialOp::Touches => a.relate(b).is_touches(),
        SpatialOp::Overlaps => a.relate(b).is_overlaps(),
        SpatialOp::Crosses => a.relate(b).is_crosses(),
    })
}

/// Runs a geometry predicate; a panic inside `geo` (degenerate input) becomes unknown.
pub(super) fn guarded(f: impl FnOnce() -> bool) -> Truth {
    catch_unwind(AssertUnwindSafe(f)).ok()
}

pub(super) fn rects_intersect(a: Rect<f64>, b: Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

/// `outer` covers `inner`.
pub(super) fn rect_covers(outer: Rect<f64>, inner: Rect<f64>) -> bool {
    outer.min().x <= inner.min().x
        && outer.min().y <= inner.min().y
        && outer.max().x >= inner.max().x
        && outer.max().y >= inner.max().y
}

pub(super) fn intersect_rects(a: Rect<f64>, b: Rect<f64>) -> Option<Rect<f64>> {
    rects_intersect(a, b).then(|| {
        Rect::new(
            Coord {
                x: a.min().x.max(b.min().x),
                y: a.min().y.max(b.min().y),
            },
            Coord {
                x: a.max().x.min(b.max().x),
                y: a.max().y.min(b.max().y),
            },
        )
    })
}

pub(super) fn union_rects(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord {
            x: a.min().x.min(b.min().x),
            y: a.min().y.min(b.min().y),
        },
        Coord {
            x: a.max().x.max(b.max().x),
            y: a.max().y.max(b.max().y),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::cql::fixtures::*;
    use crate::query::cql::{Filter, FilterLang, Queryable, QueryableType};
    use geo::{line_string, point};
    use serde_json::json;

    #[test]
    fn spatial_predicates_on_points_and_polygons() {
        let (g, k, t) = (garrison(), kant(), tajikistan());
        let tjk_box = "POLYGON((67.3 36.6, 75.2 36.6, 75.2 41.1, 67.3 41.1, 67.3 36.6))";
        let cases: Vec<(String, bool, bool, bool)> = vec![
            // (filter, garrison point, kant point, tajikistan polygon)
            (
                format!("S_INTERSECTS(geometry, {tjk_box})"),
                true,
                false,
                true,
            ),
            (
                format!("S_DISJOINT(geometry, {tjk_box})"),
                false,
                true,
                false,
            ),
            // Equal geometries are within and contain each other.
            (format!("S_WITHIN(geometry, {tjk_box})"), true, false, true),
            (
                format!("S_CONTAINS({tjk_box}, geometry)"),
                true,
                false,
                true,
            ),
            (format!("S_EQUALS(geometry, {tjk_box})"), false, false, true),
            (
                "S_INTERSECTS(geometry, BBOX(68, 38, 69, 39))".into(),
                true,
                false,
                true,
            ),
            (
                "S_WITHIN(geometry, BBOX(68, 38, 69, 39))".into(),
                true,
                false,
                false,
            ),
            (
                "S_CONTAINS(geometry, POINT(68.78 38.56))".into(),
                true,
                false,
                true,
            ),
            (
                "S_CONTAINS(geometry, POINT(74.85 42.85))".into(),
                false,
                true,
                false,
            ),
            (
                "S_EQUALS(geometry, POINT(68.78 38.56))".into(),
                true,
                false,
                false,
            ),
            (
                "S_CONTAINS(geometry, BBOX(68, 38, 69, 39))".into(),
                false,
                false,
                true,
            ),
            // A line from Dushanbe north to Kant crosses the polygon's boundary.
            (
                "S_CROSSES(geometry, LINESTRING(68.78 38.56, 74.85 42.85))".into(),
                false,
                false,
                true,
            ),
            (
                "S_TOUCHES(geometry, LINESTRING(68.78 38.56, 74.85 42.85))".into(),
                true,
                true,
                false,
            ),
            (
                "S_OVERLAPS(geometry, POLYGON((70 40, 80 40, 80 45, 70 45, 70 40)))".into(),
                false,
                false,
                true,
            ),
            (
                "S_INTERSECTS(geometry, MULTIPOINT((68.78 38.56), (0 0)))".into(),
                true,
                false,
                true,
            ),
            (
                "INTERSECTS(geometry, POINT(74.85 42.85))".into(),
                false,
                true,
                false,
            ),
        ];
        for (text, on_g, on_k, on_t) in &cases {
            check(text, &g, *on_g);
            check(text, &k, *on_k);
            check(text, &t, *on_t);
        }
        // No geometry: spatial predicates are unknown, so neither they nor their negation match.
        let u = uzbek_membership();
        check(&format!("S_INTERSECTS(geometry, {tjk_box})"), &u, false);
        check(&format!("NOT S_INTERSECTS(geometry, {tjk_box})"), &u, false);
        check(&format!("S_DISJOINT(geometry, {tjk_box})"), &u, false);
    }

    #[test]
    fn spatial_bbox_across_the_antimeridian_and_lines() {
        let chukotka = feature(
            "anadyr",
            json!({}),
            Some(point!(x: 177.5, y: 64.7).into()),
            None,
            None,
        );
        let alaska = feature(
            "nome",
            json!({}),
            Some(point!(x: -165.4, y: 64.5).into()),
            None,
            None,
        );
        let f = compile("S_INTERSECTS(geometry, BBOX(170, 60, -160, 70))");
        assert!(f.matches(&chukotka));
        assert!(f.matches(&alaska));
        assert!(!f.matches(&garrison()));
        let route = feature(
            "route",
            json!({}),
            Some(line_string![(x: 67.0, y: 37.0), (x: 70.0, y: 39.0)].into()),
            None,
            None,
        );
        check(
            "S_CROSSES(geometry, POLYGON((68 36, 69 36, 69 40, 68 40, 68 36)))",
            &route,
            true,
        );
        check("S_INTERSECTS(geometry, POINT(0 0))", &route, false);
    }

    #[test]
    fn any_geometry_queryable_names_the_feature_geometry() {
        let mut qs = queryables();
        qs.push(Queryable::new(
            "footprint",
            QueryableType::Geometry,
            "where it is",
        ));
        let f = Filter::parse(
            "S_WITHIN(footprint, BBOX(67, 36, 76, 42)) AND footprint IS NOT NULL",
            FilterLang::Cql2Text,
            &qs,
        )
        .unwrap();
        assert!(f.matches(&garrison()));
        assert!(!f.matches(&kant()));
        // A self-intersecting literal polygon neither fails to parse nor brings evaluation down.
        let bowtie =
            compile("S_INTERSECTS(geometry, POLYGON((60 30, 80 45, 80 30, 60 45, 60 30)))");
        for target in [garrison(), kant(), tajikistan(), uzbek_membership()] {
            let _ = bowtie.matches(&target);
        }
    }

    #[test]
    fn bbox_hint_bounds_spatial_filters() {
        let hint = compile("kind = 'x' AND S_INTERSECTS(geometry, BBOX(68, 38, 69, 39))")
            .bbox_hint()
            .unwrap();
        assert_eq!(
            (hint.min().x, hint.min().y, hint.max().x, hint.max().y),
            (68.0, 38.0, 69.0, 39.0)
        );
        let hint = compile(
            "S_WITHIN(geometry, BBOX(60, 30, 70, 40)) AND S_INTERSECTS(geometry, BBOX(65, 35, 80, 50))",
        )
        .bbox_hint()
        .unwrap();
        assert_eq!(
            (hint.min().x, hint.min().y, hint.max().x, hint.max().y),
            (65.0, 35.0, 70.0, 40.0)
        );
        let hint =
            compile("S_INTERSECTS(geometry, POINT(10 10)) OR S_INTERSECTS(geometry, POINT(20 5))")
                .bbox_hint()
                .unwrap();
        assert_eq!(
            (hint.min().x, hint.min().y, hint.max().x, hint.max().y),
            (10.0, 5.0, 20.0, 10.0)
        );
        assert!(
            compile("S_INTERSECTS(geometry, POINT(10 10)) OR kind = 'x'")
                .bbox_hint()
                .is_none()
        );
        assert!(compile("S_DISJOINT(geometry, POINT(10 10))")
            .bbox_hint()
            .is_none());
        assert!(compile("NOT S_INTERSECTS(geometry, POINT(10 10))")
            .bbox_hint()
            .is_none());
        assert!(compile("kind = 'x'").bbox_hint().is_none());
    }

    #[test]
    fn bbox_hint_holds_a_point_of_every_match_even_across_parts() {
        // One point in each box, none in their overlap: the hint must not be the overlap.
        let two_parts = feature(
            "two-parts",
            json!({ "kind": "x" }),
            Some(Geometry::MultiPoint(
                vec![point!(x: 0.2, y: 0.2), point!(x: 2.0, y: 2.0)].into(),
            )),
            None,
            None,
        );
        let inside_some_part = |text: &str| {
            let filter = compile(text);
            assert!(filter.matches(&two_parts), "{text}");
            let hint = filter.bbox_hint().unwrap();
            let Some(Geometry::MultiPoint(points)) = &two_parts.geometry else {
                unreachable!()
            };
            points
                .iter()
                .any(|p| rects_intersect(hint, p.bounding_rect()))
        };
        for text in [
            "S_INTERSECTS(geometry, BBOX(0, 0, 1, 1)) AND S_INTERSECTS(geometry, BBOX(0.5, 0.5, 3, 3))",
            "S_INTERSECTS(geometry, BBOX(0.5, 0.5, 3, 3)) AND S_INTERSECTS(geometry, BBOX(0, 0, 1, 1))",
            "S_WITHIN(geometry, BBOX(0, 0, 5, 5)) AND S_INTERSECTS(geometry, BBOX(1.5, 1.5, 9, 9)) \
             AND S_INTERSECTS(geometry, BBOX(-1, -1, 0.5, 0.5))",
            "(S_INTERSECTS(geometry, POINT(2 2)) OR kind = 'y') AND \
             S_INTERSECTS(geometry, BBOX(0, 0, 1, 1))",
        ] {
            assert!(inside_some_part(text), "{text}");
        }
        // The smaller box is the one kept.
        let hint = compile(
            "S_INTERSECTS(geometry, BBOX(0.5, 0.5, 3, 3)) AND S_INTERSECTS(geometry, BBOX(0, 0, 1, 1))",
        )
        .bbox_hint()
        .unwrap();
        assert_eq!(
            (hint.min().x, hint.min().y, hint.max().x, hint.max().y),
            (0.0, 0.0, 1.0, 1.0)
        );
    }
}
