//! Intelligence reports: who writes them, about which drug, in which language, with
//! which subjects.

use chrono::{DateTime, Utc};
use interdict_core::record::DrugType;
use interdict_core::{Grading, RecordKind, Report, Subject};
use rand::Rng;

use crate::words::*;
use crate::{pick, weighted, Error, Generator, Language};

/// Which drug a report is about, with weights (per mille) and the drug's words.
const DRUGS: &[(DrugType, u32, usize, usize)] = &[
    // (drug, weight, index into EN_DRUG_WORDS, index into KO_DRUGS / TH_DRUGS)
    (DrugType::Methamphetamine, 340, 0, 0),
    (DrugType::Yaba, 140, 2, 0),
    (DrugType::Cocaine, 130, 3, 1),
    (DrugType::Cannabis, 120, 4, 2),
    (DrugType::Ketamine, 90, 5, 3),
    (DrugType::Heroin, 70, 6, 4),
    (DrugType::Mdma, 70, 7, 5),
    (DrugType::Fentanyl, 40, 8, 0),
];

impl Generator {
    /// The next intelligence report, created (and last changed) at `created_at`, by
    /// an agency, with handling and status as the report mix says.
    pub fn report(&mut self, created_at: DateTime<Utc>) -> Result<Report, Error> {
        let mix = self.report_mix.clone();
        let agency_idx = self.agency_idx(&mix);
        let language = self.language_of(agency_idx);
        let (handling, status) = self.handling(RecordKind::Report, &mix, agency_idx);
        let drug_weights: Vec<(usize, u32)> = DRUGS
            .iter()
            .enumerate()
            .map(|(i, (_, weight, _, _))| (i, *weight))
            .collect();
        let main_drug = weighted(&mut self.rng, &drug_weights).unwrap_or(0);
        let mut drugs = vec![DRUGS[main_drug].0];
        if self.rng.gen_bool(0.15) {
            let other = weighted(&mut self.rng, &drug_weights).unwrap_or(0);
            if other != main_drug {
                drugs.push(DRUGS[other].0);
            }
        }
        let subjects = self.subjects(language)?;
        let vessel_name = subjects.iter().find_map(|subject| match subject {
            Subject::Vessel(vessel) => vessel.name.clone(),
            _ => None,
        });
        let (title, narrative, modus_operandi) =
            self.text(language, main_drug, vessel_name.as_deref());
        let grading = Grading::parse(&format!(
            "{}{}",
            pick(&mut self.rng, &["A", "B", "B", "C", "C", "D"]),
            self.rng.gen_range(1..=4)
        ))?;
        let id = self.id_at(created_at);
        let author = &self.authors[agency_idx];
        Ok(Report {
            id,
            agency: author.code.clone(),
            title,
            narrative,
            grading,
            handling,
            drugs,
            modus_operandi,
            status,
            version: 1,
            subjects,
            created_by: author.analyst.clone(),
            created_at,
            updated_at: created_at,
        })
    }

    /// Title, narrative and modus operandi in `language`.
    fn text(
        &mut self,
        language: Language,
        drug: usize,
        vessel: Option<&str>,
    ) -> (String, String, String) {
        let rng = &mut self.rng;
        let (_, _, en_drug, local_drug) = DRUGS[drug];
        match language {
            Language::English => {
                let drug_words = EN_DRUG_WORDS[en_drug];
                let place = pick(rng, EN_PLACES);
                let concealment = pick(rng, EN_CONCEALMENT);
                let via =
                    vessel.map_or_else(|| "a container vessel".to_owned(), |v| format!("MV {v}"));
                let title = match rng.gen_range(0..3) {
                    0 => format!("Suspected {drug_words} consignment via {place}"),
                    1 => format!(
                        "{}: {drug_words} concealed in {concealment}",
                        capitalised(&via)
                    ),
                    _ => format!("Syndicate shipping {drug_words} to {place}"),
                };
                let mut narrative = format!(
                    "{} {drug_words} is concealed in {concealment} aboard {via}, arriving at {place}.",
                    pick(rng, EN_ACTIONS)
                );
                for _ in 0..rng.gen_range(2..=5) {
                    narrative.push(' ');
                    narrative.push_str(pick(rng, EN_FILLERS));
                }
                (title, narrative, format!("Concealment in {concealment}"))
            }
            Language::Korean => {
                let drug_words = KO_DRUGS[local_drug % KO_DRUGS.len()];
                let place = pick(rng, KO_PLACES);
                let concealment = pick(rng, KO_CONCEALMENT);
                let ship = vessel.map_or_else(|| "컨테이너선".to_owned(), |v| format!("{v}호"));
                let kg = rng.gen_range(1..=300);
                let title = match rng.gen_range(0..3) {
                    0 => format!("{place} {drug_words} 밀반입 첩보"),
                    1 => format!("{ship}를 이용한 {drug_words} 밀수 동향"),
                    _ => format!("{place}으로 향하는 {drug_words} 은닉 화물"),
                };
                let mut narrative = format!(
                    "{ship}가 {place}에 입항할 예정이며 {concealment} {drug_words} 약 {kg}kg을 은닉한 것으로 보인다."
                );
                for _ in 0..rng.gen_range(2..=4) {
                    narrative.push(' ');
                    narrative.push_str(pick(rng, KO_FILLERS));
                }
                (title, narrative, format!("{concealment} 은닉"))
            }
            Language::Thai => {
                let drug_words = TH_DRUGS[local_drug % TH_DRUGS.len()];
                let place = pick(rng, TH_PLACES);
                let title = format!("การลักลอบนำเข้า{drug_words}ผ่าน{place}");
                let mut narrative = format!("แหล่งข่าวแจ้งว่ามีการซุกซ่อน{drug_words}ในตู้สินค้าที่{place}");
                for _ in 0..rng.gen_range(1..=3) {
                    narrative.push(' ');
                    narrative.push_str(pick(rng, TH_FILLERS));
                }
                (title, narrative, "ซุกซ่อนในตู้สินค้า".to_owned())
            }
        }
    }
}

/// The text with its first letter in capitals, for the start of a title.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::TimeZone;
    use interdict_core::{RecordStatus, Tlp};

    use crate::{spread, Mix, AGENCIES};

    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap() + chrono::Duration::minutes(minutes)
    }

    /// With the pairs of a world's agreements, a TLP:RED report names only recipients
    /// they let receive it, and every record is otherwise the one the same seed gives
    /// without them.
    #[test]
    fn red_recipients_follow_the_pairs_and_nothing_else_changes() {
        use interdict_core::AgencyCode;
        let kcs = AgencyCode::parse("KR-KCS").unwrap();
        let hsi = AgencyCode::parse("US-HSI").unwrap();
        let pairs = crate::red_pairs(
            ["KR-KCS", "US-HSI"],
            &[interdict_core::Scope::Intelligence],
            Tlp::Red,
        )
        .unwrap();
        assert_eq!(pairs, vec![(RecordKind::Report, kcs.clone(), hsi.clone())]);
        assert!(crate::red_pairs(
            ["KR-KCS", "US-HSI"],
            &[interdict_core::Scope::Intelligence],
            Tlp::Amber
        )
        .unwrap()
        .is_empty());
        let mut free = Generator::new(11).unwrap();
        let mut bound = Generator::new(11).unwrap().with_red_pairs(pairs);
        let (mut red, mut named) = (0, 0);
        for i in 0..3_000 {
            let a = free.report(at(i)).unwrap();
            let mut b = bound.report(at(i)).unwrap();
            if b.handling.tlp == Tlp::Red {
                red += 1;
                for to in &b.handling.recipients {
                    named += 1;
                    assert!(
                        (b.agency == kcs && *to == hsi) || (b.agency == hsi && *to == kcs),
                        "{} names {to}",
                        b.agency
                    );
                }
                let kept: Vec<_> = a
                    .handling
                    .recipients
                    .iter()
                    .filter(|to| b.handling.recipients.contains(to))
                    .cloned()
                    .collect();
                assert_eq!(kept, b.handling.recipients, "a subset of the free draw");
                b.handling.recipients = a.handling.recipients.clone();
            }
            assert_eq!(a, b);
        }
        assert!(
            red > 100 && named > 10,
            "{red} RED, {named} recipients named"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_reports() {
        let mut a = Generator::new(7).unwrap();
        let mut b = Generator::new(7).unwrap();
        let mut c = Generator::new(8).unwrap();
        let mut differs = false;
        for i in 0..200 {
            let report = a.report(at(i)).unwrap();
            assert_eq!(report, b.report(at(i)).unwrap());
            differs |= report != c.report(at(i)).unwrap();
        }
        assert!(differs);
    }

    #[test]
    fn the_report_mix_holds_in_the_large() {
        let mut generator = Generator::new(20_261_121).unwrap();
        let n = 20_000;
        let mut agencies = BTreeMap::new();
        let mut tlps = BTreeMap::new();
        let mut statuses = BTreeMap::new();
        let mut scripts = [0u32; 3];
        for i in 0..n {
            let report = generator.report(at(i)).unwrap();
            *agencies.entry(report.agency.to_string()).or_insert(0) += 1;
            *tlps.entry(report.handling.tlp.as_str()).or_insert(0) += 1;
            *statuses.entry(format!("{:?}", report.status)).or_insert(0) += 1;
            let text = format!("{} {}", report.title, report.narrative);
            if text.chars().any(|c| ('가'..='힣').contains(&c)) {
                scripts[1] += 1;
            } else if text.chars().any(|c| ('\u{0e00}'..='\u{0e7f}').contains(&c)) {
                scripts[2] += 1;
            } else {
                scripts[0] += 1;
            }
            if report.handling.tlp == Tlp::Red {
                let n_recipients = report.handling.recipients.len();
                assert!((1..=2).contains(&n_recipients));
                assert!(!report.handling.recipients.contains(&report.agency));
            } else {
                assert!(report.handling.recipients.is_empty());
            }
            assert!((1..=5).contains(&report.subjects.len()));
            assert_eq!(
                report.created_by.as_str().split('.').nth(1),
                Some("analyst")
            );
        }
        // Shares per mille, within two points of the documented mix.
        let share = |count: i64| count * 1000 / n;
        let near = |count: i64, per_mille: i64| (share(count) - per_mille).abs() <= 20;
        for (spec, weight) in AGENCIES.iter().zip(Mix::REPORTS.agencies) {
            assert!(
                near(agencies[spec.code], i64::from(weight)),
                "{}: {}",
                spec.code,
                share(agencies[spec.code])
            );
        }
        for (tlp, weight) in Mix::REPORTS.tlp {
            assert!(near(tlps[tlp.as_str()], i64::from(weight)), "{tlp:?}");
        }
        for (status, weight) in Mix::REPORTS.status {
            assert!(
                near(statuses[&format!("{status:?}")], i64::from(weight)),
                "{status:?}"
            );
        }
        assert_eq!(statuses.len(), 3);
        assert!(statuses.contains_key(&format!("{:?}", RecordStatus::Withdrawn)));
        // Half of the Korean agencies' reports are in Korean (34 % of all), half of
        // Thai Customs' in Thai (6.5 %).
        assert!(near(i64::from(scripts[1]), 340), "{scripts:?}");
        assert!(near(i64::from(scripts[2]), 65), "{scripts:?}");
    }

    #[test]
    fn ids_are_ordered_by_creation_time() {
        let mut generator = Generator::new(3).unwrap();
        let start = at(0);
        let span = chrono::Duration::days(365);
        let ids: Vec<_> = (0..100)
            .map(|i| generator.report(spread(start, span, i, 100)).unwrap().id)
            .collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(ids.iter().all(|id| id.get_version_num() == 7));
    }

    #[test]
    fn uniform_mix_reaches_every_label_status_and_recipient_count() {
        let mut generator = Generator::new(1).unwrap().with_report_mix(Mix::UNIFORM);
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..2000 {
            let report = generator.report(at(i)).unwrap();
            seen.insert((
                report.handling.tlp.as_str(),
                format!("{:?}", report.status),
                report.handling.recipients.len(),
            ));
        }
        // 4 labels × 3 statuses with no recipients, RED × 3 statuses × 0..=3.
        assert_eq!(seen.len(), 4 * 3 + 3 * 4, "{seen:?}");
    }
}
