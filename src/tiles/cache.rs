//! A least-recently-used map bounded by the bytes its values take, shared between threads:
//! the PMTiles leaf directories (`archive.rs`) and the rendered collection tiles
//! (`collection.rs`) are kept in one each. Values are handed out as clones, so they should be
//! cheap to clone (`Arc`, `Bytes`).

use lru::LruCache;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};

/// At most `budget` bytes of values, the least recently used dropped first.
pub struct BoundedCache<K: Hash + Eq, V> {
    inner: Mutex<Inner<K, V>>,
    budget: usize,
}

struct Inner<K: Hash + Eq, V> {
    entries: LruCache<K, (V, usize)>,
    bytes: usize,
}

impl<K: Hash + Eq, V: Clone> BoundedCache<K, V> {
    /// An empty cache that holds at most `budget` bytes.
    pub fn new(budget: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                entries: LruCache::unbounded(),
                bytes: 0,
            }),
            budget,
        }
    }

    /// The value kept for `key`, which becomes the most recently used.
    pub fn get(&self, key: &K) -> Option<V> {
        self.lock().entries.get(key).map(|(value, _)| value.clone())
    }

    /// Keeps `value` under `key`, counting it as `bytes`, and drops the least recently used
    /// values until the cache fits its budget again. A value larger than the whole budget is
    /// not kept.
    pub fn insert(&self, key: K, value: V, bytes: usize) {
        if bytes > self.budget {
            return;
        }
        let mut inner = self.lock();
        if let Some((_, old)) = inner.entries.put(key, (value, bytes)) {
            inner.bytes -= old;
        }
        inner.bytes += bytes;
        while inner.bytes > self.budget {
            match inner.entries.pop_lru() {
                Some((_, (_, dropped))) => inner.bytes -= dropped,
                None => break,
            }
        }
    }

    /// Bytes of the values kept now.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// Number of values kept now.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<K, V>> {
        // A panic while holding the lock leaves a consistent map (each operation completes
        // or does nothing), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_values_go_first_and_the_budget_holds() {
        let cache = BoundedCache::new(10);
        cache.insert("a", 1, 4);
        cache.insert("b", 2, 4);
        assert_eq!(cache.get(&"a"), Some(1), "a is now the most recent");
        cache.insert("c", 3, 4);
        assert_eq!(cache.get(&"b"), None, "b was the least recently used");
        assert_eq!((cache.get(&"a"), cache.get(&"c")), (Some(1), Some(3)));
        assert_eq!((cache.len(), cache.bytes()), (2, 8));
        cache.insert("a", 5, 2);
        assert_eq!((cache.get(&"a"), cache.bytes()), (Some(5), 6), "replaced");
        cache.insert("huge", 9, 11);
        assert_eq!(cache.get(&"huge"), None, "larger than the budget");
        assert_eq!(cache.len(), 2);
    }
}
