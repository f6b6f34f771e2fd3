//! Seizure statistics, pure: what one published seizure adds to the statistics, the
//! regions of origin, and the rule that turns the stored sums into the cells a reader
//! is shown (need-to-know and the suppression of small hidden counts).
//!
//! Units: quantities are kilograms for powders and liquids (grams divided by 1,000;
//! litres counted as kilograms at a density of 1.0) and tablets counted apart, never
//! added to kilograms. Sums are kept in whole milligrams and whole tablets, so that
//! adding and removing a record gives back exactly the sums before it.
//!
//! Cases: a seizure is one case. Grouped by drug, a seizure counts once in the cell of
//! each drug it holds, so the cases of the drug cells may add up to more than the
//! seizures: the cases of a grouping without drug are distinct seizures, read from the
//! one "whole record" line each seizure has besides its lines per drug.

use std::collections::BTreeMap;

use interdict_ident::CountryCode;
use serde::Serialize;

use crate::record::{DrugItem, DrugType, Seizure, Unit};

/// The regions of origin statistics group countries by. A fixed table over the UN M49
/// sub-regions of the country (`CountryCode::subregion`):
///
/// | region | M49 sub-regions |
/// |---|---|
/// | Asia-Pacific | Eastern, South-eastern, Southern and Central Asia; Australia and New Zealand, Melanesia, Micronesia, Polynesia |
/// | Middle East | Western Asia |
/// | Europe | Northern, Southern, Eastern and Western Europe |
/// | Africa | Northern Africa, Sub-Saharan Africa |
/// | Americas | Northern America, Latin America and the Caribbean |
/// | Unknown | no origin recorded (and Antarctica) |
pub const REGIONS: [&str; 6] = [
    "Asia-Pacific",
    "Middle East",
    "Europe",
    "Africa",
    "Americas",
    "Unknown",
];

/// The region of origin of a country (see [`REGIONS`]).
pub fn region_of(country: Option<&CountryCode>) -> &'static str {
    let Some(country) = country else {
        return "Unknown";
    };
    match (country.region(), country.subregion()) {
        (Some("Asia"), Some("Western Asia")) => "Middle East",
        (Some("Asia") | Some("Oceania"), _) => "Asia-Pacific",
        (Some("Europe"), _) => "Europe",
        (Some("Africa"), _) => "Africa",
        (Some("Americas"), _) => "Americas",
        _ => "Unknown",
    }
}

/// The region of origin of a country code as stored (`""` when no origin was recorded).
pub fn region_of_code(code: &str) -> &'static str {
    region_of(CountryCode::parse(code).ok().as_ref())
}

impl DrugItem {
    /// The quantity in kilograms for statistics: grams and kilograms by mass, litres
    /// counted as kilograms at a density of 1.0; `None` for tablets, which are counted
    /// apart.
    pub fn kilograms(&self) -> Option<f64> {
        match self.unit {
            Unit::Litre => Some(self.quantity),
            _ => self.mass_kg(),
        }
    }

    /// The item's contribution to the sums: whole milligrams and whole tablets.
    pub fn sums(&self) -> Counts {
        match self.kilograms() {
            Some(kg) => Counts {
                cases: 0,
                milligrams: to_int(kg * 1_000_000.0),
                tablets: 0,
            },
            None => Counts {
                cases: 0,
                milligrams: 0,
                tablets: to_int(self.quantity),
            },
        }
    }
}

/// Rounds a checked quantity (positive, below 10⁹ units) to a whole number.
fn to_int(value: f64) -> i64 {
    // Quantities are validated to lie in (0, 1e9); the conversion saturates anyway.
    value.round().clamp(0.0, 9.0e15) as i64
}

/// Cases and sums of a set of seizures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub cases: i64,
    pub milligrams: i64,
    pub tablets: i64,
}

impl Counts {
    /// The sum of both.
    pub fn plus(self, other: Counts) -> Counts {
        Counts {
            cases: self.cases + other.cases,
            milligrams: self.milligrams + other.milligrams,
            tablets: self.tablets + other.tablets,
        }
    }

    /// The counts with the opposite sign (to remove a record).
    pub fn negated(self) -> Counts {
        Counts {
            cases: -self.cases,
            milligrams: -self.milligrams,
            tablets: -self.tablets,
        }
    }

    /// The quantity in kilograms.
    pub fn kilograms(self) -> f64 {
        self.milligrams as f64 / 1_000_000.0
    }
}

/// The columns of one line of the statistics, as stored: the month (`YYYY-MM`), the
/// drug (`""` for the line of the whole seizure), the agency, the conveyance and the
/// country of origin (`""` when none was recorded).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StatKey {
    pub month: String,
    pub drug: String,
    pub agency: String,
    pub conveyance: String,
    pub origin: String,
}

/// What a seizure adds to the statistics: one line for the whole seizure (one case,
/// every item) and one line per drug it holds (one case, the items of that drug). A
/// seizure that is not published adds nothing.
pub fn seizure_lines(seizure: &Seizure) -> Vec<(StatKey, Counts)> {
    if seizure.status != crate::record::RecordStatus::Published {
        return Vec::new();
    }
    let key = |drug: &str| StatKey {
        month: seizure.occurred_on.format("%Y-%m").to_string(),
        drug: drug.to_owned(),
        agency: seizure.agency.as_str().to_owned(),
        conveyance: seizure.conveyance.as_str().to_owned(),
        origin: seizure
            .route
            .origin
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
    };
    let one = Counts {
        cases: 1,
        ..Counts::default()
    };
    let mut by_drug: BTreeMap<DrugType, Counts> = BTreeMap::new();
    let mut whole = one;
    for item in &seizure.items {
        let sums = item.sums();
        whole = whole.plus(sums);
        let entry = by_drug.entry(item.drug).or_insert(one);
        *entry = entry.plus(sums);
    }
    let mut lines = vec![(key(""), whole)];
    lines.extend(by_drug.into_iter().map(|(d, c)| (key(d.as_str()), c)));
    lines
}

/// What statistics may be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Drug,
    Month,
    /// The year of the month (`2025`).
    Year,
    Agency,
    Conveyance,
    Origin,
    Region,
}

impl Dimension {
    /// Every dimension.
    pub const ALL: [Dimension; 7] = [
        Dimension::Drug,
        Dimension::Month,
        Dimension::Year,
        Dimension::Agency,
        Dimension::Conveyance,
        Dimension::Origin,
        Dimension::Region,
    ];

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Drug => "drug",
            Dimension::Month => "month",
            Dimension::Year => "year",
            Dimension::Agency => "agency",
            Dimension::Conveyance => "conveyance",
            Dimension::Origin => "origin",
            Dimension::Region => "region",
        }
    }

    /// Parses the stable text form.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == raw)
    }

    /// Parses a comma-separated list (`drug,month`): known names, each once; empty
    /// gives no grouping (one total cell).
    pub fn parse_list(raw: &str) -> Result<Vec<Dimension>, String> {
        let mut out: Vec<Dimension> = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let dimension = Dimension::parse(part).ok_or_else(|| {
                format!(
                    "unknown grouping {part:?}: use {}",
                    Self::ALL.map(Dimension::as_str).join(", ")
                )
            })?;
            if out.contains(&dimension) {
                return Err(format!("{part:?} is named twice"));
            }
            out.push(dimension);
        }
        Ok(out)
    }

    /// The value of the dimension for a stored line.
    pub fn value_of(self, key: &StatKey) -> String {
        match self {
            Dimension::Drug => key.drug.clone(),
            Dimension::Month => key.month.clone(),
            Dimension::Year => key.month.get(..4).unwrap_or_default().to_owned(),
            Dimension::Agency => key.agency.clone(),
            Dimension::Conveyance => key.conveyance.clone(),
            Dimension::Origin => key.origin.clone(),
            Dimension::Region => region_of_code(&key.origin).to_owned(),
        }
    }
}

/// Stored sums of one group of lines for one reader: the part it may see and the part
/// only the aggregate visibility admits (see `policy::StatisticsVisibility`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub key: StatKey,
    pub visible: Counts,
    pub hidden: Counts,
}

/// One cell of the statistics as shown.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Cell {
    /// The values of the grouping, in the order asked.
    pub key: Vec<String>,
    pub cases: i64,
    pub kilograms: f64,
    pub tablets: i64,
    /// Whether records the reader may not see were left out of the cell because there
    /// were fewer than the minimum cell size of them.
    pub suppressed: bool,
}

impl Cell {
    fn counts(&self) -> Counts {
        Counts {
            cases: self.cases,
            milligrams: (self.kilograms * 1_000_000.0).round() as i64,
            tablets: self.tablets,
        }
    }
}

/// The cells of a grouping: the parts summed per value of the dimensions; in each cell
/// the hidden part counts only when it holds at least `min_cell` cases, else the cell
/// shows its visible part alone and is marked suppressed. A cell with nothing shown
/// and nothing suppressed is left out. Sorted by key.
pub fn cells(parts: &[Part], by: &[Dimension], min_cell: i64) -> Vec<Cell> {
    let mut groups: BTreeMap<Vec<String>, (Counts, Counts)> = BTreeMap::new();
    for part in parts {
        let key: Vec<String> = by.iter().map(|d| d.value_of(&part.key)).collect();
        let entry = groups.entry(key).or_default();
        entry.0 = entry.0.plus(part.visible);
        entry.1 = entry.1.plus(part.hidden);
    }
    groups
        .into_iter()
        .filter_map(|(key, (visible, hidden))| {
            let shown_hidden = hidden.cases >= min_cell;
            let suppressed = hidden.cases > 0 && !shown_hidden;
            let shown = if shown_hidden {
                visible.plus(hidden)
            } else {
                visible
            };
            (shown.cases > 0 || suppressed).then(|| Cell {
                key,
                cases: shown.cases,
                kilograms: shown.kilograms(),
                tablets: shown.tablets,
                suppressed,
            })
        })
        .collect()
}

/// The sum of shown cells (so that no total reveals a suppressed part).
pub fn total(cells: &[Cell]) -> Counts {
    cells
        .iter()
        .fold(Counts::default(), |sum, c| sum.plus(c.counts()))
}

/// One value's share of the cases of all shown cells.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Share {
    pub key: String,
    pub cases: i64,
    /// Percent of the cases, 0–100.
    pub percent: f64,
}

/// The shares of cases per value of a one-dimension grouping's cells.
pub fn shares(cells: &[Cell]) -> Vec<Share> {
    let all: i64 = cells.iter().map(|c| c.cases).sum();
    cells
        .iter()
        .map(|c| Share {
            key: c.key.join(" "),
            cases: c.cases,
            percent: if all > 0 {
                (c.cases as f64 * 1000.0 / all as f64).round() / 10.0
            } else {
                0.0
            },
        })
        .collect()
}

/// Growth between the first and the last period of a series.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Growth {
    pub first: String,
    pub last: String,
    pub first_cases: i64,
    pub last_cases: i64,
    /// `last_cases / first_cases`; `None` when the first period has no case.
    pub ratio: Option<f64>,
}

/// The growth of cases between the first and the last of the cells of a one-dimension
/// grouping by period (months or years), in key order.
pub fn growth(cells: &[Cell]) -> Option<Growth> {
    let first = cells.first()?;
    let last = cells.last()?;
    Some(Growth {
        first: first.key.join(" "),
        last: last.key.join(" "),
        first_cases: first.cases,
        last_cases: last.cases,
        ratio: (first.cases > 0).then(|| last.cases as f64 / first.cases as f64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(drug: DrugType, quantity: f64, unit: Unit) -> DrugItem {
        DrugItem {
            drug,
            quantity,
            unit,
        }
    }

    #[test]
    fn grams_and_litres_become_kilograms_and_tablets_stay_apart() {
        let grams = item(DrugType::Cocaine, 1500.0, Unit::Gram).sums();
        assert_eq!(grams.milligrams, 1_500_000);
        let litres = item(DrugType::Ghb, 2.5, Unit::Litre).sums();
        assert_eq!(litres.milligrams, 2_500_000);
        let tablets = item(DrugType::Yaba, 2000.0, Unit::Tablets).sums();
        assert_eq!((tablets.milligrams, tablets.tablets), (0, 2000));
    }

    #[test]
    fn regions_follow_the_table() {
        let region = |c: &str| region_of(Some(&CountryCode::parse(c).unwrap()));
        assert_eq!(region("TH"), "Asia-Pacific");
        assert_eq!(region("CN"), "Asia-Pacific");
        assert_eq!(region("AU"), "Asia-Pacific");
        assert_eq!(region("AE"), "Middle East");
        assert_eq!(region("NL"), "Europe");
        assert_eq!(region("MX"), "Americas");
        assert_eq!(region("NG"), "Africa");
        assert_eq!(region_of(None), "Unknown");
        assert_eq!(region_of_code(""), "Unknown");
    }

    #[test]
    fn dimensions_are_checked() {
        assert_eq!(
            Dimension::parse_list("drug, month").unwrap(),
            vec![Dimension::Drug, Dimension::Month]
        );
        assert!(Dimension::parse_list("drug,weight").is_err());
        assert!(Dimension::parse_list("drug,drug").is_err());
        assert!(Dimension::parse_list("").unwrap().is_empty());
    }

    fn part(drug: &str, visible: i64, hidden: i64) -> Part {
        let c = |n: i64| Counts {
            cases: n,
            milligrams: n * 1_000_000,
            tablets: 0,
        };
        Part {
            key: StatKey {
                drug: drug.into(),
                ..StatKey::default()
            },
            visible: c(visible),
            hidden: c(hidden),
        }
    }

    #[test]
    fn small_hidden_parts_are_suppressed_and_totals_sum_shown_cells() {
        let parts = [
            part("cocaine", 2, 3),
            part("heroin", 1, 5),
            part("opium", 0, 2),
            part("cocaine", 0, 1),
        ];
        let cells = cells(&parts, &[Dimension::Drug], 5);
        assert_eq!(cells.len(), 3);
        // Cocaine: 4 hidden records (3 + 1) are below 5: only the 2 visible ones.
        assert_eq!((cells[0].cases, cells[0].suppressed), (2, true));
        // Heroin: 5 hidden records reach the minimum and are counted.
        assert_eq!((cells[1].cases, cells[1].suppressed), (6, false));
        assert_eq!(cells[1].kilograms, 6.0);
        // Opium: only hidden ones, too few: shown as an empty suppressed cell.
        assert_eq!((cells[2].cases, cells[2].suppressed), (0, true));
        assert_eq!(total(&cells).cases, 8);
    }

    #[test]
    fn growth_and_shares() {
        let cell = |k: &str, n: i64| Cell {
            key: vec![k.into()],
            cases: n,
            kilograms: 0.0,
            tablets: 0,
            suppressed: false,
        };
        let series = [cell("2021", 10), cell("2022", 40), cell("2025", 90)];
        let g = growth(&series).unwrap();
        assert_eq!(g.ratio, Some(9.0));
        let s = shares(&[cell("KR-KCS", 86), cell("KR-KCG", 14)]);
        assert_eq!(s[0].percent, 86.0);
    }
}
