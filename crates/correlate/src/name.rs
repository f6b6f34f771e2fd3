//! Names of persons, organisations and vessels: normalisation into comparable
//! forms (romanised, legal forms and vessel conventions removed) and their
//! comparison in levels that the scoring model weighs.

use crate::hangul;
use crate::text::{self, Script};

/// How closely two names (or two parts of a name) agree, from most to least.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NameLevel {
    /// Nothing in common.
    Different = 0,
    /// An initial or one word in common (`B` and `Bob`; `Universal Exports` and
    /// `Universal Exports Worldwide`).
    Partial = 1,
    /// Jaro-Winkler similarity at least 0.80.
    Fuzzy = 2,
    /// Jaro-Winkler similarity at least 0.92, or the same first word.
    Close = 3,
    /// The same name in another spelling: romanisation variants, a surname
    /// spelling from the table, a nickname (`Bob` for `Robert`).
    Equivalent = 4,
    /// The same normalised name.
    Exact = 5,
}

impl NameLevel {
    /// Every level, from `Different` to `Exact`.
    pub const ALL: [NameLevel; 6] = [
        NameLevel::Different,
        NameLevel::Partial,
        NameLevel::Fuzzy,
        NameLevel::Close,
        NameLevel::Equivalent,
        NameLevel::Exact,
    ];

    /// The stable name of the level.
    pub fn name(self) -> &'static str {
        match self {
            NameLevel::Different => "different",
            NameLevel::Partial => "partial",
            NameLevel::Fuzzy => "fuzzy",
            NameLevel::Close => "close",
            NameLevel::Equivalent => "equivalent",
            NameLevel::Exact => "exact",
        }
    }
}

/// One written form of a name or name part, in Latin letters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// The words joined without spaces.
    pub text: Box<str>,
    /// The first word.
    pub first: Box<str>,
    /// The words, space separated.
    pub words: Box<str>,
    /// The romanisation-tolerant key of `text` (see [`text::fold`]).
    pub fold: Box<str>,
    /// The nickname groups `text` is in, one bit per group.
    pub nicknames: u128,
    /// The nickname groups the first word is in.
    pub first_nicknames: u128,
    /// Hashes of `text` and `fold`, compared before the strings.
    text_hash: u64,
    fold_hash: u64,
    /// The number of words.
    word_count: u8,
}

fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Form {
    fn new(words: &[String]) -> Option<Form> {
        let text: String = words.concat();
        if text.is_empty() {
            return None;
        }
        let first = words.first().map(String::as_str).unwrap_or("");
        let fold = text::fold(&text);
        Some(Form {
            text_hash: hash_str(&text),
            fold_hash: hash_str(&fold),
            word_count: words.len().min(255) as u8,
            fold: fold.into(),
            nicknames: nickname_groups(&text),
            first_nicknames: nickname_groups(first),
            first: first.into(),
            words: words.join(" ").into(),
            text: text.into(),
        })
    }

    fn word_count(&self) -> usize {
        usize::from(self.word_count)
    }

    fn same_text(&self, other: &Form) -> bool {
        self.text_hash == other.text_hash && self.text == other.text
    }

    fn same_fold(&self, other: &Form) -> bool {
        self.fold_hash == other.fold_hash && self.fold == other.fold
    }
}

/// A name or a part of one (a family name, a given name) in all the Latin forms
/// it may be written in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The forms, the most likely first.
    pub forms: Vec<Form>,
    /// The Korean surnames the part may stand for (family names only).
    pub surnames: Vec<&'static str>,
    /// A number that is part of a vessel's name (`HAI XING 8`).
    pub number: Option<u32>,
    /// The key for term frequencies: a hash of the Korean surname when there is
    /// one, else of the folded first form.
    pub key: u64,
    /// Whether the name of an organisation or vessel says that it is not known
    /// (`UNKNOWN`, `unnamed boat`, `미상`): it names no one in particular.
    pub placeholder: bool,
}

/// The frequency key of a part's text and hull number.
fn part_key(text: &str, number: Option<u32>) -> u64 {
    let mut key: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes().chain(number.unwrap_or(0).to_le_bytes()) {
        key ^= u64::from(b);
        key = key.wrapping_mul(0x0100_0000_01b3);
    }
    key
}

/// The frequency key ([`Part::key`]) of a family name that is the Korean surname
/// `hangul`, however it is spelt.
pub fn surname_key(hangul: &str) -> u64 {
    part_key(&format!("ko:{hangul}"), None)
}

impl Part {
    fn new(forms: Vec<Form>, surnames: Vec<&'static str>, number: Option<u32>) -> Part {
        let text = match (surnames.first(), forms.first()) {
            (Some(s), _) => format!("ko:{s}"),
            (None, Some(f)) => f.fold.to_string(),
            (None, None) => String::new(),
        };
        Part {
            key: part_key(&text, number),
            forms,
            surnames,
            number,
            placeholder: false,
        }
    }
}

/// One reading of a person's name: which words are the given name and which the
/// family name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    /// The given name(s).
    pub given: Option<Part>,
    /// The family name.
    pub family: Option<Part>,
}

/// A person's name with its readings (given name first or family name first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName {
    /// The readings, the most likely first.
    pub readings: Vec<Reading>,
}

/// Titles and generational suffixes that are not part of the name.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "jr", "sr", "snr", "jnr", "junior", "senior",
    "mx", "md", "phd",
];

/// Legal forms written as separate words.
const LEGAL_WORDS: &[&str] = &[
    "co",
    "company",
    "corp",
    "corporation",
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "lp",
    "plc",
    "pte",
    "pty",
    "gmbh",
    "ag",
    "sa",
    "sarl",
    "sas",
    "bv",
    "nv",
    "srl",
    "spa",
    "oy",
    "ab",
    "kk",
    "jsc",
    "ojsc",
    "pjsc",
    "ooo",
    "zao",
    "pvt",
    "private",
    "public",
    "the",
    "and",
    "pt",
    "tbk",
    "sdn",
    "bhd",
    "ltda",
    "cia",
    "cv",
    "se",
    "kg",
    "ohg",
    "as",
    "aps",
    "oyj",
    "bhd",
    "group",
];

/// Legal forms in scripts written without spaces, removed wherever they appear.
const LEGAL_MARKS: &[&str] = &[
    "유한책임회사",
    "주식회사",
    "유한회사",
    "합자회사",
    "합명회사",
    "(주)",
    "(유)",
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "有限公司",
    "株式会社",
    "有限会社",
    "合同会社",
    "(株)",
    "(有)",
    "ห้างหุ้นส่วนจำกัด",
    "ห้างหุ้นส่วนสามัญ",
    "บริษัท",
    "จำกัด",
    "(มหาชน)",
    "มหาชน",
    "หจก.",
    "บจก.",
    "บมจ.",
];

/// Prefixes of vessel names (`MV`, `M/V`, …) as words after punctuation is split.
const VESSEL_PREFIXES: &[&[&str]] = &[
    &["m", "v"],
    &["m", "t"],
    &["f", "v"],
    &["m", "s"],
    &["s", "s"],
    &["m", "y"],
    &["r", "v"],
    &["mv"],
    &["mt"],
    &["fv"],
    &["ms"],
    &["ss"],
    &["my"],
    &["rv"],
    &["mts"],
];

/// English nickname groups: a name and the short forms it goes by.
const NICKNAMES: &[&[&str]] = &[
    &["robert", "bob", "rob", "robbie", "bobby", "bert", "robby"],
    &[
        "william", "bill", "will", "billy", "willie", "liam", "willy",
    ],
    &["thomas", "tom", "tommy"],
    &["richard", "rick", "dick", "rich", "ricky", "richie"],
    &["james", "jim", "jimmy", "jamie"],
    &["john", "jack", "johnny", "jon"],
    &["edward", "ed", "eddie", "ted", "ned", "eddy"],
    &[
        "elizabeth",
        "liz",
        "beth",
        "betty",
        "eliza",
        "lisa",
        "libby",
        "lizzie",
        "bess",
    ],
    &[
        "margaret", "maggie", "meg", "peggy", "marge", "margie", "peggie", "greta",
    ],
    &[
        "katherine",
        "catherine",
        "kate",
        "kathy",
        "cathy",
        "katie",
        "kat",
        "kay",
        "kathryn",
    ],
    &["michael", "mike", "mikey", "mick", "mickey"],
    &["christopher", "chris", "kit"],
    &["patricia", "pat", "patty", "tricia", "trish", "patsy"],
    &["patrick", "pat", "paddy"],
    &["joseph", "joe", "joey"],
    &["charles", "charlie", "chuck", "chas"],
    &["henry", "harry", "hank"],
    &["francis", "frank", "fran", "frankie"],
    &["frances", "fran", "fanny", "frankie"],
    &[
        "alexander",
        "alex",
        "sasha",
        "sandy",
        "alec",
        "aleksandr",
        "alexandr",
        "alyaksandr",
    ],
    &["andrew", "andy", "drew"],
    &["anthony", "tony"],
    &["daniel", "dan", "danny"],
    &["david", "dave", "davy"],
    &["samuel", "sam", "sammy"],
    &["benjamin", "ben", "benny"],
    &["susan", "sue", "susie", "suzanne", "susanne", "suzy"],
    &["deborah", "debbie", "deb", "debra"],
    &["jennifer", "jen", "jenny"],
    &["nicholas", "nick", "nicky"],
    &["matthew", "matt"],
    &["steven", "stephen", "steve"],
    &["timothy", "tim"],
    &["gregory", "greg"],
    &["jeffrey", "geoffrey", "jeff", "geoff"],
    &["lawrence", "larry", "laurence"],
    &["leonard", "leo", "len", "lenny"],
    &["ronald", "ron", "ronnie"],
    &["donald", "don", "donnie"],
    &["kenneth", "ken", "kenny"],
    &["gerald", "gerry", "jerry"],
    &["douglas", "doug"],
    &["peter", "pete"],
    &["philip", "phillip", "phil"],
    &["raymond", "ray"],
    &["albert", "al", "bert"],
    &["alfred", "alf", "fred"],
    &["frederick", "fred", "freddie", "freddy"],
    &["walter", "walt"],
    &["harold", "hal", "harry"],
    &["howard", "howie"],
    &["eleanor", "ellie", "nora", "elle"],
    &["ellen", "ellie", "nell"],
    &["mary", "molly", "polly", "mae", "marie"],
    &["anne", "ann", "annie", "anna", "nan", "nancy"],
    &[
        "annabelle",
        "anabella",
        "annabel",
        "anabel",
        "annabella",
        "anna",
    ],
    &["victoria", "vicky", "tori"],
    &["rebecca", "becky"],
    &["jacqueline", "jackie"],
    &["abigail", "abby", "abbie"],
    &["sarah", "sara", "sally", "sahra"],
    &["dorothy", "dot", "dottie", "dolly"],
    &["theodore", "ted", "theo"],
    &["isabella", "isabel", "bella", "izzy"],
    &["edmund", "ed", "ned"],
    &["augustus", "gus"],
    &["louis", "lou", "luis"],
    &["morris", "morrie", "maurice"],
    &["geoffrey", "jeffrey"],
    &["darla", "darlene"],
    &["anastasia", "anastassia", "nastassia", "nastya", "stacy"],
    &["keeley", "kaylee", "keely"],
    &["kristen", "kristin", "kirsten"],
    &[
        "muhammad", "mohammed", "mohamed", "muhammed", "mhd", "mohd", "mohammad",
    ],
    &["rosemary", "rosemay", "rose", "rosie"],
    &["peggy", "peggie", "margaret"],
];

/// The nickname groups a word is in, one bit per group.
fn nickname_groups(word: &str) -> u128 {
    static TABLE: std::sync::OnceLock<std::collections::HashMap<&'static str, u128>> =
        std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = std::collections::HashMap::new();
        for (i, group) in NICKNAMES.iter().enumerate() {
            for name in group.iter() {
                *table.entry(*name).or_insert(0u128) |= 1u128 << (i % 128);
            }
        }
        table
    });
    table.get(word).copied().unwrap_or(0)
}

/// Splits words that mix digits and letters or scripts (`제8해양호` → `제`, `8`,
/// `해양호`; `no8` → `no`, `8`).
fn split_runs(words: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    for w in words {
        let mut current = String::new();
        let mut last: Option<(bool, Script)> = None;
        for c in w.chars() {
            let class = (c.is_ascii_digit(), text::script_of(c));
            let class = (class.0, if class.0 { Script::Latin } else { class.1 });
            if last.is_some_and(|l| l != class) && !is_mark(c) {
                out.push(std::mem::take(&mut current));
            }
            current.push(c);
            if !is_mark(c) {
                last = Some(class);
            }
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

fn is_mark(c: char) -> bool {
    text::script_of(c) == Script::Thai && !c.is_alphabetic()
}

/// The Latin forms of one normalised word.
fn word_forms(word: &str) -> Vec<String> {
    if word.chars().any(hangul::is_syllable) {
        hangul::given_forms(word)
    } else if text::needs_romanisation(word) {
        vec![text::romanise_word(word)]
    } else {
        vec![word.to_owned()]
    }
}

/// Builds a part from words, each of which may have several Latin forms; forms are
/// combined word by word up to a small limit.
fn part_from_words(words: &[String]) -> Option<Part> {
    const MAX_FORMS: usize = 9;
    if words.is_empty() {
        return None;
    }
    let mut combos: Vec<Vec<String>> = vec![Vec::new()];
    for w in words {
        let forms = word_forms(w);
        let mut next = Vec::new();
        for combo in &combos {
            for f in &forms {
                if next.len() < MAX_FORMS {
                    let mut c = combo.clone();
                    c.push(f.clone());
                    next.push(c);
                }
            }
        }
        combos = next;
    }
    let forms: Vec<Form> = dedup(combos.iter().filter_map(|c| Form::new(c)).collect());
    if forms.is_empty() {
        return None;
    }
    Some(Part::new(forms, Vec::new(), None))
}

fn dedup(forms: Vec<Form>) -> Vec<Form> {
    let mut out: Vec<Form> = Vec::with_capacity(forms.len());
    for f in forms {
        if !out.iter().any(|o| o.text == f.text) {
            out.push(f);
        }
    }
    out
}

/// A family-name part: Korean surnames get the table's spellings and are known
/// as such whichever way they are written.
fn family_part(words: &[String]) -> Option<Part> {
    if let [word] = words {
        if word.chars().all(hangul::is_syllable) && word.chars().count() <= 2 {
            let forms: Vec<Form> = hangul::surname_forms(word)
                .into_iter()
                .filter_map(|f| Form::new(&[f]))
                .collect();
            let surnames = hangul::surnames_spelled_hangul(word);
            return Some(Part::new(forms, surnames, None));
        }
    }
    let part = part_from_words(words)?;
    if let [word] = words {
        let surnames: Vec<&'static str> = hangul::surnames_spelled(word).collect();
        if !surnames.is_empty() {
            return Some(Part::new(part.forms, surnames, None));
        }
    }
    Some(part)
}

/// Normalised words of a person's name, with titles removed.
fn person_words(raw: &str) -> Vec<String> {
    let words = text::normal_words(raw);
    let kept: Vec<String> = words
        .iter()
        .filter(|w| !TITLES.contains(&w.as_str()))
        .cloned()
        .collect();
    if kept.is_empty() {
        words
    } else {
        kept
    }
}

/// Reads a person's full name: `Surname, Given` with a comma; a Hangul name
/// (`박성민`, `박 성민`) surname first; otherwise both ways, given name first as
/// the more likely.
pub fn person_full(raw: &str) -> Option<PersonName> {
    if let Some((family, given)) = raw.split_once(',') {
        let family = person_words(family);
        let given = person_words(given);
        if !family.is_empty() && !given.is_empty() {
            return Some(from_parts(Some(&given), Some(&family)));
        }
    }
    let words = person_words(raw);
    match words.as_slice() {
        [] => None,
        [only] => {
            if let Some((family, given)) = hangul::split_name(only) {
                return Some(from_parts(
                    Some(&[given.to_owned()]),
                    Some(&[family.to_owned()]),
                ));
            }
            let part = part_from_words(&words)?;
            Some(PersonName {
                readings: vec![
                    Reading {
                        given: None,
                        family: family_part(&words),
                    },
                    Reading {
                        given: Some(part),
                        family: None,
                    },
                ],
            })
        }
        [first, rest @ ..] => {
            // Surname first: Hangul, and Korean names in Latin letters that start
            // with a surname of the table and do not end with one (`Kim Min-jun`).
            let is_surname = |w: &str| hangul::surnames_spelled(w).next().is_some();
            let hangul_first = first.chars().all(hangul::is_syllable)
                || (is_surname(first) && !words.last().is_some_and(|w| is_surname(w)));
            let family_first = Reading {
                family: family_part(std::slice::from_ref(first)),
                given: part_from_words(rest),
            };
            let (init, last) = words.split_at(words.len() - 1);
            let given_first = Reading {
                given: part_from_words(init),
                family: family_part(last),
            };
            let readings = if hangul_first {
                vec![family_first, given_first]
            } else {
                vec![given_first, family_first]
            };
            Some(PersonName { readings })
        }
    }
}

/// Reads a person's name given in two fields; the fields swapped is kept as a
/// second reading, since they are often filled the wrong way round.
pub fn person_parts(given: Option<&str>, family: Option<&str>) -> Option<PersonName> {
    let given = given.map(person_words).filter(|w| !w.is_empty());
    let family = family.map(person_words).filter(|w| !w.is_empty());
    if given.is_none() && family.is_none() {
        return None;
    }
    Some(from_parts(given.as_deref(), family.as_deref()))
}

fn from_parts(given: Option<&[String]>, family: Option<&[String]>) -> PersonName {
    let primary = Reading {
        given: given.and_then(part_from_words),
        family: family.and_then(family_part),
    };
    let swapped = Reading {
        given: family.and_then(part_from_words),
        family: given.and_then(family_part),
    };
    PersonName {
        readings: vec![primary, swapped],
    }
}

/// Normalises the name of an organisation or vessel: legal forms (`Co., Ltd.`,
/// `주식회사`, `บริษัท … จำกัด`, `有限公司`, `株式会社`) and, for vessels, prefixes
/// (`MV`, `M/V`), the words for number (`NO.`, `제`), suffixes (`호`, `号`, `丸`,
/// `MARU`, `HO`) and the hull number, which is kept apart (`HAI XING 8`,
/// `HAIXING NO.8` and `HAI XING EIGHT` all read `haixing` number 8).
pub fn organisation(raw: &str, vessel: bool) -> Option<Part> {
    let mut cleaned = text::strip_marks(&text::nfkc_lower(raw));
    for mark in LEGAL_MARKS {
        let mark = text::strip_marks(&text::nfkc_lower(mark));
        cleaned = cleaned.replace(&mark, " ");
    }
    let mut words = split_runs(text::words(&cleaned));
    let mut number = None;
    if vessel {
        for prefix in VESSEL_PREFIXES {
            if words.len() > prefix.len() && words.iter().zip(prefix.iter()).all(|(w, p)| w == p) {
                words.drain(..prefix.len());
                break;
            }
        }
        let mut kept = Vec::with_capacity(words.len());
        for w in words {
            if let Some(n) = number_word(&w) {
                number = Some(n);
                continue;
            }
            if matches!(w.as_str(), "no" | "nr" | "nro" | "number" | "제" | "第") {
                continue;
            }
            let stripped = w
                .strip_suffix('호')
                .or_else(|| w.strip_suffix('号'))
                .or_else(|| w.strip_suffix('號'))
                .or_else(|| w.strip_suffix('丸'))
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .unwrap_or(w);
            if matches!(stripped.as_str(), "호" | "号" | "號" | "丸") {
                continue;
            }
            kept.push(stripped);
        }
        // A trailing HO or MARU (Korean and Japanese ship-name suffixes).
        if kept.len() > 1 && matches!(kept.last().map(String::as_str), Some("ho" | "maru" | "hao"))
        {
            kept.pop();
        }
        words = kept;
    }
    let without_legal: Vec<String> = words
        .iter()
        .filter(|w| !LEGAL_WORDS.contains(&w.as_str()))
        .cloned()
        .collect();
    let words = if without_legal.is_empty() {
        words
    } else {
        without_legal
    };
    let placeholder = words.iter().all(|w| is_placeholder_word(w))
        || crate::identifier::is_placeholder(crate::identifier::Scheme::Document, &cleaned);
    let part = part_from_words(&words)?;
    let mut part = Part::new(part.forms, Vec::new(), number);
    part.placeholder = placeholder;
    Some(part)
}

/// Words that, alone in the name of an organisation or vessel, say that the name
/// is not known.
const PLACEHOLDER_WORDS: &[&str] = &[
    "unknown",
    "unnamed",
    "unidentified",
    "nameless",
    "noname",
    "no",
    "anonymous",
    "unregistered",
    "unk",
    "na",
    "nil",
    "none",
    "null",
    "name",
    "boat",
    "ship",
    "vessel",
    "company",
    "firm",
    "fishing",
    "cargo",
    "motor",
    "speedboat",
    "yacht",
    "trawler",
    "tanker",
    "barge",
    "tug",
    "skiff",
    "dinghy",
    "미상",
    "불명",
    "무명",
    "선박",
    "어선",
    "ไม่ทราบ",
    "ไม่ทราบชื่อ",
    "ไม่มีชื่อ",
    "เรือ",
    "เรือประมง",
];

fn is_placeholder_word(word: &str) -> bool {
    PLACEHOLDER_WORDS.contains(&word)
        || crate::identifier::is_placeholder(crate::identifier::Scheme::Document, word)
}

/// The value of a hull number: digits, Roman numerals to XX, English words to
/// twenty.
fn number_word(w: &str) -> Option<u32> {
    if !w.is_empty() && w.len() <= 6 && w.bytes().all(|b| b.is_ascii_digit()) {
        return w.parse().ok();
    }
    const ROMAN: [&str; 20] = [
        "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv",
        "xv", "xvi", "xvii", "xviii", "xix", "xx",
    ];
    const WORDS: [&str; 20] = [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    let position = |list: &[&str]| list.iter().position(|x| *x == w).map(|p| p as u32 + 1);
    // A single `i` or `v` is more often an initial than a number.
    if w.len() > 1 {
        if let Some(n) = position(&ROMAN) {
            return Some(n);
        }
    }
    position(&WORDS)
}

/// Compares two forms.
fn form_level(a: &Form, b: &Form) -> NameLevel {
    if a.same_text(b) {
        return NameLevel::Exact;
    }
    if a.same_fold(b) || a.nicknames & b.nicknames != 0 {
        return NameLevel::Equivalent;
    }
    let (wa, wb) = (a.word_count(), b.word_count());
    if (wa > 1 || wb > 1) && (a.first == b.first || a.first_nicknames & b.first_nicknames != 0) {
        return NameLevel::Close;
    }
    let mut jw = text::jaro_winkler(&a.fold, &b.fold);
    if jw >= 0.6 {
        jw = jw.max(text::jaro_winkler(&a.text, &b.text));
    }
    if jw >= 0.92 {
        return NameLevel::Close;
    }
    if jw >= 0.80 {
        return NameLevel::Fuzzy;
    }
    let initial =
        |x: &Form, y: &Form| x.first.chars().count() == 1 && y.first.starts_with(&*x.first);
    if initial(a, b) || initial(b, a) {
        return NameLevel::Partial;
    }
    if (wa > 1 || wb > 1)
        && a.words
            .split(' ')
            .any(|x| x.len() > 1 && b.words.split(' ').any(|y| y == x))
    {
        return NameLevel::Partial;
    }
    NameLevel::Different
}

/// Compares two parts: the best agreement over their forms, and the surname
/// table.
pub fn compare_parts(a: &Part, b: &Part) -> NameLevel {
    if let (Some(x), Some(y)) = (a.number, b.number) {
        if x != y {
            return NameLevel::Different;
        }
    }
    if a.forms
        .iter()
        .any(|fa| b.forms.iter().any(|fb| fa.same_text(fb)))
    {
        return NameLevel::Exact;
    }
    // Two Korean surnames from the table: the same surname or another one.
    if !a.surnames.is_empty() && !b.surnames.is_empty() {
        return if a.surnames.iter().any(|s| b.surnames.contains(s)) {
            NameLevel::Equivalent
        } else {
            NameLevel::Different
        };
    }
    if a.forms
        .iter()
        .any(|fa| b.forms.iter().any(|fb| fa.same_fold(fb)))
    {
        return NameLevel::Equivalent;
    }
    // The first form of each side against the first three of the other.
    let mut best = NameLevel::Different;
    let pairs = a.forms.iter().take(3).enumerate().flat_map(|(i, fa)| {
        b.forms
            .iter()
            .take(3)
            .enumerate()
            .filter(move |(j, _)| i == 0 || *j == 0)
            .map(move |(_, fb)| (fa, fb))
    });
    for (fa, fb) in pairs {
        best = best.max(form_level(fa, fb));
        if best >= NameLevel::Equivalent {
            return best;
        }
    }
    best
}

/// The agreement of two persons' names: levels of the family and given names
/// under the readings that agree best (`None` where a side lacks the part).
pub fn compare_persons(a: &PersonName, b: &PersonName) -> (Option<NameLevel>, Option<NameLevel>) {
    let (family, given, _) = compare_readings(a, b);
    (family, given)
}

/// Like [`compare_persons`], with the reading of `a` that agreed (an index into its
/// readings): the family and given names whose values the agreement is on.
pub fn compare_readings(
    a: &PersonName,
    b: &PersonName,
) -> (Option<NameLevel>, Option<NameLevel>, usize) {
    let mut best: (i32, Option<NameLevel>, Option<NameLevel>, usize) = (-1, None, None, 0);
    for (ia, ra) in a.readings.iter().enumerate() {
        for (ib, rb) in b.readings.iter().enumerate() {
            let family = match (&ra.family, &rb.family) {
                (Some(x), Some(y)) => Some(compare_parts(x, y)),
                _ => None,
            };
            let given = match (&ra.given, &rb.given) {
                (Some(x), Some(y)) => Some(compare_parts(x, y)),
                _ => None,
            };
            let score = |l: Option<NameLevel>| l.map_or(0, |l| l as i32 * 2);
            // Readings further from the first count slightly less.
            let penalty = i32::from(ia > 0) + i32::from(ib > 0);
            let total = score(family) + score(given) - penalty;
            if total > best.0 {
                best = (total, family, given, ia);
            }
            // The first readings agreeing well settles it; the others are for
            // names written the other way round.
            let good = |l: Option<NameLevel>| l.is_none_or(|l| l >= NameLevel::Close);
            if ia == 0 && ib == 0 && good(family) && good(given) {
                return (family, given, 0);
            }
        }
    }
    (best.1, best.2, best.3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(raw: &str) -> PersonName {
        person_full(raw).unwrap()
    }

    #[test]
    fn korean_names_in_hangul_and_latin_agree() {
        for (a, b) in [
            ("박성민", "Park Sung-min"),
            ("박성민", "Sung Min Park"),
            ("박성민", "PAK SONG MIN"),
            ("이영수", "Rhee Young-soo"),
            ("이영수", "Yi Yeongsu"),
            ("최지훈", "Choe Ji-hun"),
            ("정대중", "Chung Tae-jung"),
            ("김일성", "Kim Il-sung"),
            ("Lee Min-ho", "Yi Minho"),
            ("Park Sung-min", "Bak Seongmin"),
        ] {
            let (family, given) = compare_persons(&person(a), &person(b));
            assert!(
                family >= Some(NameLevel::Equivalent),
                "{a} / {b}: {family:?}"
            );
            assert!(given >= Some(NameLevel::Close), "{a} / {b}: {given:?}");
        }
    }

    #[test]
    fn different_korean_names_stay_apart() {
        let (family, given) = compare_persons(&person("박성민"), &person("Kim Sung-min"));
        assert!(family < Some(NameLevel::Equivalent), "{family:?}");
        assert!(given >= Some(NameLevel::Equivalent));
        let (_, given) = compare_persons(&person("박성민"), &person("Park Ji-hoon"));
        assert!(given < Some(NameLevel::Fuzzy), "{given:?}");
    }

    #[test]
    fn thai_names_match_rtgs_and_variants() {
        for (a, b) in [
            ("สมชาย ใจดี", "Somchai Jaidee"),
            ("สมชาย ใจดี", "Chaidi Somchai"),
            ("ประยุทธ์ จันทร์โอชา", "Prayuth Chan-o-cha"),
            ("ยิ่งลักษณ์ ชินวัตร", "Yingluck Chinnawat"),
        ] {
            let (family, given) = compare_persons(&person(a), &person(b));
            assert!(family >= Some(NameLevel::Fuzzy), "{a} / {b}: {family:?}");
            assert!(given >= Some(NameLevel::Fuzzy), "{a} / {b}: {given:?}");
        }
    }

    #[test]
    fn order_spacing_titles_nicknames() {
        for (a, b, family, given) in [
            (
                "John Smith",
                "Smith, John",
                NameLevel::Exact,
                NameLevel::Exact,
            ),
            (
                "Mr Robert Smith Jr",
                "Bob Smith",
                NameLevel::Exact,
                NameLevel::Equivalent,
            ),
            (
                "Mohamed Antoun",
                "Mhd Antoun",
                NameLevel::Exact,
                NameLevel::Equivalent,
            ),
            (
                "Ellie O'Hare",
                "Ellie Ohare",
                NameLevel::Exact,
                NameLevel::Exact,
            ),
        ] {
            let got = compare_persons(&person(a), &person(b));
            assert_eq!(got, (Some(family), Some(given)), "{a} / {b}");
        }
        let parts = person_parts(Some("Daniella"), Some("Shaw")).unwrap();
        let swapped = person_parts(Some("Shaw"), Some("Daniella")).unwrap();
        assert_eq!(
            compare_persons(&parts, &swapped),
            (Some(NameLevel::Exact), Some(NameLevel::Exact))
        );
    }

    #[test]
    fn nickname_groups_fit_the_mask() {
        assert!(NICKNAMES.len() <= 128);
    }

    #[test]
    fn organisations_drop_legal_forms() {
        let cases = [
            ("Haeyang Shipping Co., Ltd.", "HAEYANG SHIPPING"),
            ("해양해운 주식회사", "(주)해양해운"),
            ("บริษัท ไทยเรือ จำกัด (มหาชน)", "ไทยเรือ"),
            ("Universal Exports, Inc.", "universal exports"),
            ("上海远洋有限公司", "上海远洋"),
            ("株式会社日本海運", "日本海運"),
        ];
        for (a, b) in cases {
            let (x, y) = (
                organisation(a, false).unwrap(),
                organisation(b, false).unwrap(),
            );
            assert_eq!(compare_parts(&x, &y), NameLevel::Exact, "{a} / {b}");
        }
        let x = organisation("Universal Exports", false).unwrap();
        let y = organisation("Universal Exports Worldwide", false).unwrap();
        assert!(compare_parts(&x, &y) >= NameLevel::Partial);
    }

    #[test]
    fn vessel_conventions() {
        for (a, b) in [
            ("HAI XING 8", "HAIXING NO.8"),
            ("HAI XING 8", "M/V Hai Xing No. 8"),
            ("HAI XING VIII", "HAIXING EIGHT"),
            ("해양호", "HAE YANG HO"),
            ("제8해양호", "HAEYANG NO 8"),
            ("MV Ocean Star", "OCEAN STAR"),
        ] {
            let (x, y) = (
                organisation(a, true).unwrap(),
                organisation(b, true).unwrap(),
            );
            assert_eq!(compare_parts(&x, &y), NameLevel::Exact, "{a} / {b}");
        }
        let x = organisation("HAI XING 8", true).unwrap();
        let y = organisation("HAI XING 9", true).unwrap();
        assert_eq!(compare_parts(&x, &y), NameLevel::Different);
        assert_ne!(x.key, y.key, "hull numbers are counted apart");
    }

    #[test]
    fn names_that_say_the_name_is_not_known() {
        for (raw, vessel) in [
            ("UNKNOWN", false),
            ("unnamed boat", true),
            ("M/V Unknown", true),
            ("No Name", true),
            ("fishing boat", true),
            ("미상 선박", true),
            ("N/A", false),
        ] {
            let part = organisation(raw, vessel).unwrap();
            assert!(part.placeholder, "{raw}");
        }
        for (raw, vessel) in [
            ("HAI XING 8", true),
            ("Ocean Boat Trading", false),
            ("해양호", true),
        ] {
            let part = organisation(raw, vessel).unwrap();
            assert!(!part.placeholder, "{raw}");
        }
    }

    #[test]
    fn korean_names_in_latin_letters_read_surname_first() {
        let name = person("Kim Min-jun");
        let first = &name.readings[0];
        assert_eq!(first.family.as_ref().unwrap().surnames, vec!["김"]);
        assert_eq!(&*first.given.as_ref().unwrap().forms[0].text, "minjun");
        // Given name first when the last word is the surname.
        let name = person("Min-jun Kim");
        assert_eq!(
            name.readings[0].family.as_ref().unwrap().surnames,
            vec!["김"]
        );
        let name = person("John Smith");
        assert_eq!(
            &*name.readings[0].family.as_ref().unwrap().forms[0].text,
            "smith"
        );
    }
}
