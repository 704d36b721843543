//! Dates with the precision their source gave, and the day spans used to compare them.
//!
//! A source may say "1993", "December 1993" or "24 December 1993". Forcing all three into a day
//! would invent precision, so a [`PartialDate`] keeps what was given and answers questions by the
//! whole period it denotes: "1993-12" starts on 1 December and ends on 31 December. Comparisons
//! with requests happen on [`DateSpan`]s of whole days, inclusive at both ends.

use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// A calendar date known to the year, the month or the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PartialDate {
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{input}\" is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD: {reason}")]
pub struct PartialDateError {
    pub input: String,
    pub reason: &'static str,
}

impl PartialDate {
    pub fn year(year: i32) -> PartialDate {
        PartialDate {
            year,
            month: None,
            day: None,
        }
    }

    pub fn from_day(date: NaiveDate) -> PartialDate {
        PartialDate {
            year: date.year(),
            month: Some(date.month()),
            day: Some(date.day()),
        }
    }

    /// The first day of the period this date denotes.
    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
            .expect("validated when parsed")
    }

    /// The last day of the period this date denotes.
    pub fn last_day(&self) -> NaiveDate {
        match (self.month, self.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(self.year, m, d),
            (Some(m), None) => {
                let (y, next) = if m == 12 {
                    (self.year + 1, 1)
                } else {
                    (self.year, m + 1)
                };
                NaiveDate::from_ymd_opt(y, next, 1).and_then(|d| d.pred_opt())
            }
            _ => NaiveDate::from_ymd_opt(self.year, 12, 31),
        }
        .expect("validated when parsed")
    }

    /// The whole period as an inclusive span of days.
    pub fn span(&self) -> DateSpan {
        DateSpan::new(Some(self.first_day()), Some(self.last_day()))
    }
}

impl FromStr for PartialDate {
    type Err = PartialDateError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let fail = |reason| PartialDateError {
            input: input.to_string(),
            reason,
        };
        let parts: Vec<&str> = input.split('-').collect();
        let number = |s: &str, len: usize| -> Option<u32> {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let year = parts
            .first()
            .and_then(|s| number(s, 4))
            .ok_or_else(|| fail("the year must have four digits"))? as i32;
        let month = match parts.get(1) {
            None => None,
            Some(s) => Some(number(s, 2).ok_or_else(|| fail("the month must have two digits"))?),
        };
        let day = match parts.get(2) {
            None => None,
            Some(s) => Some(number(s, 2).ok_or_else(|| fail("the day must have two digits"))?),
        };
        if parts.len() > 3 {
            return Err(fail("too many parts"));
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(fail("the month must be 01 to 12"));
            }
        }
        if NaiveDate::from_ymd_opt(year, month.unwrap_or(1), day.unwrap_or(1)).is_none() {
            return Err(fail("no such day in the calendar"));
        }
        Ok(PartialDate { year, month, day })
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

/// An inclusive span of whole days; `None` at either end means unbounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct DateSpan {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl DateSpan {
    pub const ALL_TIME: DateSpan = DateSpan {
        start: None,
        end: None,
    };

    pub fn new(start: Option<NaiveDate>, end: Option<NaiveDate>) -> DateSpan {
        DateSpan { start, end }
    }

    pub fn day(date: NaiveDate) -> DateSpan {
        DateSpan::new(Some(date), Some(date))
    }

    /// Whether the two spans share at least one day.
    pub fn intersects(&self, other: &DateSpan) -> bool {
        let starts_before_other_ends = match (self.start, other.end) {
            (Some(s), Some(e)) => s <= e,
            _ => true,
        };
        let ends_after_other_starts = match (self.end, other.start) {
            (Some(e), Some(s)) => e >= s,
            _ => true,
        };
        starts_before_other_ends && ends_after_other_starts
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.intersects(&DateSpan::day(date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn reduced_precision_spans_cover_the_whole_period() {
        let month: PartialDate = "1993-12".parse().unwrap();
        assert_eq!(month.first_day(), d("1993-12-01"));
        assert_eq!(month.last_day(), d("1993-12-31"));
        let feb: PartialDate = "2004-02".parse().unwrap();
        assert_eq!(feb.last_day(), d("2004-02-29"));
        let year: PartialDate = "1999".parse().unwrap();
        assert_eq!(
            year.span(),
            DateSpan::new(Some(d("1999-01-01")), Some(d("1999-12-31")))
        );
        assert_eq!(year.to_string(), "1999");
        assert_eq!(month.to_string(), "1993-12");
    }

    #[test]
    fn malformed_dates_are_rejected_with_a_reason() {
        for bad in [
            "93",
            "1993-1",
            "1993-13",
            "1993-02-30",
            "1993-12-01-01",
            "",
            "abcd",
        ] {
            let err = bad.parse::<PartialDate>().unwrap_err();
            assert_eq!(err.input, bad);
        }
    }

    #[test]
    fn spans_intersect_inclusively_and_open_ends_are_unbounded() {
        let a = DateSpan::new(Some(d("2000-01-01")), Some(d("2000-12-31")));
        assert!(a.contains(d("2000-12-31")));
        assert!(!a.contains(d("2001-01-01")));
        let open = DateSpan::new(Some(d("2001-01-01")), None);
        assert!(!a.intersects(&open));
        assert!(open.contains(d("2999-01-01")));
        assert!(DateSpan::ALL_TIME.intersects(&a));
    }
}
