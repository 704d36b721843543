//! A GeoJSON FeatureCollection written piece by piece: the opening, one feature at a time
//! (each writer appends its own bytes), then the closing members. Items pages and analysis
//! answers both go through it, so the envelope of every collection answer is written once.

use serde_json::Value;
use std::io::Write;

/// A FeatureCollection being written into one buffer.
pub struct CollectionWriter {
    out: Vec<u8>,
    features: usize,
}

impl CollectionWriter {
    /// Starts a collection; `capacity` is a hint for the buffer.
    pub fn new(capacity: usize) -> CollectionWriter {
        let mut out = Vec::with_capacity(capacity);
        out.extend_from_slice(b"{\"type\":\"FeatureCollection\",\"features\":[");
        CollectionWriter { out, features: 0 }
    }

    /// Appends one feature, written by `write` into the buffer.
    pub fn feature(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        let written: Result<(), std::convert::Infallible> = self.try_feature(|out| {
            write(out);
            Ok(())
        });
        let Ok(()) = written;
    }

    /// Appends one feature whose writer may refuse it; on refusal the error is returned and
    /// the collection is not to be finished (the buffer holds a partial feature).
    pub fn try_feature<E>(
        &mut self,
        write: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<(), E> {
        if self.features > 0 {
            self.out.push(b',');
        }
        self.features += 1;
        write(&mut self.out)
    }

    /// How many bytes are written so far.
    pub fn byte_len(&self) -> usize {
        self.out.len()
    }

    /// How many features were appended.
    pub fn len(&self) -> usize {
        self.features
    }

    pub fn is_empty(&self) -> bool {
        self.features == 0
    }

    /// Closes the features array, writes the given top-level members in order and returns
    /// the bytes.
    pub fn finish(mut self, members: &[(&str, Value)]) -> Vec<u8> {
        self.out.push(b']');
        for (name, value) in members {
            let _ = write!(self.out, ",{}:{}", Value::String((*name).into()), value);
        }
        self.out.push(b'}');
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_a_parseable_collection_with_its_members() {
        let mut writer = CollectionWriter::new(0);
        assert!(writer.is_empty());
        for id in ["a", "b"] {
            writer.feature(|out| {
                let feature =
                    json!({"type": "Feature", "id": id, "geometry": null, "properties": {}});
                out.extend_from_slice(feature.to_string().as_bytes());
            });
        }
        assert_eq!(writer.len(), 2);
        let bytes = writer.finish(&[("numberReturned", json!(2)), ("summary", json!({"q": "x"}))]);
        let parsed: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(parsed["type"], "FeatureCollection");
        assert_eq!(parsed["features"][1]["id"], "b");
        assert_eq!(parsed["numberReturned"], 2);
        assert_eq!(parsed["summary"]["q"], "x");
    }

    #[test]
    fn an_empty_collection_is_valid() {
        let bytes = CollectionWriter::new(0).finish(&[]);
        let parsed: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(parsed["features"], json!([]));
    }
}
