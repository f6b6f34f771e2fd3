//! Search terms for the full-text index.
//!
//! Korean attaches particles to words (`부산항에서` is "at Busan port") and Thai writes
//! no spaces between words, so whole-word tokens would miss most queries. Runs of
//! Hangul, Thai and other scripts written without spaces are indexed as overlapping
//! character pairs (bigrams): `부산항에서` gives `부산 산항 항에 에서`, and the query
//! `부산항` (`부산 산항`) finds it. Other scripts are split into words, folded to lower
//! case with accents removed, and matched by prefix (words of three characters or
//! more; shorter ones match whole words).
//!
//! Terms are written in plain ASCII (non-ASCII terms hex-encoded behind an `x`), so that
//! every storage engine's tokenizer keeps each term whole and no engine needs a
//! language-specific configuration.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Longest word kept, in characters; longer words are cut.
const MAX_WORD: usize = 48;
/// Shortest query word matched by prefix; shorter words match whole words only, so
/// that the `2` of `Golden Spirit 2` does not match every number starting with 2.
pub const MIN_PREFIX: usize = 3;
/// Most terms a query may have.
pub const MAX_QUERY_TERMS: usize = 16;

/// Whether `c` belongs to a script written without spaces between words.
fn is_dense(c: char) -> bool {
    matches!(c as u32,
        0xAC00..=0xD7A3 // Hangul syllables
        | 0x1100..=0x11FF | 0x3130..=0x318F // Hangul jamo
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF // CJK ideographs
        | 0x3040..=0x30FF // kana
        | 0x0E00..=0x0EFF // Thai, Lao
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
    )
}

#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Dense(Vec<char>),
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut dense: Vec<char> = Vec::new();
    let flush_word = |word: &mut String, out: &mut Vec<Token>| {
        if !word.is_empty() {
            out.push(Token::Word(word.chars().take(MAX_WORD).collect()));
            word.clear();
        }
    };
    for c in text.nfkc() {
        if is_dense(c) {
            flush_word(&mut word, &mut out);
            dense.push(c);
            continue;
        }
        if !dense.is_empty() {
            out.push(Token::Dense(std::mem::take(&mut dense)));
        }
        if c.is_alphanumeric() {
            for d in c.to_string().nfkd().filter(|d| !is_combining_mark(*d)) {
                word.extend(d.to_lowercase());
            }
        } else if !is_combining_mark(c) || word.is_empty() {
            flush_word(&mut word, &mut out);
        }
    }
    flush_word(&mut word, &mut out);
    if !dense.is_empty() {
        out.push(Token::Dense(dense));
    }
    out
}

/// Writes a term in the ASCII form stored in the index.
fn encode(term: &str) -> String {
    if term.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return term.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(1 + term.len() * 2);
    out.push('x');
    for b in term.bytes() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The index text for a record: every distinct term of `texts`, space-separated.
///
/// Identifiers written in free text the way officers write them (`IMO 9074729`,
/// `MSKU 907032-3`, `+82 10-1234-5678`) are indexed in their canonical spelling too, as
/// [`query_terms`] reads them.
pub fn index_text<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let mut terms = BTreeSet::new();
    for text in texts {
        let canonical: Vec<String> = interdict_ident::find_identifiers(text)
            .into_iter()
            .map(|(_, found)| found.canonical())
            .collect();
        let spelled = canonical.iter().map(String::as_str);
        for token in std::iter::once(text).chain(spelled).flat_map(tokens) {
            match token {
                Token::Word(w) => {
                    terms.insert(encode(&w));
                }
                Token::Dense(chars) if chars.len() == 1 => {
                    terms.insert(encode(&chars[0].to_string()));
                }
                Token::Dense(chars) => {
                    for pair in chars.windows(2) {
                        terms.insert(encode(&pair.iter().collect::<String>()));
                    }
                }
            }
        }
    }
    terms.into_iter().collect::<Vec<_>>().join(" ")
}

/// One term of a query, in index form: only ASCII lower-case letters and digits, so
/// that it can be written into any engine's query syntax without quoting or escaping
/// and can never carry an operator. Made only by [`query_terms`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryTerm {
    term: String,
    prefix: bool,
}

impl QueryTerm {
    /// The term in index form: `[a-z0-9]+`.
    pub fn term(&self) -> &str {
        &self.term
    }

    /// Whether indexed terms that start with the term match too.
    pub fn is_prefix(&self) -> bool {
        self.prefix
    }
}

/// The terms of a search query; a record matches when it has all of them. Returns
/// `None` when the query has no searchable characters.
///
/// Identifiers are read in their canonical spelling, however they are typed: `IMO
/// 9074729` searches `9074729`, `MSKU 907032-3` searches `MSKU9070323`.
pub fn query_terms(query: &str) -> Option<Vec<QueryTerm>> {
    let mut terms: Vec<QueryTerm> = Vec::new();
    for token in tokens(&interdict_ident::canonical_spellings(query)) {
        match token {
            Token::Word(w) => terms.push(QueryTerm {
                prefix: w.chars().count() >= MIN_PREFIX,
                term: encode(&w),
            }),
            Token::Dense(chars) if chars.len() == 1 => {
                terms.push(QueryTerm {
                    term: encode(&chars[0].to_string()),
                    prefix: true,
                });
            }
            Token::Dense(chars) => {
                for pair in chars.windows(2) {
                    terms.push(QueryTerm {
                        term: encode(&pair.iter().collect::<String>()),
                        prefix: false,
                    });
                }
            }
        }
    }
    terms.dedup();
    terms.truncate(MAX_QUERY_TERMS);
    (!terms.is_empty()).then_some(terms)
}

/// Whether an index text matches the query terms; the reference semantics that every
/// storage engine's search must reproduce.
pub fn matches(index_text: &str, query: &[QueryTerm]) -> bool {
    query.iter().all(|q| {
        index_text.split(' ').any(|t| {
            if q.prefix {
                t.starts_with(&q.term)
            } else {
                t == q.term
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finds(text: &str, query: &str) -> bool {
        matches(&index_text([text]), &query_terms(query).unwrap())
    }

    #[test]
    fn korean_with_particles_is_found() {
        assert!(finds("부산항에서 필로폰 적발", "부산항"));
        assert!(finds("부산항에서 필로폰 적발", "필로폰"));
        assert!(finds("해양호가 입항했다", "해양호"));
        assert!(finds("박", "박"));
        assert!(finds("박성민", "박"));
        assert!(!finds("부산항에서 필로폰 적발", "인천항"));
    }

    #[test]
    fn thai_without_spaces_is_found() {
        assert!(finds("ยาบ้าถูกยึดที่ท่าเรือแหลมฉบัง", "แหลมฉบัง"));
        assert!(!finds("ยาบ้าถูกยึดที่ท่าเรือแหลมฉบัง", "กรุงเทพ"));
    }

    #[test]
    fn latin_words_fold_case_and_accents_and_match_by_prefix() {
        assert!(finds(
            "Methamphetamine hidden in FROZEN fish",
            "meth frozen"
        ));
        assert!(finds("José Müller", "jose muller"));
        assert!(!finds("Methamphetamine", "amphetamine"));
        assert!(finds("IMO 9074729", "9074729"));
    }

    #[test]
    fn short_words_match_whole_words_only() {
        assert!(finds("Golden Spirit 2", "golden spirit 2"));
        assert!(!finds("Golden Spirit 21", "golden spirit 2"));
        assert!(finds("MV Golden", "mv gol"));
        assert!(!finds("MVS Golden", "mv"));
    }

    #[test]
    fn mixed_scripts_split_at_the_boundary() {
        assert!(finds("MV해양호", "mv"));
        assert!(finds("MV해양호", "해양"));
    }

    #[test]
    fn empty_queries_are_refused() {
        assert_eq!(query_terms("  -- ,, "), None);
    }

    #[test]
    fn index_text_is_ascii_and_deduplicated() {
        let text = index_text(["부산 부산 busan BUSAN"]);
        assert!(text.is_ascii());
        assert_eq!(text.split(' ').count(), 2);
    }

    #[test]
    fn query_terms_are_letters_and_digits_only() {
        for query in [
            "\"a\" OR b*",
            "x' | '_o_report",
            "NEAR(a b)",
            "İstanbul 부산 ไทย",
            "a:* & !b",
            "ÅÄÖ ß ﬁ",
        ] {
            for term in query_terms(query).unwrap_or_default() {
                assert!(
                    !term.term().is_empty()
                        && term
                            .term()
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                    "{query:?} gave {:?}",
                    term.term()
                );
            }
        }
    }

    /// Regression: `IMO 9074729` and `MSKU 907032-3` found nothing; only the bare
    /// digits did.
    #[test]
    fn identifiers_match_however_they_are_typed() {
        let record = index_text(["vessel 9074729 container MSKU9070323 phone +821012345678"]);
        for query in [
            "IMO 9074729",
            "IMO9074729",
            "imo: 9074729",
            "MSKU 907032-3",
            "msku9070323",
            "+82 10-1234-5678",
            "+82 (0)10 1234 5678",
        ] {
            let terms = query_terms(query).expect("terms");
            assert!(matches(&record, &terms), "{query}: {terms:?}");
        }
        // A record whose text writes the identifier the officers' way is found by the
        // canonical spelling, and by its own.
        let free = index_text(["seen: IMO 9074729, box MSKU 907032-3"]);
        for query in ["9074729", "MSKU9070323", "MSKU 907032-3", "IMO 9074729"] {
            let terms = query_terms(query).expect("terms");
            assert!(matches(&free, &terms), "{query}");
        }
    }
}
