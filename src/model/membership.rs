//! Membership of a country in a grouping over time.
//!
//! A country that joined, left and came back has one [`Membership`] per spell, each with its own
//! sources, because the dates of each spell are separate facts with separate evidence.

use super::date::{DateSpan, PartialDate};
use chrono::NaiveDate;
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemberStatus {
    Member,
    /// The state has stopped taking part but no act of the grouping suspended or ended its
    /// membership: it remains a member in law, so its territory still counts.
    ParticipationFrozen,
    /// A founding state that takes part without having ratified the charter that defines
    /// membership (Ukraine and Turkmenistan in the CIS).
    Participant,
    /// Suspended by a decision of the grouping.
    Suspended,
    Observer,
}

impl MemberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Member => "member",
            MemberStatus::ParticipationFrozen => "participation-frozen",
            MemberStatus::Participant => "participant",
            MemberStatus::Suspended => "suspended",
            MemberStatus::Observer => "observer",
        }
    }
}

impl fmt::Display for MemberStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MemberStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "member" => Ok(MemberStatus::Member),
            "participation-frozen" => Ok(MemberStatus::ParticipationFrozen),
            "participant" => Ok(MemberStatus::Participant),
            "suspended" => Ok(MemberStatus::Suspended),
            "observer" => Ok(MemberStatus::Observer),
            other => Err(format!(
                "\"{other}\" is not a status; use member, participation-frozen, participant, suspended or observer"
            )),
        }
    }
}

impl MemberStatus {
    /// Whether the state's territory counts in the grouping's footprint: members, members
    /// whose participation is frozen (still members in law) and participants (which take part
    /// in the grouping's bodies as founding states). Suspended states and observers do not.
    pub fn is_membership(self) -> bool {
        matches!(
            self,
            MemberStatus::Member | MemberStatus::ParticipationFrozen | MemberStatus::Participant
        )
    }
}

/// One spell of one country in a grouping.
#[derive(Clone, Debug, PartialEq)]
pub struct Membership {
    /// ISO 3166-1 alpha-3 code of the member.
    pub country: String,
    pub joined: PartialDate,
    /// Last period of membership; `None` while still a member.
    pub left: Option<PartialDate>,
    pub status: MemberStatus,
    /// Indices into the grouping's `sources`.
    pub sources: Vec<usize>,
}

impl Membership {
    pub fn span(&self) -> DateSpan {
        DateSpan::new(
            Some(self.joined.first_day()),
            self.left.map(|l| l.last_day()),
        )
    }

    /// Whether this spell counts the country in the grouping on `date` (see
    /// [`MemberStatus::is_membership`]).
    pub fn is_member_on(&self, date: NaiveDate) -> bool {
        self.status.is_membership() && self.span().contains(date)
    }
}
