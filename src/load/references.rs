//! Checks that span files: ids unique across the curated collections, and every reference
//! (member countries, host countries, groupings, parents, bases) pointing at something that
//! exists.

use super::curated::is_iso3;
use super::problem::Problem;
use super::topology::CountryTopology;
use crate::model::{CollectionId, Feature};
use hashbrown::{HashMap, HashSet};
use serde_json::Value;

pub fn check(
    topology: &CountryTopology,
    curated: &[(CollectionId, Vec<Feature>)],
    problems: &mut Vec<Problem>,
) {
    let countries: HashSet<&str> = topology.countries.iter().map(|c| c.id.as_str()).collect();
    // With no country file at all, every code would be reported; its own problem suffices.
    let check_countries = !countries.is_empty();
    let mut first_seen: HashMap<&str, CollectionId> = HashMap::new();
    let mut ids_in: HashMap<CollectionId, HashSet<&str>> = HashMap::new();
    for (collection, features) in curated {
        let file = collection.file_name();
        for feature in features {
            if let Some(other) = first_seen.insert(&feature.id, *collection) {
                problems.push(Problem::new(
                    &file,
                    &feature.id,
                    "id",
                    format!("duplicate id, also used in {}", other.file_name()),
                ));
            }
            ids_in.entry(*collection).or_default().insert(&feature.id);
        }
    }
    let groupings = ids_in.remove(&CollectionId::Groupings).unwrap_or_default();
    let installations = ids_in
        .remove(&CollectionId::Installations)
        .unwrap_or_default();
    let forces = ids_in.remove(&CollectionId::Forces).unwrap_or_default();

    for (collection, features) in curated {
        let file = collection.file_name();
        for feature in features {
            let mut problem = |field: String, message: String| {
                problems.push(Problem::new(&file, &feature.id, field, message));
            };
            for (i, member) in feature.members.iter().enumerate() {
                if check_countries && !countries.contains(member.country.as_str()) {
                    problem(
                        format!("members[{i}].country"),
                        format!(
                            "\"{}\" is not a country in the country data",
                            member.country
                        ),
                    );
                }
            }
            for field in ["country", "contributor"] {
                if let Some(code) = feature.str_property(field) {
                    if !is_iso3(code) || (check_countries && !countries.contains(code)) {
                        problem(
                            field.into(),
                            format!("\"{code}\" is not a country in the country data"),
                        );
                    }
                }
            }
            if let Some(operator) = feature.str_property("operator") {
                let known = countries.contains(operator)
                    || groupings.contains(operator.to_ascii_lowercase().as_str());
                if check_countries && !known {
                    problem(
                        "operator".into(),
                        format!("\"{operator}\" is neither a country nor a grouping"),
                    );
                }
            }
            match feature.properties.value("groupings") {
                None | Some(Value::Null) => {}
                Some(Value::Array(list)) => {
                    for (i, g) in list.iter().enumerate() {
                        if !g.as_str().is_some_and(|g| groupings.contains(g)) {
                            problem(
                                format!("groupings[{i}]"),
                                format!("{g} is not a grouping id"),
                            );
                        }
                    }
                }
                Some(_) => problem(
                    "groupings".into(),
                    "must be an array of grouping ids".into(),
                ),
            }
            let targets: [(&str, &HashSet<&str>); 3] = [
                ("installation", &installations),
                ("headquarters", &installations),
                (
                    "parent",
                    match collection {
                        CollectionId::Groupings => &groupings,
                        CollectionId::Forces => &forces,
                        _ => &installations,
                    },
                ),
            ];
            for (field, ids) in targets {
                if let Some(target) = feature.properties.value(field).filter(|v| !v.is_null()) {
                    if !target.as_str().is_some_and(|t| ids.contains(t)) {
                        problem(
                            field.into(),
                            format!("{target} does not name a known feature"),
                        );
                    }
                }
            }
        }
    }
}
