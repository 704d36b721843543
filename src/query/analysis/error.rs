//! [`AnalysisError`]: why a question cannot be answered as asked, naming the parameter at
//! fault so that the server and the command line report it the same way.

use crate::query::params::ParamError;

/// A question that cannot be answered as asked; the message names the parameter at fault and
/// is meant for the person who asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error("missing parameter {0}")]
    Missing(&'static str),
    #[error("invalid {parameter}: {message}")]
    Invalid { parameter: String, message: String },
    #[error("invalid {parameter}: unknown country \"{code}\"; use an ISO 3166-1 alpha-3 code such as TJK")]
    UnknownCountry {
        parameter: &'static str,
        code: String,
    },
    #[error("invalid countries: {0} and {1} share no land border")]
    NoSharedBorder(String, String),
    #[error("invalid collections: {0}")]
    UnknownCollection(String),
    #[error("invalid from: no feature \"{0}\" in installations, forces, events or routes")]
    UnknownFeature(String),
    #[error("invalid from: \"{0}\" has no point location to measure a range from")]
    NoLocation(String),
    #[error("invalid area: \"{0}\" is neither a country ISO3 code nor a grouping or theater id")]
    UnknownArea(String),
}

impl AnalysisError {
    pub(crate) fn invalid(parameter: &str, message: impl Into<String>) -> AnalysisError {
        AnalysisError::Invalid {
            parameter: parameter.to_string(),
            message: message.into(),
        }
    }

    /// The parameter the error is about.
    pub fn parameter(&self) -> &str {
        match self {
            AnalysisError::Missing(p) => p,
            AnalysisError::Invalid { parameter, .. } => parameter,
            AnalysisError::UnknownCountry { parameter, .. } => parameter,
            AnalysisError::NoSharedBorder(..) => "countries",
            AnalysisError::UnknownCollection(_) => "collections",
            AnalysisError::UnknownFeature(_) | AnalysisError::NoLocation(_) => "from",
            AnalysisError::UnknownArea(_) => "area",
        }
    }
}

impl From<ParamError> for AnalysisError {
    fn from(e: ParamError) -> AnalysisError {
        AnalysisError::Invalid {
            parameter: e.parameter,
            message: e.message,
        }
    }
}
