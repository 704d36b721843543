//! Spatial analysis: the questions behind `/analysis/*` and `forcemap query`, answered from the
//! catalog with geodesic measures on WGS 84.
//!
//! Each question lives in its own file (`border_zone`, `near`, `nearest`, `within`, `locate`,
//! `range`) and leans on its siblings only: `question` (parsing and dispatch), `params` (the
//! questions' parameters and limits), `scope` (collections, time and candidates), `answer`
//! (hits, shapes, ranking and the shared summary), `error`, and two geometry helpers:
//! `geodesy` (distances, safe search envelopes), `bounds` (proven bounds of the distance to a
//! border), `territory` (prepared point-in-country tests) and `zone` (polygons for drawing:
//! range rings and border buffers). This file only declares them and names the public face. There is no HTTP here: a question is
//! parsed from name/value pairs by [`Question::parse`], so the server and the command line
//! accept the same parameters and report the same errors, and [`Question::answer`] returns an
//! [`Answer`] that the caller writes as GeoJSON.
//!
//! Every question follows the same two steps: the R-tree proposes candidates inside an envelope
//! that is proven to contain everything within the distance asked (see
//! [`geodesy::expand_envelope`]), then exact geodesic measures decide. Distances are never
//! taken in planar degrees.

pub mod answer;
pub mod border_zone;
pub mod bounds;
pub mod changes;
pub mod error;
pub mod geodesy;
pub mod locate;
pub mod near;
pub mod nearest;
pub mod params;
pub mod question;
pub mod range;
pub mod scope;
pub mod spec;
pub mod territory;
pub mod within;
pub mod zone;

pub use answer::{round_km, Answer, Hit, Page, Shape};
pub use error::AnalysisError;
pub use params::{
    parse_page, DEFAULT_ANSWER_LIMIT, DEFAULT_COLLECTIONS, DEFAULT_K, MAX_DISTANCE_KM, MAX_K,
};
pub use question::Question;
pub use scope::Scope;
pub use spec::{question_names, ParamSpec, QuestionSpec, QUESTION_SPECS};
