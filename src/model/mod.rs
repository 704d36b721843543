//! The data model: what a forcemap feature is, independent of where it was read from or how it
//! is served.
//!
//! Everything here is plain data with no I/O. Dates keep the precision their source gave
//! ([`PartialDate`]), validity is an interval of such dates ([`Validity`]), and a grouping's
//! members carry their own intervals ([`Membership`]) so that "who belonged when" is a question
//! the model answers rather than something stored per date. The dataset's declared coverage
//! ([`Coverage`]) says which period each layer's record reaches.

mod collection;
mod coverage;
mod date;
mod feature;
mod membership;
mod properties;
mod queryable;
mod uncertainty;

pub use collection::CollectionId;
pub use coverage::{Coverage, LayerCoverage, Period};
pub use date::{DateSpan, PartialDate, PartialDateError};
pub use feature::{Feature, LocationPrecision, Validity};
pub use membership::{MemberStatus, Membership};
pub use properties::{Encoded, Entries, Items, Pool, Properties, PropertiesBuilder, PropertyValue};
pub use queryable::{Queryable, QueryableType};
