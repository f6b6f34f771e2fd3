//! The incremental index a server keeps: from blocking keys to the subjects that
//! have them, and the counts of values for term frequencies and demotion.
//! Records are added, replaced and removed one at a time; a query compares a
//! record's subjects with the candidates sharing a key, with caps on how many
//! are looked at, and returns the matches with their weights field by field.
//!
//! Pairs are never stored: only postings (key → subjects) are, and pairs are
//! computed when asked for.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use serde::{Deserialize, Serialize};

use crate::block::{self, Key};
use crate::compare::{self, Comparison, Frequencies, KeyMap};
use crate::model::{self, Context, FieldWeight, Model};
use crate::subject::{self, Prepared, Problem, Schema, Subject};

/// Limits of the index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexOptions {
    /// Identifier values held by more subjects than this are demoted: they find
    /// no candidates and carry no weight (a shipping line's head-office phone).
    pub demote_above: u32,
    /// Name keys held by more subjects than this find no candidates (`Kim` and a
    /// common given name); the subjects are still found by their other keys.
    pub block_cap: u32,
    /// The most candidates compared for one query subject.
    pub max_candidates: usize,
    /// Matches below this probability are not returned.
    pub min_probability: f64,
    /// The most matches returned for one query.
    pub max_matches: usize,
}

impl Default for IndexOptions {
    fn default() -> IndexOptions {
        IndexOptions {
            demote_above: 50,
            block_cap: 100,
            max_candidates: 200,
            min_probability: 0.5,
            max_matches: 100,
        }
    }
}

/// A subject of another record that matches a query subject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Match<R> {
    /// The record that holds the matching subject.
    pub record: R,
    /// The position of the matching subject in that record's subjects.
    pub subject: usize,
    /// The position of the query subject among the subjects asked about.
    pub query_subject: usize,
    /// The match weight in bits (log2 of the odds).
    pub score: f64,
    /// The match probability.
    pub probability: f64,
    /// The fields compared, with their levels and weights.
    pub fields: Vec<FieldWeight>,
}

/// Which subject of which record a posting points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SubjectRef {
    slot: u32,
    subject: u16,
}

#[derive(Debug)]
struct Posting {
    /// Subjects with the key, up to the cap (plus one, to know it is over).
    subjects: Vec<SubjectRef>,
    /// Every subject with the key, counted.
    count: u32,
}

#[derive(Debug)]
struct Entry<R> {
    record: R,
    subjects: Vec<Prepared>,
}

/// The index of records' subjects.
#[derive(Debug)]
pub struct Index<R> {
    options: IndexOptions,
    model: Model,
    schema: Schema,
    slots: Vec<Option<Entry<R>>>,
    free: Vec<u32>,
    by_record: HashMap<R, u32>,
    postings: KeyMap<Posting>,
    frequencies: Frequencies,
    n_subjects: usize,
}

impl<R: Clone + Eq + Hash> Index<R> {
    /// An empty index with a default model.
    pub fn new(options: IndexOptions) -> Index<R> {
        let schema = Schema::default();
        Index {
            options,
            model: Model::default_for(&schema),
            schema,
            slots: Vec::new(),
            free: Vec::new(),
            by_record: HashMap::new(),
            postings: KeyMap::default(),
            frequencies: Frequencies::default(),
            n_subjects: 0,
        }
    }

    /// An empty index with an estimated model (from a batch resolution) and the
    /// schema its attribute fields were numbered with.
    pub fn with_model(options: IndexOptions, model: Model, schema: Schema) -> Index<R> {
        let mut index = Index::new(options);
        index.model = model;
        index.schema = schema;
        index.model.extend_to(&index.schema);
        index
    }

    /// The model in use.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.by_record.len()
    }

    /// Whether the index holds no record.
    pub fn is_empty(&self) -> bool {
        self.by_record.is_empty()
    }

    /// The number of subjects indexed.
    pub fn subject_count(&self) -> usize {
        self.n_subjects
    }

    /// Adds a record's subjects, replacing those it had. Returns what in them
    /// could not be used.
    pub fn upsert(&mut self, record: R, subjects: &[Subject]) -> Vec<Problem> {
        self.remove(&record);
        let mut problems = Vec::new();
        let mut prepared = Vec::with_capacity(subjects.len());
        for s in subjects.iter().take(usize::from(u16::MAX)) {
            let (p, mut pr) = subject::prepare(s, &mut self.schema);
            problems.append(&mut pr);
            prepared.push(p);
        }
        self.model.extend_to(&self.schema);
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(None);
                (self.slots.len() - 1) as u32
            }
        };
        let mut keys = Vec::new();
        let mut scratch = Vec::new();
        for (i, p) in prepared.iter().enumerate() {
            block::keys(p, &mut keys);
            let r = SubjectRef {
                slot,
                subject: i as u16,
            };
            for k in &keys {
                let cap = self.cap(k) as usize;
                let posting = self.postings.entry(k.hash).or_insert(Posting {
                    subjects: Vec::new(),
                    count: 0,
                });
                posting.count += 1;
                if posting.subjects.len() <= cap {
                    posting.subjects.push(r);
                }
            }
            self.frequencies.add(p, 1, &mut scratch);
        }
        self.n_subjects += prepared.len();
        self.slots[slot as usize] = Some(Entry {
            record: record.clone(),
            subjects: prepared,
        });
        self.by_record.insert(record, slot);
        problems
    }

    fn cap(&self, k: &Key) -> u32 {
        if k.identifier {
            self.options.demote_above
        } else {
            self.options.block_cap
        }
    }

    /// Removes a record; returns whether it was there.
    ///
    /// A key that went over its cap stays demoted until the index is rebuilt, as
    /// the subjects beyond the cap were counted but not listed.
    pub fn remove(&mut self, record: &R) -> bool {
        let Some(slot) = self.by_record.remove(record) else {
            return false;
        };
        let Some(entry) = self.slots.get_mut(slot as usize).and_then(Option::take) else {
            return false;
        };
        let mut keys = Vec::new();
        let mut scratch = Vec::new();
        for p in &entry.subjects {
            block::keys(p, &mut keys);
            for k in &keys {
                if let Some(posting) = self.postings.get_mut(&k.hash) {
                    posting.count = posting.count.saturating_sub(1);
                    posting.subjects.retain(|r| r.slot != slot);
                    if posting.count == 0 {
                        self.postings.remove(&k.hash);
                    }
                }
            }
            self.frequencies.add(p, -1, &mut scratch);
        }
        self.n_subjects -= entry.subjects.len();
        self.free.push(slot);
        true
    }

    /// The matches of subjects (of a record being filed, or a search) among the
    /// records indexed, strongest first. `exclude` is left out (the record's own
    /// entry, when it is already indexed).
    pub fn matches(&self, subjects: &[Subject], exclude: Option<&R>) -> Vec<Match<R>> {
        let mut schema = self.schema.clone();
        let prepared: Vec<Prepared> = subjects
            .iter()
            .map(|s| subject::prepare(s, &mut schema).0)
            .collect();
        let threshold = crate::resolve::threshold_weight(self.options.min_probability);
        self.matches_prepared(&prepared, &schema, exclude, threshold)
    }

    /// The subjects named like `subjects`, for a search by name: a name alone is
    /// weak evidence that two subjects are one (a common surname, a popular given
    /// name) and seldom reaches [`IndexOptions::min_probability`], but a reader
    /// searching for a name wants every subject whose names agree. Those whose
    /// fields add at least `evidence` bits, before the prior, strongest first.
    pub fn search(&self, subjects: &[Subject], evidence: f64) -> Vec<Match<R>> {
        let mut schema = self.schema.clone();
        let prepared: Vec<Prepared> = subjects
            .iter()
            .map(|s| subject::prepare(s, &mut schema).0)
            .collect();
        let threshold = self.model.prior_weight() + evidence;
        self.matches_prepared(&prepared, &schema, None, threshold)
    }

    /// The matches of a record already indexed, again (after the model changed or
    /// a value was demoted).
    pub fn matches_of(&self, record: &R) -> Vec<Match<R>> {
        let Some(entry) = self
            .by_record
            .get(record)
            .and_then(|&s| self.slots.get(s as usize))
            .and_then(Option::as_ref)
        else {
            return Vec::new();
        };
        let threshold = crate::resolve::threshold_weight(self.options.min_probability);
        self.matches_prepared(&entry.subjects, &self.schema, Some(record), threshold)
    }

    fn matches_prepared(
        &self,
        prepared: &[Prepared],
        schema: &Schema,
        exclude: Option<&R>,
        threshold: f64,
    ) -> Vec<Match<R>> {
        let exclude_slot = exclude.and_then(|r| self.by_record.get(r)).copied();
        // A query that names attributes the index has not seen needs default
        // parameters for them; otherwise the index's model serves as it is.
        let extended;
        let model = if schema.names().len() > self.schema.names().len() {
            let mut m = self.model.clone();
            m.extend_to(schema);
            extended = m;
            &extended
        } else {
            &self.model
        };
        let mut keys = Vec::new();
        let mut cmp: Vec<Comparison> = Vec::new();
        let mut out = Vec::new();
        let mut seen: Vec<SubjectRef> = Vec::new();
        let mut seen_set: HashSet<(u32, u16)> = HashSet::new();
        let mut lists: Vec<&[SubjectRef]> = Vec::new();
        for (qi, q) in prepared.iter().enumerate() {
            block::keys(q, &mut keys);
            seen.clear();
            seen_set.clear();
            // The most selective keys first (identifiers, then the smallest
            // blocks), until enough candidates are found.
            lists.clear();
            for k in &keys {
                if let Some(posting) = self.postings.get(&k.hash) {
                    if posting.count <= self.cap(k) {
                        lists.push(&posting.subjects);
                    }
                }
            }
            lists.sort_by_key(|l| l.len());
            'keys: for list in &lists {
                for r in list.iter() {
                    if Some(r.slot) == exclude_slot {
                        continue;
                    }
                    if seen.len() >= self.options.max_candidates {
                        break 'keys;
                    }
                    if seen_set.insert((r.slot, r.subject)) {
                        seen.push(*r);
                    }
                }
            }
            for r in &seen {
                let Some(entry) = self.slots.get(r.slot as usize).and_then(Option::as_ref) else {
                    continue;
                };
                let Some(candidate) = entry.subjects.get(usize::from(r.subject)) else {
                    continue;
                };
                compare::compare(q, candidate, &mut cmp);
                let context =
                    Context::for_pair(&self.frequencies, self.options.demote_above, q, candidate);
                let score = if compare::identifiers_only(q, candidate) {
                    match model.identifier_evidence(&cmp, &context) {
                        Some(evidence) => evidence.max(threshold),
                        None => continue,
                    }
                } else {
                    model.score(&cmp, &context)
                };
                if score >= threshold {
                    out.push(Match {
                        record: entry.record.clone(),
                        subject: usize::from(r.subject),
                        query_subject: qi,
                        score,
                        probability: model::probability(score),
                        fields: model.explain(&cmp, &context),
                    });
                }
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out.truncate(self.options.max_matches);
        out
    }
}
