//! Identifiers as officers write them in free text: with a label (`IMO 9074729`,
//! `IMO9074729`, `MMSI: 440123450`, `C/S D7AB`, `call sign D7AB`) and grouped with
//! spaces or hyphens (`MSKU 907032-3`, `+82 10-1234-5678`).
//!
//! [`find_identifiers`] finds them, so that a form field takes each into the right
//! field, and a search or the index can use the one canonical spelling whichever way
//! it was typed.

use std::ops::Range;

use crate::{ContainerNumber, ImoNumber, Mmsi, PhoneNumber};

/// An identifier found in free text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// An IMO ship number (labelled, or seven digits with a valid check digit).
    Imo(ImoNumber),
    /// An MMSI (labelled, or nine digits with a valid MID).
    Mmsi(Mmsi),
    /// A call sign; only when labelled, since any short word could be one.
    CallSign(String),
    /// An ISO 6346 container number with a valid check digit.
    Container(ContainerNumber),
    /// A phone number in international form (`+` and the country calling code).
    Phone(PhoneNumber),
}

impl Found {
    /// The canonical spelling: digits of an IMO number or MMSI, the call sign in
    /// upper case, the container number without spaces, the phone in E.164.
    pub fn canonical(&self) -> String {
        match self {
            Self::Imo(n) => n.as_str().to_owned(),
            Self::Mmsi(n) => n.as_str().to_owned(),
            Self::CallSign(s) => s.clone(),
            Self::Container(n) => n.as_str().to_owned(),
            Self::Phone(n) => n.as_str().to_owned(),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Label {
    Imo,
    Mmsi,
    CallSign,
}

/// The words of `text` with their byte ranges.
fn words(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s..i, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s..text.len(), &text[s..]));
    }
    out
}

/// Strips the punctuation a label is written with (`IMO:`, `IMO.`, `IMO#`, `No.`).
fn bare(word: &str) -> &str {
    word.trim_matches(|c: char| matches!(c, ':' | '.' | '#' | ',' | ';' | '(' | ')'))
}

/// Whether `word`, without the punctuation of a label, is one of `names`.
fn is_word(word: &str, names: &[&str]) -> bool {
    let word = bare(word);
    names.iter().any(|n| word.eq_ignore_ascii_case(n))
}

fn label_of(word: &str) -> Option<Label> {
    if is_word(word, &["IMO"]) {
        Some(Label::Imo)
    } else if is_word(word, &["MMSI"]) {
        Some(Label::Mmsi)
    } else if is_word(word, &["C/S", "CS", "CALLSIGN"]) {
        Some(Label::CallSign)
    } else {
        None
    }
}

/// A value after its label, or glued to it (`IMO9074729`, `MMSI:440123450`).
fn labelled(label: Label, value: &str) -> Option<Found> {
    let value = value.trim_matches(|c: char| matches!(c, ':' | '#' | ',' | ';' | '(' | ')'));
    let value = value.strip_suffix('.').unwrap_or(value);
    match label {
        Label::Imo => ImoNumber::parse(value).ok().map(Found::Imo),
        Label::Mmsi => Mmsi::parse(value).ok().map(Found::Mmsi),
        Label::CallSign => {
            let ok = (3..=8).contains(&value.len())
                && value.bytes().all(|b| b.is_ascii_alphanumeric())
                && value.bytes().any(|b| b.is_ascii_alphabetic());
            ok.then(|| Found::CallSign(value.to_ascii_uppercase()))
        }
    }
}

/// A label glued to its value: `IMO9074729`, `IMO:9074729`, `MMSI-440123450`.
fn glued(word: &str) -> Option<Found> {
    for (prefix, label) in [("IMO", Label::Imo), ("MMSI", Label::Mmsi)] {
        let Some(head) = word.get(..prefix.len()) else {
            continue;
        };
        if head.eq_ignore_ascii_case(prefix) {
            let rest = &word[prefix.len()..];
            let rest = rest.trim_start_matches([':', '-', '#', '.']);
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                return labelled(label, rest);
            }
        }
    }
    None
}

/// The longest run of up to `max` words from `i` that parses with `parse`.
fn longest<T>(
    words: &[(Range<usize>, &str)],
    i: usize,
    max: usize,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<(usize, T)> {
    let last = (i + max).min(words.len());
    (i + 1..=last).rev().find_map(|end| {
        let joined: String = words[i..end].iter().map(|(_, w)| *w).collect();
        parse(&joined).map(|found| (end, found))
    })
}

/// Finds the identifiers in `text`, each with the byte range it covers, in order and
/// without overlap. Bare seven- and nine-digit numbers count as an IMO number or an
/// MMSI only when they are valid as one; call signs only when labelled.
pub fn find_identifiers(text: &str) -> Vec<(Range<usize>, Found)> {
    let words = words(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (range, word) = &words[i];
        // A label and its value: `IMO 9074729`, `call sign D7AB`.
        let (label, value_at) = match label_of(word) {
            Some(label) => (Some(label), i + 1),
            None if is_word(word, &["CALL"])
                && words.get(i + 1).is_some_and(|(_, w)| is_word(w, &["SIGN"])) =>
            {
                (Some(Label::CallSign), i + 2)
            }
            None => (None, i),
        };
        // `IMO No. 9074729`, `IMO number 9074729`.
        let value_at = match words.get(value_at) {
            Some((_, w)) if label.is_some() && is_word(w, &["NO", "NUMBER"]) => value_at + 1,
            _ => value_at,
        };
        if let Some(label) = label {
            if let Some(found) = words.get(value_at).and_then(|(_, v)| labelled(label, v)) {
                out.push((range.start..words[value_at].0.end, found));
                i = value_at + 1;
                continue;
            }
        }
        if let Some(found) = glued(word) {
            out.push((range.clone(), found));
            i += 1;
            continue;
        }
        // A phone in international form, written in groups.
        if word.starts_with('+') {
            if let Some((end, phone)) = longest(&words, i, 6, |s| PhoneNumber::parse(s).ok()) {
                out.push((range.start..words[end - 1].0.end, Found::Phone(phone)));
                i = end;
                continue;
            }
        }
        // A container number, written in up to three groups (`MSKU 907032-3`).
        // Only a word that is an owner code, or one followed by digits, can begin one:
        // ordinary words are not tried.
        let container_like = word.len() >= 4
            && word.bytes().take(4).all(|b| b.is_ascii_alphabetic())
            && word
                .bytes()
                .skip(4)
                .all(|b| b.is_ascii_digit() || b == b'-');
        if container_like {
            if let Some((end, number)) = longest(&words, i, 3, |s| ContainerNumber::parse(s).ok()) {
                out.push((range.start..words[end - 1].0.end, Found::Container(number)));
                i = end;
                continue;
            }
        }
        let digits = word.trim_end_matches(['.', ',', ';', ')']);
        if digits.bytes().all(|b| b.is_ascii_digit()) {
            let found = match digits.len() {
                7 => ImoNumber::parse(digits).ok().map(Found::Imo),
                9 => Mmsi::parse(digits).ok().map(Found::Mmsi),
                _ => None,
            };
            if let Some(found) = found {
                out.push((range.start..range.start + digits.len(), found));
            }
        }
        i += 1;
    }
    out
}

/// `text` with every identifier found written in its canonical spelling (`IMO 9074729`
/// → `9074729`, `MSKU 907032-3` → `MSKU9070323`, `+82 10-1234-5678` → `+821012345678`).
pub fn canonical_spellings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, found) in find_identifiers(text) {
        out.push_str(&text[at..range.start]);
        out.push_str(&found.canonical());
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> Vec<String> {
        find_identifiers(text)
            .into_iter()
            .map(|(_, f)| f.canonical())
            .collect()
    }

    #[test]
    fn labelled_identifiers_are_found_however_they_are_written() {
        for text in [
            "IMO 9074729",
            "IMO9074729",
            "imo: 9074729",
            "IMO No. 9074729",
            "IMO:9074729",
            "(IMO 9074729)",
        ] {
            let found = find_identifiers(text);
            assert!(
                matches!(found.as_slice(), [(_, Found::Imo(n))] if n.as_str() == "9074729"),
                "{text}: {found:?}"
            );
        }
        assert_eq!(
            canonical_spellings("IMO No. 9074729"),
            "9074729",
            "the label and its number word go"
        );
        assert_eq!(canonical("MMSI 440123450"), ["440123450"]);
        assert_eq!(canonical("MMSI:440123450"), ["440123450"]);
        assert_eq!(canonical("call sign d7ab"), ["D7AB"]);
        assert_eq!(canonical("C/S D7AB"), ["D7AB"]);
        assert_eq!(
            find_identifiers("IMO 9074729 MMSI 440123450 C/S D7AB")
                .into_iter()
                .map(|(_, f)| f)
                .collect::<Vec<_>>()
                .len(),
            3
        );
    }

    #[test]
    fn grouped_numbers_are_joined() {
        assert_eq!(canonical("MSKU 907032-3"), ["MSKU9070323"]);
        assert_eq!(canonical("msku 907032 3"), ["MSKU9070323"]);
        assert_eq!(canonical("+82 10-1234-5678"), ["+821012345678"]);
        assert_eq!(canonical("call +82 (0)10 1234 5678 now"), ["+821012345678"]);
    }

    #[test]
    fn only_valid_identifiers_are_taken() {
        // A wrong check digit, an invalid MID, a label without a value.
        assert!(canonical("IMO 9074728").is_empty());
        assert!(canonical("1234568").is_empty());
        assert!(canonical("MMSI").is_empty());
        assert!(canonical("MSKU 907032-4").is_empty());
        // A call sign needs its label: any short word could be one.
        assert!(canonical("D7AB").is_empty());
        assert_eq!(canonical("9074729 440123450"), ["9074729", "440123450"]);
    }

    #[test]
    fn text_is_rewritten_in_canonical_spellings() {
        assert_eq!(
            canonical_spellings("해양호 IMO 9074729 container MSKU 907032-3 tel +82 10-1234-5678"),
            "해양호 9074729 container MSKU9070323 tel +821012345678"
        );
        assert_eq!(
            canonical_spellings("no identifiers here"),
            "no identifiers here"
        );
    }
}
