//! Comparison of two prepared subjects field by field: the comparison vector that
//! the model weighs, and the keys under which values are counted for
//! term-frequency adjustment.

use std::collections::HashMap;

use crate::date;
use crate::identifier::{self, Agreement, Scheme};
use crate::name::{self, NameLevel};
use crate::subject::{Prepared, Schema};
use crate::text;

/// Field numbers: the fixed fields, then one per identifier scheme, then one per
/// attribute of the [`Schema`].
pub mod field {
    /// A person's family name.
    pub const FAMILY: u16 = 0;
    /// A person's given name(s).
    pub const GIVEN: u16 = 1;
    /// The name of anything but a person.
    pub const NAME: u16 = 2;
    /// Date of birth.
    pub const BIRTH: u16 = 3;
    /// Nationality.
    pub const NATIONALITY: u16 = 4;
    /// The first identifier field; scheme `s` is `ID_BASE + s.index()`.
    pub const ID_BASE: u16 = 5;
    /// The first attribute field; attribute `a` is `ATTR_BASE + a`.
    pub const ATTR_BASE: u16 = ID_BASE + 13;
}

/// What kind of comparison a field makes, which fixes its levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// Names: the six [`NameLevel`]s.
    Name,
    /// Dates of birth: different, same year, close, same.
    Date,
    /// Nationality: different, same.
    Category,
    /// Identifiers: different, tail, same.
    Identifier,
    /// Free-text attributes: different, a word in common, similar, same.
    Text,
}

impl FieldType {
    /// The type of a field number.
    pub fn of(field: u16) -> FieldType {
        match field {
            field::FAMILY | field::GIVEN | field::NAME => FieldType::Name,
            field::BIRTH => FieldType::Date,
            field::NATIONALITY => FieldType::Category,
            f if f < field::ATTR_BASE => FieldType::Identifier,
            _ => FieldType::Text,
        }
    }

    /// The names of the levels, lowest first.
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            FieldType::Name => &[
                "different",
                "partial",
                "fuzzy",
                "close",
                "equivalent",
                "exact",
            ],
            FieldType::Date => &["different", "same_year", "close", "same"],
            FieldType::Category => &["different", "same"],
            FieldType::Identifier => &["different", "tail", "same"],
            FieldType::Text => &["different", "shared_word", "similar", "same"],
        }
    }
}

/// The name of a field: `family_name`, `imo`, `attribute:city`, …
pub fn field_name(field: u16, schema: &Schema) -> String {
    match field {
        field::FAMILY => "family_name".to_owned(),
        field::GIVEN => "given_name".to_owned(),
        field::NAME => "name".to_owned(),
        field::BIRTH => "birth_date".to_owned(),
        field::NATIONALITY => "nationality".to_owned(),
        f if f < field::ATTR_BASE => Scheme::ALL
            .get(usize::from(f - field::ID_BASE))
            .map_or("identifier", |s| s.name())
            .to_owned(),
        f => schema.name(f - field::ATTR_BASE).to_owned(),
    }
}

/// The number of fields for a schema.
pub fn field_count(schema: &Schema) -> usize {
    usize::from(field::ATTR_BASE) + schema.names().len()
}

/// The agreement of one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The field number.
    pub field: u16,
    /// The level, an index into the field type's levels.
    pub level: u8,
    /// The frequency key of the agreeing value (0 when none applies).
    pub value: u64,
}

/// A hasher for keys that are already hashes (see [`value_key`]): one
/// multiplication spreads them over a table.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A map from keys that are already hashes.
pub type KeyMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// FNV-1a over a field number and bytes: the key of a value.
pub fn value_key(field: u16, bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in field.to_le_bytes().iter().chain(bytes) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h | 1
}

/// The values of a prepared subject that are counted for term frequencies, as
/// `(field, key)`.
pub fn frequency_keys(p: &Prepared, out: &mut Vec<(u16, u64)>) {
    if let Some(reading) = p.persons.first().and_then(|n| n.readings.first()) {
        if let Some(f) = &reading.family {
            out.push((
                field::FAMILY,
                value_key(field::FAMILY, &f.key.to_le_bytes()),
            ));
        }
        if let Some(g) = &reading.given {
            out.push((field::GIVEN, value_key(field::GIVEN, &g.key.to_le_bytes())));
        }
    }
    if let Some(n) = p.names.first() {
        out.push((field::NAME, value_key(field::NAME, &n.key.to_le_bytes())));
    }
    if let Some(d) = &p.birth_date {
        out.push((field::BIRTH, value_key(field::BIRTH, &d.key())));
    }
    if let Some(n) = &p.nationality {
        out.push((
            field::NATIONALITY,
            value_key(field::NATIONALITY, n.as_bytes()),
        ));
    }
    for id in &p.identifiers {
        let f = field::ID_BASE + id.scheme.index() as u16;
        out.push((f, value_key(f, id.value.as_bytes())));
    }
    for a in &p.attributes {
        let f = field::ATTR_BASE + a.id;
        out.push((f, value_key(f, a.text.as_bytes())));
    }
}

/// Counts of values per field, for term-frequency adjustment and the demotion of
/// over-common identifiers.
#[derive(Clone, Debug, Default)]
pub struct Frequencies {
    counts: KeyMap<u32>,
    totals: Vec<u64>,
}

impl Frequencies {
    /// Counts the values of a subject (`+1`) or uncounts them (`-1`).
    pub fn add(&mut self, p: &Prepared, sign: i32, scratch: &mut Vec<(u16, u64)>) {
        scratch.clear();
        frequency_keys(p, scratch);
        for &(f, key) in scratch.iter() {
            let f = usize::from(f);
            if self.totals.len() <= f {
                self.totals.resize(f + 1, 0);
            }
            if sign > 0 {
                *self.counts.entry(key).or_insert(0) += 1;
                self.totals[f] += 1;
            } else {
                if let Some(c) = self.counts.get_mut(&key) {
                    *c = c.saturating_sub(1);
                    if *c == 0 {
                        self.counts.remove(&key);
                    }
                }
                self.totals[f] = self.totals[f].saturating_sub(1);
            }
        }
    }

    /// How many subjects have this value.
    pub fn count(&self, key: u64) -> u32 {
        self.counts.get(&key).copied().unwrap_or(0)
    }

    /// The share of a field's values that are this value, if it is counted.
    pub fn rate(&self, field: u16, key: u64) -> Option<f64> {
        let total = *self.totals.get(usize::from(field))?;
        let count = self.count(key);
        (total > 0 && count > 0).then(|| f64::from(count) / total as f64)
    }

    /// The number of values counted in a field.
    pub fn total(&self, field: u16) -> u64 {
        self.totals.get(usize::from(field)).copied().unwrap_or(0)
    }
}

/// Whether two subjects are compared by their identifiers alone: they are of
/// different kinds, or of a kind without names (a phone, a container).
pub fn identifiers_only(a: &Prepared, b: &Prepared) -> bool {
    a.kind != b.kind || !a.kind.is_named()
}

/// Compares two prepared subjects; pushes one [`Comparison`] per field that both
/// have. Subjects of different kinds are compared by identifiers only.
pub fn compare(a: &Prepared, b: &Prepared, out: &mut Vec<Comparison>) {
    out.clear();
    let same_kind = a.kind == b.kind;
    if same_kind {
        compare_names(a, b, out);
        if let (Some(x), Some(y)) = (&a.birth_date, &b.birth_date) {
            let level = date::compare(x, y);
            let value = if level == date::DateAgreement::Same {
                value_key(field::BIRTH, &x.key())
            } else {
                0
            };
            out.push(Comparison {
                field: field::BIRTH,
                level: level as u8,
                value,
            });
        }
        if let (Some(x), Some(y)) = (&a.nationality, &b.nationality) {
            let same = x == y;
            out.push(Comparison {
                field: field::NATIONALITY,
                level: u8::from(same),
                value: if same {
                    value_key(field::NATIONALITY, x.as_bytes())
                } else {
                    0
                },
            });
        }
    }
    compare_identifiers(a, b, out);
    if same_kind {
        compare_attributes(a, b, out);
    }
}

fn compare_names(a: &Prepared, b: &Prepared, out: &mut Vec<Comparison>) {
    if !a.persons.is_empty() && !b.persons.is_empty() {
        let mut best: (i32, Option<NameLevel>, Option<NameLevel>) = (-1, None, None);
        for x in &a.persons {
            for y in &b.persons {
                let (family, given) = name::compare_persons(x, y);
                let score = family.map_or(0, |l| l as i32) + given.map_or(0, |l| l as i32);
                if score > best.0 {
                    best = (score, family, given);
                }
            }
        }
        let reading = a.persons.first().and_then(|n| n.readings.first());
        if let Some(level) = best.1 {
            let value = match (level, reading.and_then(|r| r.family.as_ref())) {
                (NameLevel::Exact | NameLevel::Equivalent, Some(part)) => {
                    value_key(field::FAMILY, &part.key.to_le_bytes())
                }
                _ => 0,
            };
            out.push(Comparison {
                field: field::FAMILY,
                level: level as u8,
                value,
            });
        }
        if let Some(level) = best.2 {
            let value = match (level, reading.and_then(|r| r.given.as_ref())) {
                (NameLevel::Exact | NameLevel::Equivalent, Some(part)) => {
                    value_key(field::GIVEN, &part.key.to_le_bytes())
                }
                _ => 0,
            };
            out.push(Comparison {
                field: field::GIVEN,
                level: level as u8,
                value,
            });
        }
    }
    if !a.names.is_empty() && !b.names.is_empty() {
        let mut best = NameLevel::Different;
        for x in &a.names {
            for y in &b.names {
                best = best.max(name::compare_parts(x, y));
            }
        }
        let value = match (best, a.names.first()) {
            (NameLevel::Exact | NameLevel::Equivalent, Some(part)) => {
                value_key(field::NAME, &part.key.to_le_bytes())
            }
            _ => 0,
        };
        out.push(Comparison {
            field: field::NAME,
            level: best as u8,
            value,
        });
    }
}

fn compare_identifiers(a: &Prepared, b: &Prepared, out: &mut Vec<Comparison>) {
    if a.identifiers.is_empty() || b.identifiers.is_empty() {
        return;
    }
    for scheme in Scheme::ALL {
        let mut best: Option<(Agreement, u64)> = None;
        for x in a.identifiers.iter().filter(|i| i.scheme == scheme) {
            for y in b.identifiers.iter().filter(|i| i.scheme == scheme) {
                let agreement = identifier::agreement(x, y);
                let f = field::ID_BASE + scheme.index() as u16;
                let value = match agreement {
                    Agreement::Same => value_key(f, x.value.as_bytes()),
                    _ => 0,
                };
                if best.is_none_or(|(b, _)| agreement > b) {
                    best = Some((agreement, value));
                }
            }
        }
        if let Some((agreement, value)) = best {
            out.push(Comparison {
                field: field::ID_BASE + scheme.index() as u16,
                level: agreement as u8,
                value,
            });
        }
    }
}

fn compare_attributes(a: &Prepared, b: &Prepared, out: &mut Vec<Comparison>) {
    for x in &a.attributes {
        let Some(y) = b.attributes.iter().find(|y| y.id == x.id) else {
            continue;
        };
        if out.iter().any(|c| c.field == field::ATTR_BASE + x.id) {
            continue;
        }
        let f = field::ATTR_BASE + x.id;
        let level = if x.text == y.text {
            3
        } else if text::jaro_winkler(&x.text, &y.text) >= 0.9 {
            2
        } else if x
            .text
            .split(' ')
            .any(|w| w.chars().count() > 1 && y.text.split(' ').any(|v| v == w))
        {
            1
        } else {
            0
        };
        out.push(Comparison {
            field: f,
            level,
            value: if level == 3 {
                value_key(f, x.text.as_bytes())
            } else {
                0
            },
        });
    }
}
