//! Agencies, agreements, records and actors to test with, and a checked way to page
//! through listings.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use interdict_core::agency::Agency;
use interdict_core::audit::AuditEvent;
use interdict_core::ident::{CountryCode, ImoNumber};
use interdict_core::policy::{
    access, Actor, Context, Disclosure, Membership, Meta, Principal, Visibility,
};
use interdict_core::record::{
    Conveyance, DrugItem, DrugType, PlaceKind, Route, SeizurePlace, Unit,
};
use interdict_core::subject::{Person, Vessel};
use interdict_core::{
    AgencyCode, AgencyKind, Agreement, Grading, Handling, Record, RecordKind, RecordStatus, Report,
    Role, Scope, Seizure, Subject, Tlp, Username,
};
use interdict_datagen::{Generator, Mix};
use interdict_store::{DisclosureRow, ListFilter, OperationRow, RecordAccess, Store};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

pub const KCS: &str = "KR-KCS";
pub const KCG: &str = "KR-KCG";
pub const THAI: &str = "TH-CUSTOMS";
pub const HSI: &str = "US-HSI";
pub const JAPAN: &str = "JP-CUSTOMS";
pub const AGENCY_CODES: [&str; 5] = [KCS, KCG, THAI, HSI, JAPAN];

pub fn code(raw: &str) -> AgencyCode {
    AgencyCode::parse(raw).unwrap()
}

pub fn username(raw: &str) -> Username {
    Username::parse(raw).unwrap()
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The day on which policy is evaluated in these tests.
pub fn today() -> NaiveDate {
    day(2026, 6, 1)
}

/// A fixed instant plus `seconds`.
pub fn at(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap() + Duration::seconds(seconds)
}

pub fn event(action: &str) -> AuditEvent {
    AuditEvent {
        at: at(0),
        actor: Some("kcs.analyst".into()),
        actor_agency: Some(KCS.into()),
        action: action.into(),
        target_kind: None,
        target_id: None,
        target_agency: None,
        detail: "{}".into(),
    }
}

pub fn agency(raw: &str) -> Agency {
    let kind = match raw {
        KCG => AgencyKind::CoastGuard,
        HSI => AgencyKind::Police,
        _ => AgencyKind::Customs,
    };
    Agency {
        code: code(raw),
        name: format!("{raw} 본부 / headquarters"),
        country: CountryCode::parse(&raw[..2]).unwrap(),
        kind,
        contact: format!("{raw} duty desk, +82 51 000 0000"),
    }
}

/// Creates the five agencies of the tests.
pub async fn seed_agencies(store: &Store) {
    for raw in AGENCY_CODES {
        store
            .create_agency(&agency(raw), &event("agency.create"))
            .await
            .unwrap();
    }
}

pub fn handling(tlp: Tlp, recipients: &[&str]) -> Handling {
    Handling {
        tlp,
        recipients: recipients.iter().map(|r| code(r)).collect(),
    }
}

pub fn report(owner: &str, title: &str, tlp: Tlp, status: RecordStatus) -> Report {
    Report {
        id: Uuid::new_v4(),
        agency: code(owner),
        title: title.into(),
        narrative: "컨테이너 선박 해양호 accompanied by José Müller".into(),
        grading: Grading::parse("B2").unwrap(),
        handling: handling(tlp, &[]),
        drugs: vec![DrugType::Methamphetamine, DrugType::Yaba],
        modus_operandi: "Concealed in frozen fish".into(),
        status,
        version: 1,
        subjects: vec![
            Subject::Person(Person {
                name: "박성민".into(),
                aliases: vec!["Park Sung-min".into()],
                birth_date: Some(day(1979, 3, 14)),
                nationality: Some(CountryCode::parse("KR").unwrap()),
            }),
            Subject::Vessel(Vessel {
                name: Some("MV 해양호".into()),
                imo: Some(ImoNumber::parse("9074729").unwrap()),
                mmsi: None,
                call_sign: None,
                flag: Some(CountryCode::parse("PA").unwrap()),
            }),
        ],
        created_by: username("kcs.analyst"),
        created_at: at(0),
        updated_at: at(0),
    }
}

pub fn seizure(owner: &str, place: &str, tlp: Tlp, status: RecordStatus) -> Seizure {
    Seizure {
        id: Uuid::new_v4(),
        agency: code(owner),
        occurred_on: day(2026, 5, 1),
        place: SeizurePlace {
            kind: PlaceKind::Port,
            name: place.into(),
            country: CountryCode::parse(&owner[..2]).unwrap(),
            position: None,
        },
        conveyance: Conveyance::SeaContainer,
        items: vec![
            DrugItem {
                drug: DrugType::Methamphetamine,
                quantity: 22.5,
                unit: Unit::Kilogram,
            },
            DrugItem {
                drug: DrugType::Yaba,
                quantity: 12000.0,
                unit: Unit::Tablets,
            },
        ],
        concealment: "냉동 생선 상자 안에 숨김".into(),
        arrests: 0,
        route: Route {
            origin: Some(CountryCode::parse("MX").unwrap()),
            transit: vec![CountryCode::parse("PA").unwrap()],
            destination: Some(CountryCode::parse("KR").unwrap()),
        },
        subjects: vec![],
        linked_reports: vec![Uuid::new_v4()],
        handling: handling(tlp, &[]),
        status,
        version: 1,
        created_by: username("kcs.analyst"),
        created_at: at(0),
        updated_at: at(0),
    }
}

/// A record of either kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Rec {
    Report(Report),
    Seizure(Seizure),
}

impl Rec {
    pub fn id(&self) -> Uuid {
        match self {
            Rec::Report(r) => r.id,
            Rec::Seizure(s) => s.id,
        }
    }

    pub fn kind(&self) -> RecordKind {
        match self {
            Rec::Report(_) => RecordKind::Report,
            Rec::Seizure(_) => RecordKind::Seizure,
        }
    }

    pub fn meta(&self) -> Meta<'_> {
        match self {
            Rec::Report(r) => r.meta(),
            Rec::Seizure(s) => s.meta(),
        }
    }

    pub fn index_text(&self) -> String {
        match self {
            Rec::Report(r) => r.index_text(),
            Rec::Seizure(s) => s.index_text(),
        }
    }

    pub fn title(&self) -> String {
        match self {
            Rec::Report(r) => Record::title(r),
            Rec::Seizure(s) => Record::title(s),
        }
    }

    pub fn drugs(&self) -> Vec<DrugType> {
        match self {
            Rec::Report(r) => Record::drugs(r),
            Rec::Seizure(s) => Record::drugs(s),
        }
    }

    pub fn occurred_on(&self) -> Option<NaiveDate> {
        match self {
            Rec::Report(r) => Record::occurred_on(r),
            Rec::Seizure(s) => Record::occurred_on(s),
        }
    }

    /// Parses a stored body of this record's kind.
    pub fn parse(kind: RecordKind, body: &str) -> Rec {
        match kind {
            RecordKind::Report => Rec::Report(serde_json::from_str(body).unwrap()),
            RecordKind::Seizure => Rec::Seizure(serde_json::from_str(body).unwrap()),
            RecordKind::Alert => panic!("these tests store no alerts"),
        }
    }

    /// The next version of the record with new handling and status.
    pub fn next_version(&self, handling: Handling, status: RecordStatus, extra: &str) -> Rec {
        match self.clone() {
            Rec::Report(mut r) => {
                r.handling = handling;
                r.status = status;
                r.version += 1;
                r.title = format!("{} {extra}", r.title);
                r.updated_at += Duration::minutes(5);
                Rec::Report(r)
            }
            Rec::Seizure(mut s) => {
                s.handling = handling;
                s.status = status;
                s.version += 1;
                s.concealment = format!("{} {extra}", s.concealment);
                s.updated_at += Duration::minutes(5);
                Rec::Seizure(s)
            }
        }
    }

    pub async fn insert(&self, store: &Store) -> i64 {
        let event = event("record.create");
        match self {
            Rec::Report(r) => store.insert_record(r, &event).await.unwrap(),
            Rec::Seizure(s) => store.insert_record(s, &event).await.unwrap(),
        }
    }

    pub async fn replace(&self, store: &Store) {
        let event = event("record.update");
        match self {
            Rec::Report(r) => store.replace_record(r, "kcs.analyst", &event).await,
            Rec::Seizure(s) => store.replace_record(s, "kcs.analyst", &event).await,
        }
        .unwrap();
    }
}

/// Agreements of every shape the policy distinguishes, seen on [`today`].
pub fn agreements() -> Vec<Agreement> {
    let agreement = |title: &str,
                     parties: &[&str],
                     scopes: &[Scope],
                     from: NaiveDate,
                     to: Option<NaiveDate>,
                     max_tlp: Tlp| {
        let mut parties: Vec<AgencyCode> = parties.iter().map(|p| code(p)).collect();
        // Storage returns the parties sorted.
        parties.sort();
        Agreement {
            id: Uuid::new_v4(),
            title: title.into(),
            parties,
            scopes: scopes.to_vec(),
            valid_from: from,
            valid_to: to,
            max_tlp,
        }
    };
    vec![
        agreement(
            "KCS–KCG 업무협약",
            &[KCS, KCG],
            &Scope::ALL,
            day(2023, 4, 5),
            None,
            Tlp::Amber,
        ),
        agreement(
            "KCS–Thai Customs MOU",
            &[KCS, THAI],
            &[Scope::Intelligence, Scope::Seizures],
            day(2020, 1, 1),
            None,
            Tlp::Green,
        ),
        agreement(
            "KCS–HSI (expired)",
            &[KCS, HSI],
            &[Scope::Intelligence],
            day(2020, 1, 1),
            Some(day(2021, 12, 31)),
            Tlp::Red,
        ),
        agreement(
            "Maritime seizures, ends today",
            &[KCG, THAI, HSI],
            &[Scope::Seizures],
            day(2025, 1, 1),
            Some(today()),
            Tlp::Red,
        ),
        agreement(
            "Japan–KCS, not yet in force",
            &[JAPAN, KCS],
            &[Scope::Intelligence, Scope::Seizures],
            day(2026, 6, 2),
            None,
            Tlp::AmberStrict,
        ),
        agreement(
            "KCG–HSI intelligence, clear only",
            &[KCG, HSI],
            &[Scope::Intelligence],
            day(2024, 1, 1),
            None,
            Tlp::Clear,
        ),
        agreement(
            "KCS–KCG RED intelligence 2026",
            &[KCS, KCG],
            &[Scope::Intelligence],
            day(2026, 1, 1),
            Some(day(2026, 12, 31)),
            Tlp::Red,
        ),
        agreement(
            "HSI–Japan training",
            &[HSI, JAPAN],
            &[Scope::Surveillance, Scope::Training, Scope::Resources],
            day(2020, 1, 1),
            None,
            Tlp::Red,
        ),
    ]
}

/// Actors of every agency with role sets that read and that do not.
pub fn actors() -> Vec<Actor> {
    let role_sets: [&[Role]; 5] = [
        &[Role::Analyst],
        &[Role::WatchOfficer],
        &[Role::Coordinator, Role::Auditor],
        &[Role::Trainer, Role::ResourceManager],
        &[Role::AgencyAdmin],
    ];
    let mut actors = Vec::new();
    for (a, agency) in AGENCY_CODES.iter().enumerate() {
        for (r, roles) in role_sets.iter().enumerate() {
            actors.push(Actor {
                user_id: (a * 10 + r) as i64,
                username: username(&format!("user-{a}-{r}")),
                agency: code(agency),
                roles: roles.iter().copied().collect(),
            });
        }
    }
    actors
}

/// Words in Korean (with particles), Thai (without spaces) and Latin scripts (with
/// case, accents and compatibility forms), so that search exercises bigrams, prefixes
/// and folding.
pub const PHRASES: [&str; 14] = [
    "부산항에서 필로폰 적발",
    "인천항으로 코카인 밀반입",
    "해양호가 입항했다",
    "MV해양호 선원 박성민",
    "ยาบ้าถูกยึดที่ท่าเรือแหลมฉบัง",
    "เฮโรอีนจากกรุงเทพมหานคร",
    "Methamphetamine hidden in FROZEN fish",
    "Cocaine in banana boxes",
    "José Müller met at Café Crème",
    "ＢＵＳＡＮ ｆｕｌｌｗｉｄｔｈ",
    "Übergabe an der Straße",
    "IMO 9074729 Panama flag",
    "강",
    "Łódź courier network",
];

pub const PLACES: [&str; 5] = [
    "부산신항",
    "ท่าเรือแหลมฉบัง Laem Chabang",
    "Incheon International Airport",
    "Port of Long Beach",
    "Nagoya 名古屋港",
];

/// Queries whose results both engines must get exactly right.
pub const QUERIES: [&str; 28] = [
    "부산항",
    "부산",
    "필로폰",
    "항에서",
    "인천항 코카인",
    "해양호",
    "박",
    "강",
    "MV",
    "แหลมฉบัง",
    "กรุงเทพ",
    "ยาบ้า",
    "meth",
    "FROZEN fish",
    "jose",
    "MÜLLER",
    "cafe creme",
    "busan",
    "fullwidth",
    "straße",
    "ŁÓDŹ",
    "9074",
    "amphetamine",
    "부산항 meth",
    "필로폰 ยาบ้า",
    "kg yaba",
    "名古屋",
    "cre",
];

/// Between `n.start()` and `n.end()` of `phrases`, joined by spaces.
fn pick(rng: &mut StdRng, phrases: &[&str], n: std::ops::RangeInclusive<usize>) -> String {
    let n = rng.gen_range(n);
    phrases
        .choose_multiple(rng, n)
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

fn random_handling(rng: &mut StdRng, owner: &str) -> Handling {
    let tlp = Tlp::ALL[rng.gen_range(0..Tlp::ALL.len())];
    let recipients = if tlp == Tlp::Red {
        let others: Vec<&str> = AGENCY_CODES
            .iter()
            .copied()
            .filter(|a| *a != owner)
            .collect();
        let n = rng.gen_range(0..=3);
        others.choose_multiple(rng, n).copied().collect::<Vec<_>>()
    } else {
        Vec::new()
    };
    handling(tlp, &recipients)
}

fn random_status(rng: &mut StdRng) -> RecordStatus {
    [
        RecordStatus::Draft,
        RecordStatus::Published,
        RecordStatus::Published,
        RecordStatus::Withdrawn,
    ][rng.gen_range(0..4)]
}

/// The generator of random records: every agency, label, status and number of RED
/// recipients equally often.
pub fn generator(seed: u64) -> Generator {
    Generator::new(seed)
        .unwrap()
        .with_report_mix(Mix::UNIFORM)
        .with_seizure_mix(Mix::UNIFORM)
}

/// A random record of a random agency, the `n`th created: a report or a seizure of
/// `interdict-datagen`, in English, Korean or Thai, with a few of [`PHRASES`] and
/// [`PLACES`] mixed in, so that search meets every script and folding case, and a few
/// more drugs of any type, so that every drug filter finds something.
pub fn random_record(rng: &mut StdRng, generator: &mut Generator, n: usize) -> Rec {
    let created_at = at(n as i64 * 60);
    if rng.gen_bool(0.5) {
        let mut report = generator.report(created_at).unwrap();
        report.title = format!("#{n} {} {}", pick(rng, &PHRASES, 1..=1), report.title);
        report.narrative = format!("{} {}", report.narrative, pick(rng, &PHRASES, 0..=2));
        for drug in more_drugs(rng) {
            if !report.drugs.contains(&drug) {
                report.drugs.push(drug);
            }
        }
        Rec::Report(report)
    } else {
        let occurred_on = day(2025, 1, 1) + Duration::days(rng.gen_range(0..500));
        let mut seizure = generator.seizure(occurred_on, created_at).unwrap();
        seizure.place.name = format!("{} {}", seizure.place.name, pick(rng, &PLACES, 1..=1));
        seizure.concealment = format!("{} {}", seizure.concealment, pick(rng, &PHRASES, 0..=2));
        for drug in more_drugs(rng) {
            seizure.items.push(DrugItem {
                drug,
                quantity: f64::from(rng.gen_range(1..5000)) / 4.0,
                unit: Unit::Kilogram,
            });
        }
        Rec::Seizure(seizure)
    }
}

/// None to two drugs of any type.
fn more_drugs(rng: &mut StdRng) -> Vec<DrugType> {
    let n = rng.gen_range(0..=2);
    DrugType::ALL.choose_multiple(rng, n).copied().collect()
}

/// The seed of random data: `INTERDICT_TEST_SEED` or `default`.
pub fn seed(default: u64) -> u64 {
    std::env::var("INTERDICT_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The operations of the random data set, and what the policy needs beside records.
#[derive(Clone, Debug, Default)]
pub struct Extras {
    /// What is kept beside each record (attachments, disclosures), by record id.
    pub beside: BTreeMap<Uuid, RecordAccess>,
    /// Every disclosure made.
    pub disclosures: Vec<Disclosure>,
    /// The operations, with their handling limits.
    pub operations: Vec<(Uuid, Tlp)>,
}

impl Extras {
    /// The operations `actor` is a member of: fixed by the actor's id, so that each
    /// agency has members and non-members.
    pub fn memberships(&self, actor: &Actor) -> Vec<Membership> {
        self.operations
            .iter()
            .enumerate()
            .filter(|(i, _)| (actor.user_id as usize + i).is_multiple_of(3))
            .map(|(_, (operation, max_tlp))| Membership {
                operation: *operation,
                max_tlp: *max_tlp,
            })
            .collect()
    }

    /// The metadata of `record` with what is kept beside it.
    pub fn meta<'a>(&'a self, record: &'a Rec) -> Meta<'a> {
        let mut meta = record.meta();
        if let Some(beside) = self.beside.get(&record.id()) {
            meta.compartments = &beside.compartments;
            meta.disclosures = &beside.disclosures;
        }
        meta
    }
}

/// A store filled with agencies, the agreements of [`agreements`] and `n` random
/// records, of which some were replaced by later versions with other labels, statuses
/// and recipients, some attached to operations and some disclosed to an agency until a
/// day before or after [`today`]. Returns the records as they now stand, the agreements
/// and the rest.
pub async fn random_dataset(
    store: &Store,
    seed: u64,
    n: usize,
) -> (Vec<Rec>, Vec<Agreement>, Extras) {
    let mut rng = StdRng::seed_from_u64(seed);
    seed_agencies(store).await;
    let agreements = agreements();
    for agreement in &agreements {
        store
            .create_agreement(agreement, &event("agreement.create"))
            .await
            .unwrap();
    }
    let mut generator = generator(seed);
    let mut records: Vec<Rec> = (0..n)
        .map(|i| random_record(&mut rng, &mut generator, i))
        .collect();
    // Half one by one, half in bulk, to cover both ways in.
    let (single, bulk) = records.split_at(n / 2);
    for record in single {
        record.insert(store).await;
    }
    let reports: Vec<Report> = bulk
        .iter()
        .filter_map(|r| match r {
            Rec::Report(r) => Some(r.clone()),
            Rec::Seizure(_) => None,
        })
        .collect();
    let seizures: Vec<Seizure> = bulk
        .iter()
        .filter_map(|r| match r {
            Rec::Seizure(s) => Some(s.clone()),
            Rec::Report(_) => None,
        })
        .collect();
    store
        .insert_records(&reports, &event("record.import"))
        .await
        .unwrap();
    store
        .insert_records(&seizures, &event("record.import"))
        .await
        .unwrap();
    // Bulk insertion orders the records by kind; keep `records` in any order, since
    // tests compare sets and look records up by id.
    let mut extras = Extras::default();
    for (i, max_tlp) in [Tlp::AmberStrict, Tlp::Red, Tlp::Green]
        .into_iter()
        .enumerate()
    {
        let id = Uuid::from_u128(0x0b0_0000 + i as u128);
        let operation = OperationRow {
            id,
            code_name: format!("OP-{i}"),
            lead_agency: code(AGENCY_CODES[i]),
            max_tlp,
            status: "active".into(),
            created_at: at(0),
            body: "{}".into(),
            version: 1,
            updated_at: None,
        };
        store
            .create_operation(&operation, &[], &event("operation.create"))
            .await
            .unwrap();
        extras.operations.push((id, max_tlp));
    }
    for _ in 0..n / 5 {
        let i = rng.gen_range(0..n);
        let (operation, _) = extras.operations[rng.gen_range(0..extras.operations.len())];
        let record = &records[i];
        let mut e = event("record.attach");
        e.target_agency = Some(record.meta().agency.to_string());
        store
            .attach_record(record.kind(), record.id(), operation, &e)
            .await
            .unwrap();
        let beside = extras.beside.entry(record.id()).or_default();
        if !beside.compartments.contains(&operation) {
            beside.compartments.push(operation);
            beside.compartments.sort();
        }
    }
    for k in 0..n / 8 {
        let i = rng.gen_range(0..n);
        let record = &records[i];
        let owner = record.meta().agency.as_str().to_owned();
        let to = *AGENCY_CODES
            .iter()
            .filter(|a| **a != owner)
            .collect::<Vec<_>>()[rng.gen_range(0..AGENCY_CODES.len() - 1)];
        // Some end before the day the tests look from, some on it, some after.
        let until = today() + Duration::days(rng.gen_range(-3..4));
        let row = DisclosureRow {
            id: Uuid::from_u128(0xd15c_0000 + k as u128),
            record: record.id(),
            kind: record.kind(),
            agency: code(to),
            until,
            created_by: "owner".into(),
            created_at: at(0),
        };
        let mut e = event("record.disclose");
        e.target_agency = Some(owner);
        store.create_disclosure(&row, &e).await.unwrap();
        extras.disclosures.push(Disclosure {
            id: row.id,
            agency: row.agency.clone(),
            until,
        });
        let beside = extras.beside.entry(record.id()).or_default();
        beside.disclosures.push(row.id);
        beside.disclosures.sort();
    }
    for _ in 0..n / 6 {
        let i = rng.gen_range(0..n);
        let owner = records[i].meta().agency.as_str().to_owned();
        let handling = random_handling(&mut rng, &owner);
        let status = random_status(&mut rng);
        let next =
            records[i].next_version(handling, status, pick(&mut rng, &PHRASES, 1..=1).as_str());
        next.replace(store).await;
        records[i] = next;
    }
    (records, agreements, extras)
}

/// The policy context of `actor` over the data set.
pub fn context_of<'a>(
    agreements: &'a [Agreement],
    memberships: &'a [Membership],
    extras: &'a Extras,
) -> Context<'a> {
    Context {
        agreements,
        memberships,
        disclosures: &extras.disclosures,
        today: today(),
        hits_without_agreement: false,
    }
}

/// What `actor` may see, per kind, as `list_records` takes it.
pub fn visible_to(
    actor: &Actor,
    agreements: &[Agreement],
    extras: &Extras,
) -> Vec<(RecordKind, Visibility)> {
    let memberships = extras.memberships(actor);
    let context = context_of(agreements, &memberships, extras);
    let principal = Principal::User(actor.clone());
    [RecordKind::Report, RecordKind::Seizure]
        .into_iter()
        .map(|kind| (kind, access(&principal, kind.into(), &context).visibility()))
        .collect()
}

/// Pages through `list_records` with page size `limit`, checking that pages are newest
/// first, never overlap, never skip, that every page reports `expected.len()` as the
/// total, and that the records returned are exactly `expected`, with bodies equal to
/// the records in `by_id`.
pub async fn check_listing(
    store: &Store,
    visible: &[(RecordKind, Visibility)],
    filter: &ListFilter,
    limit: i64,
    expected: &BTreeSet<Uuid>,
    by_id: &BTreeMap<Uuid, Rec>,
    context: &str,
) {
    let want = expected.len() as i64;

    let mut seen = BTreeSet::new();
    let mut cursor = None;
    let mut last_seq = i64::MAX;
    for n_page in 0.. {
        assert!(n_page <= by_id.len() + 1, "{context}: paging does not end");
        let page = store
            .list_records(visible, filter, cursor, limit)
            .await
            .unwrap();
        assert_eq!(page.total, want, "{context}: total of list_records");
        assert!(!page.total_capped, "{context}");
        assert!(page.items.len() as i64 <= limit, "{context}: page too long");
        for item in &page.items {
            assert!(
                item.seq < last_seq,
                "{context}: pages overlap or are out of order"
            );
            last_seq = item.seq;
            let record = Rec::parse(item.kind, &item.body);
            let id = record.id();
            assert_eq!(by_id.get(&id), Some(&record), "{context}: body of {id}");
            assert!(seen.insert(id), "{context}: {id} listed twice");
        }
        match page.next_cursor {
            Some(next) => {
                assert_eq!(page.items.len() as i64, limit, "{context}: short page");
                assert_eq!(next, last_seq, "{context}: cursor");
                cursor = Some(next);
            }
            None => break,
        }
    }
    report_difference(&seen, expected, by_id, context, "list_records");
}

fn report_difference(
    got: &BTreeSet<Uuid>,
    expected: &BTreeSet<Uuid>,
    by_id: &BTreeMap<Uuid, Rec>,
    context: &str,
    what: &str,
) {
    if got == expected {
        return;
    }
    let describe = |id: &Uuid| {
        let r = &by_id[id];
        let m = r.meta();
        format!(
            "{id} {:?} {} {:?} {:?} recipients={:?} text={:?}",
            m.kind,
            m.agency,
            m.status,
            m.tlp,
            m.recipients,
            r.index_text()
        )
    };
    let extra: Vec<String> = got.difference(expected).take(5).map(describe).collect();
    let missing: Vec<String> = expected.difference(got).take(5).map(describe).collect();
    panic!(
        "{context}: {what} returned {} records, expected {}\n  not expected: {extra:#?}\n  missing: {missing:#?}",
        got.len(),
        expected.len()
    );
}

/// What an analyst of `agency` without agreements sees of reports: their own.
pub fn own_reports(agency: &str) -> Vec<(RecordKind, Visibility)> {
    own_records(agency, RecordKind::Report)
}

/// What an analyst of `agency` without agreements sees of one kind: its own records.
pub fn own_records(agency: &str, kind: RecordKind) -> Vec<(RecordKind, Visibility)> {
    let actor = Actor {
        user_id: 1,
        username: username("owner"),
        agency: code(agency),
        roles: [Role::Analyst].into_iter().collect(),
    };
    let context = Context {
        agreements: &[],
        memberships: &[],
        disclosures: &[],
        today: today(),
        hits_without_agreement: false,
    };
    vec![(
        kind,
        access(&Principal::User(actor), kind.into(), &context).visibility(),
    )]
}

/// The title of a listed record.
pub fn title_of(stored: &interdict_store::StoredRecord) -> String {
    Rec::parse(stored.kind, &stored.body).title()
}
