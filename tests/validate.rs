//! Validation: every rule fires on a broken fixture with a precise `file: feature: field:`
//! line, the real data passes, and `forcemap validate` reports the same over the command line.

use forcemap::catalog::Catalog;
use forcemap::load::{load, parse_collection, parse_coverage, DataSource, Problem};
use forcemap::model::CollectionId;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn geodata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata")
}

fn valid_installation() -> Value {
    json!({
        "type": "Feature", "id": "test-base",
        "geometry": {"type": "Point", "coordinates": [74.85, 42.89]},
        "properties": {
            "name": "Test base", "kind": "air-base", "summary": "A fixture.",
            "valid_from": "2003-09", "valid_to": null, "location_precision": "town",
            "sources": [{"title": "A source", "ref": "002_c67d9e9a9e28a94f.txt"}]
        }
    })
}

fn problems_for(collection: CollectionId, features: Vec<Value>) -> Vec<String> {
    let text = json!({"type": "FeatureCollection", "features": features}).to_string();
    let mut problems: Vec<Problem> = Vec::new();
    parse_collection(collection, "f.geojson", text.as_bytes(), &mut problems);
    problems.iter().map(|p| p.to_string()).collect()
}

fn broken(edit: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut feature = valid_installation();
    edit(&mut feature);
    problems_for(CollectionId::Installations, vec![feature])
}

fn assert_one(lines: &[String], expected_prefix: &str, mentions: &str) {
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(expected_prefix) && l.contains(mentions)),
        "no line starting {expected_prefix:?} mentioning {mentions:?} in {lines:#?}"
    );
}

#[test]
fn the_fixture_itself_is_valid() {
    assert_eq!(broken(|_| {}), Vec::<String>::new());
}

#[test]
fn malformed_json_names_line_and_column() {
    let mut problems = Vec::new();
    parse_collection(
        CollectionId::Installations,
        "f.geojson",
        b"{\"type\": \"FeatureCollection\",\n \"features\": [}",
        &mut problems,
    );
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0]
            .to_string()
            .starts_with("f.geojson: -: -: malformed JSON at line 2 column"),
        "{}",
        problems[0]
    );
    // Numbers too large for a float are not finite: the JSON reader refuses them.
    let mut problems = Vec::new();
    let text = valid_installation().to_string().replace("74.85", "1e999");
    parse_collection(
        CollectionId::Installations,
        "f.geojson",
        format!("{{\"type\":\"FeatureCollection\",\"features\":[{text}]}}").as_bytes(),
        &mut problems,
    );
    assert!(
        problems[0].message.contains("malformed JSON"),
        "{}",
        problems[0]
    );
}

#[test]
fn wrong_geometry_type_for_the_collection() {
    let lines =
        broken(|f| f["geometry"] = json!({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}));
    assert_one(
        &lines,
        "f.geojson: test-base: geometry:",
        "LineString is not allowed in installations",
    );
    let groupings = problems_for(
        CollectionId::Groupings,
        vec![json!({
            "type": "Feature", "id": "g", "geometry": {"type": "Point", "coordinates": [0, 0]},
            "properties": {"name": "G", "kind": "organization", "summary": "s", "valid_from": "1992", "valid_to": null,
                            "members": [], "sources": [{"title": "t"}]}
        })],
    );
    assert_one(
        &groupings,
        "f.geojson: g: geometry:",
        "Point is not allowed in groupings",
    );
}

#[test]
fn coordinates_out_of_range() {
    assert_one(
        &broken(|f| f["geometry"]["coordinates"] = json!([200.0, 42.0])),
        "f.geojson: test-base: geometry:",
        "longitude 200",
    );
    assert_one(
        &broken(|f| f["geometry"]["coordinates"] = json!([74.0, -95.0])),
        "f.geojson: test-base: geometry:",
        "latitude -95",
    );
}

#[test]
fn unclosed_and_self_intersecting_rings() {
    let event = |coordinates: Value| {
        json!({
            "type": "Feature", "id": "area-event",
            "geometry": {"type": "Polygon", "coordinates": coordinates},
            "properties": {"name": "E", "kind": "exercise", "summary": "s", "valid_from": "2002-04", "valid_to": "2002-04",
                            "location_precision": "region", "sources": [{"title": "t"}]}
        })
    };
    let unclosed = problems_for(
        CollectionId::Events,
        vec![event(json!([[[70, 40], [71, 40], [71, 41], [70, 41]]]))],
    );
    assert_one(&unclosed, "f.geojson: area-event: geometry:", "not closed");
    let bowtie = problems_for(
        CollectionId::Events,
        vec![event(json!([[
            [70, 40],
            [71, 41],
            [71, 40],
            [70, 41],
            [70, 40]
        ]]))],
    );
    assert_one(
        &bowtie,
        "f.geojson: area-event: geometry:",
        "invalid polygon",
    );
}

#[test]
fn intervals_that_end_before_they_start() {
    let lines = broken(|f| f["properties"]["valid_to"] = json!("2001"));
    assert_one(
        &lines,
        "f.geojson: test-base: valid_to:",
        "ends before valid_from 2003-09",
    );
    let member = problems_for(
        CollectionId::Groupings,
        vec![json!({
            "type": "Feature", "id": "g", "geometry": null,
            "properties": {"name": "G", "kind": "organization", "summary": "s", "valid_from": "1992", "valid_to": null,
                            "members": [{"country": "UZB", "joined": "1999", "left": "1995", "status": "member", "sources": [0]}],
                            "sources": [{"title": "t"}]}
        })],
    );
    assert_one(
        &member,
        "f.geojson: g: members[0].left:",
        "1995 is before joined 1999",
    );
}

#[test]
fn missing_or_empty_sources() {
    let missing = broken(|f| {
        f["properties"].as_object_mut().unwrap().remove("sources");
    });
    assert_one(&missing, "f.geojson: test-base: sources:", "missing");
    assert_one(
        &broken(|f| f["properties"]["sources"] = json!([])),
        "f.geojson: test-base: sources:",
        "empty",
    );
    assert_one(
        &broken(|f| f["properties"]["sources"] = json!([{"publisher": "x"}])),
        "f.geojson: test-base: sources[0].title:",
        "missing",
    );
}

#[test]
fn other_field_rules() {
    assert_one(
        &broken(|f| f["properties"]["valid_from"] = json!("2003-13")),
        "f.geojson: test-base: valid_from:",
        "month",
    );
    assert_one(
        &broken(|f| f["properties"]["kind"] = json!("castle")),
        "f.geojson: test-base: kind:",
        "castle",
    );
    assert_one(
        &broken(|f| f["properties"]["location_precision"] = json!("exact")),
        "f.geojson: test-base: location_precision:",
        "exact",
    );
    assert_one(
        &broken(|f| {
            f["properties"]
                .as_object_mut()
                .unwrap()
                .remove("location_precision");
        }),
        "f.geojson: test-base: location_precision:",
        "missing",
    );
    assert_one(
        &broken(|f| f["id"] = json!("Bad Id")),
        "f.geojson: #0: id:",
        "Bad Id",
    );
    assert_one(
        &broken(|f| f["properties"]["strength"] = json!({"personnel": 5, "source": 3})),
        "f.geojson: test-base: strength.source:",
        "not an index",
    );
}

/// A copy of `geodata/` in a temporary directory, with files edited by `edit`.
fn broken_copy(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(geodata()).unwrap() {
        let entry = entry.unwrap();
        // The files only: the stories folder has its own tests (tests/stories.rs).
        if entry.path().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    edit(dir.path());
    dir
}

fn edit_json(path: &Path, edit: impl FnOnce(&mut Value)) {
    let mut value: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    edit(&mut value);
    std::fs::write(path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
}

fn feature_mut<'a>(collection: &'a mut Value, id: &str) -> &'a mut Value {
    collection["features"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["id"] == id)
        .unwrap()
}

#[test]
fn validate_command_exits_0_on_geodata_and_1_with_precise_lines_on_a_broken_copy() {
    let binary = env!("CARGO_BIN_EXE_forcemap");
    let clean = Command::new(binary)
        .args(["validate", "--data"])
        .arg(geodata())
        .output()
        .unwrap();
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );
    assert!(clean.stdout.is_empty());

    let dir = broken_copy(|dir| {
        edit_json(&dir.join("groupings.geojson"), |v| {
            let cst = feature_mut(v, "cst");
            cst["properties"]["members"][0]["country"] = json!("XYZ");
            cst["properties"]["valid_to"] = json!("1990");
        });
        edit_json(&dir.join("installations.geojson"), |v| {
            let kant = feature_mut(v, "kant-air-base");
            kant["geometry"]["coordinates"] = json!([74.85, 142.0]);
            kant["properties"]["sources"] = json!([]);
        });
        edit_json(&dir.join("events.geojson"), |v| {
            let copy = v["features"][0].clone();
            let mut duplicate = copy;
            duplicate["id"] = json!("kant-air-base");
            v["features"].as_array_mut().unwrap().push(duplicate);
        });
        std::fs::write(
            dir.join("routes.geojson"),
            "{\"type\": \"FeatureCollection\", \"features\": [",
        )
        .unwrap();
    });
    let output = Command::new(binary)
        .args(["validate", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<String> = stdout.lines().map(str::to_string).collect();
    assert_one(
        &lines,
        "groupings.geojson: cst: members[0].country:",
        "\"XYZ\" is not a country",
    );
    assert_one(
        &lines,
        "groupings.geojson: cst: valid_to:",
        "ends before valid_from",
    );
    assert_one(
        &lines,
        "installations.geojson: kant-air-base: geometry:",
        "latitude 142",
    );
    assert_one(
        &lines,
        "installations.geojson: kant-air-base: sources:",
        "empty",
    );
    assert_one(
        &lines,
        "events.geojson: kant-air-base: id:",
        "duplicate id, also used in installations.geojson",
    );
    assert_one(&lines, "routes.geojson: -: -:", "malformed JSON");
    // Nothing but problem lines on stdout, each with four parts.
    assert!(
        lines.iter().all(|l| l.splitn(4, ": ").count() == 4),
        "{lines:#?}"
    );
}

#[test]
fn membership_at_dates() {
    let catalog =
        Catalog::build(load(&DataSource::Dir(geodata())).unwrap_or_else(|p| panic!("{p}")));
    let groupings = catalog.collection(CollectionId::Groupings);
    let members = |id: &str, date: &str| -> Vec<String> {
        let day = date.parse().unwrap();
        groupings
            .get(id)
            .unwrap()
            .members_on(day)
            .into_iter()
            .map(str::to_string)
            .collect()
    };
    let has =
        |id: &str, date: &str, country: &str| members(id, date).contains(&country.to_string());
    assert!(has("cst", "1995-01-01", "UZB"));
    assert!(!has("cst", "2001-01-01", "UZB"));
    assert!(has("cst", "1995-01-01", "GEO"));
    assert!(!has("cst", "2000-01-01", "GEO"));
    assert!(!has("cst", "1993-06-01", "BLR"));
    assert!(has("cst", "1994-06-01", "BLR"));
    assert!(has("cst", "2001-01-01", "BLR"));
    assert!(has("csto", "2008-01-01", "UZB"));
    assert!(!has("csto", "2015-01-01", "UZB"));
    assert!(has("crdf", "2005-06-01", "TJK"));
}

/// Every problem `load` reports for a copy of `geodata/` edited by `edit`.
fn problems_in_copy(edit: impl FnOnce(&Path)) -> Vec<String> {
    let dir = broken_copy(edit);
    match load(&DataSource::Dir(dir.path().to_path_buf())) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.0.iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn relations_must_hold_at_the_dates_of_both_sides() {
    let lines = problems_in_copy(|dir| {
        edit_json(&dir.join("events.geojson"), |v| {
            // Linked to the CRRF four months before the CRRF agreement.
            let decision = feature_mut(v, "crrf-decision-2009");
            decision["properties"]["groupings"] = json!(["csto", "crrf"]);
            // Month precision that may mean the CRRF's own day is not a problem.
            let agreement = feature_mut(v, "crrf-agreement-2009");
            agreement["properties"]["valid_from"] = json!("2009-06");
        });
        edit_json(&dir.join("groupings.geojson"), |v| {
            // Under the CSTO from 2001 although the CSTO starts in October 2002.
            let crdf = feature_mut(v, "crdf");
            crdf["properties"]
                .as_object_mut()
                .unwrap()
                .remove("parent_history");
            // A spell under the CST that outlasts the CST, and a last spell that is not
            // the parent.
            let group = feature_mut(v, "east-european-group");
            group["properties"]["parent_history"][0]["to"] = json!("2003");
            group["properties"]["parent"] = json!("cst");
        });
        edit_json(&dir.join("forces.geojson"), |v| {
            // At Kant before the base opened.
            let air_group = feature_mut(v, "kant-air-group");
            air_group["properties"]["valid_from"] = json!("2003-01");
        });
    });
    assert_one(
        &lines,
        "events.geojson: crrf-decision-2009: groupings[1]:",
        "before \"crrf\" exists (from 2009-06-14)",
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("events.geojson: crrf-agreement-2009:")),
        "{lines:#?}"
    );
    assert_one(
        &lines,
        "groupings.geojson: crdf: parent:",
        "starts 2001-05-25, before \"csto\" exists (from 2002-10-07)",
    );
    assert_one(
        &lines,
        "groupings.geojson: east-european-group: parent_history[0].parent:",
        "after \"cst\" ended (2002-10-07)",
    );
    assert_one(
        &lines,
        "groupings.geojson: east-european-group: parent:",
        "must name the last parent of parent_history, \"csto\"",
    );
    assert_one(
        &lines,
        "forces.geojson: kant-air-group: installation:",
        "before \"kant-air-base\" exists (from 2003-10-23)",
    );
}

#[test]
fn parent_history_spells_are_checked_for_shape_and_targets() {
    let lines = problems_in_copy(|dir| {
        edit_json(&dir.join("groupings.geojson"), |v| {
            let crdf = feature_mut(v, "crdf");
            crdf["properties"]["parent_history"] = json!([
                {"parent": "nowhere", "from": "2001-05-25", "to": "2002-10-07"},
                {"parent": "csto", "from": "2002-13", "to": null},
            ]);
            let crrf = feature_mut(v, "crrf");
            crrf["properties"]["parent_history"] = json!([]);
        });
    });
    assert_one(
        &lines,
        "groupings.geojson: crdf: parent_history[0].parent:",
        "\"nowhere\" does not name a known feature",
    );
    assert_one(
        &lines,
        "groupings.geojson: crdf: parent_history[1].from:",
        "the month must be 01 to 12",
    );
    assert_one(
        &lines,
        "groupings.geojson: crrf: parent_history:",
        "non-empty array",
    );
}

fn valid_coverage() -> Value {
    let layer =
        |end: Value| json!({"interval": ["1992-05-15", end], "completeness": "A sentence."});
    json!({
        "interval": ["1991-12-08", "2025-11-25"],
        "collections": {
            "groupings": layer(json!("2025-11-25")),
            "installations": layer(json!("2013-12-31")),
            "forces": layer(json!("2013-12-31")),
            "events": layer(json!("2025-11-25")),
            "routes": layer(json!("2013-12-31")),
        }
    })
}

fn coverage_problems(coverage: &Value) -> (Option<forcemap::model::Coverage>, Vec<String>) {
    let mut problems = Vec::new();
    let parsed = parse_coverage(
        "coverage.json",
        coverage.to_string().as_bytes(),
        &mut problems,
    );
    (parsed, problems.iter().map(|p| p.to_string()).collect())
}

#[test]
fn the_coverage_fixture_is_valid_and_parses_to_periods() {
    let (parsed, lines) = coverage_problems(&valid_coverage());
    assert_eq!(lines, Vec::<String>::new());
    let coverage = parsed.unwrap();
    let forces = coverage.layer(CollectionId::Forces).unwrap();
    assert_eq!(forces.interval.end, "2013-12-31".parse().ok());
    assert!(forces.interval.contains("2000-01-01".parse().unwrap()));
    assert!(!forces.interval.contains("2014-01-01".parse().unwrap()));
    assert_eq!(
        coverage.to_json()["collections"]["forces"]["interval"],
        json!(["1992-05-15", "2013-12-31"])
    );
}

#[test]
fn broken_coverage_declarations_are_reported() {
    let mut coverage = valid_coverage();
    let collections = coverage["collections"].as_object_mut().unwrap();
    collections.remove("routes");
    collections.insert(
        "rivers".into(),
        json!({"interval": ["2000-01-01", null], "completeness": "x"}),
    );
    collections["forces"]["completeness"] = json!(" ");
    collections["events"]["interval"] = json!(["2000", "2005-01-01"]);
    // Open-ended although the dataset's interval is closed.
    collections["groupings"]["interval"] = json!(["1992-05-15", null]);
    collections["installations"]["interval"] = json!(["2010-01-01", "2001-01-01"]);
    let (parsed, lines) = coverage_problems(&coverage);
    assert!(parsed.is_none());
    assert_one(&lines, "coverage.json: routes: -:", "missing");
    assert_one(
        &lines,
        "coverage.json: rivers: -:",
        "not a curated collection",
    );
    assert_one(
        &lines,
        "coverage.json: forces: completeness:",
        "missing or empty",
    );
    assert_one(&lines, "coverage.json: events: interval:", "start \"2000\"");
    assert_one(
        &lines,
        "coverage.json: groupings: interval:",
        "outside the dataset's interval",
    );
    assert_one(
        &lines,
        "coverage.json: installations: interval:",
        "ends before it starts",
    );
    let (_, lines) = coverage_problems(&json!({"interval": ["1991-12-08"], "collections": {}}));
    assert_one(&lines, "coverage.json: -: interval:", "must be [");
    let (_, lines) = coverage_problems(&json!([1, 2]));
    assert_one(&lines, "coverage.json: -: -:", "must be a JSON object");
}

#[test]
fn features_after_their_layers_coverage_and_a_missing_coverage_file_are_reported() {
    let lines = problems_in_copy(|dir| {
        edit_json(&dir.join("coverage.json"), |v| {
            v["collections"]["events"]["interval"] = json!(["1992-05-15", "2013-12-31"]);
        });
    });
    assert_one(
        &lines,
        "events.geojson: armenia-freezes-csto-participation-2024: valid_from:",
        "after the end of the layer's coverage (2013-12-31)",
    );
    let lines = problems_in_copy(|dir| {
        std::fs::remove_file(dir.join("coverage.json")).unwrap();
    });
    assert_one(&lines, "coverage.json: -: -:", "cannot read");
}

#[test]
fn participation_frozen_and_participant_are_statuses() {
    let grouping = |status: &str| {
        json!({
            "type": "Feature", "id": "g", "geometry": null,
            "properties": {"name": "G", "kind": "organization", "summary": "s",
                           "valid_from": "1992", "valid_to": null,
                           "members": [{"country": "ARM", "joined": "2024-02", "left": null,
                                        "status": status, "sources": [0]}],
                           "sources": [{"title": "t"}]}
        })
    };
    for status in ["participation-frozen", "participant"] {
        assert_eq!(
            problems_for(CollectionId::Groupings, vec![grouping(status)]),
            Vec::<String>::new()
        );
    }
    assert_one(
        &problems_for(CollectionId::Groupings, vec![grouping("frozen")]),
        "f.geojson: g: members[0].status:",
        "use member, participation-frozen, participant, suspended or observer",
    );
}
