//! CQL2 filters (OGC API – Features Part 3): parse a `filter` parameter once per request, check
//! it against a collection's queryables, and evaluate it against each candidate feature.
//!
//! Design:
//! - Parsing is the `cql2` crate's job (cql2-text and cql2-json both become its `Expr`); this
//!   module never re-implements the grammar. Evaluation is ours: `Expr::matches` wants the whole
//!   feature rendered as JSON and consumes the expression on each call, which for 10 m country
//!   polygons costs more than the query. Instead [`Filter::parse`] compiles the `Expr` once into a
//!   small typed tree (`Pred` / `Operand`) that reads features through [`FilterTarget`] by
//!   reference, so evaluating a feature allocates nothing in the common cases.
//! - Every mistake a user can make is found at parse time, where it becomes a 400 with a message
//!   that names the offending part: unknown queryables (with the list, and a suggestion), operand
//!   types that the queryables' declared types make impossible (`name = 5`), unsupported
//!   functions, malformed dates and geometries. At evaluation time nothing can fail: a value of an
//!   unexpected JSON type, a missing property or an unparseable date is simply *unknown*.
//! - Unknown follows SQL's three-valued logic, as CQL2 specifies: a comparison with a missing or
//!   null property is unknown, `NOT unknown` is unknown, and a feature matches only when the
//!   whole filter is true.
//! - Three names are built in because every feature in this service has them, whether or not a
//!   collection lists them as queryables: `id` (the feature id), `geometry` (the feature's
//!   geometry; any queryable of type Geometry means the same), and `datetime` (the feature's
//!   validity interval, for the temporal operators).
//! - Time is a closed span of microseconds since 1970 (UTC). A date is the whole day, a timestamp
//!   an instant, an interval runs from the start of its first bound to the end of its last (a date
//!   as last bound includes that day; `..` or a null property bound is open). A feature's
//!   validity interval is its inclusive days. Date-typed properties hold ISO 8601 strings and
//!   reduced precision is allowed (`1993`, `1993-12`): such a value stands for its first day.
//!   Plain comparisons (`<`, `=`, ...) of temporal values compare their starts; the `T_*`
//!   operators use the spans with the OGC definitions, except that `T_MEETS`/`T_METBY` also hold
//!   when one span ends the instant before the other starts, so consecutive days meet.
//! - Spatial operators use `geo` on lon/lat (CRS84) coordinates, with a bounding-box test first
//!   so that large polygons far from the literal cost almost nothing. `geo` predicates run inside
//!   `catch_unwind`: a degenerate geometry makes the answer unknown rather than taking down the
//!   request.
//! - Inside `AND`/`OR`, cheap conditions are evaluated before spatial ones; the logic is
//!   commutative, so only the cost changes.

//!
//! Layout: this file is the public face (the types other modules use and [`Filter::parse`]).
//! `tree` holds the compiled tree's types, `compile` turns a parsed `Expr` into it and checks
//! types, `eval` evaluates it against a feature, `spatial` and `time` own the geometry and the
//! time-span parts of both steps, `text` owns LIKE, CASEI and ACCENTI, and `messages` turns
//! parser errors into the 400 messages.

mod compile;
mod eval;
#[cfg(test)]
mod fixtures;
mod messages;
mod spatial;
mod text;
mod time;
mod tree;

use chrono::NaiveDate;
use compile::Ctx;
use geo::{Geometry, Rect};
use messages::{check_nesting, clip, json_syntax_error, text_syntax_error};
use serde_json::Value;
use tree::Pred;

/// What a filter can read of a feature.
pub trait FilterTarget {
    /// The feature id, read by the `id` queryable.
    fn id(&self) -> &str;
    /// A property by name (`None` when absent; JSON `null` is also treated as null).
    fn property(&self, name: &str) -> Option<&Value>;
    /// The feature's geometry in lon/lat (CRS84), read by `geometry` and Geometry queryables.
    fn geometry(&self) -> Option<&Geometry<f64>>;
    /// Validity interval as inclusive days; None = open end.
    fn interval(&self) -> (Option<NaiveDate>, Option<NaiveDate>);
}

pub use crate::model::{Queryable, QueryableType};

/// The `filter-lang` parameter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FilterLang {
    /// `cql2-text`, the default.
    #[default]
    Cql2Text,
    /// `cql2-json`.
    Cql2Json,
}

impl FilterLang {
    /// Every language, in the order the API document lists them.
    pub const ALL: [FilterLang; 2] = [FilterLang::Cql2Text, FilterLang::Cql2Json];

    /// Reads `cql2-text` or `cql2-json` (case-insensitive).
    pub fn parse(s: &str) -> Result<FilterLang, FilterError> {
        let asked = s.trim().to_ascii_lowercase();
        FilterLang::ALL
            .into_iter()
            .find(|lang| lang.as_str() == asked)
            .ok_or_else(|| {
                let names: Vec<&str> = FilterLang::ALL.iter().map(|l| l.as_str()).collect();
                FilterError::Unsupported(format!(
                    "unsupported filter-lang \"{}\"; use {}",
                    clip(s, 60),
                    names.join(" or ")
                ))
            })
    }

    /// The parameter value, e.g. `cql2-text`.
    pub fn as_str(&self) -> &'static str {
        match self {
            FilterLang::Cql2Text => "cql2-text",
            FilterLang::Cql2Json => "cql2-json",
        }
    }
}

/// Why a filter was refused. Each variant holds the complete message for the 400 response.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// The text is not CQL2 in the requested encoding.
    #[error("{0}")]
    Syntax(String),
    /// A property name that is not a queryable of the collection.
    #[error("{0}")]
    UnknownQueryable(String),
    /// Valid CQL2 that this server does not evaluate (a custom function, for example).
    #[error("{0}")]
    Unsupported(String),
    /// Operands whose types cannot meet (a string queryable compared with a number, ...).
    #[error("{0}")]
    Type(String),
}

/// A compiled filter: parse once, evaluate per feature. `Send + Sync`, so one request's filter can
/// be shared across threads.
#[derive(Debug)]
pub struct Filter {
    root: Pred,
    text: String,
}

/// Longest filter text accepted; a polygon literal fits comfortably.
const MAX_FILTER_LEN: usize = 256 * 1024;
/// Deepest parenthesis nesting accepted, to keep the recursive parser within its stack.
const MAX_NESTING: usize = 64;

impl Filter {
    /// Parses and checks every property against `queryables` (unknown → error naming it).
    pub fn parse(
        text: &str,
        lang: FilterLang,
        queryables: &[Queryable],
    ) -> Result<Filter, FilterError> {
        if text.trim().is_empty() {
            return Err(FilterError::Syntax("the filter is empty".into()));
        }
        if text.len() > MAX_FILTER_LEN {
            return Err(FilterError::Unsupported(format!(
                "the filter is {} bytes long; at most {MAX_FILTER_LEN} are accepted",
                text.len()
            )));
        }
        let expr = match lang {
            FilterLang::Cql2Text => {
                check_nesting(text)?;
                cql2::parse_text(text).map_err(|e| text_syntax_error(text, e))?
            }
            FilterLang::Cql2Json => {
                cql2::parse_json(text).map_err(|e| json_syntax_error(text, e))?
            }
        };
        let ctx = Ctx { queryables };
        let root = ctx.pred(&expr)?;
        let text = expr.to_text().unwrap_or_else(|_| text.to_string());
        Ok(Filter { root, text })
    }

    /// True when the filter holds for `target`; unknown (null, missing, mistyped) counts as no.
    pub fn matches<T: FilterTarget + ?Sized>(&self, target: &T) -> bool {
        self.root.eval(target) == Some(true)
    }

    /// The three-valued result: `None` when the answer is unknown (e.g. a null property).
    pub fn evaluate<T: FilterTarget + ?Sized>(&self, target: &T) -> Option<bool> {
        self.root.eval(target)
    }

    /// The filter in canonical cql2-text (for logs and links).
    pub fn as_text(&self) -> &str {
        &self.text
    }

    /// A lon/lat box that every matching feature's geometry meets, when the filter implies one
    /// (e.g. `S_INTERSECTS(geometry, ...) AND ...`), so that items are taken from the R-tree
    /// first; `None` means the filter gives no such bound. The point in the box may lie in any
    /// part of a multi-geometry, which an R-tree over parts finds too.
    pub fn bbox_hint(&self) -> Option<Rect<f64>> {
        self.root.bbox_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::cql::fixtures::*;
    use serde_json::json;

    #[test]
    fn cql2_json_gives_the_same_answers() {
        let g = garrison();
        let cases: &[(&str, bool)] = &[
            (
                r#"{"op": "=", "args": [{"property": "country"}, "TJK"]}"#,
                true,
            ),
            (
                r#"{"op": "and", "args": [
                    {"op": ">", "args": [{"property": "personnel"}, 1000]},
                    {"op": "like", "args": [{"property": "name"}, "%Base"]}]}"#,
                true,
            ),
            (
                r#"{"op": "s_intersects", "args": [{"property": "geometry"},
                    {"type": "Polygon", "coordinates": [[[67.3, 36.6], [75.2, 36.6],
                    [75.2, 41.1], [67.3, 41.1], [67.3, 36.6]]]}]}"#,
                true,
            ),
            (
                r#"{"op": "s_within", "args": [{"property": "geometry"},
                    {"bbox": [74, 42, 76, 44]}]}"#,
                false,
            ),
            (
                r#"{"op": "t_intersects", "args": [{"property": "datetime"},
                    {"interval": ["2005-01-01", ".."]}]}"#,
                true,
            ),
            (
                r#"{"op": "t_before", "args": [{"property": "datetime"}, {"date": "2000-01-01"}]}"#,
                false,
            ),
            (
                r#"{"op": "a_contains", "args": [{"property": "groupings"}, ["csto"]]}"#,
                true,
            ),
            (
                r#"{"op": "in", "args": [{"property": "country"}, ["KGZ", "TJK"]]}"#,
                true,
            ),
            (
                r#"{"op": "isNull", "args": [{"property": "valid_to"}]}"#,
                true,
            ),
            (
                r#"{"op": "not", "args": [{"op": "between",
                    "args": [{"property": "personnel"}, 1000, 6000]}]}"#,
                false,
            ),
            ("true", true),
        ];
        for (text, expected) in cases {
            assert_eq!(compile_json(text).matches(&g), *expected, "{text}");
        }
    }

    #[test]
    fn long_conjunctions_parse_and_evaluate() {
        let text = vec!["personnel > 1"; 300].join(" AND ");
        assert!(compile(&text).matches(&garrison()));
        let text = (0..300)
            .map(|i| format!("country = 'X{i}'"))
            .collect::<Vec<_>>()
            .join(" OR ");
        assert!(!compile(&text).matches(&garrison()));
    }

    #[test]
    fn filters_are_send_sync_and_reusable() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Filter>();
        assert_send_sync::<FilterError>();
        let f = compile("country = 'TJK' AND S_WITHIN(geometry, BBOX(60, 30, 80, 45))");
        let features = [garrison(), kant(), tajikistan(), uzbek_membership()];
        let matched: Vec<&str> = features
            .iter()
            .filter(|x| f.matches(*x))
            .map(|x| x.id)
            .collect();
        assert_eq!(matched, ["201st-military-base-dushanbe"]);
        std::thread::scope(|s| {
            s.spawn(|| assert!(f.matches(&garrison())));
        });
        assert_eq!(
            f.as_text(),
            "country = 'TJK' AND s_within(geometry, BBOX(60, 30, 80, 45))"
        );
        let dynamic: &dyn FilterTarget = &features[0];
        assert!(f.matches(dynamic));
    }

    #[test]
    fn queryable_types_describe_themselves_as_json_schema() {
        assert_eq!(
            QueryableType::Integer.json_schema(),
            json!({"type": "integer"})
        );
        assert_eq!(
            QueryableType::Date.json_schema(),
            json!({"type": "string", "format": "date"})
        );
    }
}
