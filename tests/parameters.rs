//! The parameter declarations as the one source of what is accepted: every items parameter of
//! `query::items_spec` is in `/api` exactly as declared and its declared limits are the ones
//! the server enforces (a value just past one gets a 400 naming the parameter); every
//! analysis parameter of `QUESTION_SPECS` is a flag of `forcemap query`, whose answers are
//! the endpoint's.

mod common;

use common::{get, get_ok};
use forcemap::query::analysis::{QuestionSpec, QUESTION_SPECS};
use forcemap::query::items_spec::{ITEMS_PARAMETER_SPECS, ITEM_PARAMETER_SPECS};
use forcemap::query::params::ParamSpec;
use serde_json::{json, Value};

const ITEMS: &str = "/collections/installations/items";

#[test]
fn every_items_parameter_is_in_the_api_document_as_declared() {
    let api = get_ok("/api");
    for spec in ITEMS_PARAMETER_SPECS {
        let shared = &api["components"]["parameters"][spec.name];
        assert_eq!(shared["name"], spec.name);
        assert_eq!(shared["description"], spec.description, "{}", spec.name);
        assert_eq!(shared["schema"], (spec.schema)(), "{}", spec.name);
        assert_eq!(shared["required"], spec.required, "{}", spec.name);
    }
    let queryables = get_ok("/collections/installations/queryables");
    for (path, declared) in [
        (ITEMS.to_string(), ITEMS_PARAMETER_SPECS),
        (format!("{ITEMS}/{{featureId}}"), ITEM_PARAMETER_SPECS),
    ] {
        let documented = common::resolved_parameters(&api, &path);
        let names: Vec<&str> = documented
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        // `f` first (after the feature id), then the declarations in their order.
        let start = names.iter().position(|n| *n == "f").unwrap() + 1;
        let declared_names: Vec<&str> = declared.iter().map(|p| p.name).collect();
        assert_eq!(
            names[start..start + declared.len()],
            declared_names,
            "{path}"
        );
        // Each one carries its declared description; a schema narrowed to the collection
        // (sortby, properties, crs) is a subset of the declared one.
        for (entry, spec) in documented[start..].iter().zip(declared) {
            assert_eq!(
                entry["description"], spec.description,
                "{path} {}",
                spec.name
            );
            let declared_schema = (spec.schema)();
            assert_eq!(entry["schema"]["type"], declared_schema["type"]);
            if let Some(offered) = entry["schema"]["enum"].as_array() {
                let all = declared_schema["enum"].as_array().unwrap();
                assert!(offered.iter().all(|v| all.contains(v)), "{}", spec.name);
            }
        }
        if path == ITEMS {
            // The rest: the data version, then one equality parameter per queryable.
            assert_eq!(names[start + declared.len()], "data-version");
            for q in queryables["properties"].as_object().unwrap().keys() {
                if !["geometry", "datetime"].contains(&q.as_str()) {
                    assert!(names.contains(&q.as_str()), "queryable {q} undocumented");
                }
            }
        }
    }
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Values the declared schema refuses, each built from the schema itself: one past each end of
/// a range, text where a number or boolean is declared, a value outside an enum, text a
/// pattern refuses, an array of the wrong length or with an empty item.
fn refused_values(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let number = |key: &str| schema[key].as_i64();
    match schema["type"].as_str().unwrap() {
        "integer" | "number" => {
            out.push("many".into());
            if let Some(max) = number("maximum") {
                out.push((max + 1).to_string());
            }
            if let Some(min) = number("minimum") {
                out.push((min - 1).to_string());
            }
        }
        "boolean" => out.push("maybe".into()),
        "array" => {
            let item = &schema["items"];
            if item["type"] == "number" {
                out.push("1,south,3,4".into());
            }
            if let Some(lengths) = schema["anyOf"].as_array() {
                let admitted: Vec<u64> = lengths
                    .iter()
                    .map(|l| l["minItems"].as_u64().unwrap())
                    .collect();
                let refused = (1..8).find(|n| !admitted.contains(n)).unwrap();
                out.push(vec!["1"; refused as usize].join(","));
            }
            if item["minLength"] == 1 || item["pattern"].is_string() {
                out.push("a,,b".into());
            }
            if item["pattern"].is_string() {
                out.push("na me".into());
            }
        }
        _ => {
            if schema["enum"].is_array() || schema["pattern"].is_string() {
                out.push("nothing-of-the-kind".into());
            }
        }
    }
    out
}

/// Values the declared schema admits: each end of a range, an enum's first value.
fn admitted_values(schema: &Value) -> Vec<String> {
    let mut out: Vec<String> = ["minimum", "maximum"]
        .iter()
        .filter_map(|key| schema[*key].as_i64())
        .map(|n| n.to_string())
        .collect();
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        out.push(first.as_str().unwrap().to_string());
    }
    if schema["type"] == "boolean" {
        out.extend(["true".to_string(), "false".to_string()]);
    }
    out
}

/// The start of an answer, enough to tell what it is in a failure message.
fn brief(body: &Value) -> String {
    body.to_string().chars().take(300).collect()
}

#[test]
fn the_declared_limits_are_the_ones_the_server_enforces() {
    let mut refused_cases = 0;
    for spec in ITEMS_PARAMETER_SPECS {
        let schema = (spec.schema)();
        for value in refused_values(&schema) {
            let path = format!("{ITEMS}?{}={}", spec.name, encode(&value));
            let (status, _, body) = get(&path);
            assert_eq!(status, 400, "{path}: {}", brief(&body));
            let description = body["description"].as_str().unwrap();
            assert!(description.contains(spec.name), "{path}: {description}");
            refused_cases += 1;
        }
        for value in admitted_values(&schema) {
            let path = format!("{ITEMS}?{}={}&limit=1", spec.name, encode(&value));
            let path = if spec.name == "limit" {
                format!("{ITEMS}?limit={value}")
            } else {
                path
            };
            let (status, _, body) = get(&path);
            assert_eq!(status, 200, "{path}: {}", brief(&body));
        }
    }
    // limit (past its maximum and its minimum, not a number), offset, bbox, datetime, the CRSs,
    // filter-lang, properties, sortby and skipGeometry each gave at least one.
    assert!(refused_cases >= 15, "{refused_cases}");
    let limit = (ITEMS_PARAMETER_SPECS
        .iter()
        .find(|p| p.name == "limit")
        .unwrap()
        .schema)();
    assert_eq!(limit["maximum"], json!(forcemap::query::params::MAX_LIMIT));
}

// ------------------------------------------------------------------------ the command line

fn forcemap(args: &[String]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_forcemap"))
        .args(args)
        .output()
        .unwrap()
}

fn flag(spec: &ParamSpec) -> String {
    format!("--{}", spec.name.replace('_', "-"))
}

/// Runs of help text as one line of single spaces: clap may wrap or indent them.
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_query_help_lists_every_declared_parameter_with_its_description() {
    for question in QUESTION_SPECS {
        let out = forcemap(&["query".into(), question.name.into(), "--help".into()]);
        assert!(out.status.success(), "{}", question.name);
        let help = squeezed(&String::from_utf8(out.stdout).unwrap());
        assert!(
            help.contains(&squeezed(question.summary)),
            "{}",
            question.name
        );
        for p in question.parameters {
            let usage = format!("{} <{}>", flag(p), p.name.to_uppercase());
            assert!(
                help.contains(&usage),
                "{}: {usage} missing:\n{help}",
                question.name
            );
            assert!(
                help.contains(&squeezed(p.description)),
                "{} {}: description missing",
                question.name,
                p.name
            );
            // A required parameter is in the usage line, before the options.
            let usage_line = help.split(" Options: ").next().unwrap();
            assert_eq!(usage_line.contains(&usage), p.required, "{}", p.name);
        }
        assert!(help.contains("--data <DIR>"));
    }
}

/// One example of each question, as name/value pairs.
fn examples() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            "border-zone",
            vec![
                ("countries", "TJK,AFG"),
                ("distance_km", "50"),
                ("datetime", "2005-06-01"),
                ("collections", "installations,forces"),
                ("include", "zone"),
            ],
        ),
        (
            "near",
            vec![("lon", "74.6"), ("lat", "42.85"), ("radius_km", "400")],
        ),
        (
            "nearest",
            vec![("lon", "-0.1"), ("lat", "51.5"), ("k", "4")],
        ),
        (
            "within",
            vec![("area", "TJK"), ("collections", "installations")],
        ),
        (
            "locate",
            vec![
                ("lon", "69.24"),
                ("lat", "41.30"),
                ("datetime", "2008-06-01"),
            ],
        ),
        (
            "range",
            vec![("from", "kant-air-base"), ("radius_km", "500")],
        ),
        ("changes", vec![("from", "1995"), ("to", "2001")]),
    ]
}

fn cli_answer(question: &QuestionSpec, pairs: &[(&str, &str)]) -> Value {
    let mut args = vec!["query".to_string(), question.name.to_string()];
    for (name, value) in pairs {
        let spec = question
            .parameters
            .iter()
            .find(|p| p.name == *name)
            .unwrap();
        args.extend([flag(spec), value.to_string()]);
    }
    args.extend([
        "--data".to_string(),
        common::geodata().display().to_string(),
    ]);
    let out = forcemap(&args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn http_answer(name: &str, pairs: &[(&str, &str)]) -> Value {
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    get_ok(&format!("/analysis/{name}?{}", query.join("&")))
}

#[test]
fn every_question_from_the_command_line_answers_as_the_endpoint() {
    let examples = examples();
    let asked: Vec<&str> = examples.iter().map(|(name, _)| *name).collect();
    let declared: Vec<&str> = QUESTION_SPECS.iter().map(|q| q.name).collect();
    assert_eq!(asked, declared, "one example per question");
    for (name, pairs) in &examples {
        let question = QuestionSpec::find(name).unwrap();
        let printed = cli_answer(question, pairs);
        // The command line prints the whole list; the endpoint gives it on one large page.
        let mut whole = pairs.clone();
        if question.is_paged() {
            whole.push(("limit", "10000"));
        }
        let served = http_answer(name, &whole);
        assert!(!served["features"].as_array().unwrap().is_empty(), "{name}");
        assert_eq!(printed["features"], served["features"], "{name}");
        assert_eq!(printed["summary"], served["summary"], "{name}");
        if question.is_paged() {
            // A page asked for by --limit and --offset is the endpoint's page.
            let mut paged = pairs.clone();
            paged.extend([("limit", "2"), ("offset", "1")]);
            let printed = cli_answer(question, &paged);
            let served = http_answer(name, &paged);
            assert_eq!(printed["features"], served["features"], "{name} page");
            assert_eq!(printed["numberMatched"], served["numberMatched"], "{name}");
            assert_eq!(
                printed["numberReturned"], served["numberReturned"],
                "{name}"
            );
        }
    }
}

#[test]
fn the_command_line_refuses_what_the_endpoint_refuses_naming_the_parameter() {
    for (args, parameter) in [
        (
            &["near", "--lon", "-200", "--lat", "0", "--radius-km", "5"][..],
            "lon",
        ),
        (
            &["changes", "--from", "1995", "--to", "2001", "--limit", "0"][..],
            "limit",
        ),
        (&["within", "--area", "TJK", "--offset", "-1"][..], "offset"),
    ] {
        let mut all: Vec<String> = ["query"]
            .iter()
            .chain(args)
            .map(|s| s.to_string())
            .collect();
        all.extend([
            "--data".to_string(),
            common::geodata().display().to_string(),
        ]);
        let out = forcemap(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("invalid {parameter}")),
            "{args:?}: {stderr}"
        );
    }
    // A flag that is not a declared parameter is clap's to refuse, also with status 2.
    let out = forcemap(&[
        "query".into(),
        "locate".into(),
        "--radius-km".into(),
        "5".into(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}
