//! Parsing and checking one curated collection file (`geodata/<collection>.geojson`).
//!
//! This is the single entry point for curated input: it never panics, whatever the bytes, and
//! reports every problem it can find rather than stopping at the first, because a maintainer
//! fixing a file wants the whole list at once.

use super::geometry::parse_geometry;
use super::problem::{Problem, Report};
use super::stream::{self, FeatureJson};
use crate::model::{
    CollectionId, Encoded, Feature, LocationPrecision, MemberStatus, Membership, PartialDate,
    Properties, PropertiesBuilder, Validity,
};
use serde_json::{Map, Value};

/// The `kind` values each curated collection accepts.
pub fn allowed_kinds(collection: CollectionId) -> &'static [&'static str] {
    match collection {
        CollectionId::Groupings => &["organization", "force-grouping", "theater"],
        CollectionId::Installations => &[
            "air-base",
            "military-base",
            "garrison",
            "training-center",
            "radar-station",
            "naval-communications-station",
            "test-range",
            "space-center",
            "headquarters",
            "border-post",
        ],
        CollectionId::Forces => &[
            "division",
            "brigade",
            "regiment",
            "battalion",
            "air-group",
            "border-guard-contingent",
            "contingent",
            "force-component",
        ],
        CollectionId::Events => &[
            "summit",
            "agreement",
            "exercise",
            "operation",
            "statement",
            "registration",
            "conflict",
        ],
        CollectionId::Routes => &["trafficking-route", "transit-corridor"],
        CollectionId::Countries | CollectionId::Borders => &[],
    }
}

/// The geometry types each curated collection accepts; `None` in the list allows null.
fn allowed_geometry(collection: CollectionId) -> &'static [Option<&'static str>] {
    match collection {
        CollectionId::Groupings => &[None],
        CollectionId::Installations => &[Some("Point")],
        CollectionId::Forces => &[Some("Point"), None],
        CollectionId::Events => &[Some("Point"), Some("Polygon"), Some("MultiPolygon"), None],
        CollectionId::Routes => &[Some("LineString"), Some("MultiLineString")],
        CollectionId::Countries | CollectionId::Borders => &[],
    }
}

/// Parses one curated file. Features with problems are still returned when they can be built,
/// so that cross-file checks (duplicate ids, references) see them too.
///
/// The file is read as a stream: each feature is parsed, checked and moved into the compact
/// property store before the next is read, so memory holds one feature's JSON tree at a time,
/// never the whole file's; its properties are encoded into the store straight from their
/// text, and only the fields the checks read are decoded again.
pub fn parse_collection(
    collection: CollectionId,
    file: &str,
    bytes: &[u8],
    problems: &mut Vec<Problem>,
) -> Vec<Feature> {
    parse_collection_releasing(collection, file, bytes, problems, &mut |_| {})
}

/// Bytes parsed between two calls to a loader's `release`.
const RELEASE_EVERY: usize = 32 << 20;

/// [`parse_collection`], telling `release` now and then how far into `bytes` it has read
/// (it never reads before that again), so that a loader can free what lies before.
pub(super) fn parse_collection_releasing(
    collection: CollectionId,
    file: &str,
    bytes: &[u8],
    problems: &mut Vec<Problem>,
    release: &mut dyn FnMut(usize),
) -> Vec<Feature> {
    let mut report = Report { file, problems };
    let before = report.problems.len();
    let mut store = PropertiesBuilder::default();
    let mut parsed = Vec::new();
    let mut released = 0;
    let outline = stream::read_feature_collection(bytes, &mut |position, item| {
        if let FeatureJson::Object {
            properties: Some(text),
            ..
        } = &item
        {
            // The properties' text lies in `bytes`; the parser has read up to it.
            let consumed = (text.as_ptr() as usize).saturating_sub(bytes.as_ptr() as usize);
            if consumed >= released + RELEASE_EVERY {
                release(consumed);
                released = consumed;
            }
        }
        if let Some(feature) = parse_feature(collection, position, item, &mut store, &mut report) {
            parsed.push(feature);
        }
    });
    // A file that is not a FeatureCollection gets that one problem, not its features' too.
    let refuse = |report: &mut Report, field: &str, message: String| {
        report.problems.truncate(before);
        report.add("-", field, message);
        Vec::new()
    };
    match outline {
        Err(message) => return refuse(&mut report, "-", message),
        Ok(outline) if outline.type_name.as_deref() != Some("FeatureCollection") => {
            return refuse(
                &mut report,
                "type",
                "the file must be a GeoJSON FeatureCollection".into(),
            )
        }
        Ok(outline) if !outline.has_features => {
            return refuse(
                &mut report,
                "features",
                "a FeatureCollection needs a \"features\" array".into(),
            )
        }
        Ok(_) => {}
    }
    store.attach(parsed)
}

fn parse_feature(
    collection: CollectionId,
    position: usize,
    item: FeatureJson,
    store: &mut PropertiesBuilder,
    report: &mut Report,
) -> Option<Feature> {
    let FeatureJson::Object {
        id,
        feature_type,
        geometry,
        properties,
    } = item
    else {
        let fallback_label = format!("#{position}");
        report.add(&fallback_label, "-", "a feature must be a JSON object");
        return None;
    };
    let id = match &id {
        Some(Value::String(s)) if is_kebab_id(s) => s.clone(),
        Some(Value::String(s)) => {
            report.add(
                &format!("#{position}"),
                "id",
                format!("\"{s}\" is not a lowercase id of letters, digits and '-'"),
            );
            return None;
        }
        _ => {
            report.add(&format!("#{position}"), "id", "missing or not a string");
            return None;
        }
    };
    if feature_type.as_ref().and_then(Value::as_str) != Some("Feature") {
        report.add(&id, "type", "must be \"Feature\"");
    }
    let properties = add_properties(store, properties);
    if properties.is_none() {
        report.add(&id, "properties", "missing or not an object");
    }
    let properties = properties.unwrap_or_default();

    let given_geometry = geometry;
    let geometry = match &given_geometry {
        None => {
            report.add(&id, "geometry", "missing (use null for none)");
            None
        }
        Some(Value::Null) => None,
        Some(g) => match parse_geometry(g) {
            Ok(geometry) => Some(geometry),
            Err(message) => {
                report.add(&id, "geometry", message);
                None
            }
        },
    };
    let given_type = given_geometry
        .as_ref()
        .and_then(|g| g.get("type"))
        .and_then(Value::as_str);
    let allowed = allowed_geometry(collection);
    if !allowed.contains(&given_type) {
        let names: Vec<&str> = allowed.iter().map(|t| t.unwrap_or("null")).collect();
        report.add(
            &id,
            "geometry",
            format!(
                "{} is not allowed in {collection}; use {}",
                given_type.unwrap_or("null"),
                names.join(" or ")
            ),
        );
    }

    let mut fields = FieldChecker {
        id: &id,
        properties: &properties,
        report,
    };
    fields.required_text("name");
    fields.required_text("summary");
    if let Some(kind) = fields.required_text("kind") {
        let kinds = allowed_kinds(collection);
        if !kinds.contains(&kind) {
            fields.report.add(
                &id,
                "kind",
                format!(
                    "\"{kind}\" is not a kind of {collection}; use one of {}",
                    kinds.join(", ")
                ),
            );
        }
    }
    let source_count = fields.sources();
    let validity = fields.validity();
    let location_precision = fields.location_precision(collection, geometry.as_ref());
    fields.index_into_sources("strength", "source", source_count);
    let members = if collection == CollectionId::Groupings {
        fields.members(source_count)
    } else {
        Vec::new()
    };
    let feature = Feature {
        id,
        geometry,
        properties: Properties::default(),
        validity,
        location_precision,
        members,
    };
    Some(feature)
}

/// The properties the checks below read; the others go into the store unread.
const CHECKED_FIELDS: [&str; 9] = [
    "name",
    "summary",
    "kind",
    "sources",
    "valid_from",
    "valid_to",
    "location_precision",
    "strength",
    "members",
];

/// The values of [`CHECKED_FIELDS`], in that order.
type CheckedFields = [Option<Value>; CHECKED_FIELDS.len()];

/// Adds a feature's properties (their JSON text) to the store, an empty object when there
/// is none, and gives back the fields the checks read; `None` when there was no object.
fn add_properties(store: &mut PropertiesBuilder, text: Option<&str>) -> Option<CheckedFields> {
    // The stream has already parsed the text once, so it is valid JSON.
    let encoded = text.map(|text| (text, store.add_json(text)));
    match encoded {
        Some((_, Ok(Encoded::Added))) => Some(store.last_fields(&CHECKED_FIELDS)),
        Some((text, Ok(Encoded::RepeatedKey))) => {
            let map: Map<String, Value> = serde_json::from_str(text).unwrap_or_default();
            store.add(&map);
            Some(store.last_fields(&CHECKED_FIELDS))
        }
        Some((_, Ok(Encoded::NotAnObject) | Err(_))) | None => {
            store.add(&Map::new());
            None
        }
    }
}

fn is_kebab_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Whether `s` looks like an ISO 3166-1 alpha-3 code.
pub fn is_iso3(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

struct FieldChecker<'a, 'r> {
    id: &'a str,
    properties: &'a CheckedFields,
    report: &'a mut Report<'r>,
}

impl<'a> FieldChecker<'a, '_> {
    /// A property the checks read; only [`CHECKED_FIELDS`] were decoded for them.
    fn field(&self, name: &str) -> Option<&'a Value> {
        let position = CHECKED_FIELDS.iter().position(|&f| f == name);
        debug_assert!(position.is_some(), "{name} is not decoded");
        self.properties.get(position?)?.as_ref()
    }

    fn required_text(&mut self, field: &str) -> Option<&'a str> {
        match self.field(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.as_str()),
            Some(Value::String(_)) => {
                self.report.add(self.id, field, "must not be empty");
                None
            }
            Some(_) => {
                self.report.add(self.id, field, "must be a string");
                None
            }
            None => {
                self.report.add(self.id, field, "missing");
                None
            }
        }
    }

    /// Checks `sources` and returns how many there are.
    fn sources(&mut self) -> usize {
        let Some(value) = self.field("sources") else {
            self.report.add(
                self.id,
                "sources",
                "missing: every feature needs at least one source",
            );
            return 0;
        };
        let Some(list) = value.as_array() else {
            self.report.add(self.id, "sources", "must be an array");
            return 0;
        };
        if list.is_empty() {
            self.report.add(
                self.id,
                "sources",
                "empty: every feature needs at least one source",
            );
        }
        for (i, source) in list.iter().enumerate() {
            let title = source.get("title").and_then(Value::as_str);
            if title.is_none_or(|t| t.trim().is_empty()) {
                self.report
                    .add(self.id, &format!("sources[{i}].title"), "missing or empty");
            }
            if let Some(date) = source.get("date").and_then(Value::as_str) {
                if let Err(e) = date.parse::<PartialDate>() {
                    self.report
                        .add(self.id, &format!("sources[{i}].date"), e.to_string());
                }
            }
        }
        list.len()
    }

    fn date(&mut self, field: &str, value: Option<&Value>) -> Option<PartialDate> {
        match value {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => match s.parse() {
                Ok(d) => Some(d),
                Err(e) => {
                    self.report.add(self.id, field, format!("{e}"));
                    None
                }
            },
            Some(_) => {
                self.report
                    .add(self.id, field, "must be a date string or null");
                None
            }
        }
    }

    fn validity(&mut self) -> Validity {
        for field in ["valid_from", "valid_to"] {
            if self.field(field).is_none() {
                self.report
                    .add(self.id, field, "missing (use null when unknown or open)");
            }
        }
        let from = self.date("valid_from", self.field("valid_from"));
        let to = self.date("valid_to", self.field("valid_to"));
        if let (Some(f), Some(t)) = (from, to) {
            if t.last_day() < f.first_day() {
                self.report.add(
                    self.id,
                    "valid_to",
                    format!("{t} ends before valid_from {f}"),
                );
            }
        }
        Validity { from, to }
    }

    fn location_precision(
        &mut self,
        collection: CollectionId,
        geometry: Option<&geo::Geometry<f64>>,
    ) -> Option<LocationPrecision> {
        let is_point_collection = matches!(
            collection,
            CollectionId::Installations | CollectionId::Forces | CollectionId::Events
        );
        let value = self.field("location_precision");
        let precision = match value {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => match s.parse::<LocationPrecision>() {
                Ok(p) => Some(p),
                Err(e) => {
                    self.report.add(self.id, "location_precision", e);
                    return None;
                }
            },
            Some(_) => {
                self.report
                    .add(self.id, "location_precision", "must be a string");
                return None;
            }
        };
        if is_point_collection && precision.is_none() && value.is_none() {
            self.report.add(
                self.id,
                "location_precision",
                "missing: say how precisely the place is known (site, town, region, country, unknown)",
            );
        }
        match precision {
            Some(LocationPrecision::Unknown) if geometry.is_some() => {
                self.report.add(
                    self.id,
                    "location_precision",
                    "\"unknown\" needs a null geometry",
                );
            }
            Some(p) if p != LocationPrecision::Unknown && geometry.is_none() => {
                self.report.add(
                    self.id,
                    "location_precision",
                    format!("\"{p}\" given but there is no geometry; use \"unknown\""),
                );
            }
            _ => {}
        }
        precision
    }

    /// Checks that `object.field`, when present, is an index into `sources`.
    fn index_into_sources(&mut self, object: &str, field: &str, source_count: usize) {
        if let Some(index) = self.field(object).and_then(|o| o.get(field)) {
            if index.as_u64().is_none_or(|i| (i as usize) >= source_count) {
                self.report.add(
                    self.id,
                    &format!("{object}.{field}"),
                    format!("{index} is not an index into sources (0..{source_count})"),
                );
            }
        }
    }

    fn members(&mut self, source_count: usize) -> Vec<Membership> {
        let Some(list) = self.field("members").and_then(Value::as_array) else {
            self.report
                .add(self.id, "members", "a grouping needs a members array");
            return Vec::new();
        };
        let mut members = Vec::new();
        for (i, entry) in list.iter().enumerate() {
            let at = |f: &str| format!("members[{i}].{f}");
            let country = entry.get("country").and_then(Value::as_str);
            let Some(country) = country.filter(|c| is_iso3(c)) else {
                self.report.add(
                    self.id,
                    &at("country"),
                    "must be an ISO 3166-1 alpha-3 code",
                );
                continue;
            };
            let joined = self.date(&at("joined"), entry.get("joined"));
            let left = self.date(&at("left"), entry.get("left"));
            let Some(joined) = joined else {
                if entry.get("joined").is_none_or(Value::is_null) {
                    self.report.add(self.id, &at("joined"), "missing");
                }
                continue;
            };
            if let Some(l) = left {
                if l.last_day() < joined.first_day() {
                    self.report.add(
                        self.id,
                        &at("left"),
                        format!("{l} is before joined {joined}"),
                    );
                }
            }
            let status = match entry.get("status").and_then(Value::as_str) {
                Some(s) => match s.parse::<MemberStatus>() {
                    Ok(s) => s,
                    Err(e) => {
                        self.report.add(self.id, &at("status"), e);
                        continue;
                    }
                },
                None => {
                    self.report.add(self.id, &at("status"), "missing");
                    continue;
                }
            };
            let mut sources = Vec::new();
            match entry.get("sources").and_then(Value::as_array) {
                Some(indices) if !indices.is_empty() => {
                    for index in indices {
                        match index.as_u64() {
                            Some(n) if (n as usize) < source_count => sources.push(n as usize),
                            _ => self.report.add(
                                self.id,
                                &at("sources"),
                                format!("{index} is not an index into sources (0..{source_count})"),
                            ),
                        }
                    }
                }
                _ => self.report.add(
                    self.id,
                    &at("sources"),
                    "missing: cite the grouping's sources by index",
                ),
            }
            members.push(Membership {
                country: country.to_string(),
                joined,
                left,
                status,
                sources,
            });
        }
        members
    }
}
