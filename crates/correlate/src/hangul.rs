//! Hangul to Latin: Revised Romanization (RR, Ministry of Culture and Tourism
//! notice 2000-8) and McCune–Reischauer (MR, 1939, without breves and
//! apostrophes as it is usually typed), computed from the jamo of each syllable
//! (Unicode 3.12: syllable = 0xAC00 + (initial × 21 + vowel) × 28 + final), and the
//! usual spellings of Korean surnames, which follow neither system.

/// The parts of a precomposed Hangul syllable, as indexes into the jamo tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Syllable {
    /// Initial consonant, 0..19 (ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ).
    pub initial: u8,
    /// Vowel, 0..21 (ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ).
    pub vowel: u8,
    /// Final consonant, 0..28 (0 for none).
    pub final_: u8,
}

const BASE: u32 = 0xAC00;
const LAST: u32 = 0xD7A3;

/// Splits a precomposed syllable into its jamo.
pub fn decompose(c: char) -> Option<Syllable> {
    let code = c as u32;
    if !(BASE..=LAST).contains(&code) {
        return None;
    }
    let index = code - BASE;
    Some(Syllable {
        initial: (index / 588) as u8,
        vowel: ((index % 588) / 28) as u8,
        final_: (index % 28) as u8,
    })
}

/// Whether a character is a precomposed Hangul syllable.
pub fn is_syllable(c: char) -> bool {
    (BASE..=LAST).contains(&(c as u32))
}

const RR_INITIAL: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
];
const RR_VOWEL: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
];
/// Finals as pronounced at the end of a syllable (RR and MR agree on these).
const FINAL: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];
/// MR initials at the start of a word or after a voiceless final.
const MR_INITIAL: [&str; 19] = [
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch", "k", "t",
    "p", "h",
];
/// MR vowels with ŏ and ŭ written o and u, as they are typed.
const MR_VOWEL: [&str; 21] = [
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "u", "ui", "i",
];

/// Romanises Hangul syllable by syllable in RR, as RR asks for personal names
/// (no sound changes between syllables). Other characters pass through.
pub fn romanise_rr(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for c in text.chars() {
        match decompose(c) {
            Some(s) => {
                out.push_str(RR_INITIAL[usize::from(s.initial)]);
                out.push_str(RR_VOWEL[usize::from(s.vowel)]);
                out.push_str(FINAL[usize::from(s.final_)]);
            }
            None => out.push(c),
        }
    }
    out
}

/// Romanises Hangul in MR: k, t, p and ch are voiced to g, d, b and j between
/// voiced sounds (after a vowel or after n, m, ng or l), and s is written sh before
/// i and wi.
pub fn romanise_mr(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    let mut previous: Option<Syllable> = None;
    for c in text.chars() {
        let Some(s) = decompose(c) else {
            out.push(c);
            previous = None;
            continue;
        };
        let voiced_before = previous
            .is_some_and(|p| matches!(FINAL[usize::from(p.final_)], "" | "n" | "m" | "ng" | "l"));
        let initial = match (s.initial, voiced_before) {
            (0, true) => "g",
            (3, true) => "d",
            (7, true) => "b",
            (12, true) => "j",
            (9, _) if matches!(s.vowel, 20 | 16) => "sh",
            (5, false) if previous.is_none() => "r",
            (5, true) if previous.is_some_and(|p| FINAL[usize::from(p.final_)] == "l") => "l",
            (i, _) => MR_INITIAL[usize::from(i)],
        };
        out.push_str(initial);
        out.push_str(MR_VOWEL[usize::from(s.vowel)]);
        out.push_str(FINAL[usize::from(s.final_)]);
        previous = Some(s);
    }
    out
}

/// The spelling habits of Korean passports and the press, which follow neither
/// system: ㅓ as u (`sung`), ㅕ as yu (`hyun`) and before ㅇ as you (`young`), ㅜ
/// and ㅣ without a final as oo and ee (`soo`, `hee`), ㄱ at the start as k.
pub fn romanise_popular(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for (i, c) in text.chars().enumerate() {
        let Some(s) = decompose(c) else {
            out.push(c);
            continue;
        };
        let initial = match s.initial {
            0 if i == 0 => "k",
            i => RR_INITIAL[usize::from(i)],
        };
        let vowel = match (s.vowel, s.final_) {
            (4, _) => "u",
            (6, 21) => "you",
            (6, _) => "yu",
            (13, 0) => "oo",
            (20, 0) if s.initial == 18 => "ee",
            (19, 0) => "ee",
            (v, _) => RR_VOWEL[usize::from(v)],
        };
        out.push_str(initial);
        out.push_str(vowel);
        out.push_str(FINAL[usize::from(s.final_)]);
    }
    out
}

/// Korean surnames and the spellings they are found under (passports, the
/// press, North Korean usage), from the tables of the National Institute of the
/// Korean Language's romanisation guidance and common practice. Two-syllable
/// surnames come first so that they are tried before one-syllable ones.
const SURNAMES: &[(&str, &[&str])] = &[
    ("남궁", &["namgung", "namkung", "namgoong"]),
    ("황보", &["hwangbo", "hwangpo"]),
    ("제갈", &["jegal", "chegal"]),
    ("선우", &["seonu", "sunwoo", "sonu"]),
    ("독고", &["dokgo", "tokko"]),
    ("사공", &["sagong", "sakong"]),
    ("서문", &["seomun", "somun", "seomoon"]),
    ("김", &["kim", "gim", "ghim"]),
    (
        "이",
        &[
            "lee", "yi", "rhee", "ri", "i", "rhie", "yee", "ree", "rie", "lie", "ree",
        ],
    ),
    ("리", &["ri", "lee", "rhee", "yi"]),
    ("박", &["park", "pak", "bak", "bahk", "pahk"]),
    ("최", &["choi", "choe", "chwe", "choy", "chey"]),
    (
        "정",
        &["jung", "jeong", "chung", "cheong", "chong", "joung", "jong"],
    ),
    ("강", &["kang", "gang"]),
    ("조", &["cho", "jo", "joe", "chough", "jho"]),
    ("윤", &["yoon", "yun", "youn"]),
    ("장", &["jang", "chang"]),
    ("임", &["lim", "im", "rim", "yim", "leem"]),
    ("림", &["rim", "lim", "im"]),
    ("한", &["han", "hahn"]),
    ("오", &["oh", "o"]),
    ("서", &["seo", "suh", "so", "seoh"]),
    ("신", &["shin", "sin", "shinn"]),
    ("권", &["kwon", "gwon", "kweon"]),
    ("황", &["hwang", "whang"]),
    ("안", &["ahn", "an"]),
    ("송", &["song"]),
    (
        "류",
        &["ryu", "yu", "yoo", "lyu", "rhyu", "ryoo", "you", "lew"],
    ),
    ("유", &["yu", "yoo", "you", "ryu"]),
    ("전", &["jeon", "jun", "chun", "chon", "jeun"]),
    ("홍", &["hong"]),
    ("고", &["ko", "go", "koh"]),
    ("문", &["moon", "mun"]),
    ("양", &["yang", "ryang"]),
    ("손", &["son", "sohn"]),
    ("배", &["bae", "pae", "bai"]),
    ("백", &["baek", "paek", "baik", "paik"]),
    ("허", &["heo", "hur", "huh", "ho"]),
    ("남", &["nam"]),
    ("심", &["sim", "shim"]),
    ("노", &["noh", "no", "roh", "ro", "rho"]),
    ("로", &["ro", "roh", "noh"]),
    ("하", &["ha"]),
    ("곽", &["kwak", "gwak"]),
    ("성", &["sung", "seong", "song"]),
    ("차", &["cha"]),
    ("주", &["joo", "ju", "chu"]),
    ("우", &["woo", "u", "wu"]),
    ("구", &["koo", "gu", "ku"]),
    ("민", &["min"]),
    ("나", &["na", "ra"]),
    ("라", &["ra", "na"]),
    ("진", &["jin", "chin"]),
    ("지", &["ji", "chi"]),
    ("엄", &["eom", "um", "uhm", "om"]),
    ("원", &["won", "weon"]),
    ("채", &["chae", "chai"]),
    ("천", &["cheon", "chun", "chon"]),
    ("방", &["bang", "pang"]),
    ("공", &["gong", "kong"]),
    ("현", &["hyun", "hyeon", "hyon"]),
    ("함", &["ham", "hahm"]),
    ("변", &["byun", "byeon", "pyon", "byon"]),
    ("염", &["yeom", "yum", "youm", "yom"]),
    ("여", &["yeo", "yuh", "yo"]),
    ("추", &["choo", "chu"]),
    ("도", &["do", "doh", "to"]),
    ("소", &["so", "soh"]),
    ("석", &["seok", "suk", "sok"]),
    ("선", &["sun", "seon", "son"]),
    ("설", &["seol", "sul", "sol"]),
    ("마", &["ma"]),
    ("길", &["gil", "kil"]),
    ("연", &["yeon", "yun", "youn", "yon"]),
    ("위", &["wi", "wee"]),
    ("표", &["pyo"]),
    ("명", &["myung", "myeong", "myong"]),
    ("기", &["ki", "gi"]),
    ("반", &["ban", "pan"]),
    ("왕", &["wang"]),
    ("금", &["keum", "kum", "geum"]),
    ("옥", &["ok"]),
    ("육", &["yook", "yuk"]),
    ("인", &["in"]),
    ("맹", &["maeng"]),
    ("제", &["je", "jae"]),
    ("모", &["mo"]),
    ("탁", &["tak"]),
    ("국", &["kook", "kuk", "guk"]),
    ("은", &["eun", "un"]),
    ("편", &["pyun", "pyeon"]),
    ("용", &["yong", "ryong"]),
    ("예", &["ye", "yeh"]),
    ("봉", &["bong", "pong"]),
    ("경", &["kyung", "gyeong", "kyong"]),
];

/// The share of Koreans bearing each of the twenty most common surnames (2015
/// census, Statistics Korea, rounded): together about three Koreans in four. The
/// North Korean spellings 리 and 림 count with 이 and 임.
const SURNAME_SHARES: &[(&str, f64)] = &[
    ("김", 0.215),
    ("이", 0.147),
    ("리", 0.147),
    ("박", 0.084),
    ("최", 0.047),
    ("정", 0.043),
    ("강", 0.024),
    ("조", 0.021),
    ("윤", 0.021),
    ("장", 0.020),
    ("임", 0.017),
    ("림", 0.017),
    ("한", 0.015),
    ("오", 0.015),
    ("서", 0.015),
    ("신", 0.015),
    ("권", 0.014),
    ("황", 0.014),
    ("안", 0.014),
    ("송", 0.014),
    ("전", 0.011),
    ("홍", 0.011),
];

/// The share given to a surname of the table outside the twenty most common: each
/// of them is borne by less than one Korean in a hundred.
const OTHER_SURNAME_SHARE: f64 = 0.005;

/// The share of Koreans bearing a surname of the table (`None` for a surname the
/// table does not hold).
pub fn surname_share(hangul: &str) -> Option<f64> {
    if let Some((_, share)) = SURNAME_SHARES.iter().find(|(h, _)| *h == hangul) {
        return Some(*share);
    }
    SURNAMES
        .iter()
        .any(|(h, _)| *h == hangul)
        .then_some(OTHER_SURNAME_SHARE)
}

/// Every surname of the table with its share (see [`surname_share`]).
pub fn surname_shares() -> impl Iterator<Item = (&'static str, f64)> {
    SURNAMES
        .iter()
        .filter_map(|(h, _)| surname_share(h).map(|share| (*h, share)))
}

/// The Hangul surnames a Latin spelling may stand for (`lee` → 이, 리).
pub fn surnames_spelled(latin: &str) -> impl Iterator<Item = &'static str> + '_ {
    SURNAMES
        .iter()
        .filter(move |(_, spellings)| spellings.contains(&latin))
        .map(|(hangul, _)| *hangul)
}

/// The table's entry for a Hangul surname, as a one-element list (empty when the
/// surname is not in the table).
pub fn surnames_spelled_hangul(hangul: &str) -> Vec<&'static str> {
    SURNAMES
        .iter()
        .find(|(h, _)| *h == hangul)
        .map(|(h, _)| vec![*h])
        .unwrap_or_default()
}

/// The usual spellings of a Hangul surname, if it is in the table.
pub fn surname_spellings(hangul: &str) -> Option<&'static [&'static str]> {
    SURNAMES
        .iter()
        .find(|(h, _)| *h == hangul)
        .map(|(_, spellings)| *spellings)
}

/// Splits a Hangul full name written as one word into surname and given name:
/// a known two-syllable surname when the name has at least three syllables,
/// otherwise the first syllable.
pub fn split_name(word: &str) -> Option<(&str, &str)> {
    let n = word.chars().count();
    if n < 2 || !word.chars().all(is_syllable) {
        return None;
    }
    if n >= 3 {
        for (surname, _) in SURNAMES.iter().filter(|(h, _)| h.chars().count() == 2) {
            if let Some(rest) = word.strip_prefix(surname) {
                return Some((surname, rest));
            }
        }
    }
    let first_len = word.chars().next().map_or(0, char::len_utf8);
    Some(word.split_at(first_len))
}

/// All Latin forms a Hangul surname is written in: the table's spellings, or RR,
/// MR and the popular form when it is not in the table.
pub fn surname_forms(hangul: &str) -> Vec<String> {
    match surname_spellings(hangul) {
        Some(spellings) => spellings.iter().map(|s| (*s).to_owned()).collect(),
        None => given_forms(hangul),
    }
}

/// The Latin forms of a Hangul given name (or any Hangul word): RR, MR and the
/// popular form, without duplicates.
pub fn given_forms(hangul: &str) -> Vec<String> {
    let mut forms = vec![
        romanise_rr(hangul),
        romanise_mr(hangul),
        romanise_popular(hangul),
    ];
    forms.dedup();
    let mut unique = Vec::with_capacity(forms.len());
    for f in forms {
        if !unique.contains(&f) {
            unique.push(f);
        }
    }
    unique
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposes_syllables() {
        assert_eq!(
            decompose('한'),
            Some(Syllable {
                initial: 18,
                vowel: 0,
                final_: 4
            })
        );
        assert_eq!(decompose('a'), None);
    }

    #[test]
    fn revised_romanization_of_names() {
        for (hangul, rr) in [
            ("성민", "seongmin"),
            ("해양", "haeyang"),
            ("부산", "busan"),
            ("한복남", "hanboknam"),
            ("정", "jeong"),
            ("최", "choe"),
            ("희", "hui"),
            ("꽃", "kkot"),
            ("제주", "jeju"),
        ] {
            assert_eq!(romanise_rr(hangul), rr, "{hangul}");
        }
    }

    #[test]
    fn mccune_reischauer_voices_between_voiced_sounds() {
        for (hangul, mr) in [
            ("성민", "songmin"),
            ("대중", "taejung"),
            ("부산", "pusan"),
            ("김일성", "kimilsong"),
            ("신", "shin"),
            ("시", "shi"),
            ("박정희", "pakchonghui"),
            ("동구", "tonggu"),
        ] {
            assert_eq!(romanise_mr(hangul), mr, "{hangul}");
        }
    }

    #[test]
    fn popular_spellings() {
        for (hangul, popular) in [
            ("성민", "sungmin"),
            ("영수", "youngsoo"),
            ("현", "hyun"),
            ("희", "hee"),
            ("경", "kyoung"),
        ] {
            assert_eq!(romanise_popular(hangul), popular, "{hangul}");
        }
    }

    #[test]
    fn surname_shares_follow_the_census() {
        assert_eq!(surname_share("김"), Some(0.215));
        assert_eq!(surname_share("리"), surname_share("이"));
        assert_eq!(surname_share("곽"), Some(OTHER_SURNAME_SHARE));
        assert_eq!(surname_share("스미스"), None);
        let top: f64 = SURNAME_SHARES
            .iter()
            .filter(|(h, _)| !matches!(*h, "리" | "림"))
            .map(|(_, s)| s)
            .sum();
        assert!((0.7..0.8).contains(&top), "{top}");
        assert!(surname_shares().all(|(h, _)| surname_spellings(h).is_some()));
    }

    #[test]
    fn surnames_and_their_spellings() {
        assert!(surname_forms("이").contains(&"rhee".to_owned()));
        assert!(surname_forms("박").contains(&"pak".to_owned()));
        assert!(surnames_spelled("lee").any(|h| h == "이"));
        assert!(surnames_spelled("chung").any(|h| h == "정"));
        assert_eq!(split_name("박성민"), Some(("박", "성민")));
        assert_eq!(split_name("남궁민수"), Some(("남궁", "민수")));
        assert_eq!(split_name("남궁"), Some(("남", "궁")));
        assert_eq!(split_name("park"), None);
    }
}
