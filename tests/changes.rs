//! `/analysis/changes` over HTTP: what changed between two dates, as GeoJSON in date order,
//! and the same answer from `forcemap query changes`.

mod common;

use common::{get, get_ok};
use serde_json::Value;
use std::process::Command;

fn features(body: &Value) -> &Vec<Value> {
    body["features"]
        .as_array()
        .unwrap_or_else(|| panic!("no features in {body}"))
}

#[test]
fn between_1995_and_2001_uzbekistan_leaves_the_cst() {
    let body = get_ok("/analysis/changes?from=1995&to=2001");
    assert_eq!(body["type"], "FeatureCollection");
    let list = features(&body);
    let exit = list
        .iter()
        .find(|f| {
            let p = &f["properties"];
            p["change"] == "left" && p["grouping"] == "cst" && p["country"] == "UZB"
        })
        .unwrap_or_else(|| panic!("no exit of Uzbekistan from the CST in {body:#}"));
    let p = &exit["properties"];
    assert_eq!(p["date"], "1999-04");
    assert_eq!(p["collection"], "groupings");
    assert_eq!(p["id"], "cst");
    assert_eq!(p["status_from"], "member");
    assert!(exit["geometry"].is_null());
    // Azerbaijan and Georgia did not extend either; Uzbekistan's return came later.
    for country in ["AZE", "GEO"] {
        assert!(list
            .iter()
            .any(|f| f["properties"]["change"] == "left" && f["properties"]["country"] == country));
    }
    // (It joined the Shanghai Cooperation Organisation in 2001, but not the treaty again.)
    assert!(!list.iter().any(|f| {
        let p = &f["properties"];
        p["change"] == "joined"
            && p["country"] == "UZB"
            && (p["grouping"] == "cst" || p["grouping"] == "csto")
    }));
    assert!(list.iter().any(|f| {
        let p = &f["properties"];
        p["change"] == "joined" && p["country"] == "UZB" && p["grouping"] == "sco"
    }));
    assert_eq!(body["summary"]["question"], "changes");
    assert_eq!(body["summary"]["period"][0], "1995-01-01");
    assert_eq!(body["summary"]["period"][1], "2001-12-31");
    assert_eq!(
        body["numberReturned"].as_u64().unwrap() as usize,
        list.len()
    );
}

#[test]
fn the_list_is_sorted_by_date_and_every_feature_has_the_contract_properties() {
    let body = get_ok("/analysis/changes?from=1992-05&to=2013");
    let list = features(&body);
    let kinds = [
        "joined",
        "left",
        "status-changed",
        "opened",
        "closed",
        "event",
    ];
    let mut previous = String::new();
    for f in list {
        let p = &f["properties"];
        assert!(kinds.contains(&p["change"].as_str().unwrap()), "{p}");
        for key in ["date", "collection", "id", "name"] {
            assert!(p[key].is_string(), "{key} missing in {p}");
        }
        // Dates of any precision sort by their first day, which the text order of
        // YYYY, YYYY-MM and YYYY-MM-DD follows.
        let date = p["date"].as_str().unwrap().to_string();
        assert!(date >= previous, "{date} listed after {previous}");
        previous = date;
        if p["collection"] == "groupings" && p["country"].is_string() {
            assert!(f["geometry"].is_null());
            assert_eq!(p["grouping"], p["id"]);
        }
    }
    let uzbek_suspension = list
        .iter()
        .find(|f| {
            let p = &f["properties"];
            p["change"] == "status-changed" && p["grouping"] == "csto" && p["country"] == "UZB"
        })
        .expect("Uzbekistan suspended in the CSTO in 2012");
    assert_eq!(uzbek_suspension["properties"]["status_to"], "suspended");
    let kant = list
        .iter()
        .find(|f| f["properties"]["id"] == "kant-air-base")
        .expect("Kant opened in 2003");
    assert_eq!(kant["properties"]["change"], "opened");
    assert_eq!(kant["geometry"]["type"], "Point");
    let border_guards = list
        .iter()
        .find(|f| {
            f["properties"]["id"] == "russian-border-guards-tajikistan"
                && f["properties"]["change"] == "closed"
        })
        .expect("the Russian border guards left Tajikistan in 2005");
    assert_eq!(border_guards["properties"]["date"], "2005-09-01");
}

#[test]
fn bad_periods_are_refused_naming_the_parameter() {
    for (query, parameter) in [
        ("to=2001", "from"),
        ("from=1995", "to"),
        ("from=1995&to=next%20year", "to"),
        ("from=2001&to=1995", "to"),
        ("from=1995-13&to=2001", "from"),
    ] {
        let (status, _, body) = get(&format!("/analysis/changes?{query}"));
        assert_eq!(status, 400, "{query}: {body}");
        let description = body["description"].as_str().unwrap();
        assert!(description.contains(parameter), "{query}: {description}");
    }
    let (status, _, body) = get("/analysis/changes?from=1995&to=2001&datetime=2000");
    assert_eq!(status, 400, "{body}");
    assert!(body["description"].as_str().unwrap().contains("datetime"));
}

#[test]
fn the_endpoint_is_in_the_openapi_document() {
    let api = get_ok("/api");
    let names: Vec<&str> = api["paths"]["/analysis/changes"]["get"]["parameters"]
        .as_array()
        .expect("/analysis/changes documented")
        .iter()
        .map(|p| match p["$ref"].as_str() {
            // A shared parameter: named by the component the reference points to.
            Some(reference) => {
                let component = reference.rsplit('/').next().unwrap();
                api["components"]["parameters"][component]["name"]
                    .as_str()
                    .unwrap()
            }
            None => p["name"].as_str().unwrap(),
        })
        .collect();
    assert_eq!(
        names,
        ["from", "to", "limit", "offset", "f", "data-version"]
    );
}

#[test]
fn the_command_line_prints_the_same_changes() {
    let output = Command::new(env!("CARGO_BIN_EXE_forcemap"))
        .args([
            "query", "changes", "--from", "1995", "--to", "2001", "--data",
        ])
        .arg(common::geodata())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let served = get_ok("/analysis/changes?from=1995&to=2001");
    assert_eq!(printed["features"], served["features"]);
}
