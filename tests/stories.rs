//! Stories: the shipped ones load and are served as stored; every validation rule fires on a
//! broken story with a precise `file: story-id: field: problem` line.

mod common;

use common::{get, get_ok};
use forcemap::load::{load, parse_story, DataSource, Dataset, KnownIds, Problem, STORIES_DIR};
use serde_json::{json, Value};
use std::process::Command;
use std::sync::OnceLock;

/// The built-in dataset, loaded once for the tests of this file.
fn built_in() -> &'static Dataset {
    static DATASET: OnceLock<Dataset> = OnceLock::new();
    DATASET.get_or_init(|| load(&DataSource::BuiltIn).unwrap_or_else(|p| panic!("{p}")))
}

fn story_file() -> std::path::PathBuf {
    common::geodata()
        .join(STORIES_DIR)
        .join("csto-1992-2013.json")
}

fn stored_story() -> Value {
    serde_json::from_slice(&std::fs::read(story_file()).unwrap()).unwrap()
}

#[test]
fn the_list_names_the_csto_story_with_its_step_count() {
    let body = get_ok("/stories");
    let stories = body["stories"].as_array().unwrap();
    let csto = stories
        .iter()
        .find(|s| s["id"] == "csto-1992-2013")
        .unwrap_or_else(|| panic!("{body}"));
    let steps = stored_story()["steps"].as_array().unwrap().len();
    assert_eq!(csto["steps"].as_u64().unwrap() as usize, steps);
    assert!(steps >= 10, "{steps} steps");
    assert_eq!(csto["title"], stored_story()["title"]);
    let href = csto["links"][0]["href"].as_str().unwrap();
    assert!(href.ends_with("/stories/csto-1992-2013"), "{href}");
    assert!(body["links"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["rel"] == "self"));
}

#[test]
fn one_story_is_the_document_as_stored_plus_links() {
    let (status, headers, mut body) = get("/stories/csto-1992-2013");
    assert_eq!(status, 200);
    assert!(headers.get("etag").is_some());
    let links = body.as_object_mut().unwrap().remove("links").unwrap();
    assert_eq!(body, stored_story());
    assert!(links
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["rel"] == "collection"));
}

#[test]
fn an_unknown_story_is_a_404_naming_the_known_ones() {
    let (status, _, body) = get("/stories/no-such-story");
    assert_eq!(status, 404);
    assert_eq!(body["code"], "NotFound");
    assert!(body["description"]
        .as_str()
        .unwrap()
        .contains("csto-1992-2013"));
    let (status, _, body) = get("/stories?foo=1");
    assert_eq!(status, 400, "{body}");
}

#[test]
fn the_stories_are_in_the_openapi_document() {
    let api = get_ok("/api");
    assert!(api["paths"]["/stories"]["get"].is_object());
    assert!(api["paths"]["/stories/{storyId}"]["get"].is_object());
}

#[test]
fn the_built_in_stories_are_every_file_of_the_stories_folder() {
    let built_in = built_in();
    let from_disk = load(&DataSource::Dir(common::geodata())).unwrap_or_else(|p| panic!("{p}"));
    let ids = |d: &Dataset| -> Vec<String> { d.stories.iter().map(|s| s.id.clone()).collect() };
    assert_eq!(ids(built_in), ids(&from_disk));
    let files = std::fs::read_dir(common::geodata().join(STORIES_DIR))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_str()
                .unwrap()
                .ends_with(".json")
        })
        .count();
    assert_eq!(files, built_in.stories.len());
}

#[test]
fn the_csto_story_walks_forward_from_tashkent_1992_to_2013() {
    let story = built_in()
        .stories
        .iter()
        .find(|s| s.id == "csto-1992-2013")
        .unwrap();
    let first = story.steps.first().unwrap();
    let last = story.steps.last().unwrap();
    assert_eq!(first.date.to_string(), "1992-05-15");
    assert!(first
        .highlight
        .contains(&"cst-signing-tashkent-1992".to_string()));
    assert_eq!(last.date.first_day().format("%Y").to_string(), "2013");
    for pair in story.steps.windows(2) {
        assert!(
            pair[0].date.last_day() < pair[1].date.first_day(),
            "{pair:?}"
        );
    }
    assert!(story.steps.iter().any(|s| s.org.as_deref() == Some("crrf")));
}

/// Problems of the stored story after `edit`, checked against the real dataset's ids.
fn problems_after(edit: impl FnOnce(&mut Value)) -> Vec<String> {
    let dataset = built_in();
    let known = KnownIds::of(&dataset.topology, &dataset.curated);
    let mut story = stored_story();
    edit(&mut story);
    let mut problems: Vec<Problem> = Vec::new();
    let parsed = parse_story(
        "stories/csto-1992-2013.json",
        story.to_string().as_bytes(),
        &known,
        &mut problems,
    );
    assert_eq!(parsed.is_some(), problems.is_empty());
    problems.iter().map(|p| p.to_string()).collect()
}

fn assert_problem(lines: &[String], prefix: &str, mentions: &str) {
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(prefix) && l.contains(mentions)),
        "no line starting {prefix:?} mentioning {mentions:?} in {lines:#?}"
    );
}

const AT: &str = "stories/csto-1992-2013.json: csto-1992-2013: ";

#[test]
fn the_stored_story_has_no_problem() {
    assert_eq!(problems_after(|_| {}), Vec::<String>::new());
}

#[test]
fn each_rule_names_the_story_and_the_field() {
    type Edit = fn(&mut Value);
    let cases: &[(Edit, &str, &str)] = &[
        (
            |s| s["steps"][2]["date"] = json!("1995-11-31"),
            "steps[2].date",
            "no such day",
        ),
        (
            |s| s["steps"][2]["date"] = json!("Nov 1995"),
            "steps[2].date",
            "YYYY",
        ),
        (
            |s| s["steps"][3]["date"] = json!("1990"),
            "steps[3].date",
            "before the previous step",
        ),
        (
            |s| s["steps"][0]["highlight"][1] = json!("tashkent-treaty"),
            "steps[0].highlight[1]",
            "\"tashkent-treaty\" is not a feature id",
        ),
        (
            |s| s["steps"][0]["org"] = json!("kant-air-base"),
            "steps[0].org",
            "not a grouping",
        ),
        (
            |s| s["steps"][1]["sources"] = json!([]),
            "steps[1].sources",
            "at least one",
        ),
        (
            |s| {
                s["steps"][1].as_object_mut().unwrap().remove("sources");
            },
            "steps[1].sources",
            "missing",
        ),
        (
            |s| s["steps"][1]["sources"] = json!([0, 99]),
            "steps[1].sources[1]",
            "99 is not an index",
        ),
        (
            |s| s["steps"][4]["view"]["bbox"] = json!([50, 52, 82, 35]),
            "steps[4].view.bbox",
            "south must be below north",
        ),
        (
            |s| s["steps"][4]["view"]["bbox"] = json!([50, 35, 182, 52]),
            "steps[4].view.bbox",
            "longitudes",
        ),
        (
            |s| s["steps"][4]["view"]["bbox"] = json!([50, 35, 82]),
            "steps[4].view.bbox",
            "four numbers",
        ),
        (
            |s| s["steps"][4]["view"] = json!({"center": [70, 40]}),
            "steps[4].view.center",
            "unknown field",
        ),
        (
            |s| s["steps"][5]["caption"] = json!("  "),
            "steps[5].caption",
            "empty",
        ),
        (
            |s| s["steps"][5]["hightlight"] = json!(["csto"]),
            "steps[5].hightlight",
            "unknown field",
        ),
        (|s| s["id"] = json!("another-story"), "id", "file name"),
        (|s| s["sources"] = json!([]), "sources", "empty"),
        (
            |s| {
                s["sources"][0].as_object_mut().unwrap().remove("ref");
            },
            "sources[0]",
            "ref",
        ),
        (
            |s| s["sources"][1]["date"] = json!("2005-1"),
            "sources[1].date",
            "month",
        ),
        (|s| s["steps"] = json!([]), "steps", "empty"),
        (|s| s["title"] = json!(null), "title", "missing"),
    ];
    for (edit, field, mentions) in cases {
        let lines = problems_after(*edit);
        let prefix = if *field == "id" {
            "stories/csto-1992-2013.json: another-story: id: ".to_string()
        } else {
            format!("{AT}{field}: ")
        };
        assert_problem(&lines, &prefix, mentions);
    }
}

#[test]
fn malformed_json_is_reported_with_its_position() {
    let mut problems = Vec::new();
    let dataset = built_in();
    let known = KnownIds::of(&dataset.topology, &dataset.curated);
    let story = parse_story(
        "stories/x.json",
        b"{\"id\": \"x\",\n ]",
        &known,
        &mut problems,
    );
    assert!(story.is_none());
    assert!(problems[0]
        .to_string()
        .starts_with("stories/x.json: -: -: malformed JSON at line 2"));
}

#[test]
fn validate_reports_a_broken_story_and_one_named_unlike_its_file() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(common::geodata()).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    let stories = dir.path().join(STORIES_DIR);
    std::fs::create_dir(&stories).unwrap();
    let mut broken = stored_story();
    broken["steps"][7]["highlight"] = json!(["kant-airbase"]);
    std::fs::write(stories.join("csto-1992-2013.json"), broken.to_string()).unwrap();
    let mut copy = stored_story();
    copy["id"] = json!("copy");
    std::fs::write(stories.join("copy.json"), copy.to_string()).unwrap();
    let mut twin = stored_story();
    twin["id"] = json!("copy");
    std::fs::write(stories.join("twin.json"), twin.to_string()).unwrap();
    // Not a story: ignored.
    std::fs::write(stories.join("notes.txt"), "drafts").unwrap();

    let output = Command::new(env!("CARGO_BIN_EXE_forcemap"))
        .args(["validate", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_problem(
        &lines,
        &format!("{AT}steps[7].highlight[0]: "),
        "\"kant-airbase\" is not a feature id",
    );
    assert_problem(
        &lines,
        "stories/twin.json: copy: id: ",
        "must match the file name",
    );
    assert!(!lines.iter().any(|l| l.contains("notes.txt")), "{lines:#?}");
    // The good copy with a fitting name loads beside them.
    let mut good = stored_story();
    good["id"] = json!("twin");
    std::fs::write(stories.join("twin.json"), good.to_string()).unwrap();
    std::fs::write(
        stories.join("csto-1992-2013.json"),
        stored_story().to_string(),
    )
    .unwrap();
    let dataset =
        load(&DataSource::Dir(dir.path().to_path_buf())).unwrap_or_else(|p| panic!("{p}"));
    let ids: Vec<&str> = dataset.stories.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["copy", "csto-1992-2013", "twin"]);
}
