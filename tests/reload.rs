//! Reloading: invalid new data is refused and reported at `/status` while the last good data is
//! served; fixed data is swapped in; a client paging across a swap is told.

mod common;

use common::{client, geodata, serve};
use forcemap::api::reload::{reload, watch, Outcome};
use forcemap::api::AppState;
use forcemap::catalog::Catalog;
use forcemap::load::{load, DataSource};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

fn copy_geodata(to: &Path) {
    for entry in std::fs::read_dir(geodata()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

fn get(base: &str, path: &str) -> (u16, Value) {
    let response = client().get(format!("{base}{path}")).send().unwrap();
    let status = response.status().as_u16();
    (status, response.json().unwrap_or(Value::Null))
}

fn kant_name(base: &str) -> String {
    let (status, body) = get(base, "/collections/installations/items/kant-air-base");
    assert_eq!(status, 200, "{body}");
    body["properties"]["name"].as_str().unwrap().to_string()
}

/// Rewrites the installations file with `change` applied to Kant's properties.
fn edit_kant(dir: &Path, change: impl FnOnce(&mut serde_json::Map<String, Value>)) {
    let path = dir.join("installations.geojson");
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let kant = doc["features"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["id"] == "kant-air-base")
        .unwrap();
    change(kant["properties"].as_object_mut().unwrap());
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    // Bounded by rounds, not by a time budget: the watcher polls every 50 ms.
    for _ in 0..600 {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} never happened");
}

#[test]
fn invalid_data_is_refused_and_reported_and_fixed_data_is_served() {
    let dir = tempfile::tempdir().unwrap();
    copy_geodata(dir.path());
    let source = DataSource::Dir(dir.path().to_path_buf());
    let state = AppState::new(Catalog::build(load(&source).unwrap()), None);
    let base = serve(state.clone());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.spawn(watch(
        state.clone(),
        dir.path().to_path_buf(),
        Duration::from_millis(50),
    ));

    let name = kant_name(&base);
    let (_, before) = get(&base, "/status");
    let version = before["dataVersion"].as_str().unwrap().to_string();
    assert_eq!(before["reload"]["state"], "ok");

    // A date that is not a date: the reload is refused.
    let mut valid_from = Value::Null;
    edit_kant(dir.path(), |p| {
        valid_from = p
            .insert("valid_from".into(), Value::from("not-a-date"))
            .unwrap();
        p.insert("name".into(), Value::from("Renamed while broken"));
    });
    wait_for("the refusal", || {
        get(&base, "/status").1["reload"]["state"] == "refused"
    });
    let (_, status) = get(&base, "/status");
    assert_eq!(status["dataVersion"], version.as_str(), "{status}");
    let problems = status["reload"]["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p["file"] == "installations.geojson"
            && p["feature"] == "kant-air-base"
            && p["field"] == "valid_from"
            && p["problem"].as_str().is_some_and(|m| !m.is_empty())),
        "{status}"
    );
    assert!(status["reload"]["since"].as_str().is_some(), "{status}");
    assert_eq!(kant_name(&base), name, "the broken data leaked out");

    // Fixed: the new name is served and the refusal is gone.
    edit_kant(dir.path(), |p| {
        p.insert("valid_from".into(), valid_from);
    });
    wait_for("the new data", || {
        kant_name(&base) == "Renamed while broken"
    });
    let (_, after) = get(&base, "/status");
    assert_eq!(after["reload"]["state"], "ok", "{after}");
    assert_ne!(after["dataVersion"], version.as_str());
}

#[test]
fn a_client_paging_across_a_reload_is_told() {
    let dir = tempfile::tempdir().unwrap();
    copy_geodata(dir.path());
    let source = DataSource::Dir(dir.path().to_path_buf());
    let state = AppState::new(Catalog::build(load(&source).unwrap()), None);
    let base = serve(state.clone());
    let (_, first) = get(&base, "/collections/installations/items?limit=2");
    let next = first["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "next")
        .unwrap()["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(next.contains("data-version="), "{next}");
    assert_eq!(client().get(&next).send().unwrap().status(), 200);

    edit_kant(dir.path(), |p| {
        p.insert("name".into(), Value::from("Kant, renamed"));
    });
    let runtime = tokio::runtime::Runtime::new().unwrap();
    assert_eq!(
        runtime.block_on(reload(&state, dir.path())),
        Outcome::Swapped
    );
    let response = client().get(&next).send().unwrap();
    assert_eq!(response.status(), 409);
    let body: Value = response.json().unwrap();
    assert_eq!(body["code"], "DataChanged");
    assert!(body["description"].as_str().unwrap().contains("first page"));
    // Unchanged data again is no change at all.
    assert_eq!(
        runtime.block_on(reload(&state, dir.path())),
        Outcome::Unchanged
    );
}
