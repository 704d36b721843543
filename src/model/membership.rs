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
    Suspended,
    Observer,
}

impl MemberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Member => "member",
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
            "suspended" => Ok(MemberStatus::Suspended),
            "observer" => Ok(MemberStatus::Observer),
            other => Err(format!(
                "\"{other}\" is not a status; use member, suspended or observer"
            )),
        }
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

    /// Whether this spell makes the country a full member on `date`.
    pub fn is_member_on(&self, date: NaiveDate) -> bool {
        self.status == MemberStatus::Member && self.span().contains(date)
    }
}
