//! Comparison of two prepared subjects field by field: the comparison vector that
//! the model weighs, and the keys under which values are counted for
//! term-frequency adjustment.

use std::collections::HashMap;

use crate::date;
use crate::hangul;
use crate::identifier::{self, Agreement, Scheme};
use crate::name::{self, NameLevel};
use crate::subject::{Kind, Prepared, Schema};
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

/// The share of a value in the population, where it is known without counting:
/// Korean surnames, by their census shares ([`hangul::surname_share`]). It stands
/// for the value's frequency until enough values are counted to measure it.
pub fn reference_rate(field: u16, value: u64) -> Option<f64> {
    static SURNAMES: std::sync::OnceLock<KeyMap<f64>> = std::sync::OnceLock::new();
    if field != field::FAMILY || value == 0 {
        return None;
    }
    SURNAMES
        .get_or_init(|| {
            hangul::surname_shares()
                .map(|(surname, share)| {
                    let key = name::surname_key(surname);
                    (value_key(field::FAMILY, &key.to_le_bytes()), share)
                })
                .collect()
        })
        .get(&value)
        .copied()
}

/// Whether the names of a kind are weighed by their rarity among the entities of
/// the kind ([`Frequencies::name_rarity`]): the registered names of vessels and
/// organisations, which their owners choose to be told apart.
pub fn weighs_rarity(kind: Kind) -> bool {
    matches!(kind, Kind::Vessel | Kind::Organisation)
}

/// The slot of a kind among those whose names are weighed by their rarity.
fn rarity_slot(kind: Kind) -> usize {
    usize::from(kind == Kind::Organisation)
}

/// The name of a vessel or organisation that its rarity is counted under: its first
/// name, unless that says the name is not known.
fn rarity_value(p: &Prepared) -> Option<u64> {
    if !weighs_rarity(p.kind) {
        return None;
    }
    let part = p.names.first().filter(|part| !part.placeholder)?;
    Some(value_key(field::NAME, &part.key.to_le_bytes()))
}

/// The identifier that tells which vessel or organisation a subject is: its IMO
/// number, else its MMSI, call sign or registration (the smallest value of the
/// first of these schemes it has).
fn entity_identifier(p: &Prepared) -> Option<u64> {
    [
        Scheme::Imo,
        Scheme::Mmsi,
        Scheme::CallSign,
        Scheme::Registration,
    ]
    .iter()
    .find_map(|scheme| {
        p.identifiers
            .iter()
            .filter(|i| i.scheme == *scheme)
            .map(|i| value_key(field::ID_BASE + scheme.index() as u16, i.value.as_bytes()))
            .min()
    })
}

fn rarity_key(kind: Kind, name: u64) -> u64 {
    let mut bytes = [0u8; 9];
    bytes[0] = kind as u8;
    bytes[1..].copy_from_slice(&name.to_le_bytes());
    value_key(field::NAME, &bytes)
}

fn member_key(kind: Kind, name: u64, entity: u64) -> u64 {
    let mut bytes = [0u8; 17];
    bytes[0] = kind as u8;
    bytes[1..9].copy_from_slice(&name.to_le_bytes());
    bytes[9..].copy_from_slice(&entity.to_le_bytes());
    value_key(field::NAME, &bytes)
}

/// How rare the name two subjects agree on is among the entities of their kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NameRarity {
    /// The entities known to bear the name other than those the two subjects
    /// compared may be.
    pub others: u32,
    /// The entities of the kind known, counted per name.
    pub entities: u64,
}

/// Counts of values per field, for term-frequency adjustment and the demotion of
/// over-common identifiers; and, for the names of vessels and organisations, the
/// number of entities known to bear each name.
///
/// An entity is told apart from another by its identifier ([`entity_identifier`]):
/// subjects with the same identifier are one entity, with different ones two. A
/// subject without one may be any of the entities bearing its name, so a name is
/// known to be borne by as many entities as it has identifiers, and by one when
/// none of its subjects has any.
#[derive(Clone, Debug, Default)]
pub struct Frequencies {
    counts: KeyMap<u32>,
    totals: Vec<u64>,
    /// Per kind and name: the subjects bearing it.
    bearing: KeyMap<u32>,
    /// Per kind and name: the distinct identifiers among the subjects bearing it.
    identified: KeyMap<u32>,
    /// Per kind, name and identifier: the subjects bearing it.
    members: KeyMap<u32>,
    /// Per kind (vessels, organisations): the entities known, summed over names.
    entities: [u64; 2],
}

impl Frequencies {
    /// Counts the values of a subject (`+1`) or uncounts them (`-1`).
    pub fn add(&mut self, p: &Prepared, sign: i32, scratch: &mut Vec<(u16, u64)>) {
        self.add_bearer(p, sign);
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

    /// The entities known to bear a name.
    fn bearers(&self, name_key: u64) -> u32 {
        match self.bearing.get(&name_key) {
            Some(n) if *n > 0 => self.identified.get(&name_key).copied().unwrap_or(0).max(1),
            _ => 0,
        }
    }

    /// Counts (or uncounts) a vessel or organisation among the bearers of its name.
    fn add_bearer(&mut self, p: &Prepared, sign: i32) {
        let Some(name) = rarity_value(p) else {
            return;
        };
        let key = rarity_key(p.kind, name);
        let before = self.bearers(key);
        let step = |n: &mut u32| {
            if sign > 0 {
                *n += 1;
            } else {
                *n = n.saturating_sub(1);
            }
            *n
        };
        if step(self.bearing.entry(key).or_insert(0)) == 0 {
            self.bearing.remove(&key);
        }
        if let Some(entity) = entity_identifier(p) {
            let member = member_key(p.kind, name, entity);
            let n = step(self.members.entry(member).or_insert(0));
            let changed = if sign > 0 { n == 1 } else { n == 0 };
            if n == 0 {
                self.members.remove(&member);
            }
            if changed && step(self.identified.entry(key).or_insert(0)) == 0 {
                self.identified.remove(&key);
            }
        }
        let after = self.bearers(key);
        let slot = &mut self.entities[rarity_slot(p.kind)];
        *slot = (*slot + u64::from(after)).saturating_sub(u64::from(before));
    }

    /// How rare the first name of `a` is among the vessels or organisations known,
    /// for an agreement of `a` and `b` on it: the entities known to bear it other
    /// than those the two may be (the one or two their identifiers name, or any
    /// one of the bearers when neither has an identifier), and the entities of the
    /// kind, the two counted in. `None` for other kinds, and for a name that says
    /// it is not known.
    pub fn name_rarity(&self, a: &Prepared, b: &Prepared) -> Option<NameRarity> {
        if a.kind != b.kind {
            return None;
        }
        let name = rarity_value(a)?;
        let key = rarity_key(a.kind, name);
        let known = |entity: u64| {
            self.members
                .get(&member_key(a.kind, name, entity))
                .is_some_and(|n| *n > 0)
        };
        let ea = entity_identifier(a);
        let eb = entity_identifier(b).filter(|e| Some(*e) != ea);
        let pair = [ea, eb];
        let identified = self.identified.get(&key).copied().unwrap_or(0)
            + pair.iter().flatten().filter(|e| !known(**e)).count() as u32;
        let bearers = identified.max(1);
        let own = (pair.iter().flatten().count() as u32).max(1);
        let entities = (self.entities[rarity_slot(a.kind)] + u64::from(bearers))
            .saturating_sub(u64::from(self.bearers(key)));
        Some(NameRarity {
            others: bearers.saturating_sub(own),
            entities,
        })
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
        // The reading of `a` that agreed: its parts are the values agreed on.
        let mut reading = a.persons.first().and_then(|n| n.readings.first());
        for x in &a.persons {
            for y in &b.persons {
                let (family, given, ia) = name::compare_readings(x, y);
                let score = family.map_or(0, |l| l as i32) + given.map_or(0, |l| l as i32);
                if score > best.0 {
                    best = (score, family, given);
                    reading = x.readings.get(ia);
                }
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subject::{self, Subject};

    fn prepared(s: &Subject) -> Prepared {
        subject::prepare(s, &mut Schema::default()).0
    }

    fn vessel(name: &str, imo: Option<&str>) -> Prepared {
        let mut s = Subject::named(Kind::Vessel, name);
        if let Some(imo) = imo {
            s = s.with_id(Scheme::Imo, imo);
        }
        prepared(&s)
    }

    #[test]
    fn bearers_of_a_name_are_its_distinct_identifiers() {
        let mut f = Frequencies::default();
        let mut scratch = Vec::new();
        let a = vessel("HAI XING 8", Some("9074729"));
        let a_again = vessel("HAIXING NO.8", Some("IMO 9074729"));
        let plain = vessel("M/V Hai Xing No. 8", None);
        let other = vessel("HAI XING 8", Some("9176187"));
        let query = vessel("HAI XING 8", None);
        for p in [&a, &a_again, &plain] {
            f.add(p, 1, &mut scratch);
        }
        // One vessel, named three times: no other bearer.
        let r = f.name_rarity(&query, &plain).unwrap();
        assert_eq!(
            r,
            NameRarity {
                others: 0,
                entities: 1
            }
        );
        f.add(&other, 1, &mut scratch);
        let r = f.name_rarity(&query, &plain).unwrap();
        assert_eq!(
            r,
            NameRarity {
                others: 1,
                entities: 2
            }
        );
        // The two vessels compared with each other: no third.
        let r = f.name_rarity(&a, &other).unwrap();
        assert_eq!(r.others, 0);
        // Uncounting everything leaves nothing behind.
        for p in [&a, &a_again, &plain, &other] {
            f.add(p, -1, &mut scratch);
        }
        assert!(f.bearing.is_empty() && f.identified.is_empty() && f.members.is_empty());
        assert_eq!(f.entities, [0, 0]);
        // A vessel not yet counted is counted in for the comparison.
        let r = f.name_rarity(&query, &a).unwrap();
        assert_eq!(
            r,
            NameRarity {
                others: 0,
                entities: 1
            }
        );
    }

    #[test]
    fn persons_and_placeholders_have_no_rarity() {
        let f = Frequencies::default();
        let p = prepared(&Subject::named(Kind::Person, "Kim Min-jun"));
        assert_eq!(f.name_rarity(&p, &p), None);
        let unknown = vessel("UNKNOWN", None);
        assert_eq!(f.name_rarity(&unknown, &unknown), None);
        let org = prepared(&Subject::named(Kind::Organisation, "HAI XING 8"));
        assert_eq!(f.name_rarity(&org, &vessel("HAI XING 8", None)), None);
    }

    #[test]
    fn korean_surnames_have_their_census_share() {
        let kim = value_key(field::FAMILY, &name::surname_key("김").to_le_bytes());
        assert_eq!(reference_rate(field::FAMILY, kim), Some(0.215));
        assert_eq!(reference_rate(field::GIVEN, kim), None);
        let p = prepared(&Subject::named(Kind::Person, "Kim Min-jun"));
        let family = p.persons[0].readings[0].family.as_ref().unwrap();
        let key = value_key(field::FAMILY, &family.key.to_le_bytes());
        assert_eq!(reference_rate(field::FAMILY, key), Some(0.215));
    }
}
