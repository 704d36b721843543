//! Checks that every relation between features holds at the dates of both sides: a feature
//! cannot belong to a grouping, sit under a parent, or stand at an installation before that
//! grouping, parent or installation existed or after it ended.
//!
//! A relation is written on the referring feature (`parent`, `parent_history`, `groupings`,
//! `installation`, `headquarters`) and must hold for the whole period it claims: the referring
//! feature's own validity, or a `parent_history` spell's dates. Dates keep their precision,
//! so a problem is reported only where the two periods certainly disagree: "2001-05" does not
//! start before "2001-05-25", because the month may mean the 25th.

use super::problem::Problem;
use crate::model::{CollectionId, Feature, PartialDate, Validity};
use hashbrown::HashMap;
use serde_json::Value;

/// Fields whose value names one other feature, with the collection the target lives in
/// (`None`: the referring feature's own collection).
const SINGLE_REFERENCES: [(&str, Option<CollectionId>); 3] = [
    ("parent", None),
    ("installation", Some(CollectionId::Installations)),
    ("headquarters", Some(CollectionId::Installations)),
];

pub fn check(curated: &[(CollectionId, Vec<Feature>)], problems: &mut Vec<Problem>) {
    let validity: HashMap<(CollectionId, &str), Validity> = curated
        .iter()
        .flat_map(|(c, features)| {
            features
                .iter()
                .map(move |f| ((*c, f.id.as_str()), f.validity))
        })
        .collect();
    for (collection, features) in curated {
        let file = collection.file_name();
        for feature in features {
            let mut report = |field: String, message: String| {
                problems.push(Problem::new(&file, &feature.id, field, message));
            };
            let history = feature.properties.value("parent_history");
            for (field, target_collection) in SINGLE_REFERENCES {
                if field == "parent" && history.is_some() {
                    continue;
                }
                let target_collection = target_collection.unwrap_or(*collection);
                let Some(target) = feature.str_property(field) else {
                    continue;
                };
                if let Some(target_validity) = validity.get(&(target_collection, target)) {
                    if let Some(message) = outside(&feature.validity, target, target_validity) {
                        report(field.into(), message);
                    }
                }
            }
            if let Some(Value::Array(list)) = feature.properties.value("groupings") {
                for (i, g) in list.iter().enumerate() {
                    let Some(g) = g.as_str() else { continue };
                    if let Some(target_validity) = validity.get(&(CollectionId::Groupings, g)) {
                        if let Some(message) = outside(&feature.validity, g, target_validity) {
                            report(format!("groupings[{i}]"), message);
                        }
                    }
                }
            }
            if let Some(history) = &history {
                check_history(feature, *collection, history, &validity, &mut report);
            }
        }
    }
}

/// `parent_history`: the spells of a feature whose parent changed, each
/// `{"parent": id, "from": date, "to": date or null}`, in order; the last names `parent`.
fn check_history(
    feature: &Feature,
    collection: CollectionId,
    history: &Value,
    validity: &HashMap<(CollectionId, &str), Validity>,
    report: &mut impl FnMut(String, String),
) {
    let Some(spells) = history.as_array().filter(|s| !s.is_empty()) else {
        report(
            "parent_history".into(),
            "must be a non-empty array of {parent, from, to} spells".into(),
        );
        return;
    };
    let mut last_parent = None;
    for (i, spell) in spells.iter().enumerate() {
        let at = |f: &str| format!("parent_history[{i}].{f}");
        let date = |f: &str, report: &mut dyn FnMut(String, String)| match spell.get(f) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => s
                .parse::<PartialDate>()
                .map_err(|e| report(at(f), e.to_string()))
                .ok(),
            Some(_) => {
                report(at(f), "must be a date string or null".into());
                None
            }
        };
        let span = Validity {
            from: date("from", report),
            to: date("to", report),
        };
        let Some(parent) = spell.get("parent").and_then(Value::as_str) else {
            report(at("parent"), "missing or not a feature id".into());
            continue;
        };
        last_parent = Some(parent);
        match validity.get(&(collection, parent)) {
            None => report(
                at("parent"),
                format!("\"{parent}\" does not name a known feature"),
            ),
            Some(parent_validity) => {
                if let Some(message) = outside(&span, parent, parent_validity) {
                    report(at("parent"), message);
                }
            }
        }
        if let Some(message) = outside(&span, &feature.id, &feature.validity) {
            report(
                at("from"),
                format!("the spell lies outside the feature: {message}"),
            );
        }
    }
    if last_parent.is_some() && last_parent != feature.str_property("parent") {
        report(
            "parent".into(),
            format!(
                "must name the last parent of parent_history, \"{}\"",
                last_parent.unwrap_or_default()
            ),
        );
    }
}

/// Why the period `inner` certainly falls outside `target`'s validity, if it does. Unknown
/// starts are not compared; an open end outlives any closed one.
fn outside(inner: &Validity, target: &str, target_validity: &Validity) -> Option<String> {
    if let (Some(start), Some(target_start)) = (inner.from, target_validity.from) {
        if start.last_day() < target_start.first_day() {
            return Some(format!(
                "starts {start}, before \"{target}\" exists (from {target_start})"
            ));
        }
    }
    if let (Some(start), Some(target_end)) = (inner.from, target_validity.to) {
        if start.first_day() > target_end.last_day() {
            return Some(format!(
                "starts {start}, after \"{target}\" ended ({target_end})"
            ));
        }
    }
    match (inner.to, target_validity.to) {
        (None, Some(target_end)) => Some(format!("has no end but \"{target}\" ended {target_end}")),
        (Some(end), Some(target_end)) if end.first_day() > target_end.last_day() => Some(format!(
            "lasts to {end}, after \"{target}\" ended ({target_end})"
        )),
        (Some(end), _) => target_validity
            .from
            .filter(|target_start| end.last_day() < target_start.first_day())
            .map(|target_start| {
                format!("ends {end}, before \"{target}\" exists (from {target_start})")
            }),
        _ => None,
    }
}
