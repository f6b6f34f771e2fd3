//! Seizure records: where, how the drugs travelled, what and how much, from where,
//! and a history that grows the way the Korea Customs Service reports.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use interdict_core::geo::Position;
use interdict_core::ident::CountryCode;
use interdict_core::record::{
    Conveyance, DrugItem, DrugType, PlaceKind, Route, SeizurePlace, Unit,
};
use interdict_core::subject::{Container, Phone};
use interdict_core::{RecordKind, Seizure, Subject};
use rand::rngs::StdRng;
use rand::Rng;

use crate::words::{EN_CONCEALMENT, KO_CONCEALMENT};
use crate::{pick, weighted, Error, Generator, Language};

const DRUGS: [(DrugType, u32); 8] = [
    (DrugType::Methamphetamine, 45),
    (DrugType::Yaba, 12),
    (DrugType::Cannabis, 15),
    (DrugType::Cocaine, 10),
    (DrugType::Heroin, 5),
    (DrugType::Ketamine, 5),
    (DrugType::Mdma, 5),
    (DrugType::Fentanyl, 3),
];

const CONVEYANCES: [(Conveyance, u32); 6] = [
    (Conveyance::ExpressCourier, 30),
    (Conveyance::Post, 25),
    (Conveyance::AirPassenger, 20),
    (Conveyance::AirCargo, 10),
    (Conveyance::SeaContainer, 10),
    (Conveyance::Vessel, 5),
];

/// Countries of origin: 87 % of what is seized comes from the Asia-Pacific region.
const ORIGINS: [(&str, u32); 12] = [
    ("TH", 25),
    ("VN", 12),
    ("LA", 8),
    ("MM", 8),
    ("CN", 12),
    ("MY", 8),
    ("PH", 7),
    ("KH", 7),
    ("US", 7),
    ("CA", 2),
    ("MX", 2),
    ("NL", 2),
];

/// How drugs carried by travellers, post and couriers were hidden.
const SMALL_CONCEALMENTS: [&str; 5] = [
    "false bottom of suitcase",
    "body packing",
    "dried fruit packaging",
    "cosmetics jars",
    "hidden in clothing",
];

/// [`SMALL_CONCEALMENTS`] in Korean.
const KO_SMALL_CONCEALMENTS: [&str; 5] = [
    "여행가방 이중 바닥",
    "신체 은닉",
    "건과일 포장",
    "화장품 용기",
    "의류 속 은닉",
];

/// A place of seizure: kind, name, country and, at sea, where.
struct Place {
    kind: PlaceKind,
    name: &'static str,
    country: &'static str,
    position: Option<(f64, f64)>,
}

const fn place(kind: PlaceKind, name: &'static str, country: &'static str) -> Place {
    Place {
        kind,
        name,
        country,
        position: None,
    }
}

const KR_AIRPORTS: [Place; 2] = [
    place(PlaceKind::Airport, "Incheon International Airport", "KR"),
    place(PlaceKind::Airport, "Gimhae International Airport", "KR"),
];
const KR_MAIL: Place = place(
    PlaceKind::MailCentre,
    "Incheon International Mail Centre",
    "KR",
);
const KR_PORTS: [Place; 3] = [
    place(PlaceKind::Port, "Busan New Port", "KR"),
    place(PlaceKind::Port, "Incheon Port", "KR"),
    place(PlaceKind::Port, "Pyeongtaek-Dangjin Port", "KR"),
];
/// Where the coast guard patrols, with the centre of each area.
const KR_SEA: [(&str, f64, f64); 3] = [
    ("South of Jeju", 32.6, 126.5),
    ("Off Busan", 34.9, 129.3),
    ("Yellow Sea off Taean", 36.7, 125.9),
];

/// How much of a drug one seizure of `conveyance` takes, spread evenly on a
/// logarithmic scale between the plausible least and most: grams in a parcel, a few
/// kilograms on a passenger, hundreds in a container. Tablets are counted; masses
/// under a kilogram are written in grams, as officers write them.
fn quantity(rng: &mut StdRng, drug: DrugType, conveyance: Conveyance) -> (f64, Unit) {
    let tablets = matches!(drug, DrugType::Yaba | DrugType::Mdma);
    let (least, most): (f64, f64) = match (conveyance, tablets) {
        (Conveyance::Post, false) => (0.005, 1.5),
        (Conveyance::ExpressCourier, false) => (0.01, 3.0),
        (Conveyance::AirPassenger, false) => (0.05, 5.0),
        (Conveyance::AirCargo, false) => (0.5, 40.0),
        (Conveyance::SeaContainer, false) => (5.0, 600.0),
        (Conveyance::Vessel, false) => (10.0, 400.0),
        (Conveyance::Post, true) => (20.0, 3_000.0),
        (Conveyance::ExpressCourier, true) => (100.0, 10_000.0),
        (Conveyance::AirPassenger, true) => (50.0, 5_000.0),
        (Conveyance::AirCargo, true) => (1_000.0, 100_000.0),
        (Conveyance::SeaContainer | Conveyance::Vessel, true) => (10_000.0, 500_000.0),
    };
    // Fentanyl is potent in milligrams: a twentieth of the mass of the others.
    let scale = if drug == DrugType::Fentanyl {
        0.05
    } else {
        1.0
    };
    let amount = (rng.gen_range(least.ln()..most.ln())).exp() * scale;
    if tablets {
        (amount.round().max(1.0), Unit::Tablets)
    } else if amount < 1.0 {
        ((amount * 1000.0).round().max(1.0), Unit::Gram)
    } else {
        ((amount * 10.0).round() / 10.0, Unit::Kilogram)
    }
}

impl Generator {
    /// The next seizure, made on `occurred_on` and recorded at `created_at`, by an
    /// agency, with handling and status as the seizure mix says. The coast guard seizes
    /// from vessels at sea; the others at their ports, airports and mail centres.
    /// Containers, vessels, travellers and parcels bring their subjects along.
    pub fn seizure(
        &mut self,
        occurred_on: NaiveDate,
        created_at: DateTime<Utc>,
    ) -> Result<Seizure, Error> {
        let mix = self.seizure_mix.clone();
        let agency_idx = self.agency_idx(&mix);
        let spec = self.authors[agency_idx].spec;
        let language = self.language_of(agency_idx);
        let rng = &mut self.rng;
        let conveyance = if spec.code == "KR-KCG" {
            Conveyance::Vessel
        } else {
            weighted(rng, &CONVEYANCES).unwrap_or(Conveyance::Post)
        };
        let drug = weighted(rng, &DRUGS).unwrap_or(DrugType::Methamphetamine);
        let (quantity, unit) = quantity(rng, drug, conveyance);
        let place = self.place(spec.code, conveyance);
        let rng = &mut self.rng;
        let origin = weighted(rng, &ORIGINS).unwrap_or("TH");
        let transit = if rng.gen_bool(0.2) {
            vec![CountryCode::parse("VN")?]
        } else {
            Vec::new()
        };
        let destination = if spec.country == "KR" {
            "KR"
        } else {
            place.country
        };
        let by_sea = matches!(conveyance, Conveyance::SeaContainer | Conveyance::Vessel);
        let concealment = match (language, by_sea) {
            (Language::Korean, true) => pick(rng, KO_CONCEALMENT),
            (Language::Korean, false) => pick(rng, &KO_SMALL_CONCEALMENTS),
            (_, true) => pick(rng, EN_CONCEALMENT),
            (_, false) => pick(rng, &SMALL_CONCEALMENTS),
        };
        let subjects = self.seizure_subjects(conveyance, language)?;
        // The persons a seizure names are those arrested with it.
        let arrests = subjects
            .iter()
            .filter(|s| matches!(s, interdict_core::Subject::Person(_)))
            .count() as u32;
        let (handling, status) = self.handling(RecordKind::Seizure, &mix, agency_idx);
        let id = self.id_at(created_at);
        let author = &self.authors[agency_idx];
        Ok(Seizure {
            id,
            agency: author.code.clone(),
            occurred_on,
            place: SeizurePlace {
                kind: place.kind,
                name: place.name.to_owned(),
                country: CountryCode::parse(place.country)?,
                position: place
                    .position
                    .map(|(lat, lon)| Position::new(lat, lon))
                    .transpose()?,
            },
            conveyance,
            items: vec![DrugItem {
                drug,
                quantity,
                unit,
            }],
            concealment: concealment.to_owned(),
            arrests,
            route: Route {
                origin: Some(CountryCode::parse(origin)?),
                transit,
                destination: Some(CountryCode::parse(destination)?),
            },
            subjects,
            linked_reports: Vec::new(),
            handling,
            status,
            version: 1,
            created_by: author.analyst.clone(),
            created_at,
            updated_at: created_at,
        })
    }

    /// Seizures over the `months` months (of 30 days) before `now`, growing nine-fold
    /// from about 1.5 to 13.5 a month, as the Korea Customs Service's did in five years.
    /// Each is recorded on its day, during office hours, never after `now`.
    pub fn seizure_history(
        &mut self,
        now: DateTime<Utc>,
        months: u32,
    ) -> Result<Vec<Seizure>, Error> {
        let today = now.date_naive();
        let mut seizures = Vec::new();
        for month in 0..months {
            let progress = f64::from(month) / f64::from(months.saturating_sub(1).max(1));
            let expected = 1.5 * 9f64.powf(progress);
            let n = (expected + self.rng.gen_range(-0.5..0.5)).round().max(0.0) as u32;
            let month_start = today - Duration::days(30 * i64::from(months - month));
            for _ in 0..n {
                let occurred_on =
                    (month_start + Duration::days(self.rng.gen_range(0..30))).min(today);
                let created_at = occurred_on
                    .and_hms_opt(self.rng.gen_range(8..20), self.rng.gen_range(0..60), 0)
                    .ok_or(Error::Time)?
                    .and_utc()
                    .min(now);
                seizures.push(self.seizure(occurred_on, created_at)?);
            }
        }
        Ok(seizures)
    }

    /// Where an agency seizes drugs that travel by `conveyance`.
    fn place(&mut self, agency: &str, conveyance: Conveyance) -> Place {
        let rng = &mut self.rng;
        let air = matches!(conveyance, Conveyance::AirPassenger | Conveyance::AirCargo);
        let parcel = matches!(conveyance, Conveyance::Post | Conveyance::ExpressCourier);
        match agency {
            "KR-KCG" => {
                let (name, lat, lon) = KR_SEA[rng.gen_range(0..KR_SEA.len())];
                // To four decimals (about 11 m), as positions are reported; longer
                // decimals would not come back bit for bit from serde_json's default
                // float parsing.
                let near = |centre: f64, rng: &mut StdRng| {
                    ((centre + rng.gen_range(-0.2..0.2)) * 1e4).round() / 1e4
                };
                Place {
                    kind: PlaceKind::AtSea,
                    name,
                    country: "KR",
                    position: Some((near(lat, rng), near(lon, rng))),
                }
            }
            "TH-CUSTOMS" if air => place(PlaceKind::Airport, "Suvarnabhumi Airport", "TH"),
            "TH-CUSTOMS" if parcel => place(
                PlaceKind::MailCentre,
                "Bangkok International Mail Centre",
                "TH",
            ),
            "TH-CUSTOMS" => place(PlaceKind::Port, "Laem Chabang Port", "TH"),
            "US-HSI" if air => place(
                PlaceKind::Airport,
                "Los Angeles International Airport",
                "US",
            ),
            "US-HSI" if parcel => place(
                PlaceKind::MailCentre,
                "JFK International Mail Facility",
                "US",
            ),
            "US-HSI" => place(PlaceKind::Port, "Port of Long Beach", "US"),
            "JP-CUSTOMS" if air => place(PlaceKind::Airport, "Narita International Airport", "JP"),
            "JP-CUSTOMS" if parcel => place(
                PlaceKind::MailCentre,
                "Tokyo International Mail Centre",
                "JP",
            ),
            "JP-CUSTOMS" => place(PlaceKind::Port, "Port of Osaka", "JP"),
            _ if air => {
                let airport = &KR_AIRPORTS[rng.gen_range(0..KR_AIRPORTS.len())];
                place(airport.kind, airport.name, airport.country)
            }
            _ if parcel => place(KR_MAIL.kind, KR_MAIL.name, KR_MAIL.country),
            _ => {
                let port = &KR_PORTS[rng.gen_range(0..KR_PORTS.len())];
                place(port.kind, port.name, port.country)
            }
        }
    }

    /// What a seizure by `conveyance` names: often the container or the vessel, some
    /// travellers, the phone on some parcels.
    fn seizure_subjects(
        &mut self,
        conveyance: Conveyance,
        language: Language,
    ) -> Result<Vec<Subject>, Error> {
        let subject = match conveyance {
            Conveyance::SeaContainer if self.rng.gen_bool(0.7) => {
                Some(Subject::Container(Container {
                    number: self.container()?,
                }))
            }
            Conveyance::Vessel if self.rng.gen_bool(0.6) => Some(Subject::Vessel(self.vessel()?)),
            Conveyance::AirPassenger if self.rng.gen_bool(0.5) => {
                Some(Subject::Person(self.person(language)?))
            }
            Conveyance::ExpressCourier | Conveyance::Post if self.rng.gen_bool(0.3) => {
                Some(Subject::Phone(Phone {
                    number: self.phone(language)?,
                }))
            }
            _ => None,
        };
        Ok(subject.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use interdict_core::{RecordStatus, Tlp};

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn history_grows_about_nine_fold_and_ends_today() {
        let seizures = Generator::new(20_230_405)
            .unwrap()
            .seizure_history(now(), 60)
            .unwrap();
        let today = now().date_naive();
        let first_year = seizures
            .iter()
            .filter(|s| s.occurred_on < today - Duration::days(4 * 365))
            .count();
        let last_year = seizures
            .iter()
            .filter(|s| s.occurred_on >= today - Duration::days(365))
            .count();
        assert!(
            (5..=12).contains(&(last_year / first_year.max(1))),
            "{first_year} then {last_year}"
        );
        assert!(seizures.iter().all(|s| s.created_at <= now()));
        assert!(seizures.iter().all(|s| s.occurred_on <= today));
        assert!(seizures
            .iter()
            .all(|s| s.status == RecordStatus::Published && s.handling.tlp != Tlp::Red));
    }

    #[test]
    fn the_coast_guard_seizes_at_sea_from_vessels() {
        let mut generator = Generator::new(4).unwrap();
        let mut n_at_sea = 0;
        for _ in 0..500 {
            let seizure = generator.seizure(now().date_naive(), now()).unwrap();
            let at_sea = seizure.place.kind == PlaceKind::AtSea;
            assert_eq!(at_sea, seizure.agency.as_str() == "KR-KCG");
            if at_sea {
                n_at_sea += 1;
                assert_eq!(seizure.conveyance, Conveyance::Vessel);
                let position = seizure.place.position.unwrap();
                for degrees in [position.lat, position.lon] {
                    assert_eq!((degrees * 1e4).round() / 1e4, degrees);
                }
            }
            let item = &seizure.items[0];
            assert!(item.quantity > 0.0);
            // Nobody carries tens of kilograms through the post or on their body.
            if let Some(kg) = item.mass_kg() {
                match seizure.conveyance {
                    Conveyance::Post | Conveyance::ExpressCourier => assert!(kg <= 3.0, "{kg} kg"),
                    Conveyance::AirPassenger => assert!(kg <= 5.0, "{kg} kg"),
                    Conveyance::SeaContainer | Conveyance::Vessel => {
                        assert!(kg >= 0.5, "{kg} kg")
                    }
                    _ => {}
                }
            }
            if matches!(item.drug, DrugType::Yaba | DrugType::Mdma) {
                assert_eq!(item.unit, Unit::Tablets);
            }
        }
        assert!(n_at_sea > 20);
    }
}
