//! Blocking: the keys under which a subject is indexed, so that only subjects
//! sharing a key are compared. Identifiers are keys by themselves; names give
//! keys tolerant to romanisation (folded family and given names, Korean surname
//! classes), combined with the date of birth or an attribute to keep blocks small.

use crate::compare::value_key;
use crate::identifier;
use crate::name::Part;
use crate::subject::Prepared;
use crate::text;

/// A blocking key and whether it is an identifier's (identifiers are demoted when
/// over-common; name keys are capped).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// The key.
    pub hash: u64,
    /// Whether the key is an identifier value.
    pub identifier: bool,
    /// The fields a pair sharing the key is bound to agree on, one bit per kind
    /// of field (see [`pins`]); expectation maximisation leaves them out.
    pub pins: u8,
}

/// Bits of [`Key::pins`].
pub mod pins {
    /// Family name.
    pub const FAMILY: u8 = 1;
    /// Given name.
    pub const GIVEN: u8 = 2;
    /// Date of birth.
    pub const BIRTH: u8 = 4;
    /// Identifiers.
    pub const IDENTIFIER: u8 = 8;
    /// Attributes.
    pub const ATTRIBUTE: u8 = 16;
    /// The name of anything but a person.
    pub const NAME: u8 = 32;
}

/// Folded forms of a family-name part: the Korean surname when known.
fn family_keys(part: &Part, out: &mut Vec<String>) {
    if part.surnames.is_empty() {
        for f in part.forms.iter().take(3) {
            out.push(f.fold.to_string());
        }
    } else {
        for s in &part.surnames {
            out.push(format!("ko:{s}"));
        }
    }
}

fn given_keys(part: &Part, out: &mut Vec<String>) {
    for f in part.forms.iter().take(3) {
        out.push(f.fold.to_string());
    }
}

fn hash(parts: &[&[u8]]) -> u64 {
    let joined: Vec<u8> = parts.join(&0u8);
    value_key(0x7FFF, &joined)
}

/// Pushes the blocking keys of a prepared subject (sorted, without duplicates).
pub fn keys(p: &Prepared, out: &mut Vec<Key>) {
    out.clear();
    for id in &p.identifiers {
        let scheme = [id.scheme.index() as u8];
        out.push(Key {
            hash: hash(&[b"id", &scheme, identifier::index_value(id).as_bytes()]),
            identifier: true,
            pins: pins::IDENTIFIER,
        });
    }
    let kind = [p.kind as u8];
    let dob = p.birth_date.as_ref().map(|d| d.key());
    let mut families = Vec::new();
    let mut givens = Vec::new();
    for person in p.persons.iter().take(3) {
        for reading in person.readings.iter().take(2) {
            families.clear();
            givens.clear();
            if let Some(f) = &reading.family {
                family_keys(f, &mut families);
            }
            if let Some(g) = &reading.given {
                given_keys(g, &mut givens);
            }
            for f in &families {
                for g in &givens {
                    out.push(name_key(
                        pins::FAMILY | pins::GIVEN,
                        &[b"fg", &kind, f.as_bytes(), g.as_bytes()],
                    ));
                }
                if givens.is_empty() {
                    out.push(name_key(pins::FAMILY, &[b"f", &kind, f.as_bytes()]));
                }
                if let Some(d) = &dob {
                    out.push(name_key(
                        pins::FAMILY | pins::BIRTH,
                        &[b"fd", &kind, f.as_bytes(), &d[..]],
                    ));
                }
            }
            for g in &givens {
                if families.is_empty() {
                    out.push(name_key(pins::GIVEN, &[b"g", &kind, g.as_bytes()]));
                }
                if let Some(d) = &dob {
                    out.push(name_key(
                        pins::GIVEN | pins::BIRTH,
                        &[b"gd", &kind, g.as_bytes(), &d[..]],
                    ));
                }
            }
            // Typing errors in both names: the consonant skeletons.
            if let (Some(f), Some(g)) = (&reading.family, &reading.given) {
                if let (Some(ff), Some(gf)) = (f.forms.first(), g.forms.first()) {
                    let fs = text::skeleton(&ff.text);
                    let gs = text::skeleton(&gf.text);
                    // Short skeletons say too little to block on.
                    if fs.len() + gs.len() >= 5 {
                        out.push(name_key(
                            pins::FAMILY | pins::GIVEN,
                            &[b"sk", &kind, fs.as_bytes(), gs.as_bytes()],
                        ));
                    }
                }
            }
            for a in &p.attributes {
                let id = a.id.to_le_bytes();
                if let Some(f) = families.first() {
                    out.push(name_key(
                        pins::FAMILY | pins::ATTRIBUTE,
                        &[b"fa", &kind, f.as_bytes(), &id, a.text.as_bytes()],
                    ));
                }
                if let Some(g) = givens.first() {
                    out.push(name_key(
                        pins::GIVEN | pins::ATTRIBUTE,
                        &[b"ga", &kind, g.as_bytes(), &id, a.text.as_bytes()],
                    ));
                }
            }
        }
    }
    for part in p.names.iter().take(5) {
        for f in part.forms.iter().take(4) {
            out.push(name_key(pins::NAME, &[b"n", &kind, f.fold.as_bytes()]));
            out.push(name_key(
                pins::NAME,
                &[b"ns", &kind, text::skeleton(&f.text).as_bytes()],
            ));
            if f.words.contains(' ') {
                out.push(name_key(
                    pins::NAME,
                    &[b"n1", &kind, text::fold(&f.first).as_bytes()],
                ));
            }
        }
    }
    if p.persons.is_empty() && p.names.is_empty() {
        if let Some(d) = &dob {
            for a in &p.attributes {
                let id = a.id.to_le_bytes();
                out.push(name_key(
                    pins::BIRTH | pins::ATTRIBUTE,
                    &[b"da", &kind, &d[..], &id, a.text.as_bytes()],
                ));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
}

fn name_key(pins: u8, parts: &[&[u8]]) -> Key {
    Key {
        hash: hash(parts),
        identifier: false,
        pins,
    }
}
