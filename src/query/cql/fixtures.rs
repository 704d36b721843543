//! Test fixtures shared by the filter tests: a few features of the region as
//! [`FilterTarget`]s, the queryables they are checked against, and helpers that compile a
//! filter and check its answer.

use super::*;
use geo::{point, polygon, Geometry};
use serde_json::json;

pub(super) struct Feature {
    pub(super) id: &'static str,
    pub(super) props: serde_json::Map<String, Value>,
    pub(super) geometry: Option<Geometry<f64>>,
    pub(super) interval: (Option<NaiveDate>, Option<NaiveDate>),
}

impl FilterTarget for Feature {
    fn id(&self) -> &str {
        self.id
    }
    fn property(&self, name: &str) -> Option<&Value> {
        self.props.get(name)
    }
    fn geometry(&self) -> Option<&Geometry<f64>> {
        self.geometry.as_ref()
    }
    fn interval(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        self.interval
    }
}

pub(super) fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub(super) fn feature(
    id: &'static str,
    props: Value,
    geometry: Option<Geometry<f64>>,
    from: Option<&str>,
    to: Option<&str>,
) -> Feature {
    let Value::Object(props) = props else {
        panic!("properties must be an object")
    };
    Feature {
        id,
        props,
        geometry,
        interval: (from.map(date), to.map(date)),
    }
}

/// The 201st base in Dushanbe: a point, open-ended, two groupings.
pub(super) fn garrison() -> Feature {
    feature(
        "201st-military-base-dushanbe",
        json!({
            "name": "201st Military Base", "kind": "military-base", "country": "TJK",
            "operator": "RUS", "groupings": ["crdf", "csto"], "personnel": 5500,
            "strength": { "personnel": 5500, "as_of": "2005" }, "active": true,
            "valid_from": "2004-10", "valid_to": null, "location_precision": "town"
        }),
        Some(point!(x: 68.78, y: 38.56).into()),
        Some("2004-10-01"),
        None,
    )
}

/// Kant air base in Kyrgyzstan, north of the Tajik box.
pub(super) fn kant() -> Feature {
    feature(
        "kant-air-base",
        json!({
            "name": "Kant Air Base", "kind": "air-base", "country": "KGZ",
            "groupings": ["crdf"], "personnel": 500, "active": false,
            "valid_from": "2003-10-23", "valid_to": null
        }),
        Some(point!(x: 74.85, y: 42.85).into()),
        Some("2003-10-23"),
        None,
    )
}

/// A rough box standing in for Tajikistan.
pub(super) fn tajikistan() -> Feature {
    feature(
        "TJK",
        json!({ "name": "Tajikistan", "kind": "country", "groupings": [] }),
        Some(
            polygon![(x: 67.3, y: 36.6), (x: 75.2, y: 36.6), (x: 75.2, y: 41.1),
                     (x: 67.3, y: 41.1), (x: 67.3, y: 36.6)]
            .into(),
        ),
        None,
        None,
    )
}

/// Uzbekistan's first CST membership: a closed interval, no geometry.
pub(super) fn uzbek_membership() -> Feature {
    feature(
        "cst-uzb-1992",
        json!({ "name": "Uzbekistan in the CST", "kind": "membership",
                "valid_from": "1992-05-15", "valid_to": "1999-04" }),
        None,
        Some("1992-05-15"),
        Some("1999-04-30"),
    )
}

pub(super) fn queryables() -> Vec<Queryable> {
    use QueryableType as Q;
    vec![
        Queryable::new("id", Q::String, "feature id"),
        Queryable::new("name", Q::String, "name"),
        Queryable::new("kind", Q::String, "kind"),
        Queryable::new("country", Q::String, "ISO 3166-1 alpha-3"),
        Queryable::new("operator", Q::String, "operating country"),
        Queryable::new("personnel", Q::Integer, "personnel strength"),
        Queryable::new("tanks", Q::Integer, "main battle tanks"),
        Queryable::new("strength.personnel", Q::Integer, "nested strength"),
        Queryable::new("active", Q::Boolean, "still active"),
        Queryable::new("groupings", Q::Array, "groupings"),
        Queryable::new("valid_from", Q::Date, "start"),
        Queryable::new("valid_to", Q::Date, "end"),
        Queryable::new("geometry", Q::Geometry, "geometry"),
        Queryable::new("datetime", Q::Date, "validity interval"),
    ]
}

pub(super) fn compile(text: &str) -> Filter {
    Filter::parse(text, FilterLang::Cql2Text, &queryables())
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

pub(super) fn compile_json(text: &str) -> Filter {
    Filter::parse(text, FilterLang::Cql2Json, &queryables())
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

pub(super) fn error(text: &str) -> FilterError {
    match Filter::parse(text, FilterLang::Cql2Text, &queryables()) {
        Ok(f) => panic!("{text} should not parse, got {f:?}"),
        Err(e) => e,
    }
}

#[track_caller]
pub(super) fn check(text: &str, target: &Feature, expected: bool) {
    assert_eq!(
        compile(text).matches(target),
        expected,
        "{text} on {}",
        target.id
    );
}

#[track_caller]
pub(super) fn check_all(cases: &[(&str, bool)], target: &Feature) {
    for (text, expected) in cases {
        check(text, target, *expected);
    }
}
