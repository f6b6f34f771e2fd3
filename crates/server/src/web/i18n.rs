//! The message catalogue of the web interface and the formatting of dates and
//! numbers per language.
//!
//! Each language is one file, `crates/server/i18n/<code>.toml`, embedded at compile
//! time: flat dotted keys (`"nav.reports" = "Reports"`), plus the language's own
//! tag, name, date pattern, month names and number separators. A new language is
//! one new file, one `Lang` variant and one line in `LANGUAGES`; the tests below
//! fail when any file lacks a key of the English one, has one it does not, or
//! uses different `{0}` placeholders. Every string a page shows comes from here.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use interdict_core::ident::CountryCode;

/// A language of the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Ko,
    Th,
}

/// Every language with its catalogue, in the order the switch offers them. The
/// position of each is its variant's discriminant (a test checks).
const LANGUAGES: [(Lang, &str); 3] = [
    (Lang::En, include_str!("../../i18n/en.toml")),
    (Lang::Ko, include_str!("../../i18n/ko.toml")),
    (Lang::Th, include_str!("../../i18n/th.toml")),
];

type Catalogue = HashMap<String, String>;

/// The parsed catalogues, by `Lang` discriminant. A file that does not parse (which
/// the tests rule out) yields an empty catalogue, so pages show blanks, not a crash.
static CATALOGUES: LazyLock<Vec<Catalogue>> = LazyLock::new(|| {
    LANGUAGES
        .iter()
        .map(|(lang, source)| {
            parse_catalogue(source).unwrap_or_else(|e| {
                tracing::error!(?lang, error = %e, "message catalogue does not parse");
                Catalogue::new()
            })
        })
        .collect()
});

/// Every spelling of each place the catalogues name, folded, to the key of its name.
static GAZETTEER: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    let mut index = HashMap::new();
    for catalogue in CATALOGUES.iter() {
        for (key, text) in catalogue {
            let Some(rest) = key.strip_prefix("gazetteer.") else {
                continue;
            };
            let place = rest.strip_suffix(".also").unwrap_or(rest);
            for spelling in text.split('|') {
                let folded = fold_place(spelling);
                if !folded.is_empty() {
                    index.insert(folded, format!("gazetteer.{place}"));
                }
            }
        }
    }
    index
});

/// A place name as compared: lower case, letters and digits only.
fn fold_place(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric() || ('\u{0E31}'..='\u{0E4E}').contains(c))
        .collect()
}

fn parse_catalogue(source: &str) -> Result<Catalogue, toml::de::Error> {
    toml::from_str(source)
}

impl Lang {
    /// Every language of the interface.
    pub fn all() -> impl Iterator<Item = Lang> {
        LANGUAGES.iter().map(|(lang, _)| *lang)
    }

    fn catalogue(self) -> &'static Catalogue {
        static EMPTY: LazyLock<Catalogue> = LazyLock::new(Catalogue::new);
        CATALOGUES.get(self as usize).unwrap_or(&EMPTY)
    }

    /// The BCP 47 tag, for `<html lang>` and the `lang` cookie.
    pub fn code(self) -> &'static str {
        self.t("lang.code")
    }

    /// Parses a tag (the cookie value, or the primary subtag of `Accept-Language`).
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        Lang::all().find(|lang| lang.code().eq_ignore_ascii_case(raw))
    }

    /// The languages the switch offers besides this one.
    pub fn others(self) -> impl Iterator<Item = Lang> {
        Lang::all().filter(move |lang| *lang != self)
    }

    /// The language's own name, as the switch shows it.
    pub fn own_name(self) -> &'static str {
        self.t("lang.name")
    }

    /// The preferred supported language of an `Accept-Language` header, by quality;
    /// English when none is supported.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default().trim();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let Some(lang) = Lang::parse(primary) else {
                continue;
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::En)
    }

    /// The text of `key` in this language, if the catalogue has it (for keys made
    /// from data, which may name something the catalogue does not).
    pub fn try_t(self, key: &str) -> Option<&'static str> {
        self.catalogue().get(key).map(|text| &**text)
    }

    /// The text of `key` in this language.
    pub fn t(self, key: &str) -> &'static str {
        match self.catalogue().get(key) {
            Some(text) => text,
            None => {
                tracing::warn!(key, lang = ?self, "missing message");
                ""
            }
        }
    }

    /// A day, by the language's pattern: `21 Nov 2026`, `2026년 11월 21일`,
    /// `21 พ.ย. 2026`.
    pub fn date(self, day: NaiveDate) -> String {
        self.t("date.format")
            .replace("{d}", &day.day().to_string())
            .replace("{mon}", self.t(&format!("month.{}", day.month())))
            .replace("{m}", &day.month().to_string())
            .replace("{y}", &day.year().to_string())
    }

    /// An instant in UTC, to the minute.
    pub fn datetime(self, at: DateTime<Utc>) -> String {
        format!("{} {} UTC", self.date(at.date_naive()), at.format("%H:%M"))
    }

    /// The text of `key` if this language has it (for optional keys, without the
    /// warning of a missing one).
    fn get(self, key: &str) -> Option<&'static str> {
        self.catalogue().get(key).map(String::as_str)
    }

    /// A country's name in this language: the catalogue's `country.XX`, then the
    /// Korean name the ISO table knows, then the ISO 3166 English short name.
    pub fn country(self, country: CountryCode) -> &'static str {
        self.local_country(country)
            .unwrap_or_else(|| country.name())
    }

    /// The country's name when this language has one of its own.
    fn local_country(self, country: CountryCode) -> Option<&'static str> {
        self.get(&format!("country.{}", country.as_str()))
            .or(match self {
                Lang::Ko => country.name_ko(),
                Lang::En => Some(country.name()),
                Lang::Th => None,
            })
    }

    /// A place's name in this language when the catalogues know the place, else the
    /// name as written. Each catalogue names the places officers write most as
    /// `gazetteer.<place>` (and other spellings as `gazetteer.<place>.also`, separated
    /// by `|`); a name written in any language, in any case, spacing or punctuation,
    /// is read as that place.
    pub fn place(self, name: &str) -> String {
        match GAZETTEER.get(&fold_place(name)) {
            Some(key) => self
                .get(key)
                .filter(|local| !local.is_empty())
                .map_or_else(|| name.to_owned(), str::to_owned),
            None => name.to_owned(),
        }
    }

    /// Every spelling of the places the catalogues know, each with its name in this
    /// language: what a list sorted by place orders by.
    pub fn place_names(self) -> Vec<(String, String)> {
        let mut names = Vec::new();
        for catalogue in CATALOGUES.iter() {
            for (key, text) in catalogue {
                if key.starts_with("gazetteer.") {
                    for spelling in text.split('|').map(str::trim) {
                        if !spelling.is_empty() {
                            names.push((spelling.to_owned(), self.place(spelling)));
                        }
                    }
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    /// Sorts countries by their names in this language, the names written in it
    /// first, then the others in English.
    pub fn sort_countries(self, countries: &mut [CountryCode]) {
        countries.sort_by_cached_key(|c| match self.local_country(*c) {
            Some(name) => (0, self.collation_key(name)),
            None => (1, self.collation_key(c.name())),
        });
    }

    /// A key that sorts names as a reader of this language expects: case ignored;
    /// in Thai, a vowel written before its consonant (เ แ โ ใ ไ) sorts after it.
    pub fn collation_key(self, name: &str) -> String {
        let lower = name.to_lowercase();
        if self != Lang::Th {
            return lower;
        }
        let mut out = String::with_capacity(lower.len());
        let mut chars = lower.chars().peekable();
        while let Some(c) = chars.next() {
            if ('\u{0E40}'..='\u{0E44}').contains(&c) {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            out.push(c);
        }
        out
    }

    /// A seizure's drugs and place in this language, numbers formatted for it:
    /// `12,406 tablets of Yaba at Suvarnabhumi Airport`, `수완나품 공항에서 야바 12,406정`.
    pub fn seizure_title(self, seizure: &interdict_core::Seizure) -> String {
        self.seizure_title_of(&seizure.items, &seizure.place.name)
    }

    /// A seizure's title from its drug items and its place's name.
    pub fn seizure_title_of(
        self,
        items: &[interdict_core::record::DrugItem],
        place: &str,
    ) -> String {
        let items: Vec<String> = items.iter().map(|i| self.drug_item(i)).collect();
        self.t("seizure.title")
            .replace("{0}", &items.join(", "))
            .replace("{1}", &self.place(place))
    }

    /// The title of a record in a list of results or references: a seizure's built
    /// in this language, any other as written.
    pub fn summary_title(self, summary: &interdict_service::records::RecordSummary) -> String {
        match &summary.seizure {
            Some(brief) => self.seizure_title_of(&brief.items, &brief.place),
            None if summary.title.trim().is_empty() => {
                self.t(&format!("{}.one", summary.kind.as_str())).to_owned()
            }
            None => summary.title.clone(),
        }
    }

    /// One drug item: `22.5 kg of Methamphetamine`, `야바 12,406정`, `ยาบ้า 12,406 เม็ด`.
    pub fn drug_item(self, item: &interdict_core::record::DrugItem) -> String {
        self.t("seizure.item")
            .replace("{0}", &self.quantity(item.quantity))
            .replace("{1}", self.t(&format!("unit.{}", item.unit.as_str())))
            .replace("{2}", self.t(&format!("drug.{}", item.drug.as_str())))
    }

    /// A count of results in correct grammar: `1 result`, `7 results`, `more than
    /// 1,000 results`; `7건`; `7 รายการ`.
    pub fn results(self, n: i64, capped: bool) -> String {
        let key = if capped {
            "count.results.capped"
        } else if n == 1 {
            "count.results.one"
        } else {
            "count.results.other"
        };
        self.t(key).replace("{0}", &self.int(n))
    }

    /// An integer with this language's thousands separator.
    pub fn int(self, n: i64) -> String {
        self.localise_number(&int(n))
    }

    /// A quantity with this language's separators and at most three decimals.
    pub fn quantity(self, q: f64) -> String {
        self.localise_number(&quantity(q))
    }

    fn localise_number(self, english: &str) -> String {
        let (group, decimal) = (self.t("num.group"), self.t("num.decimal"));
        if (group, decimal) == (",", ".") {
            return english.to_owned();
        }
        english
            .chars()
            .map(|c| match c {
                ',' => group.to_owned(),
                '.' => decimal.to_owned(),
                c => c.to_string(),
            })
            .collect()
    }
}

/// An integer with thousands separators: `290,000`.
pub fn int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    let first = match digits.len() % 3 {
        0 => 3.min(digits.len()),
        n => n,
    };
    out.push_str(&digits[..first]);
    for group in digits.as_bytes()[first..].chunks(3) {
        out.push(',');
        out.push_str(std::str::from_utf8(group).unwrap_or_default());
    }
    out
}

/// A quantity with thousands separators and at most three decimals: `1,250.5`.
pub fn quantity(q: f64) -> String {
    if !q.is_finite() {
        return q.to_string();
    }
    let text = format!("{:.3}", q.abs());
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let frac = frac.trim_end_matches('0');
    let whole: i64 = whole.parse().unwrap_or(0);
    let sign = if q < 0.0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{}", int(whole))
    } else {
        format!("{sign}{}.{frac}", int(whole))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the English catalogue, which every other must match, has `key`.
    fn lookup(key: &str) -> Option<&'static str> {
        Lang::En.catalogue().get(key).map(String::as_str)
    }

    /// The `{0}`, `{1}`, … placeholders of a message, sorted.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut found: Vec<&str> = text
            .match_indices('{')
            .filter_map(|(at, _)| {
                let rest = &text[at..];
                let end = rest.find('}')?;
                let inner = &rest[1..end];
                inner
                    .chars()
                    .all(|c| c.is_ascii_digit())
                    .then_some(&rest[..=end])
            })
            .collect();
        found.sort_unstable();
        found
    }

    #[test]
    fn places_read_in_the_page_language_however_they_are_written() {
        assert_eq!(
            Lang::Ko.place("Incheon International Airport"),
            "인천국제공항"
        );
        assert_eq!(Lang::En.place("인천공항"), "Incheon International Airport");
        assert_eq!(
            Lang::Th.place("  incheon international-AIRPORT "),
            "ท่าอากาศยานนานาชาติอินชอน"
        );
        assert_eq!(Lang::Ko.place("Laem Chabang"), "램차방항");
        assert_eq!(Lang::En.place("ท่าเรือแหลมฉบัง"), "Laem Chabang Port");
        // A place the catalogues do not know reads as written.
        assert_eq!(Lang::Ko.place("Pier 7, Mokpo"), "Pier 7, Mokpo");
        assert_eq!(Lang::Ko.place(""), "");
    }

    #[test]
    fn no_spelling_names_two_places() {
        let mut seen: HashMap<String, String> = HashMap::new();
        for (lang, _) in LANGUAGES {
            for (key, text) in lang.catalogue() {
                let Some(rest) = key.strip_prefix("gazetteer.") else {
                    continue;
                };
                let place = rest.strip_suffix(".also").unwrap_or(rest).to_owned();
                for spelling in text.split('|') {
                    let folded = fold_place(spelling);
                    assert!(!folded.is_empty(), "{lang:?} {key}: an empty spelling");
                    if let Some(other) = seen.insert(folded.clone(), place.clone()) {
                        assert_eq!(other, place, "{lang:?}: `{spelling}` names two places");
                    }
                }
            }
        }
        assert!(seen.len() > 50);
    }

    #[test]
    fn every_catalogue_parses_and_sits_at_its_variant() {
        for (at, (lang, source)) in LANGUAGES.iter().enumerate() {
            let parsed = parse_catalogue(source);
            assert!(parsed.is_ok(), "{lang:?}: {parsed:?}");
            assert_eq!(*lang as usize, at, "{lang:?} is out of place in LANGUAGES");
            assert_eq!(Lang::parse(lang.code()), Some(*lang));
        }
        let codes: std::collections::BTreeSet<_> = Lang::all().map(Lang::code).collect();
        assert_eq!(codes.len(), LANGUAGES.len(), "two languages share a code");
    }

    /// What is wrong with `catalogue` measured against the English one: missing,
    /// empty and extra keys, and messages whose placeholders differ.
    fn differences(code: &str, english: &Catalogue, catalogue: &Catalogue) -> Vec<String> {
        let mut problems = Vec::new();
        for (key, text) in english {
            match catalogue.get(key) {
                None => problems.push(format!("{code}: missing {key}")),
                Some(t) if t.trim().is_empty() => problems.push(format!("{code}: empty {key}")),
                Some(t) if placeholders(t) != placeholders(text) => problems.push(format!(
                    "{code}: {key} has placeholders {:?}, English {:?}",
                    placeholders(t),
                    placeholders(text)
                )),
                Some(_) => {}
            }
        }
        for key in catalogue.keys() {
            if !english.contains_key(key) {
                problems.push(format!("{code}: {key} is not in en.toml"));
            }
        }
        problems.sort();
        problems
    }

    #[test]
    fn every_language_has_exactly_the_keys_of_english() {
        let english = Lang::En.catalogue();
        assert!(english.len() > 300, "{}", english.len());
        let problems: Vec<String> = Lang::all()
            .flat_map(|lang| differences(lang.code(), english, lang.catalogue()))
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn a_missing_extra_or_misplaced_key_is_reported() {
        let english = Lang::En.catalogue();
        let mut broken = Lang::Th.catalogue().clone();
        broken.remove("nav.reports");
        broken.insert("nav.reprots".into(), "รายงาน".into());
        broken.insert("err.max_chars".into(), "ไม่เกิน {1} ตัวอักษร".into());
        broken.insert("common.yes".into(), " ".into());
        assert_eq!(
            differences("th", english, &broken),
            [
                "th: empty common.yes",
                "th: err.max_chars has placeholders [\"{1}\"], English [\"{0}\"]",
                "th: missing nav.reports",
                "th: nav.reprots is not in en.toml",
            ]
        );
        assert_eq!(placeholders("at most {0} of {1}, {x}"), ["{0}", "{1}"]);
    }

    #[test]
    fn every_value_shown_by_key_has_a_message() {
        use interdict_core::record::{Conveyance, DrugType, PlaceKind, RecordKind, Unit};
        use interdict_core::{RecordStatus, Role, Scope};
        let mut keys: Vec<String> = Vec::new();
        keys.extend(DrugType::ALL.iter().map(|d| format!("drug.{}", d.as_str())));
        keys.extend(Unit::ALL.iter().map(|u| format!("unit.{}", u.as_str())));
        keys.extend(
            Conveyance::ALL
                .iter()
                .map(|c| format!("conveyance.{}", c.as_str())),
        );
        keys.extend(
            PlaceKind::ALL
                .iter()
                .map(|p| format!("place.{}", p.as_str())),
        );
        keys.extend(Scope::ALL.iter().map(|s| format!("scope.{}", s.as_str())));
        keys.extend(Role::ALL.iter().map(|r| format!("role.{}", r.as_str())));
        keys.extend(
            super::super::forms::SUBJECT_KINDS
                .iter()
                .map(|k| format!("subject.{k}")),
        );
        for status in [
            RecordStatus::Draft,
            RecordStatus::Published,
            RecordStatus::Withdrawn,
        ] {
            keys.push(format!("status.{}", status.as_str()));
        }
        for kind in [RecordKind::Report, RecordKind::Seizure] {
            for suffix in ["one", "list_title", "new", "edit"] {
                keys.push(format!("{}.{suffix}", kind.as_str()));
            }
        }
        keys.extend(
            interdict_core::alert::AlertKind::ALL
                .iter()
                .map(|k| format!("alert.{}", k.as_str())),
        );
        keys.extend(
            super::super::map::VESSEL_TYPES
                .iter()
                .map(|t| format!("map.type.{t}")),
        );
        for key in keys {
            assert!(lookup(&key).is_some(), "{key}");
        }
    }

    #[test]
    fn dates_per_language() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert_eq!(Lang::En.date(day), "21 Nov 2026");
        assert_eq!(Lang::Ko.date(day), "2026년 11월 21일");
        assert_eq!(Lang::Th.date(day), "21 พ.ย. 2026");
        let at = day.and_hms_opt(9, 5, 0).unwrap().and_utc();
        assert_eq!(Lang::Th.datetime(at), "21 พ.ย. 2026 09:05 UTC");
    }

    #[test]
    fn counts_are_grammatical_in_every_language() {
        assert_eq!(Lang::En.results(1, false), "1 result");
        assert_eq!(Lang::En.results(0, false), "0 results");
        assert_eq!(Lang::En.results(1_000, true), "more than 1,000 results");
        assert_eq!(Lang::Ko.results(1, false), "1건");
        assert_eq!(Lang::Ko.results(1_000, true), "1,000건 이상");
        assert_eq!(Lang::Th.results(25, false), "25 รายการ");
        assert_eq!(Lang::Th.results(1_000, true), "มากกว่า 1,000 รายการ");
    }

    #[test]
    fn countries_are_named_and_sorted_in_the_page_language() {
        let korea = CountryCode::parse("KR").unwrap();
        assert_eq!(Lang::En.country(korea), "South Korea");
        assert_eq!(Lang::Ko.country(korea), "대한민국");
        assert_eq!(Lang::Th.country(korea), "เกาหลีใต้");
        let antarctica = CountryCode::parse("AQ").unwrap();
        assert_eq!(Lang::Th.country(antarctica), "Antarctica");
        let mut all: Vec<CountryCode> = CountryCode::all().collect();
        Lang::Ko.sort_countries(&mut all);
        let names: Vec<&str> = all.iter().map(|c| Lang::Ko.country(*c)).collect();
        let at = |name: &str| names.iter().position(|n| *n == name).unwrap();
        // 대한민국 among the ㄷ names, before 미국 and 태국, not after the Latin names.
        assert!(at("네덜란드") < at("대한민국"));
        assert!(at("대한민국") < at("미국") && at("미국") < at("태국"));
        assert!(at("태국") < at("Antarctica"));
        Lang::Th.sort_countries(&mut all);
        let names: Vec<&str> = all.iter().map(|c| Lang::Th.country(*c)).collect();
        let at = |name: &str| names.iter().position(|n| *n == name).unwrap();
        // เกาหลีใต้ sorts under ก, before จีน; ไทย under ท.
        assert!(at("เกาหลีใต้") < at("จีน") && at("จีน") < at("ไทย"));
        assert!(at("ไทย") < at("Antarctica"));
    }

    #[test]
    fn seizure_items_are_written_in_the_page_language() {
        use interdict_core::record::{DrugItem, DrugType, Unit};
        let item = DrugItem {
            drug: DrugType::Yaba,
            quantity: 12_406.0,
            unit: Unit::Tablets,
        };
        assert_eq!(Lang::En.drug_item(&item), "12,406 tablets of Yaba");
        assert_eq!(Lang::Ko.drug_item(&item), "야바 12,406정");
        assert_eq!(Lang::Th.drug_item(&item), "ยาบ้า 12,406 เม็ด");
    }

    #[test]
    fn numbers_have_separators() {
        assert_eq!(int(290_000), "290,000");
        assert_eq!(int(-1_234_567), "-1,234,567");
        assert_eq!(int(999), "999");
        assert_eq!(quantity(22.0), "22");
        assert_eq!(quantity(1250.5), "1,250.5");
    }

    #[test]
    fn accept_language_picks_by_quality() {
        assert_eq!(
            Lang::from_accept_language("ko-KR,ko;q=0.9,en;q=0.8"),
            Lang::Ko
        );
        assert_eq!(Lang::from_accept_language("en-US,ko;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("th,ko;q=0.3"), Lang::Th);
        assert_eq!(Lang::from_accept_language("th-TH,th;q=0.9"), Lang::Th);
        assert_eq!(Lang::from_accept_language("fr,th;q=0.2,en;q=0.1"), Lang::Th);
        assert_eq!(Lang::from_accept_language("de,ko;q=0.3"), Lang::Ko);
        assert_eq!(Lang::from_accept_language("fr"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
    }

    #[test]
    fn every_literal_key_in_the_web_code_is_in_the_catalogue() {
        let sources = [
            include_str!("forms.rs"),
            include_str!("records.rs"),
            include_str!("field_error.rs"),
            include_str!("layout.rs"),
            include_str!("pages.rs"),
            include_str!("map.rs"),
            include_str!("deconflict.rs"),
        ];
        let mut n_keys = 0;
        for source in sources {
            // Keys passed to `t`, and every `err.…` key wherever it is written.
            for (marker, skip) in [(".t(\"", 4), ("\"err.", 1)] {
                for (at, _) in source.match_indices(marker) {
                    let rest = &source[at + skip..];
                    let Some(end) = rest.find('"') else { continue };
                    let key = &rest[..end];
                    if key.contains('.') && !key.contains([' ', '{']) {
                        assert!(lookup(key).is_some(), "{key} is not in the catalogue");
                        n_keys += 1;
                    }
                }
            }
        }
        assert!(n_keys > 100, "{n_keys}");
    }
}
