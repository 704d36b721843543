//! Parsing of the request parameters shared by every query: `bbox`, `datetime`, `limit`,
//! `offset`, `properties`, `sortby`.
//!
//! Parsing lives here, apart from HTTP, so that the command line, the OGC API and the analysis
//! endpoints accept exactly the same syntax and report the same errors. [`ParamSpec`] is the
//! form every parameter is declared in once (`items_spec`, `analysis::spec`): its name, its
//! meaning and its schema, whose limits are the constants these parsers enforce.

use crate::catalog::Envelope;
use crate::model::{DateSpan, PartialDate};
use chrono::{NaiveDate, Timelike};
use serde_json::Value;

/// One query parameter, declared once: the handlers take the accepted names from it, the
/// OpenAPI document its entry and the command line its flag and help.
pub struct ParamSpec {
    pub name: &'static str,
    pub required: bool,
    pub description: &'static str,
    /// The JSON schema (OpenAPI 3.0 dialect), with the parser's limits.
    pub schema: fn() -> Value,
}

/// A parameter that could not be accepted; `parameter` names it, `message` says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {parameter}: {message}")]
pub struct ParamError {
    pub parameter: String,
    pub message: String,
}

impl ParamError {
    pub fn new(parameter: &str, message: impl Into<String>) -> ParamError {
        ParamError {
            parameter: parameter.to_string(),
            message: message.into(),
        }
    }
}

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 10_000;

pub fn parse_limit(value: Option<&str>) -> Result<usize, ParamError> {
    value.map_or(Ok(DEFAULT_LIMIT), |text| {
        parse_count("limit", text, MAX_LIMIT)
    })
}

/// A whole number from 1 to `max`: a page size, a number of neighbours.
pub fn parse_count(parameter: &str, text: &str, max: usize) -> Result<usize, ParamError> {
    let n: usize = text
        .trim()
        .parse()
        .map_err(|_| ParamError::new(parameter, format!("\"{text}\" is not a whole number")))?;
    if !(1..=max).contains(&n) {
        return Err(ParamError::new(
            parameter,
            format!("{n} is outside 1..{max}"),
        ));
    }
    Ok(n)
}

/// `offset`: any whole number; one past every count there could be is simply past the end
/// (an empty page), so a huge offset costs no more than a small one.
pub fn parse_offset(value: Option<&str>) -> Result<usize, ParamError> {
    let Some(text) = value else { return Ok(0) };
    let digits = text.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParamError::new(
            "offset",
            format!("\"{text}\" is not a whole number ≥ 0"),
        ));
    }
    Ok(digits.parse().unwrap_or(usize::MAX))
}

/// `true` or `false`, as the schema `{"type": "boolean"}` admits; absent is `false`.
pub fn parse_boolean(parameter: &str, value: Option<&str>) -> Result<bool, ParamError> {
    match value {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ParamError::new(
            parameter,
            format!("\"{other}\" is not true or false"),
        )),
    }
}

/// A bounding box in lon/lat. A box whose west edge is east of its east edge crosses the
/// antimeridian and is searched as two envelopes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bbox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl Bbox {
    pub fn envelopes(&self) -> Vec<Envelope> {
        if self.west <= self.east {
            vec![Envelope::new(self.west, self.south, self.east, self.north)]
        } else {
            vec![
                Envelope::new(self.west, self.south, 180.0, self.north),
                Envelope::new(-180.0, self.south, self.east, self.north),
            ]
        }
    }

    pub fn polygons(&self) -> Vec<geo::Polygon<f64>> {
        self.envelopes()
            .into_iter()
            .map(|e| {
                geo::Rect::new(
                    geo::Coord {
                        x: e.min[0],
                        y: e.min[1],
                    },
                    geo::Coord {
                        x: e.max[0],
                        y: e.max[1],
                    },
                )
                .to_polygon()
            })
            .collect()
    }
}

/// Splits a comma list of numbers (`bbox`): 4 numbers, or 6 with heights that are ignored.
pub fn parse_bbox_numbers(text: &str) -> Result<[f64; 4], ParamError> {
    let numbers: Result<Vec<f64>, _> = text.split(',').map(|s| s.trim().parse::<f64>()).collect();
    let numbers = numbers.map_err(|_| {
        ParamError::new(
            "bbox",
            format!("\"{text}\" is not a comma-separated list of numbers"),
        )
    })?;
    if numbers.iter().any(|n| !n.is_finite()) {
        return Err(ParamError::new("bbox", "numbers must be finite"));
    }
    match numbers[..] {
        [a, b, c, d] => Ok([a, b, c, d]),
        [a, b, _, d, e, _] => Ok([a, b, d, e]),
        _ => Err(ParamError::new(
            "bbox",
            format!("expected 4 or 6 numbers, found {}", numbers.len()),
        )),
    }
}

/// Checks a lon/lat box: latitudes in range and south ≤ north; west > east crosses the
/// antimeridian.
pub fn lon_lat_bbox(b: [f64; 4]) -> Result<Bbox, ParamError> {
    let [west, south, east, north] = b;
    for lon in [west, east] {
        if !(-180.0..=180.0).contains(&lon) {
            return Err(ParamError::new(
                "bbox",
                format!("longitude {lon} is outside -180..180"),
            ));
        }
    }
    for lat in [south, north] {
        if !(-90.0..=90.0).contains(&lat) {
            return Err(ParamError::new(
                "bbox",
                format!("latitude {lat} is outside -90..90"),
            ));
        }
    }
    if south > north {
        return Err(ParamError::new(
            "bbox",
            format!("south {south} is north of north {north}"),
        ));
    }
    Ok(Bbox {
        west,
        south,
        east,
        north,
    })
}

/// A calendar day `YYYY-MM-DD` of the proleptic Gregorian calendar, as a regular expression:
/// each month with its own last day, 29 February only in leap years.
const DAY_PATTERN: &str = concat!(
    "(",
    "[0-9]{4}-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])",
    "|[0-9]{4}-(0[469]|11)-(0[1-9]|[12][0-9]|30)",
    "|[0-9]{4}-02-(0[1-9]|1[0-9]|2[0-8])",
    "|([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)-02-29",
    ")"
);

/// A reduced-precision date as every date parser here reads it (`2005`, `2005-06`,
/// `2005-06-01`), as a regular expression for the API document.
pub fn partial_date_pattern() -> String {
    format!("^([0-9]{{4}}|[0-9]{{4}}-(0[1-9]|1[0-2])|{DAY_PATTERN})$")
}

/// The `datetime` parameter as [`parse_datetime`] reads it, as a regular expression for the
/// API document: a reduced-precision date or an RFC 3339 date-time, or an interval of two such
/// instants where either end may be `..` or empty. That the interval does not end before it
/// starts is said in its description; a pattern cannot compare the two.
pub fn datetime_pattern() -> String {
    let instant = format!(
        "([0-9]{{4}}|[0-9]{{4}}-(0[1-9]|1[0-2])|{DAY_PATTERN}([Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?)?)"
    );
    // At least one end is an instant: `/`, `../..` and `/..` are refused.
    format!("^({instant}|{instant}/({instant}|\\.\\.)?|(\\.\\.)?/{instant})$")
}

/// A `datetime` parameter: an instant, or an interval `start/end` where either end may be `..`
/// or empty for open. Instants may be RFC 3339 date-times (`2005-06-01T12:00:00Z`), dates, or
/// reduced-precision dates (`2005`, `2005-06`) meaning the whole period.
pub fn parse_datetime(text: &str) -> Result<DateSpan, ParamError> {
    let err = |m: String| ParamError::new("datetime", m);
    let text = text.trim();
    if let Some((start, end)) = text.split_once('/') {
        let start = parse_end(start).map_err(err)?;
        let end = parse_end(end).map_err(err)?;
        if start.is_none() && end.is_none() {
            return Err(ParamError::new(
                "datetime",
                "an interval needs at least one end",
            ));
        }
        let span = DateSpan::new(
            start.map(|s| s.start.expect("bounded")),
            end.map(|e| e.end.expect("bounded")),
        );
        if let (Some(s), Some(e)) = (span.start, span.end) {
            if e < s {
                return Err(ParamError::new(
                    "datetime",
                    format!("the interval ends ({e}) before it starts ({s})"),
                ));
            }
        }
        return Ok(span);
    }
    parse_instant(text).map_err(err)
}

fn parse_end(text: &str) -> Result<Option<DateSpan>, String> {
    match text.trim() {
        "" | ".." => Ok(None),
        t => parse_instant(t).map(Some),
    }
}

fn parse_instant(text: &str) -> Result<DateSpan, String> {
    let not_an_instant = || {
        format!(
            "\"{text}\" is not an RFC 3339 date-time, a date (YYYY-MM-DD, YYYY-MM, YYYY) or \
                 an interval start/end with '..' for an open end"
        )
    };
    if text.len() > 10 {
        return date_of_date_time(text)
            .map(DateSpan::day)
            .ok_or_else(not_an_instant);
    }
    text.parse::<PartialDate>()
        .map(|d| d.span())
        .map_err(|_| not_an_instant())
}

/// The UTC day of an RFC 3339 date-time (`T` or `t`, any number of fraction digits, `Z`, `z`
/// or an offset), or of one with no offset, read as UTC: exactly what [`datetime_pattern`]
/// admits.
fn date_of_date_time(text: &str) -> Option<NaiveDate> {
    let (date, time) = (text.get(..10)?, text.get(10..)?);
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let time = time.strip_prefix(['T', 't'])?;
    let clock = chrono::NaiveTime::parse_from_str(time.get(..8)?, "%H:%M:%S").ok()?;
    let mut rest = &time[8..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset_minutes: i64 = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let offset = chrono::NaiveTime::parse_from_str(rest.get(1..)?, "%H:%M").ok()?;
            sign * i64::from(offset.hour() * 60 + offset.minute())
        }
    };
    let local = date.and_time(clock);
    Some((local - chrono::Duration::minutes(offset_minutes)).date())
}

/// The day a request is "about": the instant asked, or the last day of a closed interval
/// (clamped to today), or today. Grouping footprints are drawn as of this day.
pub fn reference_day(span: Option<&DateSpan>, today: NaiveDate) -> NaiveDate {
    let Some(span) = span else { return today };
    let day = span.end.map_or(today, |end| end.min(today));
    span.start.map_or(day, |start| day.max(start))
}

/// `properties=name,kind`: the property names to keep.
pub fn parse_property_list(text: &str) -> Result<Vec<String>, ParamError> {
    // Exactly as the API document declares it: names separated by commas, none empty.
    text.split(',')
        .map(|name| {
            if name.is_empty() {
                Err(ParamError::new(
                    "properties",
                    format!(
                        "\"{text}\" has an empty name; separate property names by single commas"
                    ),
                ))
            } else {
                Ok(name.to_string())
            }
        })
        .collect()
}

/// One `sortby` key: `+name`, `-valid_from`, `name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub property: String,
    pub descending: bool,
}

pub fn parse_sortby(text: &str) -> Result<Vec<SortKey>, ParamError> {
    // Exactly as the API document declares it: keys separated by commas, each a name after an
    // optional `+` (or the space a `+` decodes to) or `-`; nothing empty, no other spaces.
    text.split(',')
        .map(|key| {
            let (descending, property) = match key.as_bytes().first() {
                Some(b'-') => (true, &key[1..]),
                Some(b'+' | b' ') => (false, &key[1..]),
                _ => (false, key),
            };
            if property.is_empty() || property.contains(char::is_whitespace) {
                return Err(ParamError::new(
                    "sortby",
                    format!("\"{key}\" is not a property name with an optional + or -"),
                ));
            }
            Ok(SortKey {
                property: property.to_string(),
                descending,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_give_their_utc_day() {
        let day = |t: &str| parse_datetime(t).unwrap().start.unwrap();
        assert_eq!(day("2005-06-01T23:30:00-02:00"), d("2005-06-02"));
        assert_eq!(day("2005-06-01T00:30:00+05:00"), d("2005-05-31"));
        assert_eq!(day("2005-06-01t12:00:00.5z"), d("2005-06-01"));
        assert_eq!(day("2005-06-01T12:00:00"), d("2005-06-01"));
        for bad in [
            "2005-06-01T12:00",
            "2005-06-01T12:00:00.",
            "2005-06-01T25:00:00Z",
            "2005-06-01T12:00:00+5",
        ] {
            assert!(parse_datetime(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_date_patterns_accept_exactly_what_the_parsers_accept() {
        let partial = regex::Regex::new(&partial_date_pattern()).unwrap();
        let datetime = regex::Regex::new(&datetime_pattern()).unwrap();
        // Every day-like text of four centuries, valid or not (day 00 to 31 of months 00 to
        // 13), and every month-like one.
        for year in [1600, 1700, 1900, 1992, 1999, 2000, 2004, 2023, 2024, 2100] {
            for month in 0..=13 {
                let text = format!("{year:04}-{month:02}");
                let parsed = text.parse::<PartialDate>().is_ok();
                assert_eq!(partial.is_match(&text), parsed, "{text}");
                assert_eq!(
                    datetime.is_match(&text),
                    parse_datetime(&text).is_ok(),
                    "{text}"
                );
                for day in 0..=31 {
                    let text = format!("{year:04}-{month:02}-{day:02}");
                    let parsed = text.parse::<PartialDate>().is_ok();
                    assert_eq!(partial.is_match(&text), parsed, "{text}");
                    assert_eq!(
                        datetime.is_match(&text),
                        parse_datetime(&text).is_ok(),
                        "{text}"
                    );
                }
            }
        }
        for text in [
            "2005",
            "2005-06-01T12:00:00Z",
            "2005-06-01T12:00:00.5+05:00",
            "2005-06-01T12:00:00",
            "2005-06-01T12:00:00.25",
            "2005/2006",
            "2005-06/..",
            "../2006-01-01",
            "2005/",
            "/2006",
            "2005-06-01T00:00:00Z/2005-07-01T00:00:00Z",
            "8800-02-29t21:42:54.309393801061",
            "2005-06-01t23:30:00.123456789012z",
        ] {
            assert!(datetime.is_match(text), "{text}");
            assert!(parse_datetime(text).is_ok(), "{text}");
        }
        for text in [
            "/",
            "../..",
            "/..",
            "..",
            "05",
            "2005-6",
            "2005-06-01T24:00:00Z",
            "2005/2006/2007",
            " 2005",
            "2005-02-29",
            "tomorrow",
        ] {
            assert!(!datetime.is_match(text), "{text}");
            assert!(
                parse_datetime(text).is_err() || text.trim() != text,
                "{text}"
            );
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn datetimes_in_every_form() {
        assert_eq!(
            parse_datetime("2005-06-01").unwrap(),
            DateSpan::day(d("2005-06-01"))
        );
        assert_eq!(
            parse_datetime("2005-06-01T23:30:00Z").unwrap(),
            DateSpan::day(d("2005-06-01"))
        );
        assert_eq!(
            parse_datetime("2005-06-01T23:30:00-02:00").unwrap(),
            DateSpan::day(d("2005-06-02"))
        );
        assert_eq!(
            parse_datetime("2005").unwrap(),
            DateSpan::new(Some(d("2005-01-01")), Some(d("2005-12-31")))
        );
        assert_eq!(
            parse_datetime("../2005-01-01").unwrap(),
            DateSpan::new(None, Some(d("2005-01-01")))
        );
        assert_eq!(
            parse_datetime("2000-01-01/").unwrap(),
            DateSpan::new(Some(d("2000-01-01")), None)
        );
        assert_eq!(
            parse_datetime("2000-01-01T00:00:00Z/2001-06").unwrap(),
            DateSpan::new(Some(d("2000-01-01")), Some(d("2001-06-30")))
        );
        for bad in ["", "../..", "yesterday", "2005-13-01", "2006/2005"] {
            assert!(parse_datetime(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bboxes_and_their_errors() {
        assert_eq!(parse_bbox_numbers("1,2,3,4").unwrap(), [1.0, 2.0, 3.0, 4.0]);
        assert_eq!(
            parse_bbox_numbers("1,2,0,3,4,10").unwrap(),
            [1.0, 2.0, 3.0, 4.0]
        );
        assert!(parse_bbox_numbers("1,2,3").is_err());
        assert!(parse_bbox_numbers("a,2,3,4").is_err());
        assert!(lon_lat_bbox([0.0, 10.0, 1.0, 5.0]).is_err());
        assert!(lon_lat_bbox([0.0, -95.0, 1.0, 5.0]).is_err());
        let crossing = lon_lat_bbox([170.0, 50.0, -170.0, 70.0]).unwrap();
        assert_eq!(crossing.envelopes().len(), 2);
    }

    #[test]
    fn limits_offsets_and_sorting() {
        assert_eq!(parse_limit(None).unwrap(), DEFAULT_LIMIT);
        assert!(parse_limit(Some("0")).is_err());
        assert!(parse_limit(Some("10001")).is_err());
        assert!(parse_offset(Some("-1")).is_err());
        let keys = parse_sortby("-valid_from,+name,kind").unwrap();
        assert_eq!(keys.len(), 3);
        assert!(keys[0].descending && !keys[1].descending && keys[2].property == "kind");
        assert_eq!(parse_sortby(" name").unwrap()[0].property, "name");
        for bad in ["", "name,", ",name", "- name", "na me", "+", "name ,kind"] {
            assert!(parse_sortby(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn reference_day_prefers_the_asked_instant() {
        let today = d("2026-01-01");
        assert_eq!(reference_day(None, today), today);
        assert_eq!(
            reference_day(Some(&DateSpan::day(d("2000-01-01"))), today),
            d("2000-01-01")
        );
        let open_end = DateSpan::new(Some(d("2000-01-01")), None);
        assert_eq!(reference_day(Some(&open_end), today), today);
        let closed = DateSpan::new(Some(d("1999-01-01")), Some(d("2001-01-01")));
        assert_eq!(reference_day(Some(&closed), today), d("2001-01-01"));
    }
}
