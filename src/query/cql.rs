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

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use cql2::Expr;
use geo::{BoundingRect, Contains, CoordsIter, Intersects, Relate};
use geo::{Coord, Geometry, MultiPolygon, Rect};
use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::panic::{catch_unwind, AssertUnwindSafe};

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

/// The declared type of a queryable; decides which comparisons are type errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueryableType {
    /// JSON string.
    String,
    /// JSON number.
    Number,
    /// JSON number without fraction.
    Integer,
    /// JSON boolean.
    Boolean,
    /// ISO 8601 date string (reduced precision allowed), or the `datetime` interval.
    Date,
    /// The feature geometry.
    Geometry,
    /// JSON array of scalars.
    Array,
}

impl QueryableType {
    /// The JSON Schema fragment describing this type, for the `/queryables` document.
    pub fn json_schema(&self) -> Value {
        match self {
            QueryableType::String => serde_json::json!({ "type": "string" }),
            QueryableType::Number => serde_json::json!({ "type": "number" }),
            QueryableType::Integer => serde_json::json!({ "type": "integer" }),
            QueryableType::Boolean => serde_json::json!({ "type": "boolean" }),
            QueryableType::Date => serde_json::json!({ "type": "string", "format": "date" }),
            QueryableType::Geometry => {
                serde_json::json!({ "format": "geometry-any" })
            }
            QueryableType::Array => serde_json::json!({ "type": "array" }),
        }
    }

    fn ty(&self) -> Ty {
        match self {
            QueryableType::String => Ty::Str,
            QueryableType::Number | QueryableType::Integer => Ty::Num,
            QueryableType::Boolean => Ty::Bool,
            QueryableType::Date => Ty::Time,
            QueryableType::Geometry => Ty::Geom,
            QueryableType::Array => Ty::List,
        }
    }
}

/// A property a filter may name.
#[derive(Clone, Debug, PartialEq)]
pub struct Queryable {
    /// The name used in filters.
    pub name: String,
    /// Its declared type.
    pub kind: QueryableType,
    /// One line for the `/queryables` document.
    pub description: String,
}

impl Queryable {
    /// Shorthand constructor.
    pub fn new(name: &str, kind: QueryableType, description: &str) -> Queryable {
        Queryable {
            name: name.to_string(),
            kind,
            description: description.to_string(),
        }
    }
}

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
    /// Reads `cql2-text` or `cql2-json` (case-insensitive).
    pub fn parse(s: &str) -> Result<FilterLang, FilterError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cql2-text" => Ok(FilterLang::Cql2Text),
            "cql2-json" => Ok(FilterLang::Cql2Json),
            _ => Err(FilterError::Unsupported(format!(
                "unsupported filter-lang \"{}\"; use cql2-text or cql2-json",
                clip(s, 60)
            ))),
        }
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

    /// A lon/lat box that every matching feature's geometry must intersect, when the filter
    /// implies one (e.g. `S_INTERSECTS(geometry, ...) AND ...`). Lets the catalog ask its R-tree
    /// first; `None` means the filter gives no such bound.
    pub fn bbox_hint(&self) -> Option<Rect<f64>> {
        self.root.bbox_hint()
    }
}

// ---------------------------------------------------------------------------------------------
// Compiled tree
// ---------------------------------------------------------------------------------------------

/// Three-valued truth: `None` is unknown.
type Truth = Option<bool>;

#[derive(Debug)]
enum Pred {
    Const(Truth),
    And(Vec<Pred>),
    Or(Vec<Pred>),
    Not(Box<Pred>),
    Compare {
        op: CmpOp,
        left: Operand,
        right: Operand,
    },
    Like {
        value: Operand,
        pattern: LikePattern,
    },
    In {
        value: Operand,
        list: Vec<Operand>,
    },
    Between {
        value: Operand,
        low: Operand,
        high: Operand,
    },
    IsNull(Operand),
    GeometryIsNull,
    Spatial {
        op: SpatialOp,
        left: Shape,
        right: Shape,
    },
    Temporal {
        op: TemporalOp,
        left: When,
        right: When,
    },
    Array {
        op: ArrayOp,
        left: Operand,
        right: Operand,
    },
    /// A boolean-valued operand used as a condition (`active AND ...`).
    Truthy(Operand),
}

#[derive(Debug)]
enum Operand {
    Lit(Lit),
    Id,
    Property { name: String, kind: QueryableType },
    Arith(ArithOp, Box<Operand>, Box<Operand>),
    Casei(Box<Operand>),
    Accenti(Box<Operand>),
}

#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Time(Span),
    Array(Vec<Lit>),
}

#[derive(Debug)]
enum LikePattern {
    Fixed(Vec<LikeToken>),
    Dynamic(Operand),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum LikeToken {
    Char(char),
    One,
    Any,
}

#[derive(Debug)]
enum Shape {
    Feature,
    Literal(Box<LiteralShape>),
}

#[derive(Debug)]
struct LiteralShape {
    geometry: Geometry<f64>,
    bbox: Option<Rect<f64>>,
}

#[derive(Debug)]
enum When {
    /// The feature's validity interval.
    Feature,
    Fixed(Span),
    /// A date/time property: the span its value names (a date's first day).
    Property(String),
    Interval(Bound, Bound),
}

#[derive(Debug)]
enum Bound {
    Open,
    Fixed(i64),
    Property(String),
}

/// A closed time span in microseconds since 1970-01-01T00:00:00Z; `i64::MIN`/`MAX` are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: i64,
    end: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    IntDiv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SpatialOp {
    Intersects,
    Disjoint,
    Contains,
    Within,
    Equals,
    Touches,
    Overlaps,
    Crosses,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TemporalOp {
    Before,
    After,
    Meets,
    MetBy,
    Overlaps,
    OverlappedBy,
    Starts,
    StartedBy,
    During,
    Contains,
    Finishes,
    FinishedBy,
    Equals,
    Disjoint,
    Intersects,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArrayOp {
    Equals,
    Contains,
    ContainedBy,
    Overlaps,
}

/// Static type of an operand, from literals and declared queryable types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Str,
    Num,
    Bool,
    Time,
    Geom,
    List,
    Null,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Str => "a string",
            Ty::Num => "a number",
            Ty::Bool => "a boolean",
            Ty::Time => "a date",
            Ty::Geom => "a geometry",
            Ty::List => "an array",
            Ty::Null => "null",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Compilation: Expr → Pred
// ---------------------------------------------------------------------------------------------

struct Ctx<'q> {
    queryables: &'q [Queryable],
}

/// What a property name refers to.
enum Name<'q> {
    Id,
    Geometry,
    Datetime,
    Property(&'q Queryable),
}

const SUPPORTED_OPERATORS: &str = "AND, OR, NOT, =, <>, <, <=, >, >=, LIKE, IN, BETWEEN, \
IS NULL, CASEI, ACCENTI, +, -, *, /, %, ^, DIV, S_INTERSECTS, S_DISJOINT, S_CONTAINS, S_WITHIN, \
S_EQUALS, S_TOUCHES, S_OVERLAPS, S_CROSSES, T_INTERSECTS, T_DISJOINT, T_BEFORE, T_AFTER, T_MEETS, \
T_METBY, T_OVERLAPS, T_OVERLAPPEDBY, T_STARTS, T_STARTEDBY, T_DURING, T_CONTAINS, T_FINISHES, \
T_FINISHEDBY, T_EQUALS, A_EQUALS, A_CONTAINS, A_CONTAINEDBY, A_OVERLAPS";

impl<'q> Ctx<'q> {
    fn resolve(&self, name: &str) -> Result<Name<'q>, FilterError> {
        match name {
            "id" => return Ok(Name::Id),
            "geometry" => return Ok(Name::Geometry),
            "datetime" => return Ok(Name::Datetime),
            _ => {}
        }
        match self.queryables.iter().find(|q| q.name == name) {
            Some(q) if q.kind == QueryableType::Geometry => Ok(Name::Geometry),
            Some(q) => Ok(Name::Property(q)),
            None => Err(self.unknown(name)),
        }
    }

    fn unknown(&self, name: &str) -> FilterError {
        let mut names: Vec<&str> = Vec::new();
        for builtin in ["id", "geometry", "datetime"] {
            if !self.queryables.iter().any(|q| q.name == builtin) {
                names.push(builtin);
            }
        }
        names.extend(self.queryables.iter().map(|q| q.name.as_str()));
        let suggestion = names
            .iter()
            .map(|candidate| (edit_distance(name, candidate), *candidate))
            .filter(|(d, candidate)| {
                *d <= 1 + name.chars().count() / 4 || candidate.eq_ignore_ascii_case(name)
            })
            .min_by_key(|(d, _)| *d)
            .map(|(_, candidate)| format!(" (did you mean \"{candidate}\"?)"))
            .unwrap_or_default();
        FilterError::UnknownQueryable(format!(
            "unknown queryable \"{}\"; queryables are: {}{suggestion}",
            clip(name, 60),
            names.join(", ")
        ))
    }

    fn pred(&self, e: &Expr) -> Result<Pred, FilterError> {
        match e {
            Expr::Bool(b) => Ok(Pred::Const(Some(*b))),
            Expr::Null => Ok(Pred::Const(None)),
            Expr::Property { property } => {
                let operand = self.operand(e)?;
                match self.ty(&operand) {
                    Ty::Bool => Ok(Pred::Truthy(operand)),
                    ty => Err(FilterError::Type(format!(
                        "\"{property}\" is {} and cannot be used as a condition on its own; \
                         compare it with a value, e.g. {property} = ...",
                        ty.name()
                    ))),
                }
            }
            Expr::Operation { op, args } => self.operation(e, op, args),
            _ => Err(FilterError::Type(format!(
                "{} is a value, not a condition; a filter must be true or false for each \
                 feature, e.g. name = 'Dushanbe'",
                show(e)
            ))),
        }
    }

    fn operation(&self, e: &Expr, op: &str, args: &[Box<Expr>]) -> Result<Pred, FilterError> {
        let arity = |n: usize| -> Result<(), FilterError> {
            if args.len() == n {
                Ok(())
            } else {
                Err(FilterError::Syntax(format!(
                    "{} takes {n} argument{}, found {} in {}",
                    op.to_uppercase(),
                    if n == 1 { "" } else { "s" },
                    args.len(),
                    show(e)
                )))
            }
        };
        match op {
            "and" | "or" => {
                let mut children = args
                    .iter()
                    .map(|a| self.pred(a))
                    .collect::<Result<Vec<_>, _>>()?;
                children.sort_by_key(Pred::cost);
                Ok(if op == "and" {
                    Pred::And(children)
                } else {
                    Pred::Or(children)
                })
            }
            "not" => {
                arity(1)?;
                Ok(Pred::Not(Box::new(self.pred(&args[0])?)))
            }
            "=" | "<>" | "<" | "<=" | ">" | ">=" => {
                arity(2)?;
                let cmp = match op {
                    "=" => CmpOp::Eq,
                    "<>" => CmpOp::Ne,
                    "<" => CmpOp::Lt,
                    "<=" => CmpOp::Le,
                    ">" => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                let left = self.operand(&args[0])?;
                let right = self.operand(&args[1])?;
                self.check_comparable(e, cmp, (&args[0], &left), (&args[1], &right))?;
                Ok(Pred::Compare {
                    op: cmp,
                    left,
                    right,
                })
            }
            "like" => {
                arity(2)?;
                let value = self.operand(&args[0])?;
                let pattern = self.operand(&args[1])?;
                for (arg, operand) in [(&args[0], &value), (&args[1], &pattern)] {
                    let ty = self.ty(operand);
                    if !matches!(ty, Ty::Str | Ty::Null) {
                        return Err(FilterError::Type(format!(
                            "LIKE compares text, but {} is {} in {}",
                            show(arg),
                            ty.name(),
                            show(e)
                        )));
                    }
                }
                let pattern = match pattern {
                    Operand::Lit(Lit::Str(p)) => LikePattern::Fixed(like_tokens(&p)),
                    other => LikePattern::Dynamic(other),
                };
                Ok(Pred::Like { value, pattern })
            }
            "in" => {
                arity(2)?;
                let value = self.operand(&args[0])?;
                match args[1].as_ref() {
                    Expr::Array(items) => {
                        let mut list = Vec::with_capacity(items.len());
                        for item in items {
                            let operand = self.operand(item)?;
                            self.check_comparable(
                                e,
                                CmpOp::Eq,
                                (&args[0], &value),
                                (item, &operand),
                            )?;
                            list.push(operand);
                        }
                        Ok(Pred::In { value, list })
                    }
                    other => {
                        // `x IN arrayProperty`: the array holds x.
                        let right = self.operand(other)?;
                        self.check_comparable(e, CmpOp::Eq, (&args[0], &value), (other, &right))?;
                        Ok(Pred::Compare {
                            op: CmpOp::Eq,
                            left: value,
                            right,
                        })
                    }
                }
            }
            "between" => {
                arity(3)?;
                let value = self.operand(&args[0])?;
                let low = self.operand(&args[1])?;
                let high = self.operand(&args[2])?;
                for (arg, operand) in [(&args[1], &low), (&args[2], &high)] {
                    self.check_comparable(e, CmpOp::Le, (&args[0], &value), (arg, operand))?;
                }
                Ok(Pred::Between { value, low, high })
            }
            "isNull" => {
                arity(1)?;
                if let Expr::Property { property } = args[0].as_ref() {
                    match self.resolve(property)? {
                        Name::Geometry => return Ok(Pred::GeometryIsNull),
                        // Every feature has an id and a validity interval (perhaps open).
                        Name::Id | Name::Datetime => return Ok(Pred::Const(Some(false))),
                        Name::Property(_) => {}
                    }
                }
                Ok(Pred::IsNull(self.operand(&args[0])?))
            }
            _ if op.starts_with("s_") => {
                arity(2)?;
                let sop = match op {
                    "s_intersects" => SpatialOp::Intersects,
                    "s_disjoint" => SpatialOp::Disjoint,
                    "s_contains" => SpatialOp::Contains,
                    "s_within" => SpatialOp::Within,
                    "s_equals" => SpatialOp::Equals,
                    "s_touches" => SpatialOp::Touches,
                    "s_overlaps" => SpatialOp::Overlaps,
                    "s_crosses" => SpatialOp::Crosses,
                    _ => return Err(unsupported_function(op)),
                };
                Ok(Pred::Spatial {
                    op: sop,
                    left: self.shape(e, &args[0])?,
                    right: self.shape(e, &args[1])?,
                })
            }
            _ if op.starts_with("t_") => {
                arity(2)?;
                let top = match op {
                    "t_before" => TemporalOp::Before,
                    "t_after" => TemporalOp::After,
                    "t_meets" => TemporalOp::Meets,
                    "t_metBy" => TemporalOp::MetBy,
                    "t_overlaps" => TemporalOp::Overlaps,
                    "t_overlappedBy" => TemporalOp::OverlappedBy,
                    "t_starts" => TemporalOp::Starts,
                    "t_startedBy" => TemporalOp::StartedBy,
                    "t_during" => TemporalOp::During,
                    "t_contains" => TemporalOp::Contains,
                    "t_finishes" => TemporalOp::Finishes,
                    "t_finishedBy" => TemporalOp::FinishedBy,
                    "t_equals" => TemporalOp::Equals,
                    "t_disjoint" => TemporalOp::Disjoint,
                    "t_intersects" => TemporalOp::Intersects,
                    _ => return Err(unsupported_function(op)),
                };
                Ok(Pred::Temporal {
                    op: top,
                    left: self.when(e, &args[0])?,
                    right: self.when(e, &args[1])?,
                })
            }
            _ if op.starts_with("a_") => {
                arity(2)?;
                let aop = match op {
                    "a_equals" => ArrayOp::Equals,
                    "a_contains" => ArrayOp::Contains,
                    "a_containedBy" => ArrayOp::ContainedBy,
                    "a_overlaps" => ArrayOp::Overlaps,
                    _ => return Err(unsupported_function(op)),
                };
                let left = self.operand(&args[0])?;
                let right = self.operand(&args[1])?;
                for (arg, operand) in [(&args[0], &left), (&args[1], &right)] {
                    let ty = self.ty(operand);
                    if !matches!(ty, Ty::List | Ty::Null) {
                        return Err(FilterError::Type(format!(
                            "{} compares arrays, but {} is {} in {}; write a list like \
                             ('crdf', 'csto')",
                            op.to_uppercase(),
                            show(arg),
                            ty.name(),
                            show(e)
                        )));
                    }
                }
                Ok(Pred::Array {
                    op: aop,
                    left,
                    right,
                })
            }
            "casei" | "accenti" | "+" | "-" | "*" | "/" | "%" | "^" | "div" => {
                Err(FilterError::Type(format!(
                    "{} is a value, not a condition; compare it with something, e.g. {} = ...",
                    show(e),
                    show(e)
                )))
            }
            _ => Err(unsupported_function(op)),
        }
    }

    fn operand(&self, e: &Expr) -> Result<Operand, FilterError> {
        Ok(match e {
            Expr::Bool(b) => Operand::Lit(Lit::Bool(*b)),
            Expr::Float(f) => Operand::Lit(Lit::Num(*f)),
            Expr::Literal(s) => Operand::Lit(Lit::Str(s.clone())),
            Expr::Null => Operand::Lit(Lit::Null),
            Expr::Date { .. } | Expr::Timestamp { .. } => Operand::Lit(Lit::Time(fixed_time(e)?)),
            Expr::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match self.operand(item)? {
                        Operand::Lit(lit) => out.push(lit),
                        _ => {
                            return Err(FilterError::Unsupported(format!(
                                "array {} may only contain literal values",
                                show(e)
                            )))
                        }
                    }
                }
                Operand::Lit(Lit::Array(out))
            }
            Expr::Property { property } => match self.resolve(property)? {
                Name::Id => Operand::Id,
                Name::Property(q) => Operand::Property {
                    name: q.name.clone(),
                    kind: q.kind,
                },
                Name::Geometry => {
                    return Err(FilterError::Type(format!(
                        "\"{property}\" is the feature geometry; use a spatial operator such as \
                         S_INTERSECTS({property}, POINT(68.78 38.56))"
                    )))
                }
                Name::Datetime => {
                    return Err(FilterError::Unsupported(format!(
                        "\"{property}\" is the feature's validity interval; use a temporal \
                         operator such as T_INTERSECTS({property}, DATE('2005-06-01')) or \
                         T_DURING, T_BEFORE, T_AFTER"
                    )))
                }
            },
            Expr::Interval { .. } => {
                return Err(FilterError::Type(format!(
                    "{} can only be used with a temporal operator such as \
                     T_INTERSECTS(datetime, {})",
                    show(e),
                    show(e)
                )))
            }
            Expr::Geometry(_) | Expr::BBox { .. } => {
                return Err(FilterError::Type(format!(
                    "{} is a geometry; use it with a spatial operator such as \
                     S_INTERSECTS(geometry, {})",
                    clip(&show(e), 80),
                    clip(&show(e), 80)
                )))
            }
            Expr::Operation { op, args } => return self.operand_operation(e, op, args),
        })
    }

    fn operand_operation(
        &self,
        e: &Expr,
        op: &str,
        args: &[Box<Expr>],
    ) -> Result<Operand, FilterError> {
        match op {
            "casei" | "accenti" => {
                if args.len() != 1 {
                    return Err(FilterError::Syntax(format!(
                        "{} takes 1 argument, found {} in {}",
                        op.to_uppercase(),
                        args.len(),
                        show(e)
                    )));
                }
                let inner = self.operand(&args[0])?;
                let ty = self.ty(&inner);
                if !matches!(ty, Ty::Str | Ty::Null) {
                    return Err(FilterError::Type(format!(
                        "{} works on text, but {} is {}",
                        op.to_uppercase(),
                        show(&args[0]),
                        ty.name()
                    )));
                }
                // Fold literals now so that a LIKE pattern stays precompiled.
                Ok(match (op, inner) {
                    ("casei", Operand::Lit(Lit::Str(s))) => Operand::Lit(Lit::Str(fold_case(&s))),
                    ("accenti", Operand::Lit(Lit::Str(s))) => {
                        Operand::Lit(Lit::Str(strip_accents(&s)))
                    }
                    ("casei", inner) => Operand::Casei(Box::new(inner)),
                    (_, inner) => Operand::Accenti(Box::new(inner)),
                })
            }
            "+" | "-" | "*" | "/" | "%" | "^" | "div" => {
                let aop = match op {
                    "+" => ArithOp::Add,
                    "-" => ArithOp::Sub,
                    "*" => ArithOp::Mul,
                    "/" => ArithOp::Div,
                    "%" => ArithOp::Mod,
                    "^" => ArithOp::Pow,
                    _ => ArithOp::IntDiv,
                };
                let chained = matches!(op, "+" | "-" | "*" | "/" | "%");
                if args.len() < 2 || (!chained && args.len() != 2) {
                    return Err(FilterError::Syntax(format!(
                        "{} needs two operands in {}",
                        op.to_uppercase(),
                        show(e)
                    )));
                }
                let mut operands = Vec::with_capacity(args.len());
                for arg in args {
                    let operand = self.operand(arg)?;
                    let ty = self.ty(&operand);
                    if !matches!(ty, Ty::Num | Ty::Null) {
                        return Err(FilterError::Type(format!(
                            "arithmetic needs numbers, but {} is {} in {}",
                            show(arg),
                            ty.name(),
                            show(e)
                        )));
                    }
                    operands.push(operand);
                }
                let mut operands = operands.into_iter();
                let first = operands.next().expect("at least two operands");
                Ok(operands.fold(first, |left, right| {
                    let both_literal =
                        matches!(left, Operand::Lit(_)) && matches!(right, Operand::Lit(_));
                    let folded = Operand::Arith(aop, Box::new(left), Box::new(right));
                    match folded.constant() {
                        Some(value) if both_literal => Operand::Lit(value),
                        _ => folded,
                    }
                }))
            }
            _ => {
                if is_condition_op(op) {
                    Err(FilterError::Unsupported(format!(
                        "the condition {} is used as a value; conditions can only be combined \
                         with AND, OR and NOT",
                        show(e)
                    )))
                } else {
                    Err(unsupported_function(op))
                }
            }
        }
    }

    fn ty(&self, operand: &Operand) -> Ty {
        match operand {
            Operand::Lit(lit) => match lit {
                Lit::Null => Ty::Null,
                Lit::Bool(_) => Ty::Bool,
                Lit::Num(_) => Ty::Num,
                Lit::Str(_) => Ty::Str,
                Lit::Time(_) => Ty::Time,
                Lit::Array(_) => Ty::List,
            },
            Operand::Id => Ty::Str,
            Operand::Property { kind, .. } => kind.ty(),
            Operand::Arith(..) => Ty::Num,
            Operand::Casei(_) | Operand::Accenti(_) => Ty::Str,
        }
    }

    fn check_comparable(
        &self,
        whole: &Expr,
        op: CmpOp,
        (left_expr, left): (&Expr, &Operand),
        (right_expr, right): (&Expr, &Operand),
    ) -> Result<(), FilterError> {
        let (lt, rt) = (self.ty(left), self.ty(right));
        let equality = matches!(op, CmpOp::Eq | CmpOp::Ne);
        let ok = match (lt, rt) {
            (Ty::Null, _) | (_, Ty::Null) => true,
            (Ty::Geom, _) | (_, Ty::Geom) => false,
            (Ty::List, Ty::List) => equality,
            (Ty::List, _) | (_, Ty::List) => {
                // `groupings = 'crdf'` means the array contains it.
                equality
            }
            (Ty::Time, Ty::Str) => return check_date_text(whole, right),
            (Ty::Str, Ty::Time) => return check_date_text(whole, left),
            (a, b) => a == b,
        };
        if ok {
            return Ok(());
        }
        let hint = if lt == Ty::List || rt == Ty::List {
            "; arrays support = and <> (contains), IN and the A_* operators"
        } else if lt == Ty::Geom || rt == Ty::Geom {
            "; compare geometries with S_EQUALS, S_INTERSECTS, ..."
        } else {
            ""
        };
        Err(FilterError::Type(format!(
            "type mismatch in {}: {} is {} but {} is {}{hint}",
            show(whole),
            show(left_expr),
            lt.name(),
            show(right_expr),
            rt.name()
        )))
    }

    fn shape(&self, whole: &Expr, e: &Expr) -> Result<Shape, FilterError> {
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

    fn when(&self, whole: &Expr, e: &Expr) -> Result<When, FilterError> {
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

    fn bound(&self, interval: &Expr, e: &Expr, is_end: bool) -> Result<Bound, FilterError> {
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

fn unsupported_function(op: &str) -> FilterError {
    FilterError::Unsupported(format!(
        "unsupported function or operator \"{}\"; supported: {SUPPORTED_OPERATORS}",
        clip(op, 60)
    ))
}

fn is_condition_op(op: &str) -> bool {
    matches!(
        op,
        "and" | "or" | "not" | "=" | "<>" | "<" | "<=" | ">" | ">=" | "like" | "in" | "between"
    ) || op == "isNull"
        || op.starts_with("s_")
        || op.starts_with("t_")
        || op.starts_with("a_")
}

/// `'1993-12'` compared with a date must be readable as one.
fn check_date_text(whole: &Expr, text: &Operand) -> Result<(), FilterError> {
    match text {
        Operand::Lit(Lit::Str(s)) if parse_time(s).is_none() => Err(FilterError::Type(format!(
            "type mismatch in {}: '{}' is compared with a date but is not one (write \
             '2005-06-01', '2005-06' or '2005')",
            show(whole),
            clip(s, 40)
        ))),
        _ => Ok(()),
    }
}

fn check_lon_lat(geometry: &Geometry<f64>, e: &Expr) -> Result<(), FilterError> {
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

fn fixed_time(e: &Expr) -> Result<Span, FilterError> {
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

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/// A value read from a feature or a literal, borrowed where possible.
#[derive(Debug, Clone)]
enum Val<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(Cow<'a, str>),
    Time(Span),
    List(List<'a>),
    /// A JSON object: not null, but comparable with nothing.
    Other,
}

#[derive(Debug, Clone, Copy)]
enum List<'a> {
    Lit(&'a [Lit]),
    Json(&'a [Value], bool),
}

impl<'a> List<'a> {
    fn items(self) -> impl Iterator<Item = Val<'a>> {
        let (lits, json, date) = match self {
            List::Lit(l) => (l, &[][..], false),
            List::Json(j, date) => (&[][..], j, date),
        };
        lits.iter()
            .map(Lit::val)
            .chain(json.iter().map(move |v| json_val(v, date)))
    }

    fn contains(self, x: &Val<'_>) -> bool {
        self.items().any(|item| equal(&item, x) == Some(true))
    }
}

impl Lit {
    fn val(&self) -> Val<'_> {
        match self {
            Lit::Null => Val::Null,
            Lit::Bool(b) => Val::Bool(*b),
            Lit::Num(n) => Val::Num(*n),
            Lit::Str(s) => Val::Str(Cow::Borrowed(s)),
            Lit::Time(t) => Val::Time(*t),
            Lit::Array(items) => Val::List(List::Lit(items)),
        }
    }
}

fn json_val(v: &Value, date: bool) -> Val<'_> {
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => n.as_f64().map_or(Val::Other, Val::Num),
        Value::String(s) if date => parse_time(s).map_or(Val::Str(Cow::Borrowed(s)), Val::Time),
        Value::String(s) => Val::Str(Cow::Borrowed(s)),
        Value::Array(items) => Val::List(List::Json(items, date)),
        Value::Object(_) => Val::Other,
    }
}

/// Reads a property, following dots into nested objects when no property has the dotted name
/// (`strength.personnel`).
fn lookup<'a, T: FilterTarget + ?Sized>(target: &'a T, name: &str) -> Option<&'a Value> {
    if let Some(v) = target.property(name) {
        return Some(v);
    }
    let mut parts = name.split('.');
    let first = parts.next()?;
    if first.len() == name.len() {
        return None;
    }
    parts.try_fold(target.property(first)?, |v, key| v.get(key))
}

impl Operand {
    fn eval<'a, T: FilterTarget + ?Sized>(&'a self, target: &'a T) -> Val<'a> {
        match self {
            Operand::Lit(lit) => lit.val(),
            Operand::Id => Val::Str(Cow::Borrowed(target.id())),
            Operand::Property { name, kind } => match lookup(target, name) {
                None => Val::Null,
                Some(v) => json_val(v, *kind == QueryableType::Date),
            },
            Operand::Arith(op, left, right) => match (left.eval(target), right.eval(target)) {
                (Val::Num(a), Val::Num(b)) => arith(*op, a, b).map_or(Val::Null, Val::Num),
                _ => Val::Null,
            },
            Operand::Casei(inner) => match inner.eval(target) {
                Val::Str(s) => Val::Str(Cow::Owned(fold_case(&s))),
                other => other,
            },
            Operand::Accenti(inner) => match inner.eval(target) {
                Val::Str(s) => Val::Str(Cow::Owned(strip_accents(&s))),
                other => other,
            },
        }
    }

    /// The value of an operand made only of literals.
    fn constant(&self) -> Option<Lit> {
        match self {
            Operand::Lit(l) => Some(l.clone()),
            Operand::Arith(op, l, r) => match (l.constant()?, r.constant()?) {
                (Lit::Num(a), Lit::Num(b)) => Some(arith(*op, a, b).map_or(Lit::Null, Lit::Num)),
                _ => Some(Lit::Null),
            },
            _ => None,
        }
    }
}

fn arith(op: ArithOp, a: f64, b: f64) -> Option<f64> {
    let out = match op {
        ArithOp::Add => a + b,
        ArithOp::Sub => a - b,
        ArithOp::Mul => a * b,
        ArithOp::Div => a / b,
        ArithOp::Mod => a % b,
        ArithOp::Pow => a.powf(b),
        ArithOp::IntDiv => (a / b).trunc(),
    };
    out.is_finite().then_some(out)
}

impl Pred {
    fn eval<T: FilterTarget + ?Sized>(&self, t: &T) -> Truth {
        match self {
            Pred::Const(v) => *v,
            Pred::And(children) => {
                let mut unknown = false;
                for child in children {
                    match child.eval(t) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                (!unknown).then_some(true)
            }
            Pred::Or(children) => {
                let mut unknown = false;
                for child in children {
                    match child.eval(t) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                (!unknown).then_some(false)
            }
            Pred::Not(inner) => inner.eval(t).map(|v| !v),
            Pred::Compare { op, left, right } => compare(*op, &left.eval(t), &right.eval(t)),
            Pred::Like { value, pattern } => {
                let Val::Str(text) = value.eval(t) else {
                    return None;
                };
                match pattern {
                    LikePattern::Fixed(tokens) => Some(like_match(tokens, &text)),
                    LikePattern::Dynamic(p) => match p.eval(t) {
                        Val::Str(p) => Some(like_match(&like_tokens(&p), &text)),
                        _ => None,
                    },
                }
            }
            Pred::In { value, list } => {
                let v = value.eval(t);
                let mut unknown = false;
                for item in list {
                    match compare(CmpOp::Eq, &v, &item.eval(t)) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                (!unknown).then_some(false)
            }
            Pred::Between { value, low, high } => {
                let v = value.eval(t);
                let lo = compare(CmpOp::Ge, &v, &low.eval(t));
                if lo == Some(false) {
                    return Some(false);
                }
                let hi = compare(CmpOp::Le, &v, &high.eval(t));
                match (lo, hi) {
                    (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                }
            }
            Pred::IsNull(operand) => Some(matches!(operand.eval(t), Val::Null)),
            Pred::GeometryIsNull => Some(t.geometry().is_none()),
            Pred::Spatial { op, left, right } => {
                let (a, a_box) = left.get(t)?;
                let (b, b_box) = right.get(t)?;
                spatial(*op, a, a_box, b, b_box)
            }
            Pred::Temporal { op, left, right } => {
                Some(temporal(*op, left.span(t)?, right.span(t)?))
            }
            Pred::Array { op, left, right } => {
                let (a, b) = (as_list(left.eval(t))?, as_list(right.eval(t))?);
                Some(array_op(*op, a, b))
            }
            Pred::Truthy(operand) => match operand.eval(t) {
                Val::Bool(b) => Some(b),
                _ => None,
            },
        }
    }

    /// Relative cost, for ordering `AND`/`OR` operands.
    fn cost(&self) -> u8 {
        match self {
            Pred::Const(_) | Pred::GeometryIsNull | Pred::IsNull(_) | Pred::Truthy(_) => 0,
            Pred::Compare { .. } | Pred::In { .. } | Pred::Between { .. } => 1,
            Pred::Temporal { .. } | Pred::Array { .. } | Pred::Like { .. } => 2,
            Pred::Not(inner) => inner.cost(),
            Pred::And(children) | Pred::Or(children) => {
                children.iter().map(Pred::cost).max().unwrap_or(0)
            }
            Pred::Spatial { .. } => 9,
        }
    }

    fn bbox_hint(&self) -> Option<Rect<f64>> {
        match self {
            Pred::Spatial { op, left, right } if *op != SpatialOp::Disjoint => {
                match (left, right) {
                    (Shape::Feature, Shape::Literal(lit))
                    | (Shape::Literal(lit), Shape::Feature) => lit.bbox,
                    _ => None,
                }
            }
            Pred::And(children) => children
                .iter()
                .filter_map(Pred::bbox_hint)
                .reduce(|a, b| intersect_rects(a, b).unwrap_or(a)),
            Pred::Or(children) => {
                let mut acc: Option<Rect<f64>> = None;
                for child in children {
                    let hint = child.bbox_hint()?;
                    acc = Some(acc.map_or(hint, |a| union_rects(a, hint)));
                }
                acc
            }
            _ => None,
        }
    }
}

fn as_list(v: Val<'_>) -> Option<List<'_>> {
    match v {
        Val::List(list) => Some(list),
        _ => None,
    }
}

fn array_op(op: ArrayOp, a: List<'_>, b: List<'_>) -> bool {
    let a_in_b = || a.items().all(|x| b.contains(&x));
    let b_in_a = || b.items().all(|x| a.contains(&x));
    match op {
        ArrayOp::Equals => a_in_b() && b_in_a(),
        ArrayOp::Contains => b_in_a(),
        ArrayOp::ContainedBy => a_in_b(),
        ArrayOp::Overlaps => a.items().any(|x| b.contains(&x)),
    }
}

/// Ordering of two scalars, when they can be compared.
fn order(a: &Val<'_>, b: &Val<'_>) -> Option<Ordering> {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(y),
        (Val::Str(x), Val::Str(y)) => Some(x.as_ref().cmp(y.as_ref())),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        (Val::Time(x), Val::Time(y)) => Some(x.start.cmp(&y.start)),
        (Val::Str(s), Val::Time(y)) => parse_time(s).map(|x| x.start.cmp(&y.start)),
        (Val::Time(x), Val::Str(s)) => parse_time(s).map(|y| x.start.cmp(&y.start)),
        _ => None,
    }
}

fn equal(a: &Val<'_>, b: &Val<'_>) -> Truth {
    compare(CmpOp::Eq, a, b)
}

fn compare(op: CmpOp, a: &Val<'_>, b: &Val<'_>) -> Truth {
    match (a, b) {
        (Val::Null, _) | (_, Val::Null) => None,
        (Val::List(x), Val::List(y)) => {
            let same = array_op(ArrayOp::Equals, *x, *y);
            match op {
                CmpOp::Eq => Some(same),
                CmpOp::Ne => Some(!same),
                _ => None,
            }
        }
        (Val::List(list), x) | (x, Val::List(list)) => match op {
            CmpOp::Eq => Some(list.contains(x)),
            CmpOp::Ne => Some(!list.contains(x)),
            _ => None,
        },
        _ => {
            let ord = order(a, b)?;
            Some(match op {
                CmpOp::Eq => ord == Ordering::Equal,
                CmpOp::Ne => ord != Ordering::Equal,
                CmpOp::Lt => ord == Ordering::Less,
                CmpOp::Le => ord != Ordering::Greater,
                CmpOp::Gt => ord == Ordering::Greater,
                CmpOp::Ge => ord != Ordering::Less,
            })
        }
    }
}

// --- spatial ---

impl Shape {
    fn get<'a, T: FilterTarget + ?Sized>(
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

fn spatial(
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
fn guarded(f: impl FnOnce() -> bool) -> Truth {
    catch_unwind(AssertUnwindSafe(f)).ok()
}

fn rects_intersect(a: Rect<f64>, b: Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

/// `outer` covers `inner`.
fn rect_covers(outer: Rect<f64>, inner: Rect<f64>) -> bool {
    outer.min().x <= inner.min().x
        && outer.min().y <= inner.min().y
        && outer.max().x >= inner.max().x
        && outer.max().y >= inner.max().y
}

fn intersect_rects(a: Rect<f64>, b: Rect<f64>) -> Option<Rect<f64>> {
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

fn union_rects(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
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

// --- temporal ---

const MICROS_PER_DAY: i64 = 86_400_000_000;

impl When {
    fn span<T: FilterTarget + ?Sized>(&self, t: &T) -> Option<Span> {
        match self {
            When::Feature => {
                let (from, to) = t.interval();
                Some(Span {
                    start: from.map_or(i64::MIN, day_start),
                    end: to.map_or(i64::MAX, |d| day_start(d) + (MICROS_PER_DAY - 1)),
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
fn property_bound<T: FilterTarget + ?Sized>(t: &T, name: &str, is_end: bool) -> Option<i64> {
    match lookup(t, name) {
        None | Some(Value::Null) => Some(if is_end { i64::MAX } else { i64::MIN }),
        Some(Value::String(s)) if s == ".." => Some(if is_end { i64::MAX } else { i64::MIN }),
        Some(Value::String(s)) => {
            parse_time(s).map(|span| if is_end { span.end } else { span.start })
        }
        Some(_) => None,
    }
}

fn temporal(op: TemporalOp, a: Span, b: Span) -> bool {
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

fn day_start(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp_micros()
}

fn is_timestamp_text(s: &str) -> bool {
    s.len() > 10 && matches!(s.as_bytes().get(10), Some(b'T' | b't' | b' '))
}

/// Reads an ISO 8601 date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`: the first day it names, as a whole
/// day) or timestamp (an instant; UTC when no offset is given).
fn parse_time(s: &str) -> Option<Span> {
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
    let bytes = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        bytes
            .get(r.clone())?
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| s[r].parse::<u32>().ok())?
    };
    let date = match s.len() {
        4 => NaiveDate::from_ymd_opt(digits(0..4)? as i32, 1, 1),
        7 if bytes[4] == b'-' => NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, 1),
        10 if bytes[4] == b'-' && bytes[7] == b'-' => {
            NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
        }
        _ => None,
    }?;
    let start = day_start(date);
    Some(Span {
        start,
        end: start + (MICROS_PER_DAY - 1),
    })
}

// --- text ---

fn like_tokens(pattern: &str) -> Vec<LikeToken> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '%' => {
                if out.last() == Some(&LikeToken::Any) {
                    continue;
                }
                LikeToken::Any
            }
            '_' => LikeToken::One,
            '\\' => LikeToken::Char(chars.next().unwrap_or('\\')),
            c => LikeToken::Char(c),
        });
    }
    out
}

/// SQL LIKE with `%` and `_`, greedy with one backtrack point (linear in practice).
fn like_match(tokens: &[LikeToken], text: &str) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    // After the last `%`: the token index after it and the text position it currently absorbs to.
    let mut star: Option<(usize, usize)> = None;
    loop {
        let next = text[t..].chars().next();
        if let Some(token) = tokens.get(p) {
            match (token, next) {
                (LikeToken::Any, _) => {
                    star = Some((p + 1, t));
                    p += 1;
                    continue;
                }
                (LikeToken::One, Some(c)) => {
                    p += 1;
                    t += c.len_utf8();
                    continue;
                }
                (LikeToken::Char(want), Some(c)) if *want == c => {
                    p += 1;
                    t += c.len_utf8();
                    continue;
                }
                _ => {}
            }
        } else if next.is_none() {
            return true;
        }
        // Mismatch: let the last `%` absorb one more character, or fail.
        let Some((after_star, absorbed)) = star else {
            return false;
        };
        let Some(c) = text[absorbed..].chars().next() else {
            return false;
        };
        star = Some((after_star, absorbed + c.len_utf8()));
        p = after_star;
        t = absorbed + c.len_utf8();
    }
}

fn fold_case(s: &str) -> String {
    s.to_lowercase()
}

/// Removes diacritics from Latin letters (and Cyrillic ё/й), which covers the place names of
/// this dataset's region in Latin transliteration. Other characters pass through.
fn strip_accents(s: &str) -> String {
    const TABLE: &[(&str, char)] = &[
        ("àáâãäåāăą", 'a'),
        ("ÀÁÂÃÄÅĀĂĄ", 'A'),
        ("çćĉċč", 'c'),
        ("ÇĆĈĊČ", 'C'),
        ("ďđ", 'd'),
        ("ĎĐ", 'D'),
        ("èéêëēĕėęě", 'e'),
        ("ÈÉÊËĒĔĖĘĚ", 'E'),
        ("ĝğġģ", 'g'),
        ("ĜĞĠĢ", 'G'),
        ("ĥħ", 'h'),
        ("ĤĦ", 'H'),
        ("ìíîïĩīĭįı", 'i'),
        ("ÌÍÎÏĨĪĬĮİ", 'I'),
        ("ĵ", 'j'),
        ("Ĵ", 'J'),
        ("ķ", 'k'),
        ("Ķ", 'K'),
        ("ĺļľŀł", 'l'),
        ("ĹĻĽĿŁ", 'L'),
        ("ñńņňŉ", 'n'),
        ("ÑŃŅŇ", 'N'),
        ("òóôõöøōŏő", 'o'),
        ("ÒÓÔÕÖØŌŎŐ", 'O'),
        ("ŕŗř", 'r'),
        ("ŔŖŘ", 'R'),
        ("śŝşšș", 's'),
        ("ŚŜŞŠȘ", 'S'),
        ("ţťŧț", 't'),
        ("ŢŤŦȚ", 'T'),
        ("ùúûüũūŭůűų", 'u'),
        ("ÙÚÛÜŨŪŬŮŰŲ", 'U'),
        ("ŵ", 'w'),
        ("Ŵ", 'W'),
        ("ýÿŷ", 'y'),
        ("ÝŸŶ", 'Y'),
        ("źżž", 'z'),
        ("ŹŻŽ", 'Z'),
        ("ё", 'е'),
        ("Ё", 'Е'),
        ("й", 'и'),
        ("Й", 'И'),
    ];
    s.chars()
        .map(|c| {
            if c.is_ascii() {
                return c;
            }
            TABLE
                .iter()
                .find(|(accented, _)| accented.contains(c))
                .map_or(c, |(_, base)| *base)
        })
        .collect()
}

// --- messages ---

/// The expression as cql2-text, shortened for messages.
fn show(e: &Expr) -> String {
    let text = e.to_text().unwrap_or_else(|_| match e {
        // Malformed operations (wrong arity) have no text form.
        Expr::Operation { op, .. } => format!("{}(...)", op.to_uppercase()),
        Expr::Interval { .. } => "INTERVAL(...)".into(),
        _ => "(expression)".into(),
    });
    clip(&text, 120)
}

fn op_name(e: &Expr) -> String {
    match e {
        Expr::Operation { op, .. } => op.to_uppercase(),
        _ => "this operator".into(),
    }
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            row[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(row[j] + 1);
        }
        prev = row;
    }
    prev[b.len()]
}

fn check_nesting(text: &str) -> Result<(), FilterError> {
    let (mut depth, mut max, mut quoted) = (0usize, 0usize, false);
    // The text outside string literals, to count NOT operators: each nests one level too, and
    // a few thousand of them overflow the parser's stack.
    let mut bare = String::with_capacity(text.len());
    for c in text.chars() {
        bare.push(if quoted { ' ' } else { c });
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => {
                depth += 1;
                max = max.max(depth);
            }
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if max > MAX_NESTING {
        return Err(FilterError::Unsupported(format!(
            "the filter nests parentheses {max} deep; at most {MAX_NESTING} levels are accepted"
        )));
    }
    let negations = bare
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|word| word.eq_ignore_ascii_case("not"))
        .count();
    if negations > MAX_NESTING {
        return Err(FilterError::Unsupported(format!(
            "the filter has {negations} NOT operators; at most {MAX_NESTING} are accepted"
        )));
    }
    Ok(())
}

/// Turns the parser's error into a message with a position and a pointer under the text.
fn text_syntax_error(text: &str, e: cql2::Error) -> FilterError {
    let detail = e.to_string();
    // pest reports ` --> line:column` followed by the line and a caret.
    let position = detail.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("-->")?.trim();
        let (l, c) = rest.split_once(':')?;
        Some((
            l.trim().parse::<usize>().ok()?,
            c.trim().parse::<usize>().ok()?,
        ))
    });
    match position {
        Some((line, column)) => {
            let source_line = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
            let expected = expected_hint(&detail);
            let near: String = source_line
                .chars()
                .skip(column.saturating_sub(1))
                .take(30)
                .collect();
            let near = if near.is_empty() {
                "at the end of the filter".to_string()
            } else {
                format!("near \"{near}\"")
            };
            FilterError::Syntax(format!(
                "invalid cql2-text at line {line}, column {column} ({near}){expected}\n  {}\n  {}^",
                clip(source_line, 200),
                " ".repeat(column.saturating_sub(1).min(200))
            ))
        }
        None => FilterError::Syntax(format!("invalid cql2-text: {}", clip(&detail, 300))),
    }
}

/// What the grammar wanted, in words, from pest's list of rule names.
fn expected_hint(detail: &str) -> String {
    let Some(line) = detail.lines().find(|l| l.contains("= expected")) else {
        return String::new();
    };
    let wanted = line.split("= expected").nth(1).unwrap_or("");
    let mut words: Vec<&str> = Vec::new();
    let mut add = |w: &'static str| {
        if !words.contains(&w) {
            words.push(w);
        }
    };
    for rule in wanted
        .split([',', ' '])
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        match rule {
            "Expr"
            | "ExprAtomValue"
            | "AtomicExpr"
            | "Literal"
            | "Identifier"
            | "Function"
            | "DECIMAL"
            | "Double"
            | "SingleQuotedString"
            | "GEOMETRY"
            | "Array"
            | "True"
            | "False"
            | "Null"
            | "BetweenOperand"
            | "UnaryNot"
            | "Negative"
            | "ExpressionInParentheses" => add("a value, property or function"),
            "And" | "Or" => add("AND or OR"),
            "Eq" | "NotEq" | "Lt" | "LtEq" | "Gt" | "GtEq" | "Like" | "In" | "IsNullPostfix"
            | "BetweenPostfix" => add("a comparison"),
            "Add" | "Subtract" | "Multiply" | "Divide" | "Modulo" | "Power" => {
                add("an arithmetic operator")
            }
            "EOI" => add("the end of the filter"),
            _ => {}
        }
    }
    if words.is_empty() {
        String::new()
    } else {
        format!(": expected {}", words.join(" or "))
    }
}

fn json_syntax_error(text: &str, e: serde_json::Error) -> FilterError {
    match serde_json::from_str::<Value>(text) {
        Err(json) => FilterError::Syntax(format!("invalid cql2-json: not JSON: {json}")),
        Ok(value) => {
            let place = find_bad_json_node(&value, "$")
                .map(|(path, why)| format!(" at {path}: {why}"))
                .unwrap_or_default();
            FilterError::Syntax(format!(
                "invalid cql2-json{place} (expected objects like {{\"op\": \"=\", \"args\": \
                 [{{\"property\": \"name\"}}, \"Dushanbe\"]}}; parser said: {})",
                clip(&e.to_string(), 200)
            ))
        }
    }
}

/// The first JSON node that is not a CQL2 expression, with its path and the reason.
fn find_bad_json_node(v: &Value, path: &str) -> Option<(String, String)> {
    match v {
        Value::Object(map) => {
            if let Some(op) = map.get("op") {
                if !op.is_string() {
                    return Some((format!("{path}.op"), "\"op\" must be a string".into()));
                }
                let Some(args) = map.get("args").and_then(Value::as_array) else {
                    return Some((
                        path.into(),
                        "an \"op\" object needs an \"args\" array".into(),
                    ));
                };
                return args
                    .iter()
                    .enumerate()
                    .find_map(|(i, a)| find_bad_json_node(a, &format!("{path}.args[{i}]")));
            }
            if map.contains_key("type") {
                return serde_json::from_value::<geojson::Geometry>(v.clone())
                    .err()
                    .map(|e| (path.into(), format!("not a GeoJSON geometry: {e}")));
            }
            let known = ["property", "date", "timestamp", "interval", "bbox"];
            if !map.keys().any(|k| known.contains(&k.as_str())) {
                let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                return Some((
                    path.into(),
                    format!(
                        "an object with keys [{}] is not an expression (use \"op\"+\"args\", \
                         \"property\", \"date\", \"timestamp\", \"interval\", \"bbox\" or a \
                         GeoJSON geometry)",
                        clip(&keys.join(", "), 80)
                    ),
                ));
            }
            None
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, a)| find_bad_json_node(a, &format!("{path}[{i}]"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, point, polygon};
    use serde_json::json;

    struct Feature {
        id: &'static str,
        props: serde_json::Map<String, Value>,
        geometry: Option<Geometry<f64>>,
        interval: (Option<NaiveDate>, Option<NaiveDate>),
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

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn feature(
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
    fn garrison() -> Feature {
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
    fn kant() -> Feature {
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
    fn tajikistan() -> Feature {
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
    fn uzbek_membership() -> Feature {
        feature(
            "cst-uzb-1992",
            json!({ "name": "Uzbekistan in the CST", "kind": "membership",
                    "valid_from": "1992-05-15", "valid_to": "1999-04" }),
            None,
            Some("1992-05-15"),
            Some("1999-04-30"),
        )
    }

    fn queryables() -> Vec<Queryable> {
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

    fn compile(text: &str) -> Filter {
        Filter::parse(text, FilterLang::Cql2Text, &queryables())
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn compile_json(text: &str) -> Filter {
        Filter::parse(text, FilterLang::Cql2Json, &queryables())
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn error(text: &str) -> FilterError {
        match Filter::parse(text, FilterLang::Cql2Text, &queryables()) {
            Ok(f) => panic!("{text} should not parse, got {f:?}"),
            Err(e) => e,
        }
    }

    #[track_caller]
    fn check(text: &str, target: &Feature, expected: bool) {
        assert_eq!(
            compile(text).matches(target),
            expected,
            "{text} on {}",
            target.id
        );
    }

    #[track_caller]
    fn check_all(cases: &[(&str, bool)], target: &Feature) {
        for (text, expected) in cases {
            check(text, target, *expected);
        }
    }

    #[test]
    fn compares_strings() {
        check_all(
            &[
                ("country = 'TJK'", true),
                ("country = 'KGZ'", false),
                ("country <> 'KGZ'", true),
                ("country <> 'TJK'", false),
                ("country < 'UZB'", true),
                ("country < 'KGZ'", false),
                ("country <= 'TJK'", true),
                ("country > 'KAZ'", true),
                ("country > 'TJK'", false),
                ("country >= 'TJK'", true),
                ("'TJK' = country", true),
                ("\"country\" = 'TJK'", true),
            ],
            &garrison(),
        );
    }

    #[test]
    fn compares_numbers_and_booleans() {
        let g = garrison();
        check_all(
            &[
                ("personnel = 5500", true),
                ("personnel = 5500.0", true),
                ("personnel = 5000", false),
                ("personnel <> 5000", true),
                ("personnel < 6000", true),
                ("personnel < 5500", false),
                ("personnel <= 5500", true),
                ("personnel > 1000", true),
                ("personnel > 5500", false),
                ("personnel >= 5500", true),
                ("personnel >= -1", true),
                ("active = true", true),
                ("active = false", false),
                ("active <> false", true),
                ("active", true),
                ("NOT active", false),
                ("strength.personnel > 5000", true),
                ("strength.personnel < 5000", false),
            ],
            &g,
        );
        check("active", &kant(), false);
        check("NOT active", &kant(), true);
    }

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
    fn combines_with_three_valued_logic() {
        let g = garrison();
        check_all(
            &[
                ("country = 'TJK' AND personnel > 1000", true),
                ("country = 'TJK' AND personnel > 9000", false),
                ("country = 'KGZ' OR personnel > 1000", true),
                ("country = 'KGZ' OR personnel > 9000", false),
                ("NOT country = 'KGZ'", true),
                ("NOT (country = 'TJK')", false),
                ("NOT (country = 'KGZ' OR kind = 'air-base')", true),
                (
                    "(country = 'TJK' OR country = 'KGZ') AND NOT kind = 'air-base'",
                    true,
                ),
                ("true", true),
                ("false", false),
                // A missing property makes a comparison unknown; NOT unknown is still unknown.
                ("tanks > 3", false),
                ("NOT tanks > 3", false),
                ("tanks > 3 OR country = 'TJK'", true),
                ("tanks > 3 AND country = 'TJK'", false),
                ("NOT (tanks > 3 AND country = 'KGZ')", true),
                ("NOT (tanks > 3 OR country = 'KGZ')", false),
            ],
            &g,
        );
        // `operator` is a queryable but Kant has no such property.
        check("operator = 'RUS'", &kant(), false);
        check("operator <> 'RUS'", &kant(), false);
        let f = compile("operator = 'RUS'");
        assert_eq!(f.evaluate(&kant()), None);
        assert_eq!(f.evaluate(&garrison()), Some(true));
    }

    #[test]
    fn is_null() {
        check_all(
            &[
                ("valid_to IS NULL", true),
                ("valid_to IS NOT NULL", false),
                ("valid_from IS NULL", false),
                ("valid_from IS NOT NULL", true),
                ("id IS NULL", false),
                ("geometry IS NULL", false),
                ("geometry IS NOT NULL", true),
            ],
            &garrison(),
        );
        check("operator IS NULL", &kant(), true);
        check("geometry IS NULL", &uzbek_membership(), true);
    }

    #[test]
    fn like_with_wildcards_escapes_and_casei() {
        let g = garrison();
        check_all(
            &[
                ("name LIKE '201st%'", true),
                ("name LIKE '%Base'", true),
                ("name LIKE '%Military%'", true),
                ("name LIKE '_01st Military Base'", true),
                ("name LIKE '201st Military Bas_'", true),
                ("name LIKE '201st'", false),
                ("name LIKE '%base'", false),
                ("name LIKE '__1st%'", true),
                ("name LIKE '___1st%'", false),
                ("name LIKE '%'", true),
                ("name LIKE '%%Base%%'", true),
                ("name NOT LIKE '%Base'", false),
                ("name NOT LIKE 'Kant%'", true),
                ("CASEI(name) LIKE CASEI('%BASE')", true),
                ("CASEI(name) LIKE '%base'", true),
                ("CASEI(name) = CASEI('201ST MILITARY BASE')", true),
                ("CASEI(name) LIKE CASEI('kant%')", false),
                ("id LIKE '201st-%'", true),
            ],
            &g,
        );
        let odd = feature(
            "odd",
            json!({ "name": "100% sure_thing Zürich" }),
            None,
            None,
            None,
        );
        check_all(
            &[
                ("name LIKE '100\\% sure%'", true),
                ("name LIKE '1000\\%%'", false),
                ("name LIKE '%sure\\_thing%'", true),
                ("name LIKE '%Z_rich'", true),
                ("ACCENTI(name) LIKE '%Zurich'", true),
                ("name LIKE '%Zurich'", false),
                (
                    "ACCENTI(CASEI(name)) = ACCENTI(CASEI('100% SURE_THING ZÜRICH'))",
                    true,
                ),
            ],
            &odd,
        );
        assert!(like_match(&like_tokens("a%b%c"), "axxbyyc"));
        assert!(!like_match(&like_tokens("a%b%c"), "axxbyy"));
        assert!(like_match(&like_tokens("%ab"), "aab"));
        assert!(like_match(&like_tokens(""), ""));
        assert!(!like_match(&like_tokens(""), "x"));
        assert!(like_match(&like_tokens("Душ%"), "Душанбе"));
    }

    #[test]
    fn in_and_between() {
        let g = garrison();
        check_all(
            &[
                ("country IN ('TJK', 'KGZ')", true),
                ("country IN ('KGZ', 'KAZ')", false),
                ("country IN ('TJK')", true),
                ("country NOT IN ('KGZ', 'KAZ')", true),
                ("country NOT IN ('TJK', 'KAZ')", false),
                (
                    "id IN ('kant-air-base', '201st-military-base-dushanbe')",
                    true,
                ),
                ("personnel IN (500, 5500)", true),
                ("personnel IN (1, 2)", false),
                ("personnel BETWEEN 1000 AND 6000", true),
                ("personnel BETWEEN 5500 AND 5500", true),
                ("personnel BETWEEN 6000 AND 9000", false),
                ("personnel NOT BETWEEN 6000 AND 9000", true),
                ("personnel NOT BETWEEN 1000 AND 6000", false),
                (
                    "valid_from BETWEEN DATE('2004-01-01') AND DATE('2004-12-31')",
                    true,
                ),
                ("valid_from BETWEEN '2005' AND '2006'", false),
                ("operator IN ('RUS', 'USA')", true),
            ],
            &g,
        );
        check("operator IN ('RUS', 'USA')", &kant(), false);
        check("operator NOT IN ('RUS', 'USA')", &kant(), false);
        check("personnel BETWEEN 1000 AND 6000", &tajikistan(), false);
        check("personnel NOT BETWEEN 1000 AND 6000", &tajikistan(), false);
    }

    #[test]
    fn arithmetic() {
        let g = garrison();
        check_all(
            &[
                ("personnel + 500 = 6000", true),
                ("personnel - 500 = 5000", true),
                ("personnel * 2 > 10000", true),
                ("personnel * 2 > 20000", false),
                ("personnel / 2 = 2750", true),
                ("personnel % 1000 = 500", true),
                ("personnel div 1000 = 5", true),
                ("2 ^ 3 = 8", true),
                ("10 - 3 - 2 = 5", true),
                ("personnel / 0 > 1", false),
                ("personnel / 0 < 1", false),
                ("-personnel < 0", true),
                ("personnel BETWEEN 1000 * 5 AND 1000 * 6", true),
            ],
            &g,
        );
        check("personnel + 1 > 0", &tajikistan(), false);
    }

    #[test]
    fn id_is_the_feature_id() {
        let mut g = garrison();
        // A property called "id" does not shadow the feature id.
        g.props.insert("id".into(), json!("something-else"));
        check("id = '201st-military-base-dushanbe'", &g, true);
        check("id = 'something-else'", &g, false);
        check("id = 'TJK'", &tajikistan(), true);
        // `id` is accepted even when a collection does not list it.
        let f = Filter::parse("id = 'TJK'", FilterLang::Cql2Text, &[]).unwrap();
        assert!(f.matches(&tajikistan()));
    }

    #[test]
    fn arrays_contain_overlap_and_equal() {
        let g = garrison();
        let k = kant();
        let cases: &[(&str, bool, bool)] = &[
            // (filter, garrison, kant)
            ("groupings = 'crdf'", true, true),
            ("groupings = 'csto'", true, false),
            ("'csto' = groupings", true, false),
            ("groupings <> 'csto'", false, true),
            ("groupings = 'sco'", false, false),
            ("groupings IN ('csto', 'sco')", true, false),
            ("'csto' IN groupings", true, false),
            ("A_CONTAINS(groupings, ('crdf', 'csto'))", true, false),
            ("A_CONTAINS(groupings, ('csto'))", true, false),
            ("A_CONTAINS(groupings, ('crdf', 'sco'))", false, false),
            (
                "A_CONTAINEDBY(groupings, ('crdf', 'csto', 'sco'))",
                true,
                true,
            ),
            ("A_CONTAINEDBY(groupings, ('csto'))", false, false),
            ("A_OVERLAPS(groupings, ('csto', 'sco'))", true, false),
            ("A_OVERLAPS(groupings, ('sco', 'nato'))", false, false),
            ("A_EQUALS(groupings, ('csto', 'crdf'))", true, false),
            ("A_EQUALS(groupings, ('crdf'))", false, true),
            ("groupings = ('csto', 'crdf')", true, false),
            ("NOT A_OVERLAPS(groupings, ('csto'))", false, true),
        ];
        for (text, on_garrison, on_kant) in cases {
            check(text, &g, *on_garrison);
            check(text, &k, *on_kant);
        }
        // Empty array: contains nothing, contained by everything.
        let t = tajikistan();
        check("groupings = 'csto'", &t, false);
        check("A_CONTAINEDBY(groupings, ('csto'))", &t, true);
        check("A_OVERLAPS(groupings, ('csto'))", &t, false);
        // Missing array property: unknown.
        check("groupings = 'csto'", &uzbek_membership(), false);
        check(
            "NOT A_OVERLAPS(groupings, ('csto'))",
            &uzbek_membership(),
            false,
        );
    }

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
    fn unknown_queryable_names_it_and_lists_the_queryables() {
        let msg = match error("contry = 'TJK'") {
            FilterError::UnknownQueryable(msg) => msg,
            other => panic!("wrong error {other:?}"),
        };
        assert!(
            msg.starts_with(
                "unknown queryable \"contry\"; queryables are: id, name, kind, country"
            ),
            "{msg}"
        );
        assert!(msg.contains("(did you mean \"country\"?)"), "{msg}");
        // Deep inside an expression, in JSON, and in every operator family.
        for text in [
            "country = 'TJK' AND (kind = 'x' OR NOT strenght > 3)",
            "S_INTERSECTS(geom, POINT(0 0))",
            "T_INTERSECTS(validity, DATE('2000-01-01'))",
            "A_CONTAINS(grouping, ('csto'))",
            "CASEI(nmae) LIKE 'x'",
            "nmae IS NULL",
        ] {
            assert!(
                matches!(error(text), FilterError::UnknownQueryable(_)),
                "{text}"
            );
        }
        let e = Filter::parse(
            r#"{"op": "=", "args": [{"property": "colour"}, "red"]}"#,
            FilterLang::Cql2Json,
            &queryables(),
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("unknown queryable \"colour\""),
            "{e}"
        );
        // Without any close name there is no suggestion.
        let e = error("zzzzzzzz = 1").to_string();
        assert!(!e.contains("did you mean"), "{e}");
        // The list has the built-ins even when a collection lists none.
        let e = Filter::parse("x = 1", FilterLang::Cql2Text, &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown queryable \"x\"; queryables are: id, geometry, datetime"
        );
    }

    #[test]
    fn syntax_errors_say_where() {
        let e = error("country = 'TJK' AND");
        let FilterError::Syntax(msg) = &e else {
            panic!("wrong error {e:?}")
        };
        assert!(
            msg.starts_with(
                "invalid cql2-text at line 1, column 20 (at the end of the filter): expected a \
                 value, property or function\n"
            ),
            "{msg}"
        );
        assert!(msg.contains("country = 'TJK' AND\n"), "{msg}");
        assert!(msg.ends_with(&format!("{}^", " ".repeat(19))), "{msg}");

        let msg = error("country == 'TJK'").to_string();
        assert!(
            msg.contains("column 10") && msg.contains("near \"= 'TJK'\""),
            "{msg}"
        );
        assert!(
            msg.contains("expected a value, property or function"),
            "{msg}"
        );
        let msg = error("country = 'TJK' name = 'x'").to_string();
        assert!(
            msg.contains(
                "column 17 (near \"name = 'x'\"): expected the end of the filter or AND or OR"
            ),
            "{msg}"
        );

        let msg = error("name = 'unterminated").to_string();
        assert!(
            msg.starts_with("invalid cql2-text at line 1, column"),
            "{msg}"
        );
        let msg = error("(country = 'TJK'").to_string();
        assert!(msg.starts_with("invalid cql2-text"), "{msg}");
        assert!(matches!(error("   "), FilterError::Syntax(_)));

        let json = |t: &str| {
            Filter::parse(t, FilterLang::Cql2Json, &queryables())
                .unwrap_err()
                .to_string()
        };
        let msg = json(r#"{"op": "=", "args": [{"property": "country"}, "TJK"]"#);
        assert!(msg.starts_with("invalid cql2-json: not JSON: EOF"), "{msg}");
        let msg =
            json(r#"{"op": "and", "args": [{"op": "=", "args": [{"prop": "country"}, "TJK"]}]}"#);
        assert!(
            msg.starts_with("invalid cql2-json at $.args[0].args[0]: an object with keys [prop]"),
            "{msg}"
        );
        let msg = json(r#"{"op": "=", "argz": []}"#);
        assert!(msg.contains("needs an \"args\" array"), "{msg}");
        let msg = json(
            r#"{"op": "s_intersects", "args": [{"property": "geometry"},
                {"type": "Point", "coordinates": [1]}]}"#,
        );
        assert!(
            msg.starts_with("invalid cql2-json at $.args[1]: not a GeoJSON geometry"),
            "{msg}"
        );
        let msg = json(r#"{"op": "=", "args": [{"property": "country"}]}"#);
        assert_eq!(msg, "= takes 2 arguments, found 1 in =(...)");
    }

    #[test]
    fn type_errors_are_found_at_parse_time() {
        let cases = [
            (
                "name = 5",
                "type mismatch in name = 5: name is a string but 5 is a number",
            ),
            (
                "personnel = 'many'",
                "personnel is a number but 'many' is a string",
            ),
            ("active = 1", "active is a boolean but 1 is a number"),
            ("5 < name", "5 is a number but name is a string"),
            (
                "personnel IN ('a', 'b')",
                "personnel is a number but 'a' is a string",
            ),
            ("personnel BETWEEN 'a' AND 'z'", "personnel is a number"),
            (
                "valid_from < 'next spring'",
                "'next spring' is compared with a date",
            ),
            ("groupings < 'csto'", "arrays support = and <>"),
            (
                "personnel LIKE '5%'",
                "LIKE compares text, but personnel is a number",
            ),
            (
                "name + 1 > 2",
                "arithmetic needs numbers, but name is a string",
            ),
            ("CASEI(personnel) = 'x'", "CASEI works on text"),
            (
                "A_CONTAINS(name, ('x'))",
                "A_CONTAINS compares arrays, but name is a string",
            ),
            (
                "S_INTERSECTS(name, POINT(0 0))",
                "S_INTERSECTS needs geometries",
            ),
            ("S_INTERSECTS(geometry, 5)", "S_INTERSECTS needs geometries"),
            (
                "T_BEFORE(personnel, DATE('2000-01-01'))",
                "T_BEFORE needs dates",
            ),
            ("T_BEFORE(datetime, 5)", "T_BEFORE needs dates"),
            (
                "T_BEFORE(datetime, 'tomorrow')",
                "'tomorrow' in T_BEFORE is not a date",
            ),
            (
                "T_BEFORE(datetime, DATE('2005-13-45'))",
                "DATE('2005-13-45') is not a valid date",
            ),
            (
                "T_BEFORE(datetime, INTERVAL('2005', '2001'))",
                "ends before it starts",
            ),
            (
                "name",
                "\"name\" is a string and cannot be used as a condition",
            ),
            ("'x'", "is a value, not a condition"),
            ("personnel + 1", "is a value, not a condition"),
            ("geometry = POINT(0 0)", "use a spatial operator"),
            (
                "S_INTERSECTS(geometry, POINT(7656554 4658839))",
                "outside longitude ±180",
            ),
            (
                "S_INTERSECTS(geometry, BBOX(10, 50, 20, 40))",
                "is not a lon/lat box",
            ),
        ];
        for (text, expected) in cases {
            let e = error(text);
            assert!(
                matches!(e, FilterError::Type(_)),
                "{text}: expected a type error, got {e:?}"
            );
            assert!(e.to_string().contains(expected), "{text}: {e}");
        }
    }

    #[test]
    fn unsupported_things_are_reported_as_such() {
        let e = error("my_function(name) = 1");
        assert!(matches!(e, FilterError::Unsupported(_)), "{e:?}");
        assert!(
            e.to_string().starts_with(
                "unsupported function or operator \"my_function\"; supported: AND, OR"
            ),
            "{e}"
        );
        let e = error("datetime = DATE('2005-01-01')");
        assert!(matches!(e, FilterError::Unsupported(_)));
        assert!(
            e.to_string()
                .contains("T_INTERSECTS(datetime, DATE('2005-06-01'))"),
            "{e}"
        );
        let deep = format!("{}true{}", "(".repeat(200), ")".repeat(200));
        assert!(error(&deep)
            .to_string()
            .contains("nests parentheses 200 deep"));
        assert!(matches!(
            FilterLang::parse("cql2-text"),
            Ok(FilterLang::Cql2Text)
        ));
        assert!(matches!(
            FilterLang::parse("CQL2-JSON"),
            Ok(FilterLang::Cql2Json)
        ));
        let e = FilterLang::parse("ecql").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unsupported filter-lang \"ecql\"; use cql2-text or cql2-json"
        );
        assert_eq!(FilterLang::default().as_str(), "cql2-text");
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
