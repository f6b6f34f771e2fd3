//! Which search terms are known to be in `search_vocab` already, so that writers skip
//! them: a term is written once and never removed, but nearly every term of a new
//! record is an old one, and asking the database about each costs a bulk import a
//! fifth of its time.

use std::collections::HashSet;
use std::sync::Mutex;

/// Terms remembered at most; beyond, the memory starts again (about 40 bytes a term).
const CAPACITY: usize = 250_000;

/// Terms known to be stored, shared by every connection of a [`crate::Store`].
#[derive(Debug, Default)]
pub(crate) struct VocabCache {
    known: Mutex<HashSet<String>>,
}

impl VocabCache {
    /// The terms among `terms` not known to be stored.
    pub(crate) fn unknown<'a>(&self, terms: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
        let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        terms.into_iter().filter(|t| !known.contains(*t)).collect()
    }

    /// Remembers terms whose insertion has been committed.
    pub(crate) fn committed(&self, terms: Vec<String>) {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        if known.len() + terms.len() > CAPACITY {
            known.clear();
        }
        known.extend(terms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_committed_terms_are_known() {
        let cache = VocabCache::default();
        assert_eq!(cache.unknown(["a", "b"]), vec!["a", "b"]);
        cache.committed(vec!["a".into()]);
        assert_eq!(cache.unknown(["a", "b"]), vec!["b"]);
    }

    #[test]
    fn a_full_cache_starts_again() {
        let cache = VocabCache::default();
        cache.committed((0..CAPACITY).map(|i| i.to_string()).collect());
        assert!(cache.unknown(["0"]).is_empty());
        cache.committed(vec!["new".into()]);
        assert_eq!(cache.unknown(["0", "new"]), vec!["0"]);
    }
}
