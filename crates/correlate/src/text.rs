//! Text normalisation shared by names and attributes: Unicode NFKC, case, marks,
//! punctuation, and the romanisation of the scripts a name may come in.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::{cyrillic, hangul, thai};

/// The writing system of a character, as far as matching cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Script {
    /// Latin letters and digits (after marks are removed).
    Latin,
    /// Korean Hangul syllables and jamo.
    Hangul,
    /// Thai.
    Thai,
    /// Cyrillic (Russian, Ukrainian, Belarusian, …).
    Cyrillic,
    /// Chinese characters (Han), also used in Japanese and Korean.
    Han,
    /// Japanese kana.
    Kana,
    /// Anything else that is a letter.
    Other,
}

/// The script of one character.
pub fn script_of(c: char) -> Script {
    match c as u32 {
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7A3 => Script::Hangul,
        0x0E00..=0x0E7F => Script::Thai,
        0x0400..=0x04FF => Script::Cyrillic,
        0x3040..=0x30FF | 0x31F0..=0x31FF => Script::Kana,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => Script::Han,
        _ if c.is_ascii_alphanumeric() => Script::Latin,
        _ => Script::Other,
    }
}

/// NFKC, then lower case: the form in which free text is compared.
pub fn nfkc_lower(raw: &str) -> String {
    if raw.is_ascii() {
        return raw.to_ascii_lowercase();
    }
    raw.nfkc().flat_map(char::to_lowercase).collect()
}

/// Folds Latin text to plain ASCII lower case where it can: marks are removed
/// (`é` → `e`), a few letters are spelled out (`ß` → `ss`, `æ` → `ae`), and other
/// scripts are left as they are.
pub fn strip_marks(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        if is_combining_mark(c) && !is_script_mark(c) {
            continue;
        }
        match c {
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ø' | 'Ø' => out.push('o'),
            'đ' | 'Đ' | 'ð' => out.push('d'),
            'ł' | 'Ł' => out.push('l'),
            'ı' => out.push('i'),
            'þ' => out.push_str("th"),
            _ => out.extend(c.to_lowercase()),
        }
    }
    // NFKD splits Hangul syllables into jamo; put them back together.
    out.nfc().collect()
}

/// Marks that belong to a script's spelling (Thai vowels and tone marks, Hangul
/// jamo produced by decomposition) and must not be dropped as accents.
fn is_script_mark(c: char) -> bool {
    matches!(script_of(c), Script::Thai | Script::Hangul)
}

/// Splits normalised text into words: runs of letters and digits; every other
/// character separates words, except that apostrophes vanish (`O'Hare` → `ohare`)
/// and hyphens join (`Sung-min` → `sungmin`).
pub fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() || is_script_mark(c) {
            current.push(c);
        } else if matches!(c, '\'' | '’' | '‘' | '`' | '´' | '-' | '‐' | '‑' | '·') {
            // joined
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Normalised words of free text: NFKC, lower case, marks and punctuation removed.
pub fn normal_words(raw: &str) -> Vec<String> {
    words(&strip_marks(&nfkc_lower(raw)))
}

/// Normalised free text: the words joined by single spaces.
pub fn normal_text(raw: &str) -> String {
    normal_words(raw).join(" ")
}

/// Whether a word is written in one of the scripts that are romanised.
pub fn needs_romanisation(word: &str) -> bool {
    word.chars().any(|c| {
        matches!(
            script_of(c),
            Script::Hangul | Script::Thai | Script::Cyrillic
        )
    })
}

/// Romanises one normalised word written in Thai or Cyrillic (Hangul is handled by
/// [`hangul`] with its name rules); Latin words and other scripts are returned as
/// they are.
pub fn romanise_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut run = String::new();
    let mut run_script = Script::Latin;
    let flush = |run: &mut String, script: Script, out: &mut String| {
        match script {
            Script::Thai => out.push_str(&thai::romanise(run)),
            Script::Cyrillic => out.push_str(&cyrillic::romanise(run)),
            Script::Hangul => out.push_str(&hangul::romanise_rr(run)),
            _ => out.push_str(run),
        }
        run.clear();
    };
    for c in word.chars() {
        let script = match script_of(c) {
            Script::Other if c.is_alphanumeric() => Script::Other,
            s => s,
        };
        if script != run_script && !run.is_empty() {
            flush(&mut run, run_script, &mut out);
        }
        run_script = script;
        run.push(c);
    }
    if !run.is_empty() {
        flush(&mut run, run_script, &mut out);
    }
    out
}

/// The romanisation-tolerant key of a Latin word: spellings that romanisation
/// systems and habits produce for one sound fold to one key, so `Sungmin`,
/// `Seongmin` and `Songmin`, `Jung`, `Chung` and `Jeong`, `Somchai` and `Somchay`,
/// `Prayut` and `Prayuth` agree.
///
/// Consonants fold voiced to voiceless (b→p, d→t, g→k, j→ch), aspirated to plain
/// (ph→p, th→t, kh→k), r to l; h after a consonant or before one is dropped, as is
/// r after a vowel before a consonant (`Park`, `Pahk`, `Pak`); y and w between a
/// consonant and a vowel are dropped; a run of vowels folds to one of four classes
/// (a; e, ae, ai; i, ee, ie, ui; and o, u, eo, eu, oo and the rest).
/// Doubled letters count once.
pub fn fold(word: &str) -> String {
    let bytes: Vec<u8> = word
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    // First pass: consonant units. Uppercase letters stand for folded consonants
    // (`G` is the sound ng); vowels, h, w, y and digits stay lowercase. The flag
    // tells whether the unit was an `r`.
    let mut units: Vec<(u8, bool)> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        let next2 = bytes.get(i + 2).copied();
        let (unit, len) = match (b, next, next2) {
            (b't', Some(b'c'), Some(b'h')) => (b'C', 3),
            (b'c' | b'z', Some(b'h'), _) => (b'C', 2),
            (b's', Some(b'h'), _) => (b'S', 2),
            (b'p' | b'b', Some(b'h'), _) => (b'P', 2),
            (b't' | b'd', Some(b'h'), _) => (b'T', 2),
            (b'k' | b'g', Some(b'h'), _) => (b'K', 2),
            (b'c', Some(b'k'), _) => (b'K', 2),
            (b'n', Some(b'g'), _) => (b'G', 2),
            (b'b' | b'p' | b'f', _, _) => (b'P', 1),
            (b'd' | b't', _, _) => (b'T', 1),
            (b'g' | b'k' | b'q', _, _) => (b'K', 1),
            (b'c', Some(b'e' | b'i' | b'y'), _) => (b'S', 1),
            (b'c', _, _) => (b'K', 1),
            (b'j' | b'z', _, _) => (b'C', 1),
            (b's' | b'x', _, _) => (b'S', 1),
            (b'v', _, _) => (b'W', 1),
            (b'l' | b'r', _, _) => (b'L', 1),
            (b'm', _, _) => (b'M', 1),
            (b'n', _, _) => (b'N', 1),
            _ => (b, 1),
        };
        units.push((unit, b == b'r'));
        i += len;
    }
    let is_vowel = |b: u8| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u');
    let is_consonant = |u: u8| u.is_ascii_uppercase() || matches!(u, b'h' | b'w' | b'y');
    // Second pass: drop h, r, y and w where they only mark a romanisation habit.
    let mut kept: Vec<u8> = Vec::with_capacity(units.len());
    for (j, &(u, from_r)) in units.iter().enumerate() {
        let prev = j.checked_sub(1).and_then(|p| units.get(p)).map(|&(p, _)| p);
        let next = units.get(j + 1).map(|&(n, _)| n);
        let prev_vowel = prev.is_some_and(is_vowel);
        let prev_consonant = prev.is_some_and(is_consonant);
        let next_vowel = next.is_some_and(is_vowel);
        let drop = match u {
            b'h' => prev_consonant || (!next_vowel && !matches!(next, Some(b'y' | b'w'))),
            b'L' if from_r => prev_vowel && !next_vowel,
            b'y' | b'w' => (prev_consonant || prev.is_none()) && next_vowel,
            _ => false,
        };
        if !drop {
            kept.push(u);
        }
    }
    // Third pass: vowel runs to classes; a y that ends a run counts as a vowel.
    let in_run = |k: &[u8], j: usize| {
        let u = k[j];
        is_vowel(u) || (u == b'y' && j > 0 && !k.get(j + 1).is_some_and(|&n| is_vowel(n)))
    };
    let mut out = String::with_capacity(kept.len());
    let mut j = 0;
    while j < kept.len() {
        if in_run(&kept, j) {
            let start = j;
            while j < kept.len() && in_run(&kept, j) {
                j += 1;
            }
            out.push(vowel_class(&kept[start..j]));
        } else {
            out.push(kept[j].to_ascii_uppercase() as char);
            j += 1;
        }
    }
    let mut collapsed = String::with_capacity(out.len());
    let mut last = None;
    for c in out.chars() {
        if Some(c) != last {
            collapsed.push(c);
        }
        last = Some(c);
    }
    collapsed
}

/// The class of a run of vowels: `A`, `E`, `I` or `O`.
fn vowel_class(run: &[u8]) -> char {
    match run {
        [b'e'] | [b'a', b'e' | b'i' | b'y'] | [b'e', b'i' | b'y'] => 'E',
        [b'y'] | [b'e', b'e' | b'a'] | [b'u', b'i'] | [b'i', ..] => 'I',
        _ if run.iter().all(|&b| b == b'a') => 'A',
        _ => 'O',
    }
}

/// A coarser key for blocking: the folded consonants only, with a leading vowel
/// marked as `V`.
pub fn skeleton(word: &str) -> String {
    let folded = fold(word);
    let mut out = String::with_capacity(folded.len());
    for (i, c) in folded.chars().enumerate() {
        match c {
            'A' | 'E' | 'I' | 'O' => {
                if i == 0 {
                    out.push('V');
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Jaro-Winkler similarity of two strings (prefix scale 0.1, up to four
/// characters). Short ASCII strings are compared without allocating.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    const MAX: usize = 64;
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() || x.len() > MAX || y.len() > MAX {
        return strsim::jaro_winkler(a, b);
    }
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let window = (x.len().max(y.len()) / 2).saturating_sub(1);
    let mut x_matched = [false; MAX];
    let mut y_matched = [false; MAX];
    let mut matches = 0usize;
    for (i, &c) in x.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(y.len());
        for j in lo..hi {
            if !y_matched[j] && y[j] == c {
                x_matched[i] = true;
                y_matched[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, &c) in x.iter().enumerate() {
        if !x_matched[i] {
            continue;
        }
        while !y_matched[j] {
            j += 1;
        }
        if c != y[j] {
            transpositions += 1;
        }
        j += 1;
    }
    let m = matches as f64;
    let jaro =
        (m / x.len() as f64 + m / y.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0;
    let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count();
    jaro + prefix as f64 * 0.1 * (1.0 - jaro)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanisation_variants_fold_together() {
        for group in [
            &["sungmin", "seongmin", "songmin"][..],
            &["jung", "chung", "jeong", "joung"],
            &["park", "pak", "pahk"],
            &["somchai", "somchay"],
            &["prayut", "prayuth"],
            &["hyun", "hyeon", "hyon"],
            &["young", "yeong", "yong"],
            &["mohamed", "muhammed", "mohammed"],
            &["choi", "choe"],
            &["rhee", "lee", "ri"],
            &["kim", "gim"],
        ] {
            let first = fold(group[0]);
            for other in &group[1..] {
                assert_eq!(fold(other), first, "{} vs {other}", group[0]);
            }
        }
    }

    #[test]
    fn different_names_stay_apart() {
        for (a, b) in [
            ("kim", "kam"),
            ("park", "pal"),
            ("sungmin", "sunghee"),
            ("anna", "ann"),
        ] {
            assert_ne!(fold(a), fold(b), "{a} vs {b}");
        }
    }

    #[test]
    fn words_join_hyphens_and_apostrophes() {
        assert_eq!(normal_words("Park Sung-min"), vec!["park", "sungmin"]);
        assert_eq!(normal_words("O'Hare, Ellie"), vec!["ohare", "ellie"]);
        assert_eq!(normal_words("MÜLLENKRANZ"), vec!["mullenkranz"]);
        assert_eq!(normal_words("Ｐａｒｋ"), vec!["park"]);
        assert_eq!(normal_words("박 성민"), vec!["박", "성민"]);
        assert_eq!(normal_words("สมชาย ใจดี"), vec!["สมชาย", "ใจดี"]);
    }

    #[test]
    fn jaro_winkler_agrees_with_strsim() {
        for (a, b) in [
            ("martha", "marhta"),
            ("dwayne", "duane"),
            ("dixon", "dicksonx"),
            ("sungmin", "seongmin"),
            ("a", "b"),
            ("", "x"),
            ("abc", "abc"),
        ] {
            let ours = jaro_winkler(a, b);
            let theirs = strsim::jaro_winkler(a, b);
            assert!((ours - theirs).abs() < 1e-9, "{a} {b}: {ours} {theirs}");
        }
    }

    #[test]
    fn skeleton_keeps_consonants() {
        assert_eq!(skeleton("sungmin"), skeleton("seongmin"));
        assert_eq!(skeleton("chudleigh"), skeleton("chydleigh"));
        assert_eq!(skeleton("ahn"), "VN");
    }
}
