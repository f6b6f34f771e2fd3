//! Realistic data for the demo, the benchmarks and the tests, the same for the same
//! seed on every run.
//!
//! A [`Generator`] writes the intelligence reports and seizure records of the five
//! agencies of [`AGENCIES`]: titles and narratives in English, Korean (Hangul with
//! particles) and Thai; persons with romanised Korean names and their Hangul, Thai
//! names and their Thai script, and others; vessels with valid IMO numbers and MMSIs;
//! ISO 6346 containers; E.164 phones; drugs, places, quantities and routes. Every
//! identifier is built by `interdict-ident`, so it is valid by construction. A [`Mix`]
//! says how often each agency, TLP label and status occurs.
//!
//! The crate is pure: it does no I/O and reads neither the clock nor the system's
//! entropy. Times and the seed are parameters.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use interdict_datagen::Generator;
//!
//! let at = Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).unwrap();
//! let report = Generator::new(7)?.report(at)?;
//! assert_eq!(report, Generator::new(7)?.report(at)?);
//! assert!(!report.subjects.is_empty());
//! # Ok::<(), interdict_datagen::Error>(())
//! ```

#![warn(missing_docs)]

mod reports;
mod seizures;
mod subjects;
mod words;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use interdict_core::agency::NameError;
use interdict_core::geo::PositionError;
use interdict_core::handling::GradingError;
use interdict_core::ident::IdentError;
use interdict_core::{
    AgencyCode, AgencyKind, Handling, RecordKind, RecordStatus, Scope, Tlp, Username,
};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

/// A value that should have been valid was rejected. Generated values are built from
/// checked tables, so this is a bug in the generator, reported instead of a panic.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An identifier (IMO, MMSI, container, phone, country) was rejected.
    #[error("generated identifier: {0}")]
    Ident(#[from] IdentError),
    /// An agency code or username was rejected.
    #[error("generated name: {0}")]
    Name(#[from] NameError),
    /// A grading was rejected.
    #[error("generated grading: {0}")]
    Grading(#[from] GradingError),
    /// A position was rejected.
    #[error("generated position: {0}")]
    Position(#[from] PositionError),
    /// A date or time was out of range.
    #[error("generated time out of range")]
    Time,
}

/// The language a record is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    /// English.
    English,
    /// Korean, in Hangul.
    Korean,
    /// Thai, in Thai script.
    Thai,
}

/// An agency of the generated world.
#[derive(Clone, Copy, Debug)]
pub struct AgencySpec {
    /// The agency code, like `KR-KCS`.
    pub code: &'static str,
    /// Its full name.
    pub name: &'static str,
    /// Its ISO 3166-1 alpha-2 country.
    pub country: &'static str,
    /// What kind of body it is.
    pub kind: AgencyKind,
    /// The short name its usernames start with: `kcs.analyst`.
    pub short: &'static str,
    /// Whom partners contact about its records.
    pub contact: &'static str,
    /// The language its officers write in besides English.
    pub language: Language,
}

impl AgencySpec {
    /// The username of the agency's analyst, who writes its generated records:
    /// `kcs.analyst`.
    pub fn analyst(&self) -> String {
        format!("{}.analyst", self.short)
    }
}

/// The five agencies of the demo, the benchmark and the tests, in a fixed order that
/// [`Mix::agencies`] follows.
pub const AGENCIES: [AgencySpec; 5] = [
    AgencySpec {
        code: "KR-KCS",
        name: "Korea Customs Service",
        country: "KR",
        kind: AgencyKind::Customs,
        short: "kcs",
        contact: "KCS Drug Investigation Division, +82 42 481 7960",
        language: Language::Korean,
    },
    AgencySpec {
        code: "KR-KCG",
        name: "Korea Coast Guard",
        country: "KR",
        kind: AgencyKind::CoastGuard,
        short: "kcg",
        contact: "KCG Maritime Drug Investigation Team, +82 32 835 2114",
        language: Language::Korean,
    },
    AgencySpec {
        code: "TH-CUSTOMS",
        name: "Thai Customs Department",
        country: "TH",
        kind: AgencyKind::Customs,
        short: "thai",
        contact: "Thai Customs Investigation and Suppression Bureau, +66 2 667 6999",
        language: Language::Thai,
    },
    AgencySpec {
        code: "US-HSI",
        name: "Homeland Security Investigations",
        country: "US",
        kind: AgencyKind::Police,
        short: "hsi",
        contact: "HSI Seoul Attaché Office, +82 2 397 4114",
        language: Language::English,
    },
    AgencySpec {
        code: "JP-CUSTOMS",
        name: "Japan Customs",
        country: "JP",
        kind: AgencyKind::Customs,
        short: "japan",
        contact: "Japan Customs Intelligence Division, +81 3 3581 4111",
        language: Language::English,
    },
];

/// How often each agency, handling label and status occurs among generated records.
/// Weights are relative: `[2, 1]` makes the first twice as frequent as the second.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mix {
    /// The weight of each agency of [`AGENCIES`], in its order.
    pub agencies: [u32; 5],
    /// The weight of each TLP label.
    pub tlp: [(Tlp, u32); 5],
    /// The weight of each status.
    pub status: [(RecordStatus, u32); 3],
    /// How many other agencies a TLP:RED record names as recipients, at least and at
    /// most.
    pub red_recipients: (usize, usize),
}

impl Mix {
    /// Intelligence reports as the records benchmark documents them: KCS 40 %, KCG
    /// 28 %, Thai Customs and HSI 13 % each, Japan 6 %; CLEAR 5 %, GREEN 45 %, AMBER
    /// 35 %, AMBER+STRICT 7 %, RED 8 % with one or two recipients; 90 % published, 8 %
    /// drafts, 2 % withdrawn.
    pub const REPORTS: Mix = Mix {
        agencies: [400, 280, 130, 130, 60],
        tlp: [
            (Tlp::Clear, 50),
            (Tlp::Green, 450),
            (Tlp::Amber, 350),
            (Tlp::AmberStrict, 70),
            (Tlp::Red, 80),
        ],
        status: [
            (RecordStatus::Published, 900),
            (RecordStatus::Draft, 80),
            (RecordStatus::Withdrawn, 20),
        ],
        red_recipients: (1, 2),
    };

    /// Seizures as the Korea Customs Service reports them: KCS makes most of them (70 %,
    /// then KCG 12 %, Thai Customs 10 %, HSI 5 %, Japan 3 %); mostly GREEN and AMBER,
    /// never RED; all published.
    pub const SEIZURES: Mix = Mix {
        agencies: [70, 12, 10, 5, 3],
        tlp: [
            (Tlp::Clear, 10),
            (Tlp::Green, 50),
            (Tlp::Amber, 35),
            (Tlp::AmberStrict, 5),
            (Tlp::Red, 0),
        ],
        status: [
            (RecordStatus::Published, 1),
            (RecordStatus::Draft, 0),
            (RecordStatus::Withdrawn, 0),
        ],
        red_recipients: (1, 2),
    };

    /// Every agency and label equally often, a quarter drafts and a quarter withdrawn,
    /// RED records naming none to three recipients: for tests of the policy, which
    /// need every case often.
    pub const UNIFORM: Mix = Mix {
        agencies: [1; 5],
        tlp: [
            (Tlp::Clear, 1),
            (Tlp::Green, 1),
            (Tlp::Amber, 1),
            (Tlp::AmberStrict, 1),
            (Tlp::Red, 1),
        ],
        status: [
            (RecordStatus::Published, 2),
            (RecordStatus::Draft, 1),
            (RecordStatus::Withdrawn, 1),
        ],
        red_recipients: (0, 3),
    };
}

/// An agency as the generator uses it, with its names checked once.
struct Author {
    spec: AgencySpec,
    code: AgencyCode,
    analyst: Username,
}

/// What an agreement between `parties` sharing `scopes` up to `max_tlp` lets be named as
/// TLP:RED recipients (none below RED), for [`Generator::with_red_pairs`].
pub fn red_pairs(
    parties: [&str; 2],
    scopes: &[Scope],
    max_tlp: Tlp,
) -> Result<Vec<(RecordKind, AgencyCode, AgencyCode)>, Error> {
    if max_tlp != Tlp::Red {
        return Ok(Vec::new());
    }
    let (a, b) = (
        AgencyCode::parse(parties[0])?,
        AgencyCode::parse(parties[1])?,
    );
    Ok(scopes
        .iter()
        .filter_map(|scope| match scope {
            Scope::Intelligence => Some(RecordKind::Report),
            Scope::Seizures => Some(RecordKind::Seizure),
            _ => None,
        })
        .map(|kind| (kind, a.clone(), b.clone()))
        .collect())
}

/// Generates records from a seed: the same seed and the same calls give the same
/// records, byte for byte.
pub struct Generator {
    rng: StdRng,
    authors: Vec<Author>,
    report_mix: Mix,
    seizure_mix: Mix,
    /// Who may receive TLP:RED records of which kind from whom, as the agreements of the
    /// world the records go into say; `None` names any other agency.
    red_pairs: Option<BTreeSet<(&'static str, AgencyCode, AgencyCode)>>,
}

impl Generator {
    /// A generator seeded with `seed`, with the mixes [`Mix::REPORTS`] and
    /// [`Mix::SEIZURES`].
    pub fn new(seed: u64) -> Result<Self, Error> {
        let authors = AGENCIES
            .iter()
            .map(|spec| {
                Ok(Author {
                    spec: *spec,
                    code: AgencyCode::parse(spec.code)?,
                    analyst: Username::parse(&spec.analyst())?,
                })
            })
            .collect::<Result<_, Error>>()?;
        Ok(Self {
            rng: StdRng::seed_from_u64(seed),
            authors,
            report_mix: Mix::REPORTS,
            seizure_mix: Mix::SEIZURES,
            red_pairs: None,
        })
    }

    /// The same generator naming as TLP:RED recipients of a record of `kind` only the
    /// agencies `pairs` lets receive it from the owner (each pair both ways), as a form
    /// does: the worlds of agreements the records go into. Recipients are drawn as
    /// without the rule and the others left out, so that the same seed gives the same
    /// records in every other respect.
    pub fn with_red_pairs(
        mut self,
        pairs: impl IntoIterator<Item = (RecordKind, AgencyCode, AgencyCode)>,
    ) -> Self {
        let mut set = BTreeSet::new();
        for (kind, a, b) in pairs {
            set.insert((kind.as_str(), a.clone(), b.clone()));
            set.insert((kind.as_str(), b, a));
        }
        self.red_pairs = Some(set);
        self
    }

    /// The same generator with another mix of reports.
    pub fn with_report_mix(mut self, mix: Mix) -> Self {
        self.report_mix = mix;
        self
    }

    /// The same generator with another mix of seizures.
    pub fn with_seizure_mix(mut self, mix: Mix) -> Self {
        self.seizure_mix = mix;
        self
    }

    /// The index into [`AGENCIES`] of the next record's agency.
    fn agency_idx(&mut self, mix: &Mix) -> usize {
        let weights: Vec<(usize, u32)> = mix.agencies.iter().copied().enumerate().collect();
        weighted(&mut self.rng, &weights).unwrap_or(0)
    }

    /// The language of a record of `author`: half in the agency's own language.
    fn language_of(&mut self, agency_idx: usize) -> Language {
        let own = self.authors[agency_idx].spec.language;
        if own != Language::English && self.rng.gen_bool(0.5) {
            own
        } else {
            Language::English
        }
    }

    /// Handling and status of a record of `kind` of the agency at `agency_idx`.
    fn handling(
        &mut self,
        kind: RecordKind,
        mix: &Mix,
        agency_idx: usize,
    ) -> (Handling, RecordStatus) {
        let rng = &mut self.rng;
        let tlp = weighted(rng, &mix.tlp).unwrap_or(Tlp::Green);
        let recipients = if tlp == Tlp::Red {
            let mut others: Vec<AgencyCode> = self
                .authors
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != agency_idx)
                .map(|(_, author)| author.code.clone())
                .collect();
            others.shuffle(rng);
            let (least, most) = mix.red_recipients;
            others.truncate(rng.gen_range(least..=most.max(least)));
            let owner = &self.authors[agency_idx].code;
            if let Some(pairs) = &self.red_pairs {
                others.retain(|to| pairs.contains(&(kind.as_str(), owner.clone(), to.clone())));
            }
            others.sort();
            others
        } else {
            Vec::new()
        };
        let status = weighted(rng, &mix.status).unwrap_or(RecordStatus::Published);
        (Handling { tlp, recipients }, status)
    }

    /// A time-ordered id for a record created at `at`, as the service makes them with
    /// `Uuid::now_v7`, but from the seeded generator.
    fn id_at(&mut self, at: DateTime<Utc>) -> Uuid {
        let mut bytes = [0u8; 10];
        self.rng.fill(&mut bytes);
        let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
        uuid::Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid()
    }
}

/// The `index`th of `n_total` instants spread evenly over `span` from `start`: records
/// generated one after the other get their creation times from it, in order.
pub fn spread(start: DateTime<Utc>, span: Duration, index: u64, n_total: u64) -> DateTime<Utc> {
    let n_total = i64::try_from(n_total.max(1)).unwrap_or(i64::MAX);
    let index = i64::try_from(index).unwrap_or(i64::MAX).min(n_total);
    let seconds = i128::from(span.num_seconds()) * i128::from(index) / i128::from(n_total);
    start + Duration::seconds(i64::try_from(seconds).unwrap_or(0))
}

/// One of `items`, each as often as its weight says; `None` when all weights are 0.
fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> Option<T> {
    let total: u32 = items.iter().map(|(_, weight)| weight).sum();
    if total == 0 {
        return None;
    }
    let mut pick = rng.gen_range(0..total);
    for (item, weight) in items {
        if pick < *weight {
            return Some(*item);
        }
        pick -= weight;
    }
    None
}

/// One of `items`, uniformly; "" for none.
fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn agencies_and_their_analysts_parse() {
        let generator = Generator::new(1).unwrap();
        let analysts: Vec<&str> = generator
            .authors
            .iter()
            .map(|author| author.analyst.as_str())
            .collect();
        assert_eq!(
            analysts,
            [
                "kcs.analyst",
                "kcg.analyst",
                "thai.analyst",
                "hsi.analyst",
                "japan.analyst"
            ]
        );
    }

    #[test]
    fn weighted_follows_the_weights_and_skips_zero() {
        let mut rng = StdRng::seed_from_u64(3);
        let items = [('a', 3), ('b', 0), ('c', 1)];
        let mut counts = [0u32; 3];
        for _ in 0..4000 {
            match weighted(&mut rng, &items) {
                Some('a') => counts[0] += 1,
                Some('b') => counts[1] += 1,
                _ => counts[2] += 1,
            }
        }
        assert_eq!(counts[1], 0);
        assert!((2800..3200).contains(&counts[0]), "{counts:?}");
        assert_eq!(weighted(&mut rng, &[('a', 0)]), None);
    }

    #[test]
    fn spread_is_even_and_in_order() {
        let start = Utc.with_ymd_and_hms(2019, 1, 1, 0, 0, 0).unwrap();
        let span = Duration::days(100);
        assert_eq!(spread(start, span, 0, 10), start);
        assert_eq!(spread(start, span, 5, 10), start + Duration::days(50));
        assert_eq!(spread(start, span, 10, 10), start + span);
        assert_eq!(spread(start, span, 3, 0), start + span);
    }
}
