//! Thai to Latin in the Royal Thai General System of Transcription (RTGS, Royal
//! Institute, 1999), by rule: consonants take their initial or final value from
//! the RTGS table, leading vowels (เ แ โ ใ ไ) are written after the consonant
//! they precede, tone marks are dropped, a consonant under the silencing mark
//! (◌์) is not pronounced, and a syllable without a written vowel takes the
//! inherent `o` when it is closed and `a` when it is open.
//!
//! Thai does not mark syllable boundaries, so the rules guess them; the result is
//! the RTGS spelling of most common names and close to it for the rest, which is
//! what matching needs.

/// RTGS value of a consonant at the start of a syllable.
fn initial(c: char) -> &'static str {
    match c {
        'ก' => "k",
        'ข' | 'ฃ' | 'ค' | 'ฅ' | 'ฆ' => "kh",
        'ง' => "ng",
        'จ' | 'ฉ' | 'ช' | 'ฌ' => "ch",
        'ซ' | 'ศ' | 'ษ' | 'ส' => "s",
        'ญ' | 'ย' => "y",
        'ฎ' | 'ด' => "d",
        'ฏ' | 'ต' => "t",
        'ฐ' | 'ฑ' | 'ฒ' | 'ถ' | 'ท' | 'ธ' => "th",
        'ณ' | 'น' => "n",
        'บ' => "b",
        'ป' => "p",
        'ผ' | 'พ' | 'ภ' => "ph",
        'ฝ' | 'ฟ' => "f",
        'ม' => "m",
        'ร' => "r",
        'ล' | 'ฬ' => "l",
        'ว' => "w",
        'ห' | 'ฮ' => "h",
        'ฤ' => "rue",
        'ฦ' => "lue",
        _ => "",
    }
}

/// RTGS value of a consonant closing a syllable.
fn final_value(c: char) -> &'static str {
    match c {
        'ก' | 'ข' | 'ฃ' | 'ค' | 'ฅ' | 'ฆ' => "k",
        'ง' => "ng",
        'ญ' | 'ณ' | 'น' | 'ร' | 'ล' | 'ฬ' => "n",
        'ม' => "m",
        'บ' | 'ป' | 'ผ' | 'พ' | 'ฟ' | 'ภ' | 'ฝ' => "p",
        'ย' => "i",
        'ว' => "o",
        'จ' | 'ฉ' | 'ช' | 'ซ' | 'ฌ' | 'ฎ' | 'ฏ' | 'ฐ' | 'ฑ' | 'ฒ' | 'ด' | 'ต' | 'ถ' | 'ท' | 'ธ'
        | 'ศ' | 'ษ' | 'ส' => "t",
        _ => "",
    }
}

fn is_consonant(c: char) -> bool {
    ('\u{0E01}'..='\u{0E2E}').contains(&c)
}

fn is_leading_vowel(c: char) -> bool {
    ('\u{0E40}'..='\u{0E44}').contains(&c)
}

/// Vowel signs written after, above or below the consonant.
fn is_following_vowel(c: char) -> bool {
    ('\u{0E30}'..='\u{0E3A}').contains(&c) || matches!(c, '\u{0E45}' | '\u{0E47}' | '\u{0E4D}')
}

const SILENCER: char = '\u{0E4C}';

/// Drops tone marks and silenced letters, and turns Thai digits into ASCII.
fn prepare(word: &str) -> Vec<char> {
    let chars: Vec<char> = word
        .chars()
        .filter(|c| !matches!(c, '\u{0E48}'..='\u{0E4B}' | '\u{0E4E}' | 'ๆ' | 'ฯ'))
        .collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    for &c in &chars {
        // NFKC writes sara am (ำ) as nikhahit and sara aa; put it back.
        if c == '\u{0E32}' && out.last() == Some(&'\u{0E4D}') {
            out.pop();
            out.push('\u{0E33}');
            continue;
        }
        if c == SILENCER {
            // The silenced consonant, and a vowel sign written on it (ดิ์, ธุ์).
            if out.last().is_some_and(|&l| is_following_vowel(l)) {
                out.pop();
            }
            if out.last().is_some_and(|&l| is_consonant(l)) {
                out.pop();
            }
            continue;
        }
        if ('๐'..='๙').contains(&c) {
            out.extend(char::from_digit(c as u32 - '๐' as u32, 10));
            continue;
        }
        out.push(c);
    }
    out
}

/// Whether two consonants form an initial cluster (กร, ปล, กว, …).
fn clusters(first: char, second: char) -> bool {
    match second {
        'ร' | 'ล' => matches!(first, 'ก' | 'ข' | 'ค' | 'ต' | 'ป' | 'พ' | 'ผ' | 'บ'),
        'ว' => matches!(first, 'ก' | 'ข' | 'ค'),
        _ => false,
    }
}

/// Sonorants after which a leading ห is silent (it only sets the tone).
fn is_sonorant(c: char) -> bool {
    matches!(c, 'ง' | 'ญ' | 'น' | 'ม' | 'ย' | 'ร' | 'ล' | 'ว')
}

/// Romanises one Thai word in RTGS (lower case). Characters that are not Thai
/// pass through.
pub fn romanise(word: &str) -> String {
    let chars = prepare(word);
    let n = chars.len();
    let at = |i: usize| chars.get(i).copied();
    let mut out = String::with_capacity(n * 2);
    let mut i = 0;
    let mut previous_closed = false;
    while i < n {
        let c = chars[i];
        if !is_consonant(c) && !is_leading_vowel(c) {
            if !is_following_vowel(c) {
                out.push(c);
            }
            i += 1;
            previous_closed = false;
            continue;
        }
        let lead = if is_leading_vowel(c) {
            i += 1;
            Some(c)
        } else {
            None
        };
        let Some(first) = at(i).filter(|&c| is_consonant(c)) else {
            if let Some(l) = lead {
                out.push_str(leading_alone(l));
            }
            continue;
        };
        i += 1;
        if first == 'ฤ' || first == 'ฦ' {
            out.push_str(initial(first));
            previous_closed = false;
            continue;
        }
        // Initial consonant(s).
        let mut onset = String::from(initial(first));
        let mut head = first;
        if (first == 'ห' && at(i).is_some_and(is_sonorant)) || (first == 'อ' && at(i) == Some('ย'))
        {
            if let Some(next) = at(i) {
                onset = initial(next).to_owned();
                head = next;
                i += 1;
            }
        }
        let vowel_follows_at = |k: usize| at(k).is_some_and(is_following_vowel) || lead.is_some();
        if let Some(second) = at(i) {
            if second == 'ร' && matches!(head, 'ศ' | 'ส' | 'ซ' | 'ท') && vowel_follows_at(i + 1)
            {
                onset = "s".to_owned();
                i += 1;
            } else if clusters(head, second) && vowel_follows_at(i + 1) {
                onset.push_str(initial(second));
                i += 1;
            }
        }
        // Vowel.
        let (vowel, may_close, inherent) = vowel(lead, &chars, &mut i);
        if inherent
            && vowel == "a"
            && previous_closed
            && (i >= n || at(i).is_some_and(is_leading_vowel))
        {
            // A consonant left over after a closed syllable, such as ท in จันทร์.
            continue;
        }
        out.push_str(&onset);
        out.push_str(vowel);
        // Final consonant.
        previous_closed = false;
        if may_close {
            if let Some(f) = at(i).filter(|&f| is_consonant(f)) {
                let starts_next = at(i + 1).is_some_and(is_following_vowel)
                    || (f == 'ร' && !(inherent && vowel == "o") && i + 1 < n)
                    || (f == 'อ');
                if !starts_next {
                    out.push_str(final_value(f));
                    i += 1;
                    previous_closed = true;
                }
            }
        }
    }
    out
}

/// A leading vowel with no consonant after it.
fn leading_alone(lead: char) -> &'static str {
    match lead {
        'เ' => "e",
        'แ' => "ae",
        'โ' => "o",
        _ => "ai",
    }
}

/// Reads the vowel of a syllable whose initial ends before `i`. Returns the RTGS
/// vowel, whether a final consonant may follow, and whether the vowel is the
/// unwritten inherent one.
fn vowel(lead: Option<char>, chars: &[char], i: &mut usize) -> (&'static str, bool, bool) {
    let at = |k: usize| chars.get(k).copied();
    let next = at(*i);
    match lead {
        Some('เ') => match (next, at(*i + 1)) {
            (Some('า'), Some('ะ')) => {
                *i += 2;
                ("o", false, false)
            }
            (Some('า'), _) => {
                *i += 1;
                ("ao", false, false)
            }
            (Some('ี'), Some('ย')) => {
                *i += 2;
                ("ia", true, false)
            }
            (Some('ื'), Some('อ')) => {
                *i += 2;
                ("uea", true, false)
            }
            (Some('อ'), _) | (Some('ิ'), _) => {
                *i += 1;
                ("oe", true, false)
            }
            (Some('ะ'), _) => {
                *i += 1;
                ("e", false, false)
            }
            (Some('็'), _) => {
                *i += 1;
                ("e", true, false)
            }
            _ => ("e", true, false),
        },
        Some('แ') => match next {
            Some('ะ') => {
                *i += 1;
                ("ae", false, false)
            }
            Some('็') => {
                *i += 1;
                ("ae", true, false)
            }
            _ => ("ae", true, false),
        },
        Some('โ') => match next {
            Some('ะ') => {
                *i += 1;
                ("o", false, false)
            }
            _ => ("o", true, false),
        },
        Some(_) => {
            // ใ and ไ; the ย of ไทย is silent.
            if next == Some('ย') && !at(*i + 1).is_some_and(is_following_vowel) {
                *i += 1;
            }
            ("ai", false, false)
        }
        None => match next {
            Some('ะ') => {
                *i += 1;
                ("a", false, false)
            }
            Some('ั') => {
                *i += 1;
                if at(*i) == Some('ว') {
                    *i += 1;
                    ("ua", true, false)
                } else {
                    ("a", true, false)
                }
            }
            Some('า') => {
                *i += 1;
                ("a", true, false)
            }
            Some('ำ') => {
                *i += 1;
                ("am", false, false)
            }
            Some('ิ') | Some('ี') => {
                *i += 1;
                ("i", true, false)
            }
            Some('ึ') => {
                *i += 1;
                ("ue", true, false)
            }
            Some('ื') => {
                *i += 1;
                if at(*i) == Some('อ') {
                    *i += 1;
                }
                ("ue", true, false)
            }
            Some('ุ') | Some('ู') => {
                *i += 1;
                ("u", true, false)
            }
            Some('็') => {
                *i += 1;
                ("o", false, false)
            }
            Some('อ') if !at(*i + 1).is_some_and(is_following_vowel) => {
                *i += 1;
                ("o", true, false)
            }
            Some('ว')
                if at(*i + 1).is_some_and(is_consonant)
                    && !at(*i + 2).is_some_and(is_following_vowel) =>
            {
                *i += 1;
                ("ua", true, false)
            }
            Some('ร') if at(*i + 1) == Some('ร') => {
                *i += 2;
                let closes =
                    at(*i).is_some_and(is_consonant) && !at(*i + 1).is_some_and(is_following_vowel);
                if closes {
                    ("a", true, false)
                } else {
                    ("an", false, false)
                }
            }
            Some(c) if is_consonant(c) && !at(*i + 1).is_some_and(is_following_vowel) => {
                ("o", true, true)
            }
            _ => ("a", false, true),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names and words with their RTGS spelling as published (Royal Institute
    /// transcription of personal and place names).
    #[test]
    fn common_names_in_rtgs() {
        for (thai, rtgs) in [
            ("สมชาย", "somchai"),
            ("ใจดี", "chaidi"),
            ("ประยุทธ์", "prayut"),
            ("จันทร์โอชา", "chanocha"),
            ("ทักษิณ", "thaksin"),
            ("ยิ่งลักษณ์", "yinglak"),
            ("สมศักดิ์", "somsak"),
            ("วิชัย", "wichai"),
            ("สุรชัย", "surachai"),
            ("ศรีสุข", "sisuk"),
            ("บุญมา", "bunma"),
            ("นภา", "napha"),
            ("พรทิพย์", "phonthip"),
            ("กิตติ", "kitti"),
            ("สุดารัตน์", "sudarat"),
            ("อภิสิทธิ์", "aphisit"),
            ("เวชชาชีวะ", "wetchachiwa"),
            ("ทองคำ", "thongkham"),
            ("ไทย", "thai"),
            ("กรุงเทพ", "krungthep"),
            ("เชียงใหม่", "chiangmai"),
            ("สวน", "suan"),
            ("ตัว", "tua"),
            ("เมือง", "mueang"),
            ("หมอ", "mo"),
            ("อยู่", "yu"),
            ("แสง", "saeng"),
            ("โชค", "chok"),
            ("เพชร", "phet"),
        ] {
            assert_eq!(romanise(thai), rtgs, "{thai}");
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in ["เ", "์", "ะ", "ก์", "เเเ", "ฤ", "๑๒๓", "abcก"] {
            let _ = romanise(s);
        }
        assert_eq!(romanise("๑๒๓"), "123");
    }
}
