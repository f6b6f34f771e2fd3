//! Batch resolution: subjects in, clusters out. The steps are: prepare every
//! subject; count values; block; estimate `u` from random pairs and `m` by
//! expectation maximisation over candidate pairs; score every candidate pair;
//! cluster the links.
//!
//! Memory is bounded by the prepared subjects, their keys and the links kept
//! (pairs above the threshold); candidate pairs are generated subject by subject
//! and never stored.

use std::collections::HashMap;

use crate::block::{self, Key};
use crate::cluster::{self, Link};
use crate::compare::{self, Comparison, Frequencies, KeyMap};
use crate::model::{self, Context, Model, Patterns};
use crate::subject::{self, Prepared, Problem, Schema, Subject};

/// Below this many candidate pairs, `m` keeps its default values (only the share
/// of matches is estimated): too few pairs to learn from.
const MIN_PAIRS_TO_LEARN: u64 = 1_000;

/// Settings of a batch resolution.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Name blocks with more subjects than this are not used to find candidates.
    pub block_cap: usize,
    /// Identifier values shared by more subjects than this are demoted: they find
    /// no candidates and carry no weight.
    pub demote_above: u32,
    /// Worker threads.
    pub threads: usize,
    /// Links at or above this match probability join clusters.
    pub min_probability: f64,
    /// Random pairs compared to estimate `u`.
    pub u_pairs: usize,
    /// Candidate pairs (at most) over which `m` is estimated.
    pub em_pairs: usize,
    /// Iterations of expectation maximisation.
    pub em_iterations: usize,
    /// Seed of the random pair sample.
    pub seed: u64,
    /// Mean probability across two clusters needed to join them (0 for plain
    /// connected components).
    pub min_support: f64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            block_cap: 100,
            demote_above: 50,
            threads: 1,
            min_probability: 0.5,
            u_pairs: 300_000,
            em_pairs: 500_000,
            em_iterations: 30,
            seed: 0x5eed,
            min_support: 0.25,
        }
    }
}

/// The stages of a resolution, for progress reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Finding candidate pairs and estimating the model.
    Training,
    /// Scoring candidate pairs.
    Scoring,
    /// Clustering links.
    Clustering,
}

/// The outcome of a resolution.
#[derive(Clone, Debug)]
pub struct Resolution {
    /// For each subject, its cluster: the index of the first subject in it.
    pub cluster_of: Vec<u32>,
    /// The links at or above the threshold.
    pub links: Vec<Link>,
    /// The estimated model.
    pub model: Model,
    /// The attribute names of the model's fields.
    pub schema: Schema,
    /// The number of candidate pairs compared.
    pub candidate_pairs: u64,
}

/// Collects subjects, then resolves them.
#[derive(Debug, Default)]
pub struct Resolver {
    options: Options,
    schema: Schema,
    prepared: Vec<Prepared>,
    key_offsets: Vec<u32>,
    keys: Vec<Key>,
    scratch: Vec<Key>,
}

/// A small deterministic generator (SplitMix64) for sampling pairs.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}

fn pair_hash(a: u32, b: u32) -> u64 {
    let mut s = SplitMix((u64::from(a) << 32) | u64::from(b));
    s.next()
}

impl Resolver {
    /// An empty resolver.
    pub fn new(options: Options) -> Resolver {
        Resolver {
            options,
            key_offsets: vec![0],
            ..Resolver::default()
        }
    }

    /// The number of subjects added.
    pub fn len(&self) -> usize {
        self.prepared.len()
    }

    /// Whether no subject was added.
    pub fn is_empty(&self) -> bool {
        self.prepared.is_empty()
    }

    /// Adds a subject; returns what in it could not be used.
    pub fn add(&mut self, subject: &Subject) -> Vec<Problem> {
        let (p, problems) = subject::prepare(subject, &mut self.schema);
        self.push(p);
        problems
    }

    fn push(&mut self, p: Prepared) {
        block::keys(&p, &mut self.scratch);
        self.keys.extend_from_slice(&self.scratch);
        self.key_offsets.push(self.keys.len() as u32);
        self.prepared.push(p);
    }

    /// Adds subjects, preparing them (and their blocking keys) on the configured
    /// threads; returns the number of values that could not be used.
    pub fn add_all(&mut self, subjects: &[Subject]) -> usize {
        for s in subjects {
            subject::register(s, &mut self.schema);
        }
        let threads = self.options.threads.max(1);
        let chunk = subjects.len().div_ceil(threads).max(1);
        let schema = &self.schema;
        type Done = (Vec<(Prepared, usize)>, Vec<Key>, Vec<u32>);
        let parts: Vec<Done> = std::thread::scope(|scope| {
            let handles: Vec<_> = subjects
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        let mut prepared = Vec::with_capacity(part.len());
                        let mut keys = Vec::new();
                        let mut ends = Vec::with_capacity(part.len());
                        let mut scratch = Vec::new();
                        for s in part {
                            let (p, problems) = subject::prepare_known(s, schema);
                            block::keys(&p, &mut scratch);
                            keys.extend_from_slice(&scratch);
                            ends.push(keys.len() as u32);
                            prepared.push((p, problems.len()));
                        }
                        (prepared, keys, ends)
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        let mut problems = 0;
        for (prepared, keys, ends) in parts {
            let base = self.keys.len() as u32;
            self.keys.extend_from_slice(&keys);
            self.key_offsets.extend(ends.iter().map(|e| base + e));
            for (p, n) in prepared {
                problems += n;
                self.prepared.push(p);
            }
        }
        problems
    }

    fn keys_of(&self, i: usize) -> &[Key] {
        let (s, e) = (
            self.key_offsets[i] as usize,
            self.key_offsets[i + 1] as usize,
        );
        &self.keys[s..e]
    }

    /// Resolves the subjects added. `progress(stage, done, total)` is called now
    /// and then.
    pub fn resolve(self, progress: &mut dyn FnMut(Stage, u64, u64)) -> Resolution {
        let n = self.prepared.len();
        let options = self.options.clone();
        // Values and postings.
        let mut frequencies = Frequencies::default();
        let mut scratch = Vec::new();
        for p in &self.prepared {
            frequencies.add(p, 1, &mut scratch);
        }
        let mut postings: KeyMap<Vec<u32>> = KeyMap::default();
        for i in 0..n {
            for k in self.keys_of(i) {
                postings.entry(k.hash).or_default().push(i as u32);
            }
        }
        let usable = |k: &Key, len: usize| {
            len >= 2
                && if k.identifier {
                    len <= options.demote_above as usize
                } else {
                    len <= options.block_cap
                }
        };
        let candidates = Candidates {
            resolver: &self,
            postings: &postings,
            usable: &usable,
        };
        // Count candidate pairs, to sample those for training.
        let total_candidates = candidates.count(if n > 100_000 { 16 } else { 1 });
        progress(Stage::Training, 0, total_candidates);
        let stride = (total_candidates / options.em_pairs.max(1) as u64).max(1);
        // u from random pairs of the same kind.
        let start = Model::default_for(&self.schema);
        let u_random = self
            .random_pairs(options.u_pairs, options.seed, options.threads)
            .level_shares_or(MIN_PAIRS_TO_LEARN as f64, &start);
        // m by EM over a sample of candidates, one group per kind of blocking key.
        let training = candidates.fold(
            options.threads,
            HashMap::<u8, Patterns>::new,
            |acc: &mut HashMap<u8, Patterns>, i, j, pinned, cmp: &mut Vec<Comparison>| {
                let (a, b) = (&self.prepared[i as usize], &self.prepared[j as usize]);
                if pair_hash(i, j).is_multiple_of(stride) && a.kind == b.kind && a.kind.is_named() {
                    compare::compare(a, b, cmp);
                    acc.entry(pinned)
                        .or_default()
                        .add_without(cmp, |f| is_pinned(f, pinned));
                }
            },
            |a, b| {
                for (k, v) in b {
                    a.entry(k).or_default().merge(v);
                }
            },
        );
        let start_m: Vec<Vec<f64>> = start.fields.iter().map(|f| f.m.clone()).collect();
        let sampled: u64 = training.values().map(Patterns::total).sum();
        let mut groups: Vec<(&u8, &Patterns)> = training.iter().collect();
        groups.sort_by_key(|(k, _)| **k);
        let estimates: Vec<model::Estimate> = groups
            .iter()
            .map(|(_, p)| {
                model::expectation_maximisation(
                    p,
                    &u_random,
                    &start_m,
                    options.em_iterations,
                    sampled >= MIN_PAIRS_TO_LEARN,
                )
            })
            .collect();
        // Blocks on a name and an attribute value (surname and sex, given name
        // and town) mix matches and non-matches in ways the attribute does not
        // tell apart; `m` is learnt from the other blocks.
        let learning: Vec<model::Estimate> = groups
            .iter()
            .zip(&estimates)
            .filter(|((k, _), _)| **k & crate::block::pins::ATTRIBUTE == 0)
            .map(|(_, e)| e.clone())
            .collect();
        let mut model = model::combine(
            if learning.is_empty() {
                &estimates
            } else {
                &learning
            },
            &start,
            &u_random,
        );
        let sampled_matches: f64 = estimates.iter().map(|e| e.lambda * e.pairs).sum();
        let same_kind_pairs = self.same_kind_pairs();
        model.prior =
            (sampled_matches * stride as f64 / same_kind_pairs.max(1.0)).clamp(1e-12, 0.5);
        progress(Stage::Scoring, 0, total_candidates);
        // Score every candidate.
        let threshold = threshold_weight(options.min_probability);
        let (mut links, compared): (Vec<Link>, u64) = candidates.fold(
            options.threads,
            || (Vec::new(), 0),
            |acc: &mut (Vec<Link>, u64), i, j, _, cmp: &mut Vec<Comparison>| {
                let (a, b) = (&self.prepared[i as usize], &self.prepared[j as usize]);
                if a.kind != b.kind {
                    // One entity is of one kind: a person and a phone are two.
                    return;
                }
                compare::compare(a, b, cmp);
                acc.1 += 1;
                let context = Context::for_pair(&frequencies, options.demote_above, a, b);
                let w = if a.kind.is_named() {
                    model.score(cmp, &context)
                } else {
                    match model.identifier_evidence(cmp, &context) {
                        Some(evidence) => evidence.max(threshold),
                        None => f64::NEG_INFINITY,
                    }
                };
                if w >= threshold {
                    acc.0.push(Link {
                        a: i,
                        b: j,
                        weight: w as f32,
                    });
                }
            },
            |a, b| {
                a.0.extend(b.0);
                a.1 += b.1;
            },
        );
        links.sort_by_key(|l| (l.a, l.b));
        progress(Stage::Clustering, 0, links.len() as u64);
        let mut cmp = Vec::new();
        let cluster_of = cluster::cluster(n, &mut links, options.min_support, |xs, ys| {
            // At most SUPPORT_PAIRS pairs across, spread over both clusters.
            const SUPPORT_PAIRS: usize = 64;
            let all = xs.len() * ys.len();
            let k = all.min(SUPPORT_PAIRS);
            let mut sum = 0.0;
            for t in 0..k {
                let index = t * all / k;
                let (x, y) = (xs[index / ys.len()], ys[index % ys.len()]);
                let (a, b) = (&self.prepared[x as usize], &self.prepared[y as usize]);
                compare::compare(a, b, &mut cmp);
                let context = Context::for_pair(&frequencies, options.demote_above, a, b);
                sum += model::probability(model.score(&cmp, &context));
            }
            if k == 0 {
                0.0
            } else {
                sum / k as f64
            }
        });
        Resolution {
            cluster_of,
            links,
            model,
            schema: self.schema,
            candidate_pairs: compared,
        }
    }

    /// The number of pairs of subjects of one kind.
    fn same_kind_pairs(&self) -> f64 {
        let mut per_kind: HashMap<crate::subject::Kind, f64> = HashMap::new();
        for p in &self.prepared {
            *per_kind.entry(p.kind).or_insert(0.0) += 1.0;
        }
        per_kind.values().map(|n| n * (n - 1.0) / 2.0).sum()
    }

    /// Compares random pairs of subjects of one kind (all pairs when there are
    /// few), on `threads` threads.
    fn random_pairs(&self, wanted: usize, seed: u64, threads: usize) -> Patterns {
        let n = self.prepared.len() as u64;
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        if n >= 2 && n * (n - 1) / 2 <= wanted as u64 {
            for i in 0..n as u32 {
                for j in i + 1..n as u32 {
                    pairs.push((i, j));
                }
            }
        } else if n >= 2 {
            let mut rng = SplitMix(seed);
            pairs.reserve(wanted);
            while pairs.len() < wanted {
                let i = rng.below(n) as u32;
                let j = rng.below(n) as u32;
                if i != j {
                    pairs.push((i, j));
                }
            }
        }
        let threads = threads.max(1);
        let chunk = pairs.len().div_ceil(threads).max(1);
        let mut patterns = Patterns::default();
        std::thread::scope(|scope| {
            let handles: Vec<_> = pairs
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        let mut acc = Patterns::default();
                        let mut cmp = Vec::new();
                        for &(i, j) in part {
                            let (a, b) = (&self.prepared[i as usize], &self.prepared[j as usize]);
                            if a.kind == b.kind {
                                compare::compare(a, b, &mut cmp);
                                acc.add(&cmp);
                            }
                        }
                        acc
                    })
                })
                .collect();
            for h in handles {
                if let Ok(p) = h.join() {
                    patterns.merge(p);
                }
            }
        });
        patterns
    }
}

/// Whether a blocking key's pins cover a field.
fn is_pinned(field: u16, pinned: u8) -> bool {
    use crate::block::pins;
    use crate::compare::field as f;
    let bit = match field {
        f::FAMILY => pins::FAMILY,
        f::GIVEN => pins::GIVEN,
        f::NAME => pins::NAME,
        f::BIRTH => pins::BIRTH,
        f::NATIONALITY => 0,
        x if x < f::ATTR_BASE => pins::IDENTIFIER,
        _ => pins::ATTRIBUTE,
    };
    pinned & bit != 0
}

/// The match weight of a probability.
pub fn threshold_weight(probability: f64) -> f64 {
    let p = probability.clamp(1e-9, 1.0 - 1e-9);
    (p / (1.0 - p)).log2()
}

/// Candidate pairs: subjects sharing a usable key, each pair once.
struct Candidates<'a> {
    resolver: &'a Resolver,
    postings: &'a KeyMap<Vec<u32>>,
    usable: &'a (dyn Fn(&Key, usize) -> bool + Sync),
}

impl Candidates<'_> {
    /// Calls `visit(i, j, pins)` for every candidate pair with `i < j` and `i` in
    /// the rows `t, t + step, …`; `pins` are those of the first key found.
    fn visit_rows(&self, t: usize, step: usize, mut visit: impl FnMut(u32, u32, u8)) {
        let n = self.resolver.prepared.len();
        let mut stamp: Vec<u32> = vec![u32::MAX; n];
        let mut i = t;
        while i < n {
            for k in self.resolver.keys_of(i) {
                let Some(list) = self.postings.get(&k.hash) else {
                    continue;
                };
                if !(self.usable)(k, list.len()) {
                    continue;
                }
                for &j in list {
                    if j as usize > i && stamp[j as usize] != i as u32 {
                        stamp[j as usize] = i as u32;
                        visit(i as u32, j, k.pins);
                    }
                }
            }
            i += step;
        }
    }

    fn count(&self, threads: usize) -> u64 {
        self.fold(
            threads,
            || 0u64,
            |acc, _, _, _, _| *acc += 1,
            |a, b| *a += b,
        )
    }

    /// Folds over all candidate pairs on `threads` threads; the partial results
    /// are merged in thread order, so the result does not depend on timing.
    fn fold<A: Send>(
        &self,
        threads: usize,
        init: impl Fn() -> A + Sync,
        step: impl Fn(&mut A, u32, u32, u8, &mut Vec<Comparison>) + Sync,
        merge: impl Fn(&mut A, A),
    ) -> A {
        let threads = threads.max(1);
        let mut parts: Vec<A> = Vec::with_capacity(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let init = &init;
                    let step = &step;
                    scope.spawn(move || {
                        let mut acc = init();
                        let mut cmp = Vec::new();
                        self.visit_rows(t, threads, |i, j, p| step(&mut acc, i, j, p, &mut cmp));
                        acc
                    })
                })
                .collect();
            for h in handles {
                if let Ok(a) = h.join() {
                    parts.push(a);
                }
            }
        });
        let mut iter = parts.into_iter();
        let mut acc = iter.next().unwrap_or_else(&init);
        for p in iter {
            merge(&mut acc, p);
        }
        acc
    }
}

/// Resolves a slice of subjects.
pub fn resolve(subjects: &[Subject], options: &Options) -> Resolution {
    let mut resolver = Resolver::new(options.clone());
    for s in subjects {
        resolver.add(s);
    }
    resolver.resolve(&mut |_, _, _| {})
}
