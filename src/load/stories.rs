//! Stories: guided tours through dated map states, one JSON document per file in `stories/`.
//!
//! A story has an `id` (its file name without `.json`), a `title`, a `summary`, its `sources`
//! and `steps`. Each step is a date (with the precision its source gives), a `title`, a
//! `caption`, a `view` (`bbox`: west, south, east, north in degrees), the ids it `highlight`s,
//! optionally the grouping (`org`) whose membership colours the map then, and the indices of
//! the story's `sources` it rests on. Steps go forward in time.
//!
//! The document is kept exactly as stored, so the API serves what the author wrote; the typed
//! fields are what the checks and the listing need. Every check reports
//! `stories/<file>: story-id: field: problem`.

use super::problem::{Problem, Report};
use super::topology::CountryTopology;
use super::DataSource;
use crate::model::{CollectionId, Feature, PartialDate};
use hashbrown::HashSet;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The folder of a data directory that holds the stories.
pub const STORIES_DIR: &str = "stories";

/// One story, checked.
#[derive(Clone, Debug)]
pub struct Story {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub steps: Vec<StoryStep>,
    /// The document as stored, in its fields' order.
    pub document: Map<String, Value>,
}

/// One step of a story.
#[derive(Clone, Debug, PartialEq)]
pub struct StoryStep {
    pub date: PartialDate,
    pub title: String,
    /// West, south, east, north in degrees.
    pub bbox: [f64; 4],
    pub highlight: Vec<String>,
    pub org: Option<String>,
    /// Indices into the story's sources.
    pub sources: Vec<usize>,
}

/// The ids a story may refer to: features of every curated collection and country codes,
/// and among them the groupings (for `org`).
#[derive(Debug, Default)]
pub struct KnownIds<'a> {
    pub features: HashSet<&'a str>,
    pub groupings: HashSet<&'a str>,
}

impl<'a> KnownIds<'a> {
    pub fn of(topology: &'a CountryTopology, curated: &'a [(CollectionId, Vec<Feature>)]) -> Self {
        let mut known = KnownIds::default();
        known
            .features
            .extend(topology.countries.iter().map(|c| c.id.as_str()));
        for (collection, features) in curated {
            for feature in features {
                known.features.insert(&feature.id);
                if *collection == CollectionId::Groupings {
                    known.groupings.insert(&feature.id);
                }
            }
        }
        known
    }
}

const STORY_FIELDS: &[&str] = &["id", "title", "summary", "sources", "steps"];
const STEP_FIELDS: &[&str] = &[
    "date",
    "title",
    "caption",
    "view",
    "highlight",
    "org",
    "sources",
];
const SOURCE_FIELDS: &[&str] = &["title", "publisher", "date", "ref", "url"];

/// Reads every `stories/*.json` of `source` through `read` (which records what it read for the
/// dataset's fingerprint) and checks each. Ids are unique because each must match its file
/// name. A data directory without a `stories` folder has no stories.
pub(super) fn load(
    source: &DataSource,
    known: &KnownIds,
    read: &mut impl FnMut(&str, &mut Vec<Problem>) -> Option<Cow<'static, [u8]>>,
    problems: &mut Vec<Problem>,
) -> Vec<Story> {
    let files = story_files(source, problems);
    files
        .iter()
        .filter_map(|file| {
            let bytes = read(file, problems)?;
            parse_story(file, &bytes, known, problems)
        })
        .collect()
}

/// Paths such as `stories/csto-1992-2013.json`, sorted.
fn story_files(source: &DataSource, problems: &mut Vec<Problem>) -> Vec<String> {
    let is_story = |name: &str| name.ends_with(".json") && !name.starts_with('.');
    let mut names: Vec<String> = match source {
        DataSource::BuiltIn => super::embedded::names()
            .iter()
            .filter_map(|n| n.strip_prefix(STORIES_DIR)?.strip_prefix('/'))
            .filter(|n| is_story(n))
            .map(str::to_string)
            .collect(),
        DataSource::Dir(dir) => match std::fs::read_dir(dir.join(STORIES_DIR)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                problems.push(Problem::new(
                    STORIES_DIR,
                    "-",
                    "-",
                    format!("cannot list the stories: {e}"),
                ));
                Vec::new()
            }
            Ok(entries) => entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| is_story(n))
                .collect(),
        },
    };
    names.sort();
    names
        .into_iter()
        .map(|n| format!("{STORIES_DIR}/{n}"))
        .collect()
}

/// Parses and checks one story file. Every problem is reported, not only the first; the story
/// is returned only when it has none.
pub fn parse_story(
    file: &str,
    bytes: &[u8],
    known: &KnownIds,
    problems: &mut Vec<Problem>,
) -> Option<Story> {
    let before = problems.len();
    let mut report = Report { file, problems };
    let Value::Object(document) = report.parse_json(bytes)? else {
        report.add("-", "-", "a story must be a JSON object");
        return None;
    };
    let stem = file
        .rsplit('/')
        .next()
        .and_then(|n| n.strip_suffix(".json"))
        .unwrap_or(file);
    let id = match document.get("id").and_then(Value::as_str) {
        Some(id) if is_slug(id) => {
            if id != stem {
                report.add(id, "id", format!("must match the file name \"{stem}\""));
            }
            id.to_string()
        }
        Some(id) => {
            report.add(
                "-",
                "id",
                format!("\"{id}\" must be lowercase letters, digits and hyphens"),
            );
            stem.to_string()
        }
        None => {
            report.add("-", "id", "missing: a story needs an id");
            stem.to_string()
        }
    };
    let mut check = Check {
        report,
        story: &id,
        known,
    };
    check.unknown_fields("", &document, STORY_FIELDS);
    let title = check.text("title", document.get("title"));
    let summary = check.text("summary", document.get("summary"));
    let source_count = check.sources(document.get("sources"));
    let steps = check.steps(document.get("steps"), source_count);
    let valid = check.report.problems.len() == before;
    valid.then(|| Story {
        id,
        title: title.unwrap_or_default(),
        summary: summary.unwrap_or_default(),
        steps,
        document,
    })
}

fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The checks of one story, reporting under its id.
struct Check<'r, 'k> {
    report: Report<'r>,
    story: &'r str,
    known: &'r KnownIds<'k>,
}

impl Check<'_, '_> {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.report.add(self.story, field, message);
    }

    fn unknown_fields(&mut self, at: &str, object: &Map<String, Value>, allowed: &[&str]) {
        for key in object.keys().filter(|k| !allowed.contains(&k.as_str())) {
            self.add(
                &format!("{at}{key}"),
                format!("unknown field; known fields are {}", allowed.join(", ")),
            );
        }
    }

    /// A non-empty string.
    fn text(&mut self, field: &str, value: Option<&Value>) -> Option<String> {
        match value.and_then(Value::as_str).map(str::trim) {
            Some(t) if !t.is_empty() => Some(t.to_string()),
            _ => {
                self.add(field, "missing or empty: give a non-empty string");
                None
            }
        }
    }

    /// The story's sources; returns how many there are.
    fn sources(&mut self, value: Option<&Value>) -> usize {
        let Some(list) = value.and_then(Value::as_array).filter(|l| !l.is_empty()) else {
            self.add(
                "sources",
                "missing or empty: a story needs an array of sources",
            );
            return 0;
        };
        for (i, source) in list.iter().enumerate() {
            let at = format!("sources[{i}]");
            let Some(object) = source.as_object() else {
                self.add(&at, "must be an object with a title");
                continue;
            };
            self.unknown_fields(&format!("{at}."), object, SOURCE_FIELDS);
            self.text(&format!("{at}.title"), object.get("title"));
            for field in ["publisher", "ref", "url"] {
                if object.get(field).is_some_and(|v| !v.is_string()) {
                    self.add(&format!("{at}.{field}"), "must be a string");
                }
            }
            if !object.contains_key("ref") && !object.contains_key("url") {
                self.add(
                    &at,
                    "give a ref (a source document) or a url, so that the source can be found",
                );
            }
            if let Some(date) = object.get("date") {
                if let Err(message) = date_of(date) {
                    self.add(&format!("{at}.date"), message);
                }
            }
        }
        list.len()
    }

    fn steps(&mut self, value: Option<&Value>, source_count: usize) -> Vec<StoryStep> {
        let Some(list) = value.and_then(Value::as_array).filter(|l| !l.is_empty()) else {
            self.add("steps", "missing or empty: a story needs an array of steps");
            return Vec::new();
        };
        let mut steps: Vec<StoryStep> = Vec::new();
        let mut previous: Option<PartialDate> = None;
        for (i, step) in list.iter().enumerate() {
            let at = format!("steps[{i}]");
            let Some(object) = step.as_object() else {
                self.add(&at, "must be an object");
                continue;
            };
            self.unknown_fields(&format!("{at}."), object, STEP_FIELDS);
            let date = match object.get("date").map(date_of) {
                Some(Ok(d)) => Some(d),
                Some(Err(message)) => {
                    self.add(&format!("{at}.date"), message);
                    None
                }
                None => {
                    self.add(&format!("{at}.date"), "missing: every step has a date");
                    None
                }
            };
            if let (Some(d), Some(p)) = (date, previous) {
                if d.first_day() < p.first_day() {
                    self.add(
                        &format!("{at}.date"),
                        format!("{d} is before the previous step's {p}; steps go forward in time"),
                    );
                }
            }
            previous = date.or(previous);
            let title = self.text(&format!("{at}.title"), object.get("title"));
            self.text(&format!("{at}.caption"), object.get("caption"));
            let bbox = self.view(&at, object.get("view"));
            let highlight = self.highlight(&at, object.get("highlight"));
            let org = self.org(&at, object.get("org"));
            let sources = self.step_sources(&at, object.get("sources"), source_count);
            if let (Some(date), Some(title), Some(bbox)) = (date, title, bbox) {
                steps.push(StoryStep {
                    date,
                    title,
                    bbox,
                    highlight,
                    org,
                    sources,
                });
            }
        }
        steps
    }

    /// `view.bbox`: west, south, east, north, each in range, south below north and west of east.
    fn view(&mut self, at: &str, value: Option<&Value>) -> Option<[f64; 4]> {
        let field = format!("{at}.view.bbox");
        let Some(view) = value.and_then(Value::as_object) else {
            self.add(
                &format!("{at}.view"),
                "missing: give {\"bbox\": [west, south, east, north]}",
            );
            return None;
        };
        self.unknown_fields(&format!("{at}.view."), view, &["bbox"]);
        let numbers: Option<Vec<f64>> = view
            .get("bbox")
            .and_then(Value::as_array)
            .map(|l| l.iter().map(Value::as_f64).collect::<Option<Vec<f64>>>())
            .unwrap_or(None);
        let Some([west, south, east, north]) = numbers.and_then(|n| <[f64; 4]>::try_from(n).ok())
        else {
            self.add(&field, "must be four numbers: west, south, east, north");
            return None;
        };
        let problem = if ![west, east].iter().all(|x| (-180.0..=180.0).contains(x)) {
            Some("west and east must be longitudes in -180..180")
        } else if ![south, north].iter().all(|y| (-90.0..=90.0).contains(y)) {
            Some("south and north must be latitudes in -90..90")
        } else if south >= north {
            Some("south must be below north")
        } else if west >= east {
            Some("west must be west of east")
        } else {
            None
        };
        if let Some(message) = problem {
            self.add(
                &field,
                format!("[{west}, {south}, {east}, {north}]: {message}"),
            );
            return None;
        }
        Some([west, south, east, north])
    }

    fn highlight(&mut self, at: &str, value: Option<&Value>) -> Vec<String> {
        let field = format!("{at}.highlight");
        let list = match value {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Array(list)) => list,
            Some(_) => {
                self.add(&field, "must be an array of feature ids");
                return Vec::new();
            }
        };
        let mut ids = Vec::new();
        for (i, id) in list.iter().enumerate() {
            match id.as_str() {
                Some(id) if self.known.features.contains(id) => ids.push(id.to_string()),
                Some(id) => self.add(
                    &format!("{field}[{i}]"),
                    format!("\"{id}\" is not a feature id or country code in the data"),
                ),
                None => self.add(&format!("{field}[{i}]"), "must be a feature id"),
            }
        }
        ids
    }

    fn org(&mut self, at: &str, value: Option<&Value>) -> Option<String> {
        match value {
            None | Some(Value::Null) => None,
            Some(Value::String(id)) if self.known.groupings.contains(id.as_str()) => {
                Some(id.clone())
            }
            Some(other) => {
                self.add(
                    &format!("{at}.org"),
                    format!("{other} is not a grouping id in the data"),
                );
                None
            }
        }
    }

    fn step_sources(&mut self, at: &str, value: Option<&Value>, count: usize) -> Vec<usize> {
        let field = format!("{at}.sources");
        let Some(list) = value.and_then(Value::as_array).filter(|l| !l.is_empty()) else {
            self.add(
                &field,
                "missing or empty: cite at least one of the story's sources by index",
            );
            return Vec::new();
        };
        let mut indices = Vec::new();
        for (i, index) in list.iter().enumerate() {
            match index.as_u64().map(|n| n as usize) {
                Some(n) if n < count => indices.push(n),
                _ => self.add(
                    &format!("{field}[{i}]"),
                    format!("{index} is not an index into the story's sources (0..{count})"),
                ),
            }
        }
        indices
    }
}

fn date_of(value: &Value) -> Result<PartialDate, String> {
    value
        .as_str()
        .ok_or_else(|| "must be a date string such as 1992-05-15, 1999-04 or 2009".to_string())?
        .parse()
        .map_err(|e: crate::model::PartialDateError| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> KnownIds<'static> {
        KnownIds {
            features: ["cst", "kant-air-base", "KGZ"].into_iter().collect(),
            groupings: ["cst"].into_iter().collect(),
        }
    }

    fn valid() -> Value {
        serde_json::json!({
            "id": "test-story", "title": "A story", "summary": "What it shows.",
            "sources": [{"title": "A seed", "ref": "003_502bcc2e271c6578.txt", "date": "2005-11"}],
            "steps": [
                {"date": "1992-05-15", "title": "First", "caption": "One sentence.",
                 "view": {"bbox": [40, 30, 90, 55]}, "highlight": ["cst"], "org": "cst",
                 "sources": [0]},
                {"date": "2003", "title": "Second", "caption": "Another.",
                 "view": {"bbox": [70, 40, 80, 45]}, "highlight": ["kant-air-base", "KGZ"],
                 "sources": [0]}
            ]
        })
    }

    fn problems_of(document: &Value) -> (Option<Story>, Vec<String>) {
        let mut problems = Vec::new();
        let story = parse_story(
            "stories/test-story.json",
            document.to_string().as_bytes(),
            &known(),
            &mut problems,
        );
        (story, problems.iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn a_valid_story_keeps_its_document_and_typed_steps() {
        let (story, problems) = problems_of(&valid());
        assert_eq!(problems, Vec::<String>::new());
        let story = story.unwrap();
        assert_eq!(story.id, "test-story");
        assert_eq!(story.steps.len(), 2);
        assert_eq!(story.steps[1].date.to_string(), "2003");
        assert_eq!(story.steps[0].org.as_deref(), Some("cst"));
        assert_eq!(story.document["steps"][1]["title"], "Second");
        let keys: Vec<&String> = story.document.keys().collect();
        assert_eq!(keys, ["id", "title", "summary", "sources", "steps"]);
    }

    #[test]
    fn a_step_with_a_wrong_field_is_refused_with_the_field_named() {
        let (story, problems) = problems_of(&{
            let mut v = valid();
            v["steps"][1]["highlight"][0] = "no-such-base".into();
            v
        });
        assert!(story.is_none());
        assert_eq!(
            problems,
            ["stories/test-story.json: test-story: steps[1].highlight[0]: \"no-such-base\" is not a feature id or country code in the data"]
        );
    }
}
