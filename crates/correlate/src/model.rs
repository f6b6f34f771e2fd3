//! The Fellegi–Sunter model: for each field and level, the probability `m` of the
//! level among pairs that are the same entity and `u` among pairs that are not;
//! a pair's match weight is the log-odds `log2(λ/(1-λ)) + Σ log2(m/u)`, with `u`
//! of an exact agreement replaced by the frequency of the agreeing value (a
//! shared `Kim` says less than a shared `Gwak`). `u` is estimated from random
//! pairs, `m` and the share of matches among candidate pairs by expectation
//! maximisation over the candidates' comparison patterns.
//!
//! The names of vessels and organisations are registered names, chosen to tell
//! their bearers apart: an agreement on one is weighed by the share of the
//! entities of the kind that bear it ([`NameRarity`]), never less than
//! [`RARE_NAME_SHARE`], so that a name no other vessel bears is evidence enough on
//! its own and one that several bear is not.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::compare::{self, field, Comparison, FieldType, Frequencies, NameRarity};
use crate::subject::Schema;

/// The parameters of one field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldModel {
    /// The field's name (`family_name`, `imo`, an attribute's name, …).
    pub name: String,
    /// `m` per level, lowest level first.
    pub m: Vec<f64>,
    /// `u` per level, lowest level first.
    pub u: Vec<f64>,
}

/// The parameters of the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// λ: the probability that two subjects of one kind, drawn at random, are the
    /// same entity.
    pub prior: f64,
    /// Per field, by field number.
    pub fields: Vec<FieldModel>,
}

/// The smallest probability a level is given, so that no weight is infinite.
const FLOOR: f64 = 1e-6;

/// Term frequencies replace a level's `u` only once a field has this many
/// values counted; before, one value is a large share of few.
const MIN_VALUES_FOR_FREQUENCY: f64 = 100.0;

/// The share of its kind's names that a name of a vessel or organisation is given
/// when no other entity is known to bear it: one in 250,000. A node's records are a
/// small sample of the vessels and companies there are, so a name its index has
/// seen on no other entity is not taken as rarer than that. An exact agreement on
/// such a name weighs `log2(0.7 / 4e-6)` = 17.4 bits, enough against the default
/// prior (−16.6 bits) for a link on the name alone (probability 0.64), not enough
/// against a different flag (−2.8) or identifier (−3.3).
pub const RARE_NAME_SHARE: f64 = 4e-6;

/// What agreements on values are weighed against: the counts of values (for term
/// frequencies and the demotion of identifiers) and, for the names of vessels and
/// organisations, how rare the name the pair agrees on is.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    /// The counts of values.
    pub frequencies: Option<&'a Frequencies>,
    /// Identifier values held by more subjects than this carry no weight.
    pub demote_above: u32,
    /// For a pair of vessels or organisations: how rare their name is
    /// ([`Frequencies::name_rarity`]).
    pub name_rarity: Option<NameRarity>,
}

impl<'a> Context<'a> {
    /// A context with counts of values and no name rarity.
    pub fn new(frequencies: &'a Frequencies, demote_above: u32) -> Context<'a> {
        Context {
            frequencies: Some(frequencies),
            demote_above,
            name_rarity: None,
        }
    }

    /// The same, weighing the names of the pair `a`, `b` by their rarity.
    pub fn for_pair(
        frequencies: &'a Frequencies,
        demote_above: u32,
        a: &crate::subject::Prepared,
        b: &crate::subject::Prepared,
    ) -> Context<'a> {
        Context {
            frequencies: Some(frequencies),
            demote_above,
            name_rarity: frequencies.name_rarity(a, b),
        }
    }
}

/// The weight of one field in a scored pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldWeight {
    /// The field's name.
    pub field: String,
    /// The level's name (`exact`, `equivalent`, `same`, `tail`, …).
    pub level: String,
    /// The contribution to the match weight, in bits.
    pub weight: f64,
    /// Whether an identifier value was shared by too many subjects to count.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demoted: bool,
}

impl Model {
    /// A model with default parameters, for use before any has been estimated:
    /// exact identifiers and exact names with a date of birth are strong
    /// evidence, a name alone is not.
    pub fn default_for(schema: &Schema) -> Model {
        let n = compare::field_count(schema);
        let fields = (0..n as u16)
            .map(|f| {
                let (m, u): (&[f64], &[f64]) = match FieldType::of(f) {
                    FieldType::Name => (
                        &[0.05, 0.02, 0.05, 0.08, 0.1, 0.7],
                        &[0.93, 0.03, 0.03, 0.006, 0.002, 0.002],
                    ),
                    FieldType::Date => (&[0.05, 0.1, 0.1, 0.75], &[0.98, 0.015, 0.004, 0.0003]),
                    FieldType::Category => (&[0.1, 0.9], &[0.7, 0.3]),
                    FieldType::Identifier => (&[0.1, 0.1, 0.8], &[0.999_98, 1e-5, 1e-6]),
                    FieldType::Text => (&[0.2, 0.1, 0.1, 0.6], &[0.8, 0.1, 0.05, 0.05]),
                };
                FieldModel {
                    name: compare::field_name(f, schema),
                    m: m.to_vec(),
                    u: u.to_vec(),
                }
            })
            .collect();
        Model {
            prior: 1e-5,
            fields,
        }
    }

    /// Adds default parameters for fields added to the schema since.
    pub fn extend_to(&mut self, schema: &Schema) {
        let n = compare::field_count(schema);
        if self.fields.len() < n {
            let defaults = Model::default_for(schema);
            self.fields
                .extend(defaults.fields.into_iter().skip(self.fields.len()));
        }
    }

    /// The prior log-odds, in bits.
    pub fn prior_weight(&self) -> f64 {
        let p = self.prior.clamp(1e-15, 1.0 - 1e-9);
        (p / (1.0 - p)).log2()
    }

    /// The weight of one comparison, with term-frequency adjustment of
    /// agreements on a value; `None` when an identifier value is demoted.
    pub fn weight(&self, c: &Comparison, context: &Context<'_>) -> Option<f64> {
        let fm = self.fields.get(usize::from(c.field))?;
        let level = usize::from(c.level);
        let m = fm.m.get(level).copied().unwrap_or(FLOOR).max(FLOOR);
        let mut u = fm.u.get(level).copied().unwrap_or(FLOOR).max(FLOOR);
        // The comparison sets `value` where the agreement is on one value (exact
        // agreement, or an equivalent spelling of one name).
        if c.value != 0 {
            if let (field::NAME, Some(rarity)) = (c.field, context.name_rarity) {
                // The share of the kind's entities that bear the name, besides the
                // two compared; at least the share of a name seen on no other.
                let share = f64::from(rarity.others) / rarity.entities.max(1) as f64;
                u = share.max(RARE_NAME_SHARE);
                return Some((m / u).log2());
            }
            let mut measured = false;
            if let Some(freq) = context.frequencies {
                let is_identifier = FieldType::of(c.field) == FieldType::Identifier;
                if is_identifier && freq.count(c.value) > context.demote_above {
                    return None;
                }
                // The share of the field's values that are this value, once
                // enough values have been counted to tell.
                let count = f64::from(freq.count(c.value));
                let total = freq.total(c.field) as f64;
                if count > 0.0 && total >= MIN_VALUES_FOR_FREQUENCY {
                    u = (count / total).max(FLOOR);
                    measured = true;
                }
            }
            // Until then, the value's share in the population where it is known
            // (a Korean surname's census share: a shared Kim is a one-in-five
            // coincidence among Koreans).
            if !measured {
                if let Some(rate) = compare::reference_rate(c.field, c.value) {
                    u = rate.max(FLOOR);
                }
            }
        }
        Some((m / u).log2())
    }

    /// The match weight of a comparison vector, in bits.
    pub fn score(&self, comparisons: &[Comparison], context: &Context<'_>) -> f64 {
        self.prior_weight()
            + comparisons
                .iter()
                .filter_map(|c| self.weight(c, context))
                .sum::<f64>()
    }

    /// The evidence of identifiers alone, in bits and without the prior: the
    /// sum of the weights of the identifiers that agree (the same value, or one
    /// the tail of the other) and are not demoted; `None` when none does. This
    /// decides for subjects that are only an identifier (a phone, a container)
    /// and between subjects of different kinds (a person's phone and a phone).
    pub fn identifier_evidence(
        &self,
        comparisons: &[Comparison],
        context: &Context<'_>,
    ) -> Option<f64> {
        let mut evidence = None;
        for c in comparisons {
            if FieldType::of(c.field) == FieldType::Identifier && c.level > 0 {
                if let Some(w) = self.weight(c, context) {
                    evidence = Some(evidence.unwrap_or(0.0) + w);
                }
            }
        }
        evidence
    }

    /// The weights field by field, for explaining a link.
    pub fn explain(&self, comparisons: &[Comparison], context: &Context<'_>) -> Vec<FieldWeight> {
        comparisons
            .iter()
            .map(|c| {
                let weight = self.weight(c, context);
                let levels = FieldType::of(c.field).levels();
                FieldWeight {
                    field: self
                        .fields
                        .get(usize::from(c.field))
                        .map_or_else(String::new, |f| f.name.clone()),
                    level: levels
                        .get(usize::from(c.level))
                        .copied()
                        .unwrap_or("?")
                        .to_owned(),
                    weight: weight.unwrap_or(0.0),
                    demoted: weight.is_none(),
                }
            })
            .collect()
    }
}

/// The probability that a match weight (in bits) is a match.
pub fn probability(weight: f64) -> f64 {
    let odds = weight.exp2();
    odds / (1.0 + odds)
}

/// A comparison pattern without values: `(field, level)` pairs.
pub type Pattern = Vec<(u16, u8)>;

/// Counts of patterns.
#[derive(Clone, Debug, Default)]
pub struct Patterns {
    counts: HashMap<Pattern, u64>,
    total: u64,
}

impl Patterns {
    /// Counts one comparison vector.
    pub fn add(&mut self, comparisons: &[Comparison]) {
        self.add_without(comparisons, |_| false);
    }

    /// Counts one comparison vector without the fields `skip` selects.
    pub fn add_without(&mut self, comparisons: &[Comparison], skip: impl Fn(u16) -> bool) {
        let pattern: Pattern = comparisons
            .iter()
            .filter(|c| !skip(c.field))
            .map(|c| (c.field, c.level))
            .collect();
        *self.counts.entry(pattern).or_insert(0) += 1;
        self.total += 1;
    }

    /// Adds the counts of another set.
    pub fn merge(&mut self, other: Patterns) {
        for (p, c) in other.counts {
            *self.counts.entry(p).or_insert(0) += c;
        }
        self.total += other.total;
    }

    /// The number of comparison vectors counted.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Like [`Patterns::level_shares`], but a field seen in fewer than
    /// `min_seen` vectors keeps the values of `fallback` (a few pairs of a small
    /// set tell nothing of how often values agree by chance).
    pub fn level_shares_or(&self, min_seen: f64, fallback: &Model) -> Vec<Vec<f64>> {
        let n_fields = fallback.fields.len();
        let mut seen = vec![0.0; n_fields];
        for (pattern, &n) in &self.counts {
            for &(f, _) in pattern {
                if let Some(s) = seen.get_mut(usize::from(f)) {
                    *s += n as f64;
                }
            }
        }
        self.level_shares(n_fields)
            .into_iter()
            .zip(&fallback.fields)
            .zip(seen)
            .map(|((shares, fm), seen)| {
                if seen >= min_seen {
                    shares
                } else {
                    fm.u.clone()
                }
            })
            .collect()
    }

    /// Per field and level, the share of vectors (with the field present) at that
    /// level: the `u` of random pairs when the vectors are random pairs.
    pub fn level_shares(&self, n_fields: usize) -> Vec<Vec<f64>> {
        let mut counts: Vec<Vec<f64>> = (0..n_fields as u16)
            .map(|f| vec![0.0; FieldType::of(f).levels().len()])
            .collect();
        for (pattern, &n) in &self.counts {
            for &(f, l) in pattern {
                if let Some(slot) = counts
                    .get_mut(usize::from(f))
                    .and_then(|v| v.get_mut(usize::from(l)))
                {
                    *slot += n as f64;
                }
            }
        }
        counts.into_iter().map(|v| normalise(v, 0.5)).collect()
    }
}

/// Scales to sum 1, with every entry at least `pseudo` counts (so that a level
/// never seen keeps a small probability).
fn normalise(mut v: Vec<f64>, pseudo: f64) -> Vec<f64> {
    for x in v.iter_mut() {
        *x += pseudo;
    }
    let sum: f64 = v.iter().sum();
    if sum > 0.0 {
        for x in v.iter_mut() {
            *x /= sum;
        }
    }
    v
}

/// The result of expectation maximisation over one group of candidate pairs.
#[derive(Clone, Debug)]
pub struct Estimate {
    /// `m` per field and level (the starting values where the field was absent).
    pub m: Vec<Vec<f64>>,
    /// Per field, the expected number of matching pairs in which it was present:
    /// the weight of this group's `m` when groups are combined.
    pub mass: Vec<f64>,
    /// The share of matches among the group's pairs.
    pub lambda: f64,
    /// The number of pairs in the group.
    pub pairs: f64,
}

/// Estimates `m` and the share of matches among a group of candidate pairs by
/// expectation maximisation over their comparison patterns, with `u` fixed to
/// `u` (the shares among random pairs), starting from `start`. Without
/// `learn_m` (too few pairs to learn from), `m` stays at `start` and only the
/// share of matches is estimated.
///
/// The patterns of a group leave out the fields its blocking key made agree
/// (pairs found by family and given name say nothing about how often names
/// agree among matches), as in training one blocking rule at a time.
pub fn expectation_maximisation(
    candidates: &Patterns,
    u: &[Vec<f64>],
    start: &[Vec<f64>],
    iterations: usize,
    learn_m: bool,
) -> Estimate {
    let n_fields = start.len();
    let mut m: Vec<Vec<f64>> = start.to_vec();
    let mut mass = vec![0.0; n_fields];
    let mut lambda: f64 = 0.1;
    // In a fixed order, so that sums of floating-point numbers come out the
    // same on every run.
    let mut patterns: Vec<(&Pattern, f64)> = candidates
        .counts
        .iter()
        .map(|(p, &n)| (p, n as f64))
        .collect();
    patterns.sort_by(|a, b| a.0.cmp(b.0));
    // Fields whose agreement is common among random pairs (nationality, sex)
    // do not vote on which pairs match: within a block they agree with the
    // blocking key (all the Kims block together and are mostly Korean), and would
    // carry the whole block into the match class. Their `m` is still estimated.
    let votes: Vec<bool> = (0..n_fields)
        .map(|f| {
            u.get(f)
                .and_then(|v| v.last())
                .is_some_and(|&top| top < 0.05)
        })
        .collect();
    let mut total = 0.0;
    for _ in 0..iterations {
        let mut m_acc: Vec<Vec<f64>> = m.iter().map(|v| vec![0.0; v.len()]).collect();
        let mut matches = 0.0;
        total = 0.0;
        let prior = (lambda / (1.0 - lambda)).ln();
        for (pattern, n) in &patterns {
            let mut sum = prior;
            for &(f, l) in pattern.iter() {
                let (f, l) = (usize::from(f), usize::from(l));
                if !votes[f] {
                    continue;
                }
                let mf = m[f].get(l).copied().unwrap_or(FLOOR).max(FLOOR);
                let uf = u
                    .get(f)
                    .and_then(|v| v.get(l))
                    .copied()
                    .unwrap_or(FLOOR)
                    .max(FLOOR);
                sum += (mf / uf).ln();
            }
            let p = 1.0 / (1.0 + (-sum).exp());
            matches += n * p;
            total += n;
            for &(f, l) in pattern.iter() {
                if let Some(x) = m_acc[usize::from(f)].get_mut(usize::from(l)) {
                    *x += n * p;
                }
            }
        }
        if total == 0.0 {
            break;
        }
        lambda = (matches / total).clamp(1e-6, 1.0 - 1e-6);
        for f in 0..n_fields {
            mass[f] = m_acc[f].iter().sum();
            if mass[f] > 0.0 && learn_m {
                m[f] = normalise(std::mem::take(&mut m_acc[f]), 0.01);
            }
        }
    }
    Estimate {
        m,
        mass,
        lambda,
        pairs: total,
    }
}

/// Combines the estimates of several groups: each field's `m` is the average of
/// the groups' estimates weighted by their expected matches with the field
/// present; fields no group estimated keep `start`.
pub fn combine(estimates: &[Estimate], start: &Model, u: &[Vec<f64>]) -> Model {
    let fields = start
        .fields
        .iter()
        .enumerate()
        .map(|(f, fm)| {
            let mut m = vec![0.0; fm.m.len()];
            let mut weight = 0.0;
            for e in estimates {
                let w = e.mass.get(f).copied().unwrap_or(0.0);
                if w > 0.0 {
                    for (acc, x) in m.iter_mut().zip(&e.m[f]) {
                        *acc += w * x;
                    }
                    weight += w;
                }
            }
            let m = if weight > 0.0 {
                m.into_iter().map(|x| x / weight).collect()
            } else {
                fm.m.clone()
            };
            FieldModel {
                name: fm.name.clone(),
                m,
                u: u.get(f)
                    .filter(|v| v.len() == fm.u.len())
                    .cloned()
                    .unwrap_or_else(|| fm.u.clone()),
            }
        })
        .collect();
    Model {
        prior: start.prior,
        fields,
    }
}

/// The number of fields before attributes (for callers building schemas).
pub const FIXED_FIELDS: u16 = field::ATTR_BASE;
