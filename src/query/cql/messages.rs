//! Messages for refused filters: syntax errors from the cql2-text and cql2-json parsers turned
//! into a position, a pointer and what was expected, and the helpers that render expressions,
//! shorten text and suggest the nearest queryable name.

use super::{FilterError, MAX_NESTING};
use cql2::Expr;
use pest::error::{ErrorVariant, LineColLocation};
use serde_json::Value;

/// The expression as cql2-text, shortened for messages.
pub(super) fn show(e: &Expr) -> String {
    let text = e.to_text().unwrap_or_else(|_| match e {
        // Malformed operations (wrong arity) have no text form.
        Expr::Operation { op, .. } => format!("{}(...)", op.to_uppercase()),
        Expr::Interval { .. } => "INTERVAL(...)".into(),
        _ => "(expression)".into(),
    });
    clip(&text, 120)
}

pub(super) fn op_name(e: &Expr) -> String {
    match e {
        Expr::Operation { op, .. } => op.to_uppercase(),
        _ => "this operator".into(),
    }
}

pub(super) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

pub(super) fn edit_distance(a: &str, b: &str) -> usize {
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

pub(super) fn check_nesting(text: &str) -> Result<(), FilterError> {
    let (mut depth, mut max, mut quoted) = (0usize, 0usize, false);
    // The text outside string literals, to count NOT operators: each nests one level too, and
    // a few thousand of them overflow the parser's stack.
    let mut bare = String::with_capacity(text.len());
    for (column, c) in text.chars().enumerate() {
        bare.push(if quoted { ' ' } else { c });
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => {
                depth += 1;
                max = max.max(depth);
            }
            ')' if !quoted => {
                depth = depth.checked_sub(1).ok_or_else(|| {
                    FilterError::Syntax(format!(
                        "invalid cql2-text: the closing parenthesis at column {} has no opening one",
                        column + 1
                    ))
                })?;
            }
            _ => {}
        }
    }
    // Parentheses left open are refused before parsing: the cql2-text grammar backtracks
    // through every way of reading them, twice the work for each one (20 took 9 s, 28 would
    // take most of an hour), where a balanced filter of the same depth parses at once.
    if depth > 0 {
        return Err(FilterError::Syntax(format!(
            "invalid cql2-text: {depth} opening parenthes{} never closed",
            if depth == 1 { "is is" } else { "es are" }
        )));
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

/// Turns the parser's error into a message with a position and a pointer under the text. The
/// cql2-text grammar is a pest grammar, so a syntax error carries pest's line, column and the
/// rules that would have been accepted there.
pub(super) fn text_syntax_error(text: &str, e: cql2::Error) -> FilterError {
    let cql2::Error::Pest(parse) = &e else {
        return FilterError::Syntax(format!("invalid cql2-text: {}", clip(&e.to_string(), 300)));
    };
    let (line, column) = match parse.line_col {
        LineColLocation::Pos(at) | LineColLocation::Span(at, _) => at,
    };
    let expected = match &parse.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            // The rule type is private to cql2; its variant names are the grammar's rule names.
            expected_hint(positives.iter().map(|rule| format!("{rule:?}")))
        }
        ErrorVariant::CustomError { .. } => String::new(),
    };
    let source_line = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
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

/// What the grammar wanted, in words, from the names of the rules it would have accepted.
pub(super) fn expected_hint(rules: impl Iterator<Item = String>) -> String {
    let mut words: Vec<&str> = Vec::new();
    let mut add = |w: &'static str| {
        if !words.contains(&w) {
            words.push(w);
        }
    };
    for rule in rules {
        match rule.as_str() {
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

pub(super) fn json_syntax_error(text: &str, e: serde_json::Error) -> FilterError {
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
pub(super) fn find_bad_json_node(v: &Value, path: &str) -> Option<(String, String)> {
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
    use crate::query::cql::fixtures::*;
    use crate::query::cql::{Filter, FilterLang};

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
}
