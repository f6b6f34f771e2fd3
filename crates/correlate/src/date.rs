//! Dates of birth as they are written: ISO (`1971-06-24`), day and month in
//! either order (`12/11/1978`, `20/8/1991`), month names (`Mar 1 1970`,
//! `24-May-11`), two-digit years, Korean (`1985년 3월 12일`) and Thai Buddhist
//! years (2528 = 1985). Impossible dates (`1856-86-18`) are kept as written so
//! that a typing error still compares as one.

use serde::{Deserialize, Serialize};

/// A date of birth, possibly partial.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BirthDate {
    /// The year; with `two_digit_year`, only its last two digits are known.
    pub year: u16,
    /// Whether the year was written with two digits.
    pub two_digit_year: bool,
    /// Month as written (normally 1..=12).
    pub month: Option<u8>,
    /// Day as written (normally 1..=31).
    pub day: Option<u8>,
    /// Whether day and month could be either way round (both ≤ 12, numeric).
    pub ambiguous: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Reads a date of birth; `None` when no year can be found.
pub fn parse(raw: &str) -> Option<BirthDate> {
    let lower = raw.trim().to_lowercase();
    if lower.is_empty() {
        return None;
    }
    // Numbers and month names, in order.
    let mut numbers: Vec<(u32, usize)> = Vec::new();
    let mut month_name: Option<(u8, usize)> = None;
    let mut position = 0;
    let mut chars = lower.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut n = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n.push(d);
                chars.next();
            }
            if n.len() > 8 {
                return None;
            }
            if n.len() == 8 && numbers.is_empty() {
                // YYYYMMDD
                let v: u32 = n.parse().ok()?;
                numbers.push((v / 10000, 4));
                numbers.push((v / 100 % 100, 2));
                numbers.push((v % 100, 2));
            } else {
                numbers.push((n.parse().ok()?, n.len()));
            }
            position += 1;
        } else if c.is_alphabetic() {
            let mut w = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_alphabetic()) {
                w.push(d);
                chars.next();
            }
            if let Some(m) = MONTHS.iter().position(|m| w.starts_with(m)) {
                month_name = Some((m as u8 + 1, position));
            }
            position += 1;
        } else {
            chars.next();
        }
    }
    let year_of = |(v, len): (u32, usize)| -> Option<(u16, bool)> {
        let v = if v > 2400 && v < 2700 { v - 543 } else { v };
        let v = u16::try_from(v).ok()?;
        Some((v, len <= 2))
    };
    let small = |v: u32| u8::try_from(v).ok().filter(|&v| v <= 99);
    let date = match (numbers.as_slice(), month_name) {
        ([y], None) if y.1 == 4 => {
            let (year, two) = year_of(*y)?;
            BirthDate {
                year,
                two_digit_year: two,
                month: None,
                day: None,
                ambiguous: false,
            }
        }
        ([a, b], None) => {
            // YYYY-MM or MM/YYYY
            let (y, m) = if a.1 == 4 { (*a, b.0) } else { (*b, a.0) };
            let (year, two) = year_of(y)?;
            BirthDate {
                year,
                two_digit_year: two,
                month: small(m),
                day: None,
                ambiguous: false,
            }
        }
        ([a, b, c], None) => {
            if a.1 >= 3 || (a.0 > 31 && c.0 <= 31) {
                let (year, two) = year_of(*a)?;
                BirthDate {
                    year,
                    two_digit_year: two,
                    month: small(b.0),
                    day: small(c.0),
                    ambiguous: false,
                }
            } else {
                let (year, two) = year_of(*c)?;
                let (month, day, ambiguous) = if a.0 > 12 {
                    (b.0, a.0, false)
                } else if b.0 > 12 {
                    (a.0, b.0, false)
                } else {
                    (a.0, b.0, a.0 != b.0)
                };
                BirthDate {
                    year,
                    two_digit_year: two,
                    month: small(month),
                    day: small(day),
                    ambiguous,
                }
            }
        }
        ([a, b], Some((m, _))) => {
            // `Mar 1 1970`, `24-May-11`, `1 March 1970`: the year is the four-digit
            // number, else the last one.
            let (day, y) = if a.1 == 4 { (b.0, *a) } else { (a.0, *b) };
            let (year, two) = year_of(y)?;
            BirthDate {
                year,
                two_digit_year: two,
                month: Some(m),
                day: small(day),
                ambiguous: false,
            }
        }
        ([y], Some((m, _))) => {
            let (year, two) = year_of(*y)?;
            BirthDate {
                year,
                two_digit_year: two,
                month: Some(m),
                day: None,
                ambiguous: false,
            }
        }
        _ => return None,
    };
    Some(date)
}

impl BirthDate {
    /// The year as compared with `other`: the last two digits when either side
    /// wrote only two.
    fn years(&self, other: &BirthDate) -> (u16, u16) {
        if self.two_digit_year || other.two_digit_year {
            (self.year % 100, other.year % 100)
        } else {
            (self.year, other.year)
        }
    }

    /// Digits for edit-distance comparison: year, month, day, zero-padded.
    fn digits(&self, year: u16) -> [u8; 8] {
        let (m, d) = (self.month.unwrap_or(0), self.day.unwrap_or(0));
        let y = year % 10000;
        [
            (y / 1000) as u8,
            (y / 100 % 10) as u8,
            (y / 10 % 10) as u8,
            (y % 10) as u8,
            m / 10 % 10,
            m % 10,
            d / 10 % 10,
            d % 10,
        ]
    }

    /// A canonical text, `YYYY-MM-DD` with `??` for unknown parts.
    pub fn canonical(&self) -> String {
        let part = |v: Option<u8>| v.map_or_else(|| "??".to_owned(), |v| format!("{v:02}"));
        if self.two_digit_year {
            format!(
                "??{:02}-{}-{}",
                self.year % 100,
                part(self.month),
                part(self.day)
            )
        } else {
            format!("{:04}-{}-{}", self.year, part(self.month), part(self.day))
        }
    }

    /// The key for blocking and term frequencies: the last two digits of the
    /// year, the month and the day (0 where unknown).
    pub fn key(&self) -> [u8; 3] {
        [
            (self.year % 100) as u8,
            self.month.unwrap_or(0),
            self.day.unwrap_or(0),
        ]
    }
}

/// How two dates of birth agree, from most to least.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DateAgreement {
    /// Different years.
    Different = 0,
    /// Same year, different or unknown day and month.
    SameYear = 1,
    /// One digit off, two digits swapped, or day and month the other way round.
    Close = 2,
    /// The same date.
    Same = 3,
}

/// Compares two dates of birth.
pub fn compare(a: &BirthDate, b: &BirthDate) -> DateAgreement {
    let (ya, yb) = a.years(b);
    let full = a.month.is_some() && a.day.is_some() && b.month.is_some() && b.day.is_some();
    if ya == yb && a.month == b.month && a.day == b.day {
        return if full {
            DateAgreement::Same
        } else {
            DateAgreement::SameYear
        };
    }
    if !full {
        return if ya == yb {
            DateAgreement::SameYear
        } else {
            DateAgreement::Different
        };
    }
    let swapped = a.month == b.day && a.day == b.month;
    if ya == yb && swapped && (a.ambiguous || b.ambiguous || a.month <= Some(12)) {
        return DateAgreement::Close;
    }
    let (da, db) = (a.digits(ya), b.digits(yb));
    if near(&da, &db) {
        return DateAgreement::Close;
    }
    if ya == yb {
        DateAgreement::SameYear
    } else {
        DateAgreement::Different
    }
}

/// One substitution or one transposition of neighbours between two digit
/// strings.
fn near(a: &[u8; 8], b: &[u8; 8]) -> bool {
    let mut diffs = [0usize; 3];
    let mut n = 0;
    for i in 0..8 {
        if a[i] != b[i] {
            if n == 3 {
                return false;
            }
            diffs[n] = i;
            n += 1;
        }
    }
    match n {
        1 => true,
        2 => {
            let (i, j) = (diffs[0], diffs[1]);
            j == i + 1 && a[i] == b[j] && a[j] == b[i]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> BirthDate {
        parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn written_forms_parse() {
        for (raw, canonical) in [
            ("1971-06-24", "1971-06-24"),
            ("19710624", "1971-06-24"),
            ("20/8/1991", "1991-08-20"),
            ("8/20/91", "??91-08-20"),
            ("Mar 1 1970", "1970-03-01"),
            ("24-May-11", "??11-05-24"),
            ("15-Mar-92", "??92-03-15"),
            ("1985년 3월 12일", "1985-03-12"),
            ("2528-03-12", "1985-03-12"),
            ("1856-86-18", "1856-86-18"),
            ("1630", "1630-??-??"),
        ] {
            assert_eq!(d(raw).canonical(), canonical, "{raw}");
        }
        assert_eq!(parse("unknown"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn agreement_levels() {
        use DateAgreement::*;
        for (a, b, level) in [
            ("1978-12-11", "12/11/1978", Same),
            ("12/11/1978", "11/12/1978", Close),
            ("1630-08-01", "1630-08-11", Close),
            ("1856-06-18", "1856-86-18", Close),
            ("1970-03-01", "3/1/70", Same),
            ("1970-03-01", "1970-05-09", SameYear),
            ("1970", "1970-05-09", SameYear),
            ("1970-03-01", "1971-05-09", Different),
            ("1973-11-21", "1973-11-12", Close),
        ] {
            assert_eq!(compare(&d(a), &d(b)), level, "{a} {b}");
        }
    }
}
