//! "What changed between two dates?": every membership join, exit and change of status in
//! every grouping, every feature whose validity opens or closes, and every event that begins,
//! from the first day of `from` to the last day of `to`, in date order.
//!
//! Membership is read from the spells of each grouping: a spell that follows the country's
//! previous spell without a gap (it starts on or the day after the day the previous one ends,
//! as `Uzbekistan` going from member to suspended in the CSTO on 2012-06-28) is a change of
//! status, not an exit and a join; a spell with the same status as the one before it is no
//! change at all. Dates keep the precision the data gives: a change dated `1999-04` is listed
//! when April 1999 meets the period asked, because it may have happened inside it.
//!
//! Events are listed by their start; an operation that began before the period is not a change
//! within it. Features whose dates are unknown (`valid_from: null`) open at no known date and
//! are not listed.

use super::answer::Answer;
use super::error::AnalysisError;
use crate::catalog::Catalog;
use crate::model::{CollectionId, DateSpan, Feature, Membership, PartialDate};
use chrono::NaiveDate;
use geo::Geometry;
use serde_json::{json, Map, Value};
use std::cmp::Reverse;

/// What happened, in the words of the `change` property.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    Joined,
    StatusChanged,
    Left,
    Opened,
    Closed,
    Event,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 6] = [
        ChangeKind::Joined,
        ChangeKind::Left,
        ChangeKind::StatusChanged,
        ChangeKind::Opened,
        ChangeKind::Closed,
        ChangeKind::Event,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Joined => "joined",
            ChangeKind::Left => "left",
            ChangeKind::StatusChanged => "status-changed",
            ChangeKind::Opened => "opened",
            ChangeKind::Closed => "closed",
            ChangeKind::Event => "event",
        }
    }
}

/// A country's part in a membership change.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberChange<'a> {
    /// ISO 3166-1 alpha-3 code.
    pub country: &'a str,
    /// The country's name in the country data, when it has one.
    pub country_name: Option<&'a str>,
    /// Status before the change; `None` for a join.
    pub status_from: Option<&'static str>,
    /// Status after the change; `None` for an exit.
    pub status_to: Option<&'static str>,
}

/// One change: what, when, to which feature (the grouping, for membership changes).
#[derive(Clone, Debug)]
pub struct Change<'a> {
    pub kind: ChangeKind,
    pub date: PartialDate,
    pub collection: CollectionId,
    pub feature: &'a Feature,
    pub member: Option<MemberChange<'a>>,
    /// The feature's point, when it is one; membership changes have none.
    pub geometry: Option<&'a Geometry<f64>>,
}

impl Change<'_> {
    /// An id unique within one answer: change, feature, country, date.
    pub fn id(&self) -> String {
        let mut id = format!("{}:{}", self.kind.as_str(), self.feature.id);
        if let Some(member) = &self.member {
            id.push(':');
            id.push_str(member.country);
        }
        id.push(':');
        id.push_str(&self.date.to_string());
        id
    }

    /// The properties of the change as GeoJSON: `change`, `date`, `collection`, `id`, `name`,
    /// the feature's `kind` when it has one, and for membership changes `grouping`, `country`,
    /// `country_name`, `status_from`, `status_to`.
    pub fn properties(&self) -> Map<String, Value> {
        let mut p = Map::new();
        p.insert("change".into(), json!(self.kind.as_str()));
        p.insert("date".into(), json!(self.date.to_string()));
        p.insert("collection".into(), json!(self.collection.as_str()));
        p.insert("id".into(), json!(self.feature.id));
        p.insert("name".into(), json!(self.feature.name()));
        if let Some(kind) = self.feature.kind() {
            p.insert("kind".into(), json!(kind));
        }
        if let Some(member) = &self.member {
            p.insert("grouping".into(), json!(self.feature.id));
            p.insert("country".into(), json!(member.country));
            p.insert("country_name".into(), json!(member.country_name));
            p.insert("status_from".into(), json!(member.status_from));
            p.insert("status_to".into(), json!(member.status_to));
        }
        p
    }
}

/// Reads `from` and `to`: dates of the form YYYY, YYYY-MM or YYYY-MM-DD, `to` not before `from`.
pub fn parse(
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(PartialDate, PartialDate), AnalysisError> {
    let date = |parameter: &'static str, text: Option<&str>| {
        let text = text.ok_or(AnalysisError::Missing(parameter))?;
        text.trim()
            .parse::<PartialDate>()
            .map_err(|e| AnalysisError::invalid(parameter, e.to_string()))
    };
    let from = date("from", from)?;
    let to = date("to", to)?;
    if to.last_day() < from.first_day() {
        return Err(AnalysisError::invalid(
            "to",
            format!("{to} is before from = {from}; give the earlier date as from"),
        ));
    }
    Ok((from, to))
}

/// Every change from the first day of `from` to the last day of `to`, sorted by date.
pub fn changes<'a>(
    catalog: &'a Catalog,
    from: PartialDate,
    to: PartialDate,
) -> Result<Answer<'a>, AnalysisError> {
    let period = DateSpan::new(Some(from.first_day()), Some(to.last_day()));
    let mut found: Vec<Change<'a>> = Vec::new();
    let groupings = catalog.collection(CollectionId::Groupings);
    for grouping in groupings.features() {
        membership_changes(catalog, grouping, &mut found);
    }
    for collection in CollectionId::CURATED {
        for feature in catalog.collection(collection).features() {
            feature_changes(collection, feature, &mut found);
        }
    }
    found.retain(|c| c.date.span().intersects(&period));
    // By first day; of two dates starting the same day the less precise one first ("1999"
    // before "1999-01"), which is also the text order of the dates.
    found.sort_by(|a, b| {
        let key = |c: &Change| {
            (
                c.date.first_day(),
                Reverse(c.date.last_day()),
                c.kind,
                c.collection,
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.feature.id.cmp(&b.feature.id))
            .then_with(|| {
                let country_a = a.member.as_ref().map(|m| m.country);
                country_a.cmp(&b.member.as_ref().map(|m| m.country))
            })
    });

    let mut per_change = Map::new();
    for kind in ChangeKind::ALL {
        let n = found.iter().filter(|c| c.kind == kind).count();
        per_change.insert(kind.as_str().into(), json!(n));
    }
    let summary = json!({
        "question": "changes",
        "from": from.to_string(),
        "to": to.to_string(),
        "period": [from.first_day().to_string(), to.last_day().to_string()],
        "count": found.len(),
        "per_change": per_change,
    });
    Ok(Answer {
        hits: Vec::new(),
        hits_beyond: 0,
        shapes: Vec::new(),
        changes: found,
        summary,
    })
}

/// Joins, exits and status changes of one grouping, at any date.
fn membership_changes<'a>(catalog: &'a Catalog, grouping: &'a Feature, out: &mut Vec<Change<'a>>) {
    let mut countries: Vec<&str> = grouping
        .members
        .iter()
        .map(|m| m.country.as_str())
        .collect();
    countries.sort_unstable();
    countries.dedup();
    for country in countries {
        let mut spells: Vec<&Membership> = grouping
            .members
            .iter()
            .filter(|m| m.country == country)
            .collect();
        spells.sort_by_key(|m| (m.joined.first_day(), m.joined.last_day()));
        let country_name = catalog.country(country).map(Feature::name);
        let mut change = |kind, date, status_from, status_to| {
            out.push(Change {
                kind,
                date,
                collection: CollectionId::Groupings,
                feature: grouping,
                member: Some(MemberChange {
                    country,
                    country_name,
                    status_from,
                    status_to,
                }),
                geometry: None,
            })
        };
        for (i, spell) in spells.iter().enumerate() {
            let status = Some(spell.status.as_str());
            match i.checked_sub(1).map(|p| spells[p]) {
                Some(previous) if follows(previous, spell) => {
                    if previous.status != spell.status {
                        let before = Some(previous.status.as_str());
                        change(ChangeKind::StatusChanged, spell.joined, before, status);
                    }
                }
                _ => change(ChangeKind::Joined, spell.joined, None, status),
            }
            let continued = spells.get(i + 1).is_some_and(|next| follows(spell, next));
            if let (Some(left), false) = (spell.left, continued) {
                change(ChangeKind::Left, left, status, None);
            }
        }
    }
}

/// Whether `next` starts without a gap after `spell` ends (on its last day or the day after).
fn follows(spell: &Membership, next: &Membership) -> bool {
    let Some(left) = spell.left else {
        // An open spell goes on; a later spell of the same country overlaps it.
        return true;
    };
    let day_after: Option<NaiveDate> = left.last_day().succ_opt();
    day_after.is_none_or(|d| next.joined.first_day() <= d)
}

/// A feature's opening and closing (its validity), or an event's start.
fn feature_changes<'a>(collection: CollectionId, feature: &'a Feature, out: &mut Vec<Change<'a>>) {
    let point = match &feature.geometry {
        Some(g @ Geometry::Point(_)) => Some(g),
        _ => None,
    };
    let mut change = |kind, date| {
        out.push(Change {
            kind,
            date,
            collection,
            feature,
            member: None,
            geometry: point,
        })
    };
    if collection == CollectionId::Events {
        if let Some(start) = feature.validity.from {
            change(ChangeKind::Event, start);
        }
        return;
    }
    if let Some(start) = feature.validity.from {
        change(ChangeKind::Opened, start);
    }
    if let Some(end) = feature.validity.to {
        change(ChangeKind::Closed, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load, DataSource};
    use crate::model::MemberStatus;
    use std::sync::OnceLock;

    fn catalog() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| Catalog::build(load(&DataSource::BuiltIn).expect("valid data")))
    }

    fn date(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    fn spell(country: &str, joined: &str, left: Option<&str>, status: MemberStatus) -> Membership {
        Membership {
            country: country.into(),
            joined: date(joined),
            left: left.map(date),
            status,
            sources: vec![0],
        }
    }

    fn grouping(members: Vec<Membership>) -> Feature {
        let mut g = Feature::new("test-grouping", None);
        g.members = members;
        g
    }

    /// (change, country, date, status_from, status_to) of one membership change.
    type Row = (String, String, String, Option<String>, Option<String>);

    /// The rows of every membership change of `g`.
    fn membership_rows(g: &Feature) -> Vec<Row> {
        let mut out = Vec::new();
        membership_changes(catalog(), g, &mut out);
        out.iter()
            .map(|c| {
                let m = c.member.as_ref().unwrap();
                (
                    c.kind.as_str().to_string(),
                    m.country.to_string(),
                    c.date.to_string(),
                    m.status_from.map(str::to_string),
                    m.status_to.map(str::to_string),
                )
            })
            .collect()
    }

    fn row(
        change: &str,
        country: &str,
        date: &str,
        from: Option<&str>,
        to: Option<&str>,
    ) -> (String, String, String, Option<String>, Option<String>) {
        (
            change.into(),
            country.into(),
            date.into(),
            from.map(Into::into),
            to.map(Into::into),
        )
    }

    #[test]
    fn a_contiguous_spell_is_a_status_change_and_a_gap_is_an_exit_and_a_join() {
        use MemberStatus::*;
        let g = grouping(vec![
            // Member, then suspended from the day the first spell ends.
            spell("UZB", "2006-08-16", Some("2012-06-28"), Member),
            spell("UZB", "2012-06-28", None, Suspended),
            // Member, a gap of years, member again.
            spell("AZE", "1993-09-24", Some("1999-04"), Member),
            spell("AZE", "2005", Some("2006-01-31"), Member),
            // Two spells of the same status split only for their sources: no change between.
            spell("KAZ", "1992-05-15", Some("1999-12-31"), Member),
            spell("KAZ", "2000-01-01", None, Member),
            // A reduced-precision end followed by a start in the same month.
            spell("ARM", "2002-10-07", Some("2024-02"), Member),
            spell("ARM", "2024-02", None, Suspended),
        ]);
        assert_eq!(
            membership_rows(&g),
            vec![
                row("joined", "ARM", "2002-10-07", None, Some("member")),
                row(
                    "status-changed",
                    "ARM",
                    "2024-02",
                    Some("member"),
                    Some("suspended")
                ),
                row("joined", "AZE", "1993-09-24", None, Some("member")),
                row("left", "AZE", "1999-04", Some("member"), None),
                row("joined", "AZE", "2005", None, Some("member")),
                row("left", "AZE", "2006-01-31", Some("member"), None),
                row("joined", "KAZ", "1992-05-15", None, Some("member")),
                row("joined", "UZB", "2006-08-16", None, Some("member")),
                row(
                    "status-changed",
                    "UZB",
                    "2012-06-28",
                    Some("member"),
                    Some("suspended")
                ),
            ]
        );
    }

    #[test]
    fn a_spell_that_starts_two_days_after_the_last_one_ends_is_a_new_join() {
        let g = grouping(vec![
            spell("TJK", "2001", Some("2001-06-01"), MemberStatus::Member),
            spell("TJK", "2001-06-03", None, MemberStatus::Observer),
        ]);
        let kinds: Vec<String> = membership_rows(&g).into_iter().map(|r| r.0).collect();
        assert_eq!(kinds, ["joined", "left", "joined"]);
    }

    fn answer(from: &str, to: &str) -> Vec<Map<String, Value>> {
        let answer = changes(catalog(), date(from), date(to)).unwrap();
        answer.changes.iter().map(Change::properties).collect()
    }

    #[test]
    fn uzbekistan_leaves_the_cst_between_1995_and_2001_and_nothing_outside_is_listed() {
        let list = answer("1995", "2001");
        let exit = list
            .iter()
            .find(|p| p["change"] == "left" && p["grouping"] == "cst" && p["country"] == "UZB")
            .unwrap_or_else(|| panic!("no exit of UZB from the CST in {list:#?}"));
        assert_eq!(exit["date"], "1999-04");
        assert_eq!(exit["status_from"], "member");
        assert_eq!(exit["country_name"], "Uzbekistan");
        for p in &list {
            let d = date(p["date"].as_str().unwrap());
            assert!(
                d.last_day() >= date("1995").first_day()
                    && d.first_day() <= date("2001").last_day(),
                "{p:?} is outside 1995-2001"
            );
        }
        // The Tashkent treaty of 1992 is before the period.
        assert!(!list.iter().any(|p| p["id"] == "cst-signing-tashkent-1992"));
        assert!(list
            .iter()
            .any(|p| p["id"] == "cst-un-registration-1995" && p["change"] == "event"));
    }

    #[test]
    fn the_list_is_in_date_order_and_points_only_where_the_feature_has_one() {
        let answer = changes(catalog(), date("1992"), date("2013")).unwrap();
        let days: Vec<NaiveDate> = answer.changes.iter().map(|c| c.date.first_day()).collect();
        assert!(days.windows(2).all(|w| w[0] <= w[1]), "{days:?}");
        assert!(answer.changes.len() > 20);
        let kant = answer
            .changes
            .iter()
            .find(|c| c.feature.id == "kant-air-base")
            .expect("Kant opened in 2003");
        assert_eq!(kant.kind, ChangeKind::Opened);
        assert!(matches!(kant.geometry, Some(Geometry::Point(_))));
        assert!(answer
            .changes
            .iter()
            .filter(|c| c.member.is_some())
            .all(|c| c.geometry.is_none()));
        assert_eq!(answer.summary["count"], json!(answer.changes.len()));
        let counted: u64 = answer.summary["per_change"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(counted as usize, answer.changes.len());
    }

    #[test]
    fn a_day_inside_a_reduced_precision_month_still_lists_that_month() {
        // Uzbekistan's exit is dated only to April 1999: a period ending mid-April may hold it.
        let list = answer("1999-04-10", "1999-04-20");
        assert!(list
            .iter()
            .any(|p| p["change"] == "left" && p["country"] == "UZB"));
        let list = answer("1999-05-01", "1999-12-31");
        assert!(!list
            .iter()
            .any(|p| p["change"] == "left" && p["country"] == "UZB"));
    }

    #[test]
    fn from_and_to_are_required_dates_in_order() {
        let err = parse(None, Some("2001")).unwrap_err();
        assert_eq!(err.parameter(), "from");
        let err = parse(Some("1995"), Some("soon")).unwrap_err();
        assert_eq!(err.parameter(), "to");
        let err = parse(Some("2001"), Some("1995")).unwrap_err();
        assert_eq!(err.parameter(), "to");
        assert!(err.to_string().contains("before"), "{err}");
        assert_eq!(
            parse(Some(" 1995-06 "), Some("1995-06")).unwrap(),
            (date("1995-06"), date("1995-06"))
        );
    }
}
