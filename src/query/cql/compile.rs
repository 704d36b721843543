//! Compilation of a parsed `Expr` into the typed tree: names resolved against the queryables,
//! operand types checked, literals folded. Every mistake a user can make is found here and
//! becomes a [`FilterError`] naming the offending part; geometry and time operands are compiled
//! in `spatial` and `time`.

use super::messages::{clip, edit_distance, show};
use super::text::{fold_case, like_tokens, strip_accents};
use super::time::{fixed_time, parse_time};
use super::tree::*;
use super::{FilterError, Queryable, QueryableType};
use cql2::Expr;

pub(super) struct Ctx<'q> {
    pub(super) queryables: &'q [Queryable],
}

/// What a property name refers to.
pub(super) enum Name<'q> {
    Id,
    Geometry,
    Datetime,
    Property(&'q Queryable),
}

pub(super) const SUPPORTED_OPERATORS: &str =
    "AND, OR, NOT, =, <>, <, <=, >, >=, LIKE, IN, BETWEEN, \
IS NULL, CASEI, ACCENTI, +, -, *, /, %, ^, DIV, S_INTERSECTS, S_DISJOINT, S_CONTAINS, S_WITHIN, \
S_EQUALS, S_TOUCHES, S_OVERLAPS, S_CROSSES, T_INTERSECTS, T_DISJOINT, T_BEFORE, T_AFTER, T_MEETS, \
T_METBY, T_OVERLAPS, T_OVERLAPPEDBY, T_STARTS, T_STARTEDBY, T_DURING, T_CONTAINS, T_FINISHES, \
T_FINISHEDBY, T_EQUALS, A_EQUALS, A_CONTAINS, A_CONTAINEDBY, A_OVERLAPS";

impl<'q> Ctx<'q> {
    pub(super) fn resolve(&self, name: &str) -> Result<Name<'q>, FilterError> {
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

    pub(super) fn unknown(&self, name: &str) -> FilterError {
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

    pub(super) fn pred(&self, e: &Expr) -> Result<Pred, FilterError> {
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

    pub(super) fn operation(
        &self,
        e: &Expr,
        op: &str,
        args: &[Box<Expr>],
    ) -> Result<Pred, FilterError> {
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

    pub(super) fn operand(&self, e: &Expr) -> Result<Operand, FilterError> {
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

    pub(super) fn operand_operation(
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

    pub(super) fn ty(&self, operand: &Operand) -> Ty {
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
            Operand::Property { kind, .. } => ty_of(*kind),
            Operand::Arith(..) => Ty::Num,
            Operand::Casei(_) | Operand::Accenti(_) => Ty::Str,
        }
    }

    pub(super) fn check_comparable(
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
}

pub(super) fn unsupported_function(op: &str) -> FilterError {
    FilterError::Unsupported(format!(
        "unsupported function or operator \"{}\"; supported: {SUPPORTED_OPERATORS}",
        clip(op, 60)
    ))
}

pub(super) fn is_condition_op(op: &str) -> bool {
    matches!(
        op,
        "and" | "or" | "not" | "=" | "<>" | "<" | "<=" | ">" | ">=" | "like" | "in" | "between"
    ) || op == "isNull"
        || op.starts_with("s_")
        || op.starts_with("t_")
        || op.starts_with("a_")
}

/// `'1993-12'` compared with a date must be readable as one.
pub(super) fn check_date_text(whole: &Expr, text: &Operand) -> Result<(), FilterError> {
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

/// The evaluator's type for a queryable's declared type.
fn ty_of(kind: QueryableType) -> Ty {
    match kind {
        QueryableType::String => Ty::Str,
        QueryableType::Number | QueryableType::Integer => Ty::Num,
        QueryableType::Boolean => Ty::Bool,
        QueryableType::Date => Ty::Time,
        QueryableType::Geometry => Ty::Geom,
        QueryableType::Array => Ty::List,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::cql::fixtures::*;
    use crate::query::cql::{Filter, FilterLang};

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
}
