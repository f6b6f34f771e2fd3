//! Subjects of records: persons, vessels, containers and phones, with identifiers
//! built by `interdict-ident` so that they are valid by construction.

use chrono::NaiveDate;
use interdict_core::ident::{
    ContainerCategory, ContainerNumber, CountryCode, ImoNumber, Mmsi, PhoneNumber,
};
use interdict_core::subject::{Container, Person, Phone, Vessel};
use interdict_core::Subject;
use rand::seq::SliceRandom;
use rand::Rng;

use crate::words::*;
use crate::{pick, weighted, Error, Generator, Language};

impl Generator {
    /// One to five subjects of a record in `language`: persons (45 %), vessels, containers
    /// (20 % each) and phones (15 %).
    pub fn subjects(&mut self, language: Language) -> Result<Vec<Subject>, Error> {
        let n = self.rng.gen_range(1..=5);
        let mut subjects = Vec::with_capacity(n);
        for _ in 0..n {
            let kind = weighted(&mut self.rng, &[(0, 45), (1, 20), (2, 20), (3, 15)]);
            subjects.push(match kind {
                Some(0) => Subject::Person(self.person(language)?),
                Some(1) => Subject::Vessel(self.vessel()?),
                Some(2) => Subject::Container(Container {
                    number: self.container()?,
                }),
                _ => Subject::Phone(Phone {
                    number: self.phone(language)?,
                }),
            });
        }
        Ok(subjects)
    }

    /// A person as a record in `language` names them: in Korean records a Korean with a
    /// romanised name and the Hangul as an alias; in Thai records a Thai with the Thai
    /// script as an alias; in English records a Korean (half), a Thai or someone else.
    pub fn person(&mut self, language: Language) -> Result<Person, Error> {
        let rng = &mut self.rng;
        let style = match language {
            Language::Korean => Language::Korean,
            Language::Thai => Language::Thai,
            Language::English => weighted(
                rng,
                &[
                    (Language::Korean, 50),
                    (Language::Thai, 20),
                    (Language::English, 30),
                ],
            )
            .unwrap_or(Language::English),
        };
        // In a record of its own language a name always carries its own script; in an
        // English record, sometimes.
        let with_script = style == language || rng.gen_bool(0.3);
        let (name, aliases, nationality) = match style {
            Language::Korean => {
                let family = rng.gen_range(0..KO_FAMILY.len());
                let given = rng.gen_range(0..KO_GIVEN.len());
                let name = format!("{} {}", KO_FAMILY[family], KO_GIVEN[given]);
                let hangul = format!("{}{}", KO_HANGUL_FAMILY[family], KO_HANGUL_GIVEN[given]);
                (name, with_script.then_some(hangul), "KR")
            }
            Language::Thai => {
                let given = rng.gen_range(0..TH_GIVEN.len());
                let family = rng.gen_range(0..TH_FAMILY.len());
                let name = format!("{} {}", TH_GIVEN[given], TH_FAMILY[family]);
                let thai = format!("{} {}", TH_THAI_GIVEN[given], TH_THAI_FAMILY[family]);
                (name, with_script.then_some(thai), "TH")
            }
            Language::English => (
                format!("{} {}", pick(rng, EN_GIVEN), pick(rng, EN_FAMILY)),
                None,
                pick(rng, &["MX", "CO", "US", "RU", "VN", "NG"]),
            ),
        };
        let birth_date = if rng.gen_bool(0.4) {
            NaiveDate::from_ymd_opt(
                rng.gen_range(1960..2004),
                rng.gen_range(1..=12),
                rng.gen_range(1..=28),
            )
        } else {
            None
        };
        Ok(Person {
            name,
            aliases: aliases.into_iter().collect(),
            birth_date,
            nationality: Some(CountryCode::parse(nationality)?),
        })
    }

    /// A vessel with a name, an IMO number (check digit computed), an MMSI with an
    /// allocated MID and the flag of that MID.
    pub fn vessel(&mut self) -> Result<Vessel, Error> {
        let rng = &mut self.rng;
        let mut name = format!("{} {}", pick(rng, VESSEL_FIRST), pick(rng, VESSEL_SECOND));
        if rng.gen_bool(0.3) {
            name = format!("{name} {}", rng.gen_range(1..=30));
        }
        let imo = ImoNumber::from_six_digits(rng.gen_range(800_000..=999_999))?;
        let (mid, flag) = FLAGS.choose(rng).copied().unwrap_or((440, "KR"));
        let mmsi = Mmsi::parse(&format!("{mid}{:06}", rng.gen_range(0..1_000_000)))?;
        Ok(Vessel {
            name: Some(name),
            imo: Some(imo),
            mmsi: Some(mmsi),
            call_sign: None,
            flag: Some(CountryCode::parse(flag)?),
        })
    }

    /// A freight container of a container line or lessor, check digit computed.
    pub fn container(&mut self) -> Result<ContainerNumber, Error> {
        let owner = pick(&mut self.rng, CONTAINER_OWNERS);
        let serial = self.rng.gen_range(0..1_000_000);
        Ok(ContainerNumber::from_parts(
            owner,
            ContainerCategory::Freight,
            serial,
        )?)
    }

    /// A mobile phone of the country a record in `language` is about: Korean, Thai, or
    /// for English records any of Korea, Thailand, the United States and Japan.
    pub fn phone(&mut self, language: Language) -> Result<PhoneNumber, Error> {
        let rng = &mut self.rng;
        let raw = match (language, rng.gen_range(0..4)) {
            (Language::Korean, _) | (Language::English, 0) => {
                format!("+8210{:08}", rng.gen_range(0..100_000_000))
            }
            (Language::Thai, _) | (Language::English, 1) => format!(
                "+66{}{:07}",
                pick(rng, &["8", "9", "6"]),
                rng.gen_range(0..10_000_000)
            ),
            (Language::English, 2) => format!(
                "+1{}{:07}",
                pick(rng, &["213", "310", "562", "917"]),
                rng.gen_range(2_000_000..10_000_000)
            ),
            _ => format!("+8190{:08}", rng.gen_range(0..100_000_000)),
        };
        Ok(PhoneNumber::parse(&raw)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_tables_line_up_with_their_scripts() {
        assert_eq!(KO_FAMILY.len(), KO_HANGUL_FAMILY.len());
        assert_eq!(KO_GIVEN.len(), KO_HANGUL_GIVEN.len());
        assert_eq!(TH_GIVEN.len(), TH_THAI_GIVEN.len());
        assert_eq!(TH_FAMILY.len(), TH_THAI_FAMILY.len());
    }

    #[test]
    fn every_table_entry_makes_valid_identifiers() {
        for (mid, flag) in FLAGS {
            assert!(Mmsi::parse(&format!("{mid}000001")).is_ok(), "{mid}");
            assert!(CountryCode::parse(flag).is_ok(), "{flag}");
        }
        for owner in CONTAINER_OWNERS {
            assert!(
                ContainerNumber::from_parts(owner, ContainerCategory::Freight, 1).is_ok(),
                "{owner}"
            );
        }
    }

    #[test]
    fn korean_and_thai_persons_carry_their_script() {
        let mut generator = Generator::new(11).unwrap();
        for _ in 0..50 {
            let korean = generator.person(Language::Korean).unwrap();
            assert_eq!(korean.nationality.unwrap().as_str(), "KR");
            assert!(korean.name.is_ascii(), "{}", korean.name);
            let hangul = &korean.aliases[0];
            assert!(
                hangul.chars().all(|c| ('가'..='힣').contains(&c)),
                "{hangul}"
            );
            let thai = generator.person(Language::Thai).unwrap();
            assert_eq!(thai.nationality.unwrap().as_str(), "TH");
            assert!(thai.aliases[0]
                .chars()
                .any(|c| ('\u{0e00}'..='\u{0e7f}').contains(&c)));
        }
    }

    #[test]
    fn vessels_have_valid_imo_and_mmsi_of_their_flag() {
        let mut generator = Generator::new(5).unwrap();
        for _ in 0..200 {
            let vessel = generator.vessel().unwrap();
            let imo = vessel.imo.unwrap();
            assert_eq!(ImoNumber::parse(imo.as_str()), Ok(imo));
            let mmsi = vessel.mmsi.unwrap();
            let flag = vessel.flag.unwrap();
            let mid = u32::from(mmsi.mid().unwrap());
            assert!(FLAGS.contains(&(mid, flag.as_str())), "{mmsi} {flag}");
        }
    }

    #[test]
    fn phones_and_containers_parse_back() {
        let mut generator = Generator::new(9).unwrap();
        for language in [Language::English, Language::Korean, Language::Thai] {
            for _ in 0..100 {
                let phone = generator.phone(language).unwrap();
                assert_eq!(PhoneNumber::parse(phone.as_str()), Ok(phone));
                let container = generator.container().unwrap();
                assert_eq!(ContainerNumber::parse(container.as_str()), Ok(container));
            }
        }
    }
}
