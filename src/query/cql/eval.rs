//! Evaluation of the compiled tree against one feature, in three-valued logic: values are read
//! from the feature by reference, and anything missing, null or of an unexpected JSON type is
//! unknown rather than an error.

use super::spatial::spatial;
use super::text::{fold_case, like_match, like_tokens, strip_accents};
use super::time::{parse_time, temporal, Span};
use super::tree::*;
use super::{FilterTarget, QueryableType};
use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;

/// A value read from a feature or a literal, borrowed where possible.
#[derive(Debug, Clone)]
pub(super) enum Val<'a> {
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
pub(super) enum List<'a> {
    Lit(&'a [Lit]),
    Json(&'a [Value], bool),
}

impl<'a> List<'a> {
    pub(super) fn items(self) -> impl Iterator<Item = Val<'a>> {
        let (lits, json, date) = match self {
            List::Lit(l) => (l, &[][..], false),
            List::Json(j, date) => (&[][..], j, date),
        };
        lits.iter()
            .map(Lit::val)
            .chain(json.iter().map(move |v| json_val(v, date)))
    }

    pub(super) fn contains(self, x: &Val<'_>) -> bool {
        self.items().any(|item| equal(&item, x) == Some(true))
    }
}

impl Lit {
    pub(super) fn val(&self) -> Val<'_> {
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

pub(super) fn json_val(v: &Value, date: bool) -> Val<'_> {
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
pub(super) fn lookup<'a, T: FilterTarget + ?Sized>(target: &'a T, name: &str) -> Option<&'a Value> {
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
    pub(super) fn eval<'a, T: FilterTarget + ?Sized>(&'a self, target: &'a T) -> Val<'a> {
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
    pub(super) fn constant(&self) -> Option<Lit> {
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

pub(super) fn arith(op: ArithOp, a: f64, b: f64) -> Option<f64> {
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
    pub(super) fn eval<T: FilterTarget + ?Sized>(&self, t: &T) -> Truth {
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
    pub(super) fn cost(&self) -> u8 {
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
}

pub(super) fn as_list(v: Val<'_>) -> Option<List<'_>> {
    match v {
        Val::List(list) => Some(list),
        _ => None,
    }
}

pub(super) fn array_op(op: ArrayOp, a: List<'_>, b: List<'_>) -> bool {
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
pub(super) fn order(a: &Val<'_>, b: &Val<'_>) -> Option<Ordering> {
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

pub(super) fn equal(a: &Val<'_>, b: &Val<'_>) -> Truth {
    compare(CmpOp::Eq, a, b)
}

pub(super) fn compare(op: CmpOp, a: &Val<'_>, b: &Val<'_>) -> Truth {
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

#[cfg(test)]
mod tests {
    use crate::query::cql::fixtures::*;
    use crate::query::cql::{Filter, FilterLang};
    use serde_json::json;

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
}
