//! A problem found in the data, located precisely enough for a maintainer to fix it.

use std::fmt;

/// One problem, printed as `file: feature-id: field: problem`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: String,
    /// The feature's id, or `#N` (its position) when it has no usable id, or `-` for the file.
    pub feature: String,
    /// Property path such as `members[2].left`, or `-` when the problem is the whole feature.
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(
        file: impl Into<String>,
        feature: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            file: file.into(),
            feature: feature.into(),
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}: {}",
            self.file, self.feature, self.field, self.message
        )
    }
}

/// Every problem found in a dataset; loading fails with this when the list is not empty.
#[derive(Debug, Clone, thiserror::Error)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the data has {} problem(s):", self.0.len())?;
        for p in &self.0 {
            writeln!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Collects problems for one file so that call sites only name the feature and field.
pub(crate) struct Report<'a> {
    pub file: &'a str,
    pub problems: &'a mut Vec<Problem>,
}

impl Report<'_> {
    /// Parses a whole file as JSON; on failure reports where and returns `None`.
    pub fn parse_json(&mut self, bytes: &[u8]) -> Option<serde_json::Value> {
        match serde_json::from_slice(bytes) {
            Ok(v) => Some(v),
            Err(e) => {
                let message = format!(
                    "malformed JSON at line {} column {}: {e}",
                    e.line(),
                    e.column()
                );
                self.add("-", "-", message);
                None
            }
        }
    }

    pub fn add(&mut self, feature: &str, field: &str, message: impl Into<String>) {
        self.problems
            .push(Problem::new(self.file, feature, field, message));
    }
}
