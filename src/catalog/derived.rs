//! [`Derived`]: values computed from a catalog on first use and kept for its life (prepared
//! border lines, prepared territories), so that each is built once per catalog, not once per
//! question. The catalog never changes, so neither do they.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Value = Arc<dyn Any + Send + Sync>;

/// Derived values by name.
#[derive(Default)]
pub struct Derived {
    values: Mutex<HashMap<String, Value>>,
}

impl Derived {
    /// The value named `key`, built by `build` the first time it is asked for. A key names
    /// one type of value: asking for it as another type builds and keeps that one instead.
    pub fn get_or_build<T: Any + Send + Sync>(
        &self,
        key: &str,
        build: impl FnOnce() -> T,
    ) -> Arc<T> {
        if let Some(found) = self.lock().get(key).cloned() {
            if let Ok(value) = found.downcast::<T>() {
                return value;
            }
        }
        // Built without the lock held, so that other questions go on meanwhile; two builders
        // of the same key build the same value and the last one is kept.
        let value = Arc::new(build());
        self.lock().insert(key.to_string(), value.clone() as Value);
        value
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Value>> {
        // A builder that panicked left no half value (values are inserted whole).
        self.values.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_built_once_and_shared() {
        let derived = Derived::default();
        let mut builds = 0;
        let first = derived.get_or_build("x", || {
            builds += 1;
            vec![1, 2, 3]
        });
        let second = derived.get_or_build("x", || {
            builds += 1;
            vec![9]
        });
        assert_eq!(builds, 1);
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(*derived.get_or_build("y", || 5u8), 5);
    }
}
