//! The compiled filter: a small typed tree that [`super::Filter::parse`] builds once from the
//! parser's `Expr` and that evaluation walks per feature, plus the static types used to check
//! operands at compile time.

use super::text::LikeToken;
use super::time::Span;
use super::QueryableType;
use geo::{Geometry, Rect};

/// Three-valued truth: `None` is unknown.
pub(super) type Truth = Option<bool>;

#[derive(Debug)]
pub(super) enum Pred {
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
pub(super) enum Operand {
    Lit(Lit),
    Id,
    Property { name: String, kind: QueryableType },
    Arith(ArithOp, Box<Operand>, Box<Operand>),
    Casei(Box<Operand>),
    Accenti(Box<Operand>),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Lit {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Time(Span),
    Array(Vec<Lit>),
}

#[derive(Debug)]
pub(super) enum LikePattern {
    Fixed(Vec<LikeToken>),
    Dynamic(Operand),
}

#[derive(Debug)]
pub(super) enum Shape {
    Feature,
    Literal(Box<LiteralShape>),
}

#[derive(Debug)]
pub(super) struct LiteralShape {
    pub(super) geometry: Geometry<f64>,
    pub(super) bbox: Option<Rect<f64>>,
}

#[derive(Debug)]
pub(super) enum When {
    /// The feature's validity interval.
    Feature,
    Fixed(Span),
    /// A date/time property: the span its value names (a date's first day).
    Property(String),
    Interval(Bound, Bound),
}

#[derive(Debug)]
pub(super) enum Bound {
    Open,
    Fixed(i64),
    Property(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    IntDiv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SpatialOp {
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
pub(super) enum TemporalOp {
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
pub(super) enum ArrayOp {
    Equals,
    Contains,
    ContainedBy,
    Overlaps,
}

/// Static type of an operand, from literals and declared queryable types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ty {
    Str,
    Num,
    Bool,
    Time,
    Geom,
    List,
    Null,
}

impl Ty {
    pub(super) fn name(self) -> &'static str {
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
