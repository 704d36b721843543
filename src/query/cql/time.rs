//! Time in filters: dates, timestamps and intervals as closed spans of microseconds, compiled
//! from literals and date properties, and the `T_*` relations between spans. Dates of reduced
//! precision are read by [`crate::model::PartialDate`].

use super::compile::{Ctx, Name};
use super::eval::lookup;
use super::messages::{clip, op_name, show};
use super::tree::*;
use super::{FilterError, FilterTarget, QueryableType};
use crate::model::PartialDate;
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use cql2::Expr;
use serde_json::Value;

/// A closed time span in microseconds since 1970-01-01T00:00:00Z; `i64::MIN`/`MAX` are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub(super) start: i64,
    pub(super) end: i64,
}

impl Span {
    /// The whole of one day.
    pub(super) fn day(date: NaiveDate) -> Span {
        let start = day_start(date);
        Span {
            start,
            end: start + (MICROS_PER_DAY - 1),
        }
    }
}

impl Ctx<'_> {
    pub(super) fn when(&self, whole: &Expr, e: &Expr) -> Result<When, FilterError> {
        match e {
            Expr::Property { property } => match self.resolve(property)? {
                Name::Datetime => Ok(When::Feature),
                Name::Property(q)
                    if matches!(q.kind, QueryableType::Date | QueryableType::String) =>
                {
                    Ok(When::Property(q.name.clone()))
                }
                _ => Err(FilterError::Type(format!(
                    "{} needs dates or intervals, but \"{property}\" is not a date queryable; \
                     use datetime for the feature's validity interval",
                    op_name(whole)
                ))),
            },
            Expr::Date { .. } | Expr::Timestamp { .. } => Ok(When::Fixed(fixed_time(e)?)),
            Expr::Literal(s) => parse_time(s).map(When::Fixed).ok_or_else(|| {
                FilterError::Type(format!(
                    "'{}' in {} is not a date or timestamp (use e.g. DATE('2005-06-01') or \
                     TIMESTAMP('2005-06-01T12:00:00Z'))",
                    clip(s, 40),
                    op_name(whole)
                ))
            }),
            Expr::Interval { interval } => {
                if interval.len() != 2 {
                    return Err(FilterError::Syntax(format!(
                        "INTERVAL takes 2 bounds, found {} in {}",
                        interval.len(),
                        show(e)
                    )));
                }
                let start = self.bound(e, &interval[0], false)?;
                let end = self.bound(e, &interval[1], true)?;
                if let (Bound::Fixed(s), Bound::Fixed(t)) = (&start, &end) {
                    if s > t {
                        return Err(FilterError::Type(format!(
                            "{} ends before it starts",
                            show(e)
                        )));
                    }
                }
                Ok(When::Interval(start, end))
            }
            _ => Err(FilterError::Type(format!(
                "{} needs dates or intervals (datetime, DATE(...), TIMESTAMP(...), \
                 INTERVAL(...)), but {} is not one",
                op_name(whole),
                show(e)
            ))),
        }
    }

    pub(super) fn bound(
        &self,
        interval: &Expr,
        e: &Expr,
        is_end: bool,
    ) -> Result<Bound, FilterError> {
        let pick = |span: Span| Bound::Fixed(if is_end { span.end } else { span.start });
        match e {
            Expr::Literal(s) if s == ".." || s.is_empty() => Ok(Bound::Open),
            Expr::Literal(s) => parse_time(s).map(pick).ok_or_else(|| {
                FilterError::Type(format!(
                    "'{}' in {} is not a date, a timestamp or '..'",
                    clip(s, 40),
                    show(interval)
                ))
            }),
            Expr::Date { .. } | Expr::Timestamp { .. } => Ok(pick(fixed_time(e)?)),
            Expr::Property { property } => match self.resolve(property)? {
                Name::Property(q)
                    if matches!(q.kind, QueryableType::Date | QueryableType::String) =>
                {
                    Ok(Bound::Property(q.name.clone()))
                }
                _ => Err(FilterError::Type(format!(
                    "\"{property}\" in {} is not a date queryable",
                    show(interval)
                ))),
            },
            _ => Err(FilterError::Type(format!(
                "{} in {} is not a date, a timestamp or '..'",
                show(e),
                show(interval)
            ))),
        }
    }
}

pub(super) fn fixed_time(e: &Expr) -> Result<Span, FilterError> {
    let (inner, what) = match e {
        Expr::Date { date } => (date.as_ref(), "DATE"),
        Expr::Timestamp { timestamp } => (timestamp.as_ref(), "TIMESTAMP"),
        _ => unreachable!("fixed_time is only called on DATE and TIMESTAMP"),
    };
    let text = match inner {
        Expr::Literal(s) => s.as_str(),
        _ => {
            return Err(FilterError::Unsupported(format!(
                "{what}(...) takes a quoted literal, found {}",
                show(e)
            )))
        }
    };
    let parsed = parse_time(text);
    let ok = match what {
        "DATE" => parsed.filter(|_| !is_timestamp_text(text)),
        _ => parsed.filter(|_| is_timestamp_text(text)),
    };
    ok.ok_or_else(|| {
        FilterError::Type(format!(
            "{what}('{}') is not a valid {}",
            clip(text, 40),
            if what == "DATE" {
                "date (write DATE('2005-06-01'))"
            } else {
                "timestamp (write TIMESTAMP('2005-06-01T12:00:00Z'))"
            }
        ))
    })
}

pub(super) const MICROS_PER_DAY: i64 = 86_400_000_000;

impl When {
    pub(super) fn span<T: FilterTarget + ?Sized>(&self, t: &T) -> Option<Span> {
        match self {
            When::Feature => {
                let (from, to) = t.interval();
                Some(Span {
                    start: from.map_or(i64::MIN, day_start),
                    end: to.map_or(i64::MAX, |d| Span::day(d).end),
                })
            }
            When::Fixed(span) => Some(*span),
            When::Property(name) => match lookup(t, name)? {
                Value::String(s) => parse_time(s),
                _ => None,
            },
            When::Interval(start, end) => {
                let start = match start {
                    Bound::Open => i64::MIN,
                    Bound::Fixed(v) => *v,
                    Bound::Property(name) => property_bound(t, name, false)?,
                };
                let end = match end {
                    Bound::Open => i64::MAX,
                    Bound::Fixed(v) => *v,
                    Bound::Property(name) => property_bound(t, name, true)?,
                };
                (start <= end).then_some(Span { start, end })
            }
        }
    }
}

/// A property as an interval bound: null or missing is an open end; text that is not a date
/// makes the interval unknown.
pub(super) fn property_bound<T: FilterTarget + ?Sized>(
    t: &T,
    name: &str,
    is_end: bool,
) -> Option<i64> {
    match lookup(t, name) {
        None | Some(Value::Null) => Some(if is_end { i64::MAX } else { i64::MIN }),
        Some(Value::String(s)) if s == ".." => Some(if is_end { i64::MAX } else { i64::MIN }),
        Some(Value::String(s)) => {
            parse_time(s).map(|span| if is_end { span.end } else { span.start })
        }
        Some(_) => None,
    }
}

pub(super) fn temporal(op: TemporalOp, a: Span, b: Span) -> bool {
    // Spans are closed at microsecond resolution: one that ends the microsecond before the other
    // starts meets it, as consecutive days do.
    let meets = |x: Span, y: Span| x.end == y.start || x.end.saturating_add(1) == y.start;
    match op {
        TemporalOp::Before => a.end < b.start,
        TemporalOp::After => a.start > b.end,
        TemporalOp::Meets => meets(a, b),
        TemporalOp::MetBy => meets(b, a),
        TemporalOp::Overlaps => a.start < b.start && a.end > b.start && a.end < b.end,
        TemporalOp::OverlappedBy => b.start < a.start && b.end > a.start && b.end < a.end,
        TemporalOp::Starts => a.start == b.start && a.end < b.end,
        TemporalOp::StartedBy => a.start == b.start && a.end > b.end,
        TemporalOp::During => a.start > b.start && a.end < b.end,
        TemporalOp::Contains => a.start < b.start && a.end > b.end,
        TemporalOp::Finishes => a.start > b.start && a.end == b.end,
        TemporalOp::FinishedBy => a.start < b.start && a.end == b.end,
        TemporalOp::Equals => a.start == b.start && a.end == b.end,
        TemporalOp::Disjoint => a.end < b.start || a.start > b.end,
        TemporalOp::Intersects => a.start <= b.end && a.end >= b.start,
    }
}

pub(super) fn day_start(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp_micros()
}

pub(super) fn is_timestamp_text(s: &str) -> bool {
    s.len() > 10 && matches!(s.as_bytes().get(10), Some(b'T' | b't' | b' '))
}

/// Reads an ISO 8601 date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, read as a [`PartialDate`]: the first
/// day it names, as a whole day) or timestamp (an instant; UTC when no offset is given).
pub(super) fn parse_time(s: &str) -> Option<Span> {
    let s = s.trim();
    if is_timestamp_text(s) {
        let instant = if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
            dt.timestamp_micros()
        } else {
            let normalized = s.replacen(' ', "T", 1);
            let naive = normalized.trim_end_matches(['Z', 'z']);
            ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(naive, f).ok())
                .or_else(|| {
                    DateTime::parse_from_str(&normalized, "%Y-%m-%dT%H:%M:%S%.f%z")
                        .ok()
                        .map(|d| d.naive_utc())
                })?
                .and_utc()
                .timestamp_micros()
        };
        return Some(Span {
            start: instant,
            end: instant,
        });
    }
    let date: PartialDate = s.parse().ok()?;
    Some(Span::day(date.first_day()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::cql::fixtures::*;

    #[test]
    fn compares_dates_including_reduced_precision_properties() {
        let g = garrison();
        check_all(
            &[
                // "2004-10" stands for 2004-10-01.
                ("valid_from = DATE('2004-10-01')", true),
                ("valid_from = '2004-10-01'", true),
                ("valid_from = '2004-10'", true),
                ("valid_from <> DATE('2004-10-01')", false),
                ("valid_from < DATE('2004-10-02')", true),
                ("valid_from < DATE('2004-10-01')", false),
                ("valid_from <= DATE('2004-10-01')", true),
                ("valid_from > DATE('2004-09-30')", true),
                ("valid_from > '2005'", false),
                ("valid_from >= '2004'", true),
                ("valid_from < TIMESTAMP('2004-10-01T00:00:01Z')", true),
                // Comparisons with a null property are unknown, in either direction.
                ("valid_to > DATE('2000-01-01')", false),
                ("valid_to <= DATE('2000-01-01')", false),
            ],
            &g,
        );
        check("valid_to < '2000'", &uzbek_membership(), true);
        check("valid_to = '1999-04-01'", &uzbek_membership(), true);
        check("valid_from < valid_to", &uzbek_membership(), true);
        check("valid_from > valid_to", &uzbek_membership(), false);
    }

    #[test]
    fn temporal_predicates_against_the_validity_interval() {
        let (g, u) = (garrison(), uzbek_membership());
        let cases: &[(&str, bool, bool)] = &[
            // (filter, garrison 2004-10-01.., uzbek membership 1992-05-15..1999-04-30)
            ("T_INTERSECTS(datetime, DATE('2005-06-01'))", true, false),
            ("T_INTERSECTS(datetime, DATE('1995-06-01'))", false, true),
            ("T_INTERSECTS(datetime, DATE('2004-10-01'))", true, false),
            ("T_INTERSECTS(datetime, DATE('1999-04-30'))", false, true),
            ("T_INTERSECTS(datetime, DATE('1999-05-01'))", false, false),
            (
                "T_INTERSECTS(datetime, TIMESTAMP('2030-01-01T12:00:00Z'))",
                true,
                false,
            ),
            (
                "T_INTERSECTS(datetime, INTERVAL('1990-01-01', '1992-05-15'))",
                false,
                true,
            ),
            (
                "T_INTERSECTS(datetime, INTERVAL('2000-01-01', '..'))",
                true,
                false,
            ),
            (
                "T_INTERSECTS(datetime, INTERVAL('..', '1993'))",
                false,
                true,
            ),
            ("T_DISJOINT(datetime, DATE('1995-06-01'))", true, false),
            ("T_BEFORE(datetime, DATE('2000-01-01'))", false, true),
            ("T_BEFORE(datetime, DATE('1999-04-30'))", false, false),
            ("T_AFTER(datetime, DATE('2000-01-01'))", true, false),
            ("T_AFTER(datetime, DATE('2004-10-01'))", false, false),
            (
                "T_DURING(datetime, INTERVAL('1990-01-01', '2000-12-31'))",
                false,
                true,
            ),
            (
                "T_DURING(datetime, INTERVAL('1992-05-15', '2000-12-31'))",
                false,
                false,
            ),
            (
                "T_STARTS(datetime, INTERVAL('1992-05-15', '2000-12-31'))",
                false,
                true,
            ),
            ("T_STARTEDBY(datetime, DATE('2004-10-01'))", true, false),
            (
                "T_FINISHES(datetime, INTERVAL('1990-01-01', '1999-04-30'))",
                false,
                true,
            ),
            ("T_FINISHEDBY(datetime, DATE('1999-04-30'))", false, true),
            ("T_CONTAINS(datetime, DATE('1995-01-01'))", false, true),
            ("T_CONTAINS(datetime, DATE('2020-01-01'))", true, false),
            (
                "T_EQUALS(datetime, INTERVAL('1992-05-15', '1999-04-30'))",
                false,
                true,
            ),
            (
                "T_EQUALS(datetime, INTERVAL('2004-10-01', '..'))",
                true,
                false,
            ),
            ("T_MEETS(datetime, DATE('1999-05-01'))", false, true),
            ("T_METBY(datetime, DATE('2004-09-30'))", true, false),
            ("T_METBY(datetime, DATE('1992-05-14'))", false, true),
            (
                "T_OVERLAPS(datetime, INTERVAL('1995-01-01', '2001-01-01'))",
                false,
                true,
            ),
            (
                "T_OVERLAPPEDBY(datetime, INTERVAL('1990-01-01', '1995-01-01'))",
                false,
                true,
            ),
            (
                "T_OVERLAPPEDBY(datetime, INTERVAL('2000-01-01', '2005-01-01'))",
                true,
                false,
            ),
            ("T_INTERSECTS(DATE('2005-06-01'), datetime)", true, false),
            // Bare strings are read as dates or timestamps.
            ("T_INTERSECTS(datetime, '1995-06-01')", false, true),
            (
                "T_INTERSECTS(datetime, INTERVAL('2005-01-01T00:00:00Z', '2005-01-02T00:00:00Z'))",
                true,
                false,
            ),
        ];
        for (text, on_g, on_u) in cases {
            check(text, &g, *on_g);
            check(text, &u, *on_u);
        }
    }

    #[test]
    fn temporal_predicates_on_date_properties() {
        let (g, u) = (garrison(), uzbek_membership());
        let cases: &[(&str, bool, bool)] = &[
            // valid_to null is an open end of the interval built from the properties.
            (
                "T_INTERSECTS(INTERVAL(valid_from, valid_to), DATE('2010-01-01'))",
                true,
                false,
            ),
            (
                "T_INTERSECTS(INTERVAL(valid_from, valid_to), DATE('1999-03-15'))",
                false,
                true,
            ),
            // "1999-04" ends the interval on its first day.
            (
                "T_INTERSECTS(INTERVAL(valid_from, valid_to), DATE('1999-04-02'))",
                false,
                false,
            ),
            ("T_BEFORE(valid_from, DATE('2000-01-01'))", false, true),
            ("T_AFTER(valid_from, '2004-09-30')", true, false),
            ("T_EQUALS(valid_from, DATE('2004-10-01'))", true, false),
            ("T_INTERSECTS(valid_to, DATE('1999-04-01'))", false, true),
        ];
        for (text, on_g, on_u) in cases {
            check(text, &g, *on_g);
            check(text, &u, *on_u);
        }
    }

    #[test]
    fn temporal_relations_follow_the_definitions() {
        let day = |s: &str| parse_time(s).unwrap();
        let span = |a: &str, b: &str| Span {
            start: day(a).start,
            end: day(b).end,
        };
        let jan = span("2000-01-01", "2000-01-31");
        let feb = span("2000-02-01", "2000-02-29");
        assert!(temporal(TemporalOp::Meets, jan, feb));
        assert!(temporal(TemporalOp::MetBy, feb, jan));
        assert!(temporal(TemporalOp::Before, jan, feb));
        assert!(!temporal(TemporalOp::Intersects, jan, feb));
        assert!(temporal(TemporalOp::Disjoint, jan, feb));
        let instant = parse_time("2000-01-31T23:59:59.999999Z").unwrap();
        assert!(temporal(TemporalOp::Intersects, instant, jan));
        assert!(temporal(TemporalOp::Finishes, instant, jan));
        assert!(temporal(TemporalOp::Meets, instant, feb));
        assert_eq!(day("1993").start, day("1993-01-01").start);
        assert_eq!(day("1993-12").start, day("1993-12-01").start);
        assert_eq!(
            day("1993-12-01").end - day("1993-12-01").start,
            MICROS_PER_DAY - 1
        );
        for bad in [
            "93",
            "1993-13",
            "1993-02-30",
            "1993/12/01",
            "soon",
            "1993-1-1",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        let with_offset = parse_time("2000-01-01T05:00:00+05:00").unwrap();
        assert_eq!(with_offset.start, day("2000-01-01").start);
        assert_eq!(
            parse_time("2000-01-01 00:00:00").unwrap().start,
            day("2000-01-01").start
        );
    }
}
