//! Deterministic generation of realistic intelligence reports: the same seed gives the
//! same reports, byte for byte, on every run and every engine.
//!
//! Reports mix agencies (weighted toward the Korean customs service and coast guard),
//! TLP labels (mostly GREEN and AMBER, some RED with named recipients) and languages
//! (English, Korean with particles, some Thai). Subjects carry valid identifiers: IMO
//! numbers and ISO 6346 container numbers with computed check digits, MMSIs with an
//! allocated MID, E.164 phone numbers.

use anyhow::Context as _;
use chrono::{DateTime, Duration, TimeZone, Utc};
use interdict_core::ident::{ContainerNumber, CountryCode, ImoNumber, Mmsi, PhoneNumber};
use interdict_core::record::DrugType;
use interdict_core::subject::{Container, Person, Phone, Vessel};
use interdict_core::{AgencyCode, Grading, Handling, RecordStatus, Report, Subject, Tlp, Username};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// The agencies of the benchmark, with the share of reports each writes (per mille).
pub const AGENCIES: [(&str, &str, &str, u32); 5] = [
    ("KR-KCS", "Korea Customs Service", "KR", 400),
    ("KR-KCG", "Korea Coast Guard", "KR", 280),
    ("TH-CUSTOMS", "Thai Customs Department", "TH", 130),
    ("US-HSI", "Homeland Security Investigations", "US", 130),
    ("JP-CUSTOMS", "Japan Customs", "JP", 60),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Language {
    English,
    Korean,
    Thai,
}

const EN_PLACES: &[&str] = &[
    "Busan New Port",
    "Incheon Port",
    "Pyeongtaek",
    "Gwangyang",
    "Ulsan",
    "Laem Chabang",
    "Bangkok Port",
    "Long Beach",
    "Los Angeles",
    "Yokohama",
    "Kobe",
    "Manzanillo",
    "Guayaquil",
    "Port Klang",
    "Haiphong",
];
const EN_DRUG_WORDS: &[&str] = &[
    "methamphetamine",
    "crystal meth",
    "yaba tablets",
    "cocaine",
    "cannabis resin",
    "ketamine",
    "heroin",
    "MDMA tablets",
    "fentanyl powder",
];
const EN_CONCEALMENT: &[&str] = &[
    "a refrigerated container of frozen fish",
    "machine parts inside a container",
    "a false floor of the container",
    "tea packaging",
    "the ballast tank",
    "bags of coffee beans",
    "a shipment of tyres",
    "the crew quarters",
    "an express courier parcel",
    "sea chest compartments",
];
const EN_ACTIONS: &[&str] = &[
    "Intelligence indicates that",
    "A reliable source reports that",
    "Analysis of manifest data suggests that",
    "Following a controlled delivery,",
    "Partner reporting confirms that",
    "Surveillance of the syndicate shows that",
];
const EN_FILLERS: &[&str] = &[
    "The consignee is a newly registered trading company with no import history.",
    "Payment was routed through several money service businesses.",
    "The vessel switched off its AIS transponder for two days near the transshipment point.",
    "The container was booked late and the declared weight does not match the gate weight.",
    "Crew members used prepaid phones registered under false names.",
    "The same freight forwarder handled two earlier consignments that tested positive.",
    "Recommend targeted inspection on arrival and notification of partner agencies.",
    "The route via a transshipment hub is typical of the syndicate.",
    "Risk profiling flagged the shipper and the declared commodity.",
    "Samples were sent to the laboratory for analysis.",
];

const KO_PLACES: &[&str] = &[
    "부산항",
    "부산신항",
    "인천항",
    "평택항",
    "광양항",
    "울산항",
    "인천공항",
    "목포항",
    "제주항",
];
const KO_DRUGS: &[&str] = &["필로폰", "코카인", "대마", "케타민", "헤로인", "엑스터시"];
const KO_CONCEALMENT: &[&str] = &[
    "냉동 생선 컨테이너에",
    "기계 부품 사이에",
    "컨테이너 바닥에",
    "커피 자루 속에",
    "선원 숙소에",
    "국제 특송 화물에",
];
const KO_FILLERS: &[&str] = &[
    "수하인은 최근 설립된 무역회사로 수입 실적이 없다.",
    "선박이 환적 지점 부근에서 이틀간 AIS 신호를 끈 것으로 확인되었다.",
    "선원들은 타인 명의의 선불 휴대전화를 사용하였다.",
    "동일한 운송주선업체가 과거 적발 화물 두 건을 처리하였다.",
    "입항 시 정밀 검사와 관계기관 통보가 필요하다.",
    "자금은 여러 환전업체를 거쳐 송금되었다.",
    "시료는 감정을 위해 분석실로 보냈다.",
];

const TH_PLACES: &[&str] = &[
    "ท่าเรือแหลมฉบัง",
    "ท่าเรือกรุงเทพ",
    "ด่านศุลกากรเชียงแสน",
    "ท่าอากาศยานสุวรรณภูมิ",
    "ด่านศุลกากรสะเดา",
];
const TH_DRUGS: &[&str] = &["ยาบ้า", "ไอซ์", "เฮโรอีน", "โคเคน", "กัญชา", "เคตามีน"];
const TH_FILLERS: &[&str] = &[
    "เจ้าหน้าที่ศุลกากรตรวจยึดของกลางได้ในตู้สินค้า",
    "ผู้รับสินค้าเป็นบริษัทที่จดทะเบียนใหม่",
    "เรือปิดสัญญาณ AIS ใกล้จุดถ่ายลำ",
    "ขอให้หน่วยงานพันธมิตรตรวจสอบเพิ่มเติม",
];

const KO_FAMILY: &[&str] = &[
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo",
    "Shin", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong",
];
const KO_GIVEN: &[&str] = &[
    "Min-jun",
    "Seo-yeon",
    "Ji-ho",
    "Ha-eun",
    "Do-yun",
    "Ji-woo",
    "Eun-woo",
    "Su-bin",
    "Hyun-woo",
    "Ye-jin",
    "Sung-min",
    "Jae-won",
    "Dong-hyun",
    "Young-ho",
    "Kyung-soo",
    "Mi-kyung",
    "Sang-hoon",
    "Jin-young",
    "Tae-yang",
    "Hye-jin",
];
const KO_HANGUL_FAMILY: &[&str] = &[
    "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황",
    "안", "송", "유", "홍",
];
const KO_HANGUL_GIVEN: &[&str] = &[
    "민준", "서연", "지호", "하은", "도윤", "지우", "은우", "수빈", "현우", "예진", "성민", "재원",
    "동현", "영호", "경수", "미경", "상훈", "진영", "태양", "혜진",
];
const TH_GIVEN: &[&str] = &[
    "Somchai",
    "Suda",
    "Anan",
    "Kittisak",
    "Malee",
    "Prasert",
    "Wanida",
    "Somsak",
    "Nattapong",
    "Siriporn",
    "Chaiwat",
    "Pornthip",
];
const TH_FAMILY: &[&str] = &[
    "Srisuk",
    "Chaiyaporn",
    "Wongsawat",
    "Saetang",
    "Rattanakorn",
    "Boonmee",
    "Thongchai",
    "Jitpakdee",
    "Kaewkla",
    "Sukprasert",
];
const EN_GIVEN: &[&str] = &[
    "Carlos", "Maria", "John", "Ahmed", "Diego", "Elena", "Viktor", "Luis", "Hiroshi", "Nguyen",
];
const EN_FAMILY: &[&str] = &[
    "Ramirez", "Ortega", "Smith", "Haddad", "Moreno", "Petrov", "Tanaka", "Vargas", "Tran",
    "Castillo",
];

const VESSEL_FIRST: &[&str] = &[
    "Ocean",
    "Pacific",
    "Golden",
    "Morning",
    "Haeyang",
    "Dong Bang",
    "Sea",
    "Silver",
    "Blue",
    "Eastern",
    "Northern",
    "Grand",
    "Royal",
    "Lucky",
    "Hanjin",
    "Sinar",
    "Thai",
    "Asian",
    "Star",
    "Crystal",
    "Jade",
    "Pearl",
    "Victory",
    "Harmony",
    "Orient",
    "Global",
    "Bright",
    "Noble",
    "Kumho",
    "Samho",
    "Chang",
    "Siam",
    "Mekong",
    "Busan",
    "Coral",
    "Emerald",
    "Phoenix",
    "Dragon",
    "Liberty",
    "Unity",
];
const VESSEL_SECOND: &[&str] = &[
    "Glory",
    "Pioneer",
    "Express",
    "Spirit",
    "Fortune",
    "Breeze",
    "Dawn",
    "Horizon",
    "Voyager",
    "Trader",
    "Carrier",
    "Princess",
    "Queen",
    "Navigator",
    "Pride",
    "Wave",
    "Harvest",
    "Falcon",
    "Eagle",
    "Swan",
    "Bridge",
    "Hope",
    "Venture",
    "Unity",
    "Bay",
    "Leader",
    "Master",
    "Hero",
    "Ace",
    "Crown",
    "Jewel",
    "Star",
    "Sun",
    "Moon",
    "Wind",
    "Island",
    "Cape",
    "Crest",
    "Peak",
    "Force",
];
/// Owner codes of container lines and lessors (three letters; the category is `U`).
const CONTAINER_OWNERS: &[&str] = &[
    "MSC", "MAE", "HDM", "CSQ", "OOL", "EGL", "HLX", "TGH", "SEG", "TCL", "CMA", "ONE", "YML",
    "SML", "KMT", "HMM",
];
/// MIDs with their country, for MMSIs and flags.
const FLAGS: &[(u32, &str)] = &[
    (440, "KR"),
    (441, "KR"),
    (567, "TH"),
    (431, "JP"),
    (351, "PA"),
    (352, "PA"),
    (538, "MH"),
    (636, "LR"),
    (477, "HK"),
    (563, "SG"),
    (412, "CN"),
    (574, "VN"),
];

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

fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.gen_range(0..total);
    for (item, weight) in items {
        if pick < *weight {
            return *item;
        }
        pick -= weight;
    }
    items[items.len() - 1].0
}

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

/// The IMO check digit of six digits: weights 7 down to 2, last digit of the sum.
pub fn imo_check_digit(first_six: u32) -> u32 {
    let digits: Vec<u32> = format!("{first_six:06}")
        .bytes()
        .map(|b| u32::from(b - b'0'))
        .collect();
    digits
        .iter()
        .zip((2..=7).rev())
        .map(|(d, w)| d * w)
        .sum::<u32>()
        % 10
}

/// The ISO 6346 check digit of the first ten characters of a container number.
pub fn container_check_digit(first_ten: &str) -> u32 {
    let value = |c: u8| -> u32 {
        if c.is_ascii_digit() {
            return u32::from(c - b'0');
        }
        // A=10, then upward skipping multiples of 11 (11, 22, 33).
        let mut v = 10;
        for _ in b'A'..c {
            v += 1;
            if v % 11 == 0 {
                v += 1;
            }
        }
        v
    };
    let sum: u32 = first_ten
        .bytes()
        .enumerate()
        .map(|(i, c)| value(c) << i)
        .sum();
    sum % 11 % 10
}

/// Generates reports, one after the other, from a seed.
pub struct Generator {
    rng: StdRng,
    agencies: Vec<(AgencyCode, Username, u32)>,
    start: DateTime<Utc>,
    /// A vessel name that occurs in few reports, for the selective search.
    pub rare_vessel: Option<String>,
    n_generated: u64,
    n_total: u64,
}

impl Generator {
    /// A generator of `n_total` reports from `seed`.
    pub fn new(seed: u64, n_total: u64) -> anyhow::Result<Self> {
        let mut agencies = Vec::new();
        for (code, _, _, weight) in AGENCIES {
            let agency = AgencyCode::parse(code)?;
            let user = format!("analyst.{}", code.to_ascii_lowercase());
            agencies.push((agency, Username::parse(&user)?, weight));
        }
        Ok(Self {
            rng: StdRng::seed_from_u64(seed),
            agencies,
            start: Utc
                .with_ymd_and_hms(2019, 1, 1, 0, 0, 0)
                .single()
                .context("start time")?,
            rare_vessel: None,
            n_generated: 0,
            n_total,
        })
    }

    /// The next report.
    pub fn report(&mut self) -> anyhow::Result<Report> {
        let rng = &mut self.rng;
        let weights: Vec<(usize, u32)> = self
            .agencies
            .iter()
            .enumerate()
            .map(|(i, (_, _, w))| (i, *w))
            .collect();
        let agency_idx = weighted(rng, &weights);
        let (agency, author, _) = self.agencies[agency_idx].clone();
        let language = match agency.as_str() {
            "KR-KCS" | "KR-KCG" => {
                if rng.gen_bool(0.5) {
                    Language::Korean
                } else {
                    Language::English
                }
            }
            "TH-CUSTOMS" => {
                if rng.gen_bool(0.5) {
                    Language::Thai
                } else {
                    Language::English
                }
            }
            _ => Language::English,
        };
        let tlp = weighted(
            rng,
            &[
                (Tlp::Clear, 50),
                (Tlp::Green, 450),
                (Tlp::Amber, 350),
                (Tlp::AmberStrict, 70),
                (Tlp::Red, 80),
            ],
        );
        let recipients = if tlp == Tlp::Red {
            let mut others: Vec<AgencyCode> = self
                .agencies
                .iter()
                .map(|(a, _, _)| a.clone())
                .filter(|a| a != &agency)
                .collect();
            others.shuffle(rng);
            others.truncate(rng.gen_range(1..=2));
            others.sort();
            others
        } else {
            Vec::new()
        };
        let status = weighted(
            rng,
            &[
                (RecordStatus::Published, 900),
                (RecordStatus::Draft, 80),
                (RecordStatus::Withdrawn, 20),
            ],
        );
        let drug_weights: Vec<(usize, u32)> = DRUGS
            .iter()
            .enumerate()
            .map(|(i, (_, w, _, _))| (i, *w))
            .collect();
        let main_drug = weighted(rng, &drug_weights);
        let mut drugs = vec![DRUGS[main_drug].0];
        if rng.gen_bool(0.15) {
            let other = weighted(rng, &drug_weights);
            if other != main_drug {
                drugs.push(DRUGS[other].0);
            }
        }
        let subjects = self.subjects(language)?;
        let rng = &mut self.rng;
        let vessel_name = subjects.iter().find_map(|s| match s {
            Subject::Vessel(v) => v.name.clone(),
            _ => None,
        });
        let (title, narrative, modus_operandi) =
            text(rng, language, main_drug, vessel_name.as_deref());
        if self.rare_vessel.is_none() && self.n_generated >= self.n_total / 2 {
            self.rare_vessel = vessel_name;
        }
        // Reports are spread over the years before the benchmark, in order.
        let span_secs = 7 * 365 * 24 * 3600;
        let offset = (self.n_generated * span_secs) / self.n_total.max(1);
        let created_at = self.start
            + Duration::seconds(i64::try_from(offset)?)
            + Duration::seconds(rng.gen_range(0..60));
        let grading = Grading::parse(&format!(
            "{}{}",
            pick(rng, &["A", "B", "B", "C", "C", "D"]),
            rng.gen_range(1..=4)
        ))?;
        self.n_generated += 1;
        // Time-ordered ids, as the service makes them with `Uuid::now_v7`, but from the
        // seeded generator so that every run writes the same data.
        let mut bytes = [0u8; 10];
        rng.fill(&mut bytes);
        let millis = u64::try_from(created_at.timestamp_millis())?;
        Ok(Report {
            id: uuid::Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid(),
            agency,
            title,
            narrative,
            grading,
            handling: Handling { tlp, recipients },
            drugs,
            modus_operandi,
            status,
            version: 1,
            subjects,
            created_by: author,
            created_at,
            updated_at: created_at,
        })
    }

    fn subjects(&mut self, language: Language) -> anyhow::Result<Vec<Subject>> {
        let rng = &mut self.rng;
        let n = rng.gen_range(1..=5);
        let mut subjects = Vec::with_capacity(n);
        for _ in 0..n {
            let kind = weighted(rng, &[(0, 45), (1, 20), (2, 20), (3, 15)]);
            let subject = match kind {
                0 => Subject::Person(person(rng, language)?),
                1 => Subject::Vessel(vessel(rng)?),
                2 => Subject::Container(Container {
                    number: container(rng)?,
                }),
                _ => Subject::Phone(Phone {
                    number: phone(rng, language)?,
                }),
            };
            subjects.push(subject);
        }
        Ok(subjects)
    }
}

fn person(rng: &mut StdRng, language: Language) -> anyhow::Result<Person> {
    let style = match language {
        Language::Korean => 0,
        Language::Thai => 1,
        Language::English => weighted(rng, &[(0, 50), (1, 20), (2, 30)]),
    };
    let (name, aliases, nationality) = match style {
        0 => {
            let family = rng.gen_range(0..KO_FAMILY.len());
            let given = rng.gen_range(0..KO_GIVEN.len());
            let name = format!("{} {}", KO_FAMILY[family], KO_GIVEN[given]);
            let aliases = if language == Language::Korean || rng.gen_bool(0.3) {
                vec![format!(
                    "{}{}",
                    KO_HANGUL_FAMILY[family % KO_HANGUL_FAMILY.len()],
                    KO_HANGUL_GIVEN[given % KO_HANGUL_GIVEN.len()]
                )]
            } else {
                Vec::new()
            };
            (name, aliases, "KR")
        }
        1 => (
            format!("{} {}", pick(rng, TH_GIVEN), pick(rng, TH_FAMILY)),
            Vec::new(),
            "TH",
        ),
        _ => (
            format!("{} {}", pick(rng, EN_GIVEN), pick(rng, EN_FAMILY)),
            Vec::new(),
            pick(rng, &["MX", "CO", "US", "RU", "VN", "NG"]),
        ),
    };
    let birth_date = if rng.gen_bool(0.4) {
        chrono::NaiveDate::from_ymd_opt(
            rng.gen_range(1960..2004),
            rng.gen_range(1..=12),
            rng.gen_range(1..=28),
        )
    } else {
        None
    };
    Ok(Person {
        name,
        aliases,
        birth_date,
        nationality: Some(CountryCode::parse(nationality)?),
    })
}

fn vessel(rng: &mut StdRng) -> anyhow::Result<Vessel> {
    let name = format!("{} {}", pick(rng, VESSEL_FIRST), pick(rng, VESSEL_SECOND));
    let name = if rng.gen_bool(0.3) {
        format!("{name} {}", rng.gen_range(1..=30))
    } else {
        name
    };
    let first_six = rng.gen_range(800_000..=999_999);
    let imo = ImoNumber::parse(&format!("{first_six}{}", imo_check_digit(first_six)))?;
    let (mid, flag) = *FLAGS.choose(rng).context("flags")?;
    let mmsi = Mmsi::parse(&format!("{mid}{:06}", rng.gen_range(0..1_000_000)))?;
    Ok(Vessel {
        name: Some(name),
        imo: Some(imo),
        mmsi: Some(mmsi),
        call_sign: None,
        flag: Some(CountryCode::parse(flag)?),
    })
}

fn container(rng: &mut StdRng) -> anyhow::Result<ContainerNumber> {
    let first_ten = format!(
        "{}U{:06}",
        pick(rng, CONTAINER_OWNERS),
        rng.gen_range(0..1_000_000)
    );
    let check = container_check_digit(&first_ten);
    Ok(ContainerNumber::parse(&format!("{first_ten}{check}"))?)
}

fn phone(rng: &mut StdRng, language: Language) -> anyhow::Result<PhoneNumber> {
    let raw = match (language, rng.gen_range(0..4)) {
        (Language::Korean, _) | (Language::English, 0) => {
            format!("+8210{:08}", rng.gen_range(0..100_000_000))
        }
        (Language::Thai, _) | (Language::English, 1) => {
            format!(
                "+66{}{:07}",
                pick(rng, &["8", "9", "6"]),
                rng.gen_range(0..10_000_000)
            )
        }
        (Language::English, 2) => format!(
            "+1{}{:07}",
            pick(rng, &["213", "310", "562", "917"]),
            rng.gen_range(2_000_000..10_000_000)
        ),
        _ => format!("+8190{:08}", rng.gen_range(0..100_000_000)),
    };
    Ok(PhoneNumber::parse(&raw)?)
}

/// Title, narrative and modus operandi in the report's language.
fn text(
    rng: &mut StdRng,
    language: Language,
    drug: usize,
    vessel: Option<&str>,
) -> (String, String, String) {
    let (_, _, en_drug, local_drug) = DRUGS[drug];
    match language {
        Language::English => {
            let drug_words = EN_DRUG_WORDS[en_drug];
            let place = pick(rng, EN_PLACES);
            let concealment = pick(rng, EN_CONCEALMENT);
            let via = vessel.map_or_else(|| "a container vessel".to_owned(), |v| format!("MV {v}"));
            let title = match rng.gen_range(0..3) {
                0 => format!("Suspected {drug_words} consignment via {place}"),
                1 => format!("{via}: {drug_words} concealed in {concealment}"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_agree_with_the_identifier_types() {
        assert_eq!(imo_check_digit(907472), 9);
        assert_eq!(container_check_digit("CSQU305438"), 3);
    }

    #[test]
    fn generation_is_deterministic() -> anyhow::Result<()> {
        let mut a = Generator::new(7, 100)?;
        let mut b = Generator::new(7, 100)?;
        for _ in 0..100 {
            assert_eq!(a.report()?, b.report()?);
        }
        Ok(())
    }
}
