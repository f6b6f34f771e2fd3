//! `interdict demo`: a realistic world of five agencies, with five years of seizures
//! growing the way the Korea Customs Service reports, and intelligence whose subjects
//! overlap across agencies under different spellings.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use interdict_core::handling::{Grading, Handling, Tlp};
use interdict_core::ident::{
    ContainerNumber, CountryCode, EmailAddress, ImoNumber, Mmsi, PhoneNumber,
};
use interdict_core::record::{Conveyance, DrugType};
use interdict_core::subject::{Container, Email, Organisation, Person, Phone, Vessel};
use interdict_core::{AgencyCode, RecordStatus, Report, Scope, Seizure, Subject, Username};
use interdict_datagen::{spread, Generator, AGENCIES};
use interdict_server::{Application, Clock, Config};
use interdict_service::admin::{Admin, AgreementInput, NewUserInput};
use interdict_service::Service;
use rand::Rng;
use uuid::Uuid;

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Port to serve on (127.0.0.1).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Data directory; a new temporary one when absent. A directory that already holds
    /// a demo world is served as it is.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Password of every demo account; random (and printed) when absent.
    #[arg(long, env = "INTERDICT_DEMO_PASSWORD", hide_env_values = true)]
    password: Option<String>,
}

/// The seed of the generated records: the day of the KCG–KCS memorandum.
const SEED: u64 = 20230405;

/// How many intelligence reports are generated beside the story's, over five years.
const N_GENERATED_REPORTS: u64 = 200;

const ACCOUNTS: [(&str, &str, &str); 14] = [
    ("kcs.analyst", "KR-KCS", "김지현 (KCS intelligence)"),
    ("kcg.analyst", "KR-KCG", "박준영 (KCG intelligence)"),
    ("kcs.ops", "KR-KCS", "이민호 (KCS operations centre)"),
    ("kcg.ops", "KR-KCG", "정수빈 (KCG situation room)"),
    ("thai.analyst", "TH-CUSTOMS", "Somsak Chaiyaporn"),
    ("hsi.analyst", "US-HSI", "Dana Whitfield"),
    ("japan.analyst", "JP-CUSTOMS", "Sato Haruki"),
    ("kcs.admin", "KR-KCS", "KCS administrator"),
    ("kcg.admin", "KR-KCG", "KCG administrator"),
    ("thai.admin", "TH-CUSTOMS", "Thai Customs administrator"),
    ("hsi.admin", "US-HSI", "HSI administrator"),
    ("japan.admin", "JP-CUSTOMS", "Japan Customs administrator"),
    (
        "kcs.training",
        "KR-KCS",
        "최은지 (KCS training coordinator)",
    ),
    (
        "kcg.training",
        "KR-KCG",
        "한도윤 (KCG training coordinator)",
    ),
];

fn code(raw: &str) -> anyhow::Result<AgencyCode> {
    Ok(AgencyCode::parse(raw)?)
}

fn country(raw: &str) -> anyhow::Result<CountryCode> {
    Ok(CountryCode::parse(raw)?)
}

fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

pub async fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let data_dir = match args.data_dir {
        Some(dir) => dir,
        None => std::env::temp_dir().join(format!("interdict-demo-{}", Uuid::new_v4().simple())),
    };
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    #[allow(clippy::disallowed_methods)]
    let started = Utc::now();
    let picture = picture_files(&data_dir, started)?;
    let config = Config {
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], args.port)),
        data_dir: data_dir.clone(),
        maritime_config: Some(picture.config.clone()),
        // The demo speaks plain HTTP on the loopback interface only, and serves its
        // metrics on any free loopback port, so that two demos can run side by side.
        secure_cookies: false,
        metrics_listen: Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0))),
        ..Config::default()
    };
    let service = Service::open(
        config.service_config()?,
        &config.database_url(),
        Clock::system(),
    )
    .await?;
    let password = args.password.unwrap_or_else(random_password);
    let fresh = service.agencies().await?.is_empty();
    if fresh {
        if password.chars().count() < 10 {
            anyhow::bail!("a demo password needs at least 10 characters");
        }
        eprintln!("creating the demo world in {} …", data_dir.display());
        seed(&service, &password, started).await?;
        seed_picture(&service, &picture).await?;
        seed_operations(&service, &picture, started).await?;
        seed_training(&service).await?;
        seed_resources(&service, &password).await?;
    }
    let app = Application::with_service(config, service)
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    let addr = app.local_addr()?;
    println!(
        "Interdict demo at http://{addr}/  (data in {})",
        data_dir.display()
    );
    println!();
    if fresh {
        println!("accounts (password: {password}):");
    } else {
        println!("accounts (password as given when this demo world was created):");
    }
    for (username, agency, _) in ACCOUNTS.iter().chain(&RESOURCE_ACCOUNTS) {
        println!("  {username:<15} {agency}");
    }
    println!();
    println!(
        "API: POST http://{addr}/api/v1/auth/token  ·  OpenAPI: http://{addr}/api/v1/openapi.json"
    );
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    app.run_until(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}

/// Creates the demo world in an empty node, through the service as its operator.
pub async fn seed(service: &Service, password: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
    let by = Admin::Console;
    for agency in AGENCIES {
        service
            .create_agency(
                &by,
                agency.code,
                agency.name,
                agency.country,
                agency.kind.as_str(),
                agency.contact,
            )
            .await
            .map_err(|e| anyhow::anyhow!("agency {}: {e}", agency.code))?;
    }
    for (username, agency, display) in ACCOUNTS {
        let roles = if username.ends_with(".admin") {
            "agency_admin,auditor"
        } else if username.ends_with(".ops") {
            "coordinator"
        } else if username.ends_with(".training") {
            "trainer"
        } else {
            "analyst,watch_officer"
        };
        service
            .create_user(
                &by,
                NewUserInput {
                    username: username.to_owned(),
                    agency: agency.to_owned(),
                    display_name: Some(display.to_owned()),
                    roles: roles.to_owned(),
                    password: password.to_owned(),
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("user {username}: {e}"))?;
    }
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).context("bad date");
    let agreements = [
        (
            "KCG–KCS MOU on maritime narcotics crime",
            ["KR-KCG", "KR-KCS"],
            Scope::ALL.to_vec(),
            date(2023, 4, 5)?,
            Tlp::Amber,
        ),
        (
            "KCS–Thai Customs drug enforcement cooperation",
            ["KR-KCS", "TH-CUSTOMS"],
            vec![Scope::Intelligence, Scope::Seizures],
            date(2021, 5, 1)?,
            Tlp::Green,
        ),
        (
            "KCS–HSI information sharing arrangement",
            ["KR-KCS", "US-HSI"],
            vec![Scope::Intelligence],
            date(2022, 9, 1)?,
            Tlp::Red,
        ),
    ];
    // Generated TLP:RED records name only recipients these agreements let receive them.
    let mut red = Vec::new();
    for (_, parties, scopes, _, max_tlp) in &agreements {
        red.extend(interdict_datagen::red_pairs(*parties, scopes, *max_tlp)?);
    }
    for (title, parties, scopes, from, max_tlp) in agreements {
        service
            .create_agreement(
                &by,
                AgreementInput {
                    title: title.to_owned(),
                    parties: parties.iter().map(|p| (*p).to_owned()).collect(),
                    scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
                    valid_from: from,
                    valid_to: None,
                    max_tlp: max_tlp.as_str().to_owned(),
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("agreement {title}: {e}"))?;
    }
    // The generated reports go in first, so that the story's come first in listings.
    let mut generator = Generator::new(SEED)?.with_red_pairs(red);
    let five_years = Duration::days(5 * 365);
    let generated = (0..N_GENERATED_REPORTS)
        .map(|i| generator.report(spread(now - five_years, five_years, i, N_GENERATED_REPORTS)))
        .collect::<Result<Vec<_>, _>>()?;
    let reports = reports(now)?;
    for batch in [&generated, &reports] {
        service
            .import_records(&by, batch)
            .await
            .map_err(|e| anyhow::anyhow!("reports: {e}"))?;
    }
    let mut seizures = seizures(&mut generator, now, &reports)?;
    link_through_subjects(&mut seizures, &generated);
    service
        .import_records(&by, &seizures)
        .await
        .map_err(|e| anyhow::anyhow!("seizures: {e}"))?;
    Ok(())
}

/// The files of the demo's maritime picture in its data directory.
#[derive(Debug, Clone)]
pub struct PictureFiles {
    /// The scenario's AIS day (`interdict ais simulate`), ending about now.
    pub nmea: PathBuf,
    /// The detectors' configuration: the scenario's high-risk ports.
    pub config: PathBuf,
    /// The scenario's areas (GeoJSON).
    pub areas: PathBuf,
}

/// The seed of the demo's scenario.
const SCENARIO_SEED: u64 = 7;

/// Writes the maritime scenario into `data_dir`, its data ending at `now`; files that
/// exist already (a demo world served again) are kept.
pub fn picture_files(
    data_dir: &std::path::Path,
    now: DateTime<Utc>,
) -> anyhow::Result<PictureFiles> {
    use interdict_maritime_cmd::simulate::scenario;
    let files = PictureFiles {
        nmea: data_dir.join("scenario.nmea"),
        config: data_dir.join("maritime.toml"),
        areas: data_dir.join("scenario-areas.geojson"),
    };
    if files.nmea.exists() && files.config.exists() && files.areas.exists() {
        return Ok(files);
    }
    let length = scenario(SCENARIO_SEED, 0).span.1;
    let start = (now.timestamp() - length).div_euclid(60) * 60;
    let s = scenario(SCENARIO_SEED, start);
    for (path, text) in [
        (&files.nmea, &s.nmea),
        (&files.config, &s.config),
        (&files.areas, &s.areas),
    ] {
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(files)
}

/// The maritime picture of the demo: the Korea Coast Guard's AIS source replaying the
/// scenario (shared with KCS by their MOU), the area of the Busan approaches, and the
/// watch list built from the intelligence already seeded (it names the scenario's
/// vessel by its IMO number).
pub async fn seed_picture(service: &Service, files: &PictureFiles) -> anyhow::Result<()> {
    let kcg = code("KR-KCG")?;
    let areas = std::fs::read_to_string(&files.areas)
        .with_context(|| format!("cannot read {}", files.areas.display()))?;
    service
        .create_area_as_operator(&kcg, "Busan approaches", &areas, Tlp::Amber)
        .await
        .map_err(|e| anyhow::anyhow!("area: {e}"))?;
    service
        .refresh_watchlist()
        .await
        .map_err(|e| anyhow::anyhow!("watch list: {e}"))?;
    service
        .create_source_as_operator(
            &kcg,
            "KCG AIS (East China Sea scenario)",
            "file",
            &format!("{}?speed=max", files.nmea.display()),
            Tlp::Amber,
        )
        .await
        .map_err(|e| anyhow::anyhow!("source: {e}"))?;
    Ok(())
}

/// The joint operations of the demo: MEKONG TIDE, the four-month operation of the
/// Korea Customs Service with the Thai customs, closed, whose 35 linked seizures make
/// the figures KCS reports (22 kg of methamphetamine and 290,000 Yaba tablets); and
/// EAST SEA NET, the coast guard's operation at sea with KCS, active, over the area of
/// the maritime scenario, looking for the scenario's vessel.
pub async fn seed_operations(
    service: &Service,
    files: &PictureFiles,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    use chrono::Datelike;
    use interdict_core::operation::{
        Feedback, FeedbackAction, MessageInput, MessageKind, OperationInput, OperationStatus,
        Warning,
    };
    use interdict_core::record::{
        Conveyance, DrugItem, PlaceKind, Route, SeizureInput, SeizurePlace, Unit,
    };
    let actor = |name: &'static str| async move {
        service
            .console_actor(name)
            .await
            .map_err(|e| anyhow::anyhow!("{name}: {e}"))
    };
    let kcs_ops = actor("kcs.ops").await?;
    let kcs = actor("kcs.analyst").await?;
    let thai = actor("thai.analyst").await?;
    let kcg_ops = actor("kcg.ops").await?;
    let kcg = actor("kcg.analyst").await?;
    let fail = |what: &str, e: interdict_service::ServiceError| anyhow::anyhow!("{what}: {e}");
    let c = cast()?;

    // The last May–August that has ended.
    let year = if now.month() > 8 {
        now.year()
    } else {
        now.year() - 1
    };
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).context("bad date");
    let mekong = service
        .create_operation(
            &kcs_ops,
            OperationInput {
                code_name: "MEKONG TIDE".into(),
                starts_on: day(5, 1)?,
                ends_on: day(8, 31)?,
                member_agencies: vec![code("TH-CUSTOMS")?],
                area: Some(serde_json::json!({
                    "type": "MultiPolygon",
                    "coordinates": [
                        [[[99.5, 12.0], [101.8, 12.0], [101.8, 14.0], [99.5, 14.0], [99.5, 12.0]]],
                        [[[128.4, 34.6], [129.6, 34.6], [129.6, 35.4], [128.4, 35.4], [128.4, 34.6]]]
                    ]
                })),
                objectives: vec![
                    "Stop methamphetamine and Yaba tablets leaving Laem Chabang and Bangkok for Korea".into(),
                    "Exchange profiles of suspect consignments within 24 hours".into(),
                ],
                targets: vec![c.golden[0].clone(), c.container_b.clone(), c.somchai[1].clone()],
                max_tlp: Tlp::Amber,
                status: OperationStatus::Active,
            },
        )
        .await
        .map_err(|e| fail("MEKONG TIDE", e))?;
    let mekong_id = mekong.operation.id;
    for officer in ["kcs.analyst", "thai.analyst", "kcs.ops"] {
        service
            .add_officer(&kcs_ops, mekong_id, officer)
            .await
            .map_err(|e| fail(officer, e))?;
    }
    let warning = service
        .post_message(
            &kcs,
            mekong_id,
            MessageInput {
                id: None,
                kind: MessageKind::Warning,
                text: String::new(),
                reply_to: None,
                warning: Some(Warning {
                    title: "Reefer containers of frozen fish, Laem Chabang to Busan".into(),
                    profile: "Consignee registered less than three months ago; freight paid in cash; shipper linked to Golden Triangle Trading".into(),
                    subjects: vec![c.container_b.clone(), c.golden[1].clone()],
                    valid_until: None,
                }),
                feedback: None,
                seizure: None,
            },
            Vec::new(),
        )
        .await
        .map_err(|e| fail("warning", e))?;
    service
        .post_message(
            &thai,
            mekong_id,
            MessageInput {
                id: None,
                kind: MessageKind::Feedback,
                text: "Two containers opened at Laem Chabang; Yaba tablets in the fish boxes."
                    .into(),
                reply_to: Some(warning.id),
                warning: None,
                feedback: Some(Feedback {
                    action: FeedbackAction::Seized,
                    on: Some(day(5, 14)?),
                    place: "Laem Chabang".into(),
                }),
                seizure: None,
            },
            Vec::new(),
        )
        .await
        .map_err(|e| fail("feedback", e))?;
    // 35 cases: 14 of methamphetamine (22 kg in all), 21 of Yaba (290,000 tablets).
    const METH_GRAMS: [u32; 14] = [
        2_500, 1_200, 800, 3_100, 450, 1_750, 2_200, 950, 1_600, 2_800, 700, 1_300, 1_150, 1_500,
    ];
    const YABA_TABLETS: [u32; 21] = [
        30_000, 8_000, 15_000, 12_000, 30_000, 6_000, 9_500, 14_000, 18_000, 7_500, 11_000, 22_000,
        5_000, 16_000, 13_000, 10_000, 19_000, 8_500, 12_500, 9_000, 14_000,
    ];
    let items = METH_GRAMS
        .iter()
        .map(|g| {
            (
                DrugType::Methamphetamine,
                f64::from(*g) / 1000.0,
                Unit::Kilogram,
            )
        })
        .chain(
            YABA_TABLETS
                .iter()
                .map(|t| (DrugType::Yaba, f64::from(*t), Unit::Tablets)),
        );
    for (i, (drug, quantity, unit)) in items.enumerate() {
        let i = i as u32;
        // Thai customs make two cases in five at Laem Chabang; KCS the rest in Busan.
        let thai_case = i % 5 < 2;
        let (author, place, ctry, origin) = if thai_case {
            (&thai, "Laem Chabang", "TH", "MM")
        } else {
            (&kcs, "Busan New Port", "KR", "TH")
        };
        let input = SeizureInput {
            occurred_on: day(5 + i % 4, 2 + (i * 7) % 27)?,
            place: SeizurePlace {
                kind: PlaceKind::Port,
                name: place.into(),
                country: country(ctry)?,
                position: None,
            },
            conveyance: Conveyance::SeaContainer,
            items: vec![DrugItem {
                drug,
                quantity,
                unit,
            }],
            concealment: "frozen fish boxes in a reefer container".into(),
            route: Route {
                origin: Some(country(origin)?),
                transit: Vec::new(),
                destination: Some(country("KR")?),
            },
            arrests: 1 + i % 3,
            subjects: Vec::new(),
            linked_reports: Vec::new(),
            handling: Handling {
                tlp: Tlp::Amber,
                recipients: Vec::new(),
            },
            status: RecordStatus::Published,
        };
        if i.is_multiple_of(7) {
            // Some are reported on the board, which files them.
            service
                .post_message(
                    author,
                    mekong_id,
                    MessageInput {
                        id: None,
                        kind: MessageKind::Seizure,
                        text: String::new(),
                        reply_to: None,
                        warning: None,
                        feedback: None,
                        seizure: Some(input),
                    },
                    Vec::new(),
                )
                .await
                .map_err(|e| fail("seizure message", e))?;
        } else {
            let seizure = service
                .create_record::<Seizure>(author, input)
                .await
                .map_err(|e| fail("seizure", e))?;
            service
                .attach_to_operation(
                    author,
                    mekong_id,
                    interdict_core::RecordKind::Seizure,
                    seizure.id,
                )
                .await
                .map_err(|e| fail("attach", e))?;
        }
    }
    let mut closing = service
        .operation(&kcs_ops, mekong_id)
        .await
        .map_err(|e| fail("MEKONG TIDE", e))?
        .operation;
    closing.status = OperationStatus::Closed;
    service
        .update_operation(&kcs_ops, mekong_id, closing.version, closing.into_input())
        .await
        .map_err(|e| fail("closing MEKONG TIDE", e))?;

    // The coast guard's operation at sea over the scenario's area, going on now.
    let areas = std::fs::read_to_string(&files.areas)
        .with_context(|| format!("cannot read {}", files.areas.display()))?;
    let today = now.date_naive();
    let east_sea = service
        .create_operation(
            &kcg_ops,
            OperationInput {
                code_name: "EAST SEA NET".into(),
                starts_on: today - Duration::days(20),
                ends_on: today + Duration::days(40),
                member_agencies: vec![code("KR-KCS")?],
                area: Some(serde_json::from_str(&areas).context("scenario areas")?),
                objectives: vec![
                    "Board the vessel of the joint KCG–KCS profile before it reaches Busan".into(),
                ],
                targets: vec![c.vessel_hae_yang_alt.clone(), c.vessel_sea_dragon.clone()],
                max_tlp: Tlp::Amber,
                status: OperationStatus::Active,
            },
        )
        .await
        .map_err(|e| fail("EAST SEA NET", e))?;
    let east_id = east_sea.operation.id;
    for officer in ["kcg.analyst", "kcs.analyst", "kcg.ops"] {
        service
            .add_officer(&kcg_ops, east_id, officer)
            .await
            .map_err(|e| fail(officer, e))?;
    }
    service
        .post_message(
            &kcg,
            east_id,
            MessageInput {
                id: None,
                kind: MessageKind::Warning,
                text: String::new(),
                reply_to: None,
                warning: Some(Warning {
                    title: "HAE YANG HO (IMO 9074729) inbound to Busan; AIS gaps off Jeju".into(),
                    profile: "Meets small craft at night; watch for a transfer at sea before the Busan approaches".into(),
                    subjects: vec![c.vessel_hae_yang.clone()],
                    valid_until: Some(today + Duration::days(14)),
                }),
                feedback: None,
                seizure: None,
            },
            Vec::new(),
        )
        .await
        .map_err(|e| fail("warning", e))?;
    Ok(())
}

/// The resource managers of the demo (role resource_manager), besides [`ACCOUNTS`].
const RESOURCE_ACCOUNTS: [(&str, &str, &str); 2] = [
    ("kcs.resources", "KR-KCS", "한동훈 (KCS detector dog unit)"),
    ("kcg.resources", "KR-KCG", "오세라 (KCG equipment desk)"),
];

/// Both agencies' dogs and equipment, and loans from KCS to KCG for the boarding of
/// the EAST SEA NET operation: a dog approved and deployed, a drone returned with its
/// usage report, and a Raman analyser still asked for.
pub async fn seed_resources(service: &Service, password: &str) -> anyhow::Result<()> {
    use interdict_core::resource::{
        LoanRequestInput, ResourceInput, ResourceKind, Site, UsageReport,
    };
    let fail = |what: &str, e: interdict_service::ServiceError| anyhow::anyhow!("{what}: {e}");
    for (username, agency, display) in RESOURCE_ACCOUNTS {
        service
            .create_user(
                &Admin::Console,
                NewUserInput {
                    username: username.to_owned(),
                    agency: agency.to_owned(),
                    display_name: Some(display.to_owned()),
                    roles: "resource_manager".to_owned(),
                    password: password.to_owned(),
                },
            )
            .await
            .map_err(|e| fail(username, e))?;
    }
    let kcs = service
        .console_actor("kcs.resources")
        .await
        .map_err(|e| fail("kcs", e))?;
    let kcg = service
        .console_actor("kcg.resources")
        .await
        .map_err(|e| fail("kcg", e))?;
    let today = service.today();
    let site = |name: &str, lat: f64, lon: f64| Site {
        name: name.into(),
        lat,
        lon,
    };
    let dog =
        |name: &str, handler: &str, drugs: Vec<DrugType>, days: i64, base: Site| ResourceInput {
            kind: ResourceKind::Dog,
            name: name.into(),
            handler: Some(handler.into()),
            specialisations: drugs,
            certification: Some("Detector dog, operational level".into()),
            certified_until: Some(today + Duration::days(days)),
            serial_number: None,
            service_due: None,
            home_base: base,
            tlp: Tlp::Green,
        };
    let kit = |kind, name: &str, serial: &str, days: i64, base: Site| ResourceInput {
        kind,
        name: name.into(),
        handler: None,
        specialisations: Vec::new(),
        certification: None,
        certified_until: None,
        serial_number: Some(serial.into()),
        service_due: Some(today + Duration::days(days)),
        home_base: base,
        tlp: Tlp::Green,
    };
    use DrugType::{Cannabis, Cocaine, Heroin, Methamphetamine};
    use ResourceKind::*;
    let busan = || site("Busan Main Customs", 35.1033, 129.0403);
    let incheon = || site("Incheon Airport Customs", 37.4602, 126.4407);
    let mut kcs_ids = Vec::new();
    for input in [
        dog(
            "Tori (토리)",
            "한동훈",
            vec![Methamphetamine, Cocaine],
            240,
            busan(),
        ),
        dog(
            "Baram (바람)",
            "윤서아",
            vec![Methamphetamine, Cannabis, Heroin],
            120,
            incheon(),
        ),
        dog("Nuri (누리)", "강민재", vec![Cocaine], 20, incheon()),
        kit(
            IonMobilitySpectrometer,
            "Itemiser 4DX",
            "IMS-KCS-0142",
            90,
            busan(),
        ),
        kit(
            RamanAnalyser,
            "TruNarc handheld",
            "RA-KCS-2210",
            150,
            incheon(),
        ),
        kit(Drone, "Matrice 30T", "DR-KCS-0007", 200, busan()),
        kit(
            ContainerScanner,
            "Mobile container X-ray",
            "CS-KCS-0001",
            60,
            site("Busan New Port", 35.0753, 128.8336),
        ),
    ] {
        kcs_ids.push(
            service
                .create_resource(&kcs, input)
                .await
                .map_err(|e| fail("KCS register", e))?
                .resource
                .id,
        );
    }
    for input in [
        dog(
            "Haemil (해밀)",
            "오세라",
            vec![Methamphetamine],
            300,
            site("KCG Busan Station", 35.0946, 129.0396),
        ),
        kit(
            Boat,
            "RIB 12 m interceptor",
            "BT-KCG-1203",
            80,
            site("KCG Busan Station", 35.0946, 129.0396),
        ),
        kit(
            Drone,
            "Shipboard VTOL drone",
            "DR-KCG-0031",
            180,
            site("KCG Jeju Station", 33.5186, 126.5339),
        ),
        kit(
            XrayScanner,
            "Portable X-ray backscatter",
            "XR-KCG-0410",
            45,
            site("KCG Incheon Station", 37.4563, 126.5967),
        ),
    ] {
        service
            .create_resource(&kcg, input)
            .await
            .map_err(|e| fail("KCG register", e))?;
    }
    // Baram's leave, a maintenance of the IMS.
    use interdict_core::resource::{Availability, CalendarInput};
    service
        .add_calendar_entry(
            &kcs,
            kcs_ids[1],
            CalendarInput {
                kind: Availability::Leave,
                from: today + Duration::days(8),
                to: today + Duration::days(12),
                note: "Rest after the airport surge".into(),
            },
        )
        .await
        .map_err(|e| fail("calendar", e))?;
    service
        .add_calendar_entry(
            &kcs,
            kcs_ids[3],
            CalendarInput {
                kind: Availability::Maintenance,
                from: today + Duration::days(2),
                to: today + Duration::days(3),
                note: "Annual service".into(),
            },
        )
        .await
        .map_err(|e| fail("calendar", e))?;
    service
        .add_calendar_entry(
            &kcs,
            kcs_ids[0],
            CalendarInput {
                kind: Availability::HomeDuty,
                from: today + Duration::days(9),
                to: today + Duration::days(15),
                note: "Busan port sweep".into(),
            },
        )
        .await
        .map_err(|e| fail("calendar", e))?;

    let kcg_ops = service
        .console_actor("kcg.ops")
        .await
        .map_err(|e| fail("kcg.ops", e))?;
    let east_sea = service
        .operations_for(&kcg_ops)
        .await
        .map_err(|e| fail("operations", e))?
        .into_iter()
        .find(|op| op.code_name == "EAST SEA NET")
        .map(|op| op.id);
    let pier = site("Busan North Port, pier 3", 35.1106, 129.0493);
    let ask = |kind, specialisation, from: i64, to: i64, purpose: &str| LoanRequestInput {
        owner_agency: kcs.agency.clone(),
        kind,
        specialisation,
        from: today + Duration::days(from),
        to: today + Duration::days(to),
        place: pier.clone(),
        operation: east_sea,
        purpose: purpose.into(),
    };
    let dog_loan = service
        .request_loan(&kcg, ask(Dog, Some(Methamphetamine), 0, 6, "Boarding and search of HAE YANG HO on arrival at Busan (EAST SEA NET): a dog trained for methamphetamine for the holds and crew quarters"))
        .await
        .map_err(|e| fail("dog loan", e))?;
    service
        .approve_loan(&kcs, dog_loan.loan.id, kcs_ids[0])
        .await
        .map_err(|e| fail("approve", e))?;
    service
        .deploy_loan(&kcs, dog_loan.loan.id)
        .await
        .map_err(|e| fail("deploy", e))?;
    let drone_loan = service
        .request_loan(
            &kcg,
            ask(
                Drone,
                None,
                0,
                1,
                "Overwatch of the boarding of HAE YANG HO from the pier",
            ),
        )
        .await
        .map_err(|e| fail("drone loan", e))?;
    service
        .approve_loan(&kcs, drone_loan.loan.id, kcs_ids[5])
        .await
        .map_err(|e| fail("approve", e))?;
    service
        .deploy_loan(&kcs, drone_loan.loan.id)
        .await
        .map_err(|e| fail("deploy", e))?;
    service
        .return_loan(
            &kcg,
            drone_loan.loan.id,
            UsageReport {
                hours: 5.5,
                searches: 2,
                finds: 0,
                seizures: Vec::new(),
                notes: "Two sorties over the pier; no transfer at sea seen.".into(),
            },
        )
        .await
        .map_err(|e| fail("return", e))?;
    service
        .request_loan(
            &kcg,
            ask(
                RamanAnalyser,
                None,
                3,
                5,
                "Field identification of powders found during the boarding",
            ),
        )
        .await
        .map_err(|e| fail("raman loan", e))?;
    Ok(())
}

/// The subjects that several agencies hold under different spellings.
struct Cast {
    vessel_hae_yang: Subject,
    vessel_hae_yang_alt: Subject,
    vessel_sea_dragon: Subject,
    lee: [Subject; 3],
    park: [Subject; 3],
    choi: [Subject; 2],
    somchai: [Subject; 2],
    golden: [Subject; 2],
    hanbit: [Subject; 2],
    container_a: Subject,
    container_b: Subject,
    phone_kr: Subject,
    phone_th: Subject,
    email: Subject,
}

fn person(name: &str, nationality: &str) -> anyhow::Result<Subject> {
    Ok(Subject::Person(Person {
        name: name.to_owned(),
        aliases: Vec::new(),
        birth_date: None,
        nationality: Some(country(nationality)?),
    }))
}

fn organisation(name: &str, ctry: &str) -> anyhow::Result<Subject> {
    Ok(Subject::Organisation(Organisation {
        name: name.to_owned(),
        country: Some(country(ctry)?),
        registration: None,
    }))
}

fn vessel(
    name: &str,
    imo: Option<&str>,
    mmsi: Option<&str>,
    flag: &str,
) -> anyhow::Result<Subject> {
    Ok(Subject::Vessel(Vessel {
        name: Some(name.to_owned()),
        imo: imo.map(ImoNumber::parse).transpose()?,
        mmsi: mmsi.map(Mmsi::parse).transpose()?,
        call_sign: None,
        flag: Some(country(flag)?),
    }))
}

fn cast() -> anyhow::Result<Cast> {
    Ok(Cast {
        vessel_hae_yang: vessel("해양호", Some("9074729"), Some("440123450"), "KR")?,
        vessel_hae_yang_alt: vessel("HAE YANG HO", Some("IMO 9074729"), None, "KR")?,
        vessel_sea_dragon: vessel("SEA DRAGON 7", Some("9176187"), Some("567012345"), "TH")?,
        lee: [
            person("이정호", "KR")?,
            person("Lee Jung-ho", "KR")?,
            person("Yi Jeong-ho", "KR")?,
        ],
        park: [
            person("박성민", "KR")?,
            person("Park Sung-min", "KR")?,
            person("Pak Seong-min", "KR")?,
        ],
        choi: [person("Choi Min-jun", "KR")?, person("Choe Minjun", "KR")?],
        somchai: [
            person("สมชาย วงศ์สกุล", "TH")?,
            person("Somchai Wongsakul", "TH")?,
        ],
        golden: [
            organisation("Golden Triangle Trading Co., Ltd.", "TH")?,
            organisation("GOLDEN TRIANGLE TRADING", "TH")?,
        ],
        hanbit: [
            organisation("한빛무역 주식회사", "KR")?,
            organisation("Hanbit Trading Co.", "KR")?,
        ],
        container_a: Subject::Container(Container {
            number: ContainerNumber::parse("CSQU3054383")?,
        }),
        container_b: Subject::Container(Container {
            number: ContainerNumber::parse("MSKU9070323")?,
        }),
        phone_kr: Subject::Phone(Phone {
            number: PhoneNumber::parse("+82 10-2345-6789")?,
        }),
        phone_th: Subject::Phone(Phone {
            number: PhoneNumber::parse("+66 81 234 5678")?,
        }),
        email: Subject::Email(Email {
            address: EmailAddress::parse("golden.triangle.trade@example.com")?,
        }),
    })
}

struct ReportSpec {
    agency: &'static str,
    author: &'static str,
    days_ago: i64,
    title: &'static str,
    narrative: &'static str,
    grading: &'static str,
    tlp: Tlp,
    recipients: &'static [&'static str],
    drugs: &'static [DrugType],
    modus: &'static str,
    status: RecordStatus,
}

fn reports(now: DateTime<Utc>) -> anyhow::Result<Vec<Report>> {
    let c = cast()?;
    use DrugType::*;
    use RecordStatus::*;
    let specs: Vec<(ReportSpec, Vec<Subject>)> = vec![
        (ReportSpec { agency: "KR-KCS", author: "kcs.analyst", days_ago: 200, title: "부산항 입항 예정 선박 해양호 필로폰 은닉 첩보", narrative: "해양호가 다음 주 부산신항에 입항하며 냉동 수산물 컨테이너에 필로폰을 은닉했다는 첩보. 선원 이정호가 연락책으로 지목됨.", grading: "B2", tlp: Tlp::Amber, recipients: &[], drugs: &[Methamphetamine], modus: "냉동 수산물 컨테이너 이중 바닥", status: Published }, vec![c.vessel_hae_yang.clone(), c.lee[0].clone(), c.container_a.clone()]),
        (ReportSpec { agency: "KR-KCG", author: "kcg.analyst", days_ago: 195, title: "HAE YANG HO ship-to-ship transfer suspected south of Jeju", narrative: "Patrol observed HAE YANG HO loitering 40 nm south of Jeju with AIS off for six hours; a Thai-flagged fishing vessel was nearby. Crew member Yi Jeong-ho known from earlier smuggling case.", grading: "C3", tlp: Tlp::Amber, recipients: &[], drugs: &[Methamphetamine], modus: "Transfer at sea from a fishing vessel", status: Published }, vec![c.vessel_hae_yang_alt.clone(), c.lee[2].clone(), c.vessel_sea_dragon.clone()]),
        (ReportSpec { agency: "TH-CUSTOMS", author: "thai.analyst", days_ago: 190, title: "ยาบ้าส่งออกทางเรือประมงจากท่าเรือแหลมฉบัง", narrative: "Information that SEA DRAGON 7 loads yaba tablets at Laem Chabang for transfer at sea to a Korean vessel. Organiser: Somchai Wongsakul of Golden Triangle Trading.", grading: "B3", tlp: Tlp::Green, recipients: &[], drugs: &[Yaba, Methamphetamine], modus: "Tablets hidden in fish hold", status: Published }, vec![c.vessel_sea_dragon.clone(), c.somchai[0].clone(), c.golden[0].clone(), c.phone_th.clone()]),
        (ReportSpec { agency: "KR-KCS", author: "kcs.analyst", days_ago: 150, title: "Golden Triangle Trading consignments to Incheon via express courier", narrative: "Express courier parcels declared as dried fruit from GOLDEN TRIANGLE TRADING to consignee Hanbit Trading Co. in Incheon; phone +82 10-2345-6789 used for all deliveries.", grading: "B2", tlp: Tlp::Green, recipients: &[], drugs: &[Methamphetamine], modus: "Dried fruit packaging, express courier", status: Published }, vec![c.golden[1].clone(), c.hanbit[1].clone(), c.phone_kr.clone(), c.email.clone()]),
        (ReportSpec { agency: "US-HSI", author: "hsi.analyst", days_ago: 120, title: "Cocaine shipments from Long Beach to Busan linked to Park Sung-min", narrative: "Subject Park Sung-min arranged sea containers from the Port of Long Beach to Busan; container MSKU9070323 flagged. Funds moved through a Hanbit Trading account.", grading: "A2", tlp: Tlp::Amber, recipients: &[], drugs: &[Cocaine], modus: "Cocaine bricks in machinery parts", status: Published }, vec![c.park[1].clone(), c.container_b.clone(), c.hanbit[1].clone()]),
        (ReportSpec { agency: "KR-KCS", author: "kcs.analyst", days_ago: 110, title: "박성민 코카인 밀수 조직 국내 유통책 확인", narrative: "미국 국토안보수사국 공조로 박성민의 국내 유통책 최민준을 확인. 한빛무역 주식회사 명의로 컨테이너 통관.", grading: "B2", tlp: Tlp::Red, recipients: &["US-HSI"], drugs: &[Cocaine], modus: "기계 부품 은닉", status: Published }, vec![c.park[0].clone(), c.choi[0].clone(), c.hanbit[0].clone()]),
        (ReportSpec { agency: "JP-CUSTOMS", author: "japan.analyst", days_ago: 100, title: "Pak Seong-min travelling Osaka–Busan with couriers", narrative: "Passenger Pak Seong-min used couriers on the Osaka–Busan ferry; methamphetamine in body packs.", grading: "C3", tlp: Tlp::Green, recipients: &[], drugs: &[Methamphetamine], modus: "Body packing on ferry", status: Published }, vec![c.park[2].clone()]),
        (ReportSpec { agency: "KR-KCG", author: "kcg.analyst", days_ago: 60, title: "해양호 재입항 예정, 해상 환적 정황", narrative: "해양호가 제주 남방 해상에서 SEA DRAGON 7과 접선 후 부산으로 향함. 최민준 탑승 추정.", grading: "B3", tlp: Tlp::AmberStrict, recipients: &[], drugs: &[Methamphetamine], modus: "해상 환적", status: Published }, vec![c.vessel_hae_yang.clone(), c.vessel_sea_dragon.clone(), c.choi[1].clone()]),
        (ReportSpec { agency: "KR-KCS", author: "kcs.analyst", days_ago: 30, title: "Ketamine in cosmetics parcels from Southeast Asia", narrative: "Pattern of postal items declared as cosmetics containing ketamine powder; senders rotate addresses in Kuala Lumpur and Ho Chi Minh City.", grading: "C2", tlp: Tlp::Clear, recipients: &[], drugs: &[Ketamine], modus: "Cosmetics jars, international post", status: Published }, vec![]),
        (ReportSpec { agency: "KR-KCS", author: "kcs.analyst", days_ago: 5, title: "초안: 인천공항 여행자 신변 은닉 동향", narrative: "태국발 여행자 신변 은닉 사례 증가 동향 분석 초안.", grading: "D4", tlp: Tlp::Green, recipients: &[], drugs: &[Methamphetamine, Cannabis], modus: "신변 은닉", status: Draft }, vec![c.somchai[1].clone()]),
    ];
    specs
        .into_iter()
        .map(|(spec, subjects)| {
            let at = now - Duration::days(spec.days_ago);
            Ok(Report {
                id: Uuid::now_v7(),
                agency: code(spec.agency)?,
                title: spec.title.to_owned(),
                narrative: spec.narrative.to_owned(),
                grading: Grading::parse(spec.grading)?,
                handling: Handling {
                    tlp: spec.tlp,
                    recipients: spec
                        .recipients
                        .iter()
                        .map(|r| code(r))
                        .collect::<anyhow::Result<_>>()?,
                },
                drugs: spec.drugs.to_vec(),
                modus_operandi: spec.modus.to_owned(),
                status: spec.status,
                version: 1,
                subjects,
                created_by: Username::parse(spec.author)?,
                created_at: at,
                updated_at: at,
            })
        })
        .collect()
}

/// Five years of seizures growing nine-fold, the way the Korea Customs Service reports;
/// one in twenty of KCS's methamphetamine seizures links the story's first KCS report.
fn seizures(
    generator: &mut Generator,
    now: DateTime<Utc>,
    reports: &[Report],
) -> anyhow::Result<Vec<Seizure>> {
    let story_report = reports
        .iter()
        .find(|r| r.agency.as_str() == "KR-KCS")
        .map(|r| r.id);
    let mut seizures = generator.seizure_history(now, 60)?;
    let kcs_methamphetamine = seizures.iter_mut().filter(|s| {
        s.agency.as_str() == "KR-KCS" && s.items.iter().any(|i| i.drug == DrugType::Methamphetamine)
    });
    for seizure in kcs_methamphetamine.step_by(20) {
        seizure.linked_reports.extend(story_report);
    }
    Ok(seizures)
}

/// One seizure in four follows up an intelligence report of its agency from the half
/// year before it: it names one of the report's subjects (the vessel, the container,
/// the courier's phone or the traveller) and links the report, as officers do when a
/// tip leads to a seizure.
fn link_through_subjects(seizures: &mut [Seizure], reports: &[Report]) {
    for (n, seizure) in seizures.iter_mut().enumerate() {
        if n % 4 != 0 {
            continue;
        }
        let fits = |s: &&Subject| carried_by(s, seizure.conveyance);
        let tips: Vec<&Report> = reports
            .iter()
            .filter(|r| {
                r.agency == seizure.agency
                    && r.status == RecordStatus::Published
                    && r.subjects.iter().any(|s| fits(&s))
                    && r.created_at < seizure.created_at
                    && seizure.created_at - r.created_at < Duration::days(183)
            })
            .collect();
        if tips.is_empty() {
            continue;
        }
        let tip = tips[n / 4 % tips.len()];
        let fitting: Vec<&Subject> = tip.subjects.iter().filter(fits).collect();
        let subject = fitting[n / 4 % fitting.len()];
        if !seizure.subjects.contains(subject) {
            if matches!(subject, Subject::Person(_)) {
                seizure.arrests += 1;
            }
            seizure.subjects.push(subject.clone());
        }
        if !seizure.linked_reports.contains(&tip.id) {
            seizure.linked_reports.push(tip.id);
        }
    }
}

/// Whether a seizure by `conveyance` can name `subject`: a parcel its sender's phone or
/// company, a traveller the person, a container its box, the ship or the company, a
/// vessel the ship and its crew.
fn carried_by(subject: &Subject, conveyance: Conveyance) -> bool {
    use Conveyance::*;
    match subject {
        Subject::Person(_) => true,
        Subject::Phone(_) | Subject::Email(_) => {
            matches!(conveyance, Post | ExpressCourier | AirPassenger | AirCargo)
        }
        Subject::Organisation(_) => {
            matches!(conveyance, Post | ExpressCourier | AirCargo | SeaContainer)
        }
        Subject::Container(_) => conveyance == SeaContainer,
        Subject::Vessel(_) => matches!(conveyance, SeaContainer | Vessel),
        _ => false,
    }
}

/// Capacity building in the demo: the Korea Customs Service runs a course on drug
/// detection in containers for the Korea Coast Guard's officers. A session running this
/// week has two KCG officers enrolled on its two seats and a third waiting; both
/// attended, one passed (and holds a certificate), one failed. A session next month
/// has one enrolment.
pub async fn seed_training(service: &Service) -> anyhow::Result<()> {
    use interdict_core::training::{
        AssessmentInput, AssessmentResult, AttendanceInput, CourseInput, SeatOffer, SessionInput,
    };
    let fail = |what: &str, e: interdict_service::ServiceError| anyhow::anyhow!("{what}: {e}");
    let kcs = service
        .console_actor("kcs.training")
        .await
        .map_err(|e| fail("kcs.training", e))?;
    let kcg = service
        .console_actor("kcg.training")
        .await
        .map_err(|e| fail("kcg.training", e))?;
    let course = service
        .create_course(
            &kcs,
            CourseInput {
                title: "컨테이너 은닉 마약 탐지 (Detecting drugs concealed in containers)".into(),
                syllabus: "Reading X-ray images of containers; ion-mobility and Raman screening; \
                           concealment in reefers and machinery; chain of custody."
                    .into(),
                hours: 24.0,
                language: "ko".into(),
                certificate_months: 24,
                tlp: Tlp::Green,
            },
        )
        .await
        .map_err(|e| fail("course", e))?;
    let today = service.today();
    let session = |starts: i64, ends: i64, seats: i64| -> anyhow::Result<SessionInput> {
        Ok(SessionInput {
            course: course.id,
            starts_on: today + Duration::days(starts),
            ends_on: today + Duration::days(ends),
            place: "관세국경관리연수원, 천안 (KCS Academy, Cheonan)".into(),
            online: false,
            instructors: vec!["최은지".into(), "Kim Dae-sung".into()],
            seats: vec![
                SeatOffer {
                    agency: code("KR-KCG")?,
                    seats,
                },
                SeatOffer {
                    agency: code("KR-KCS")?,
                    seats: 4,
                },
            ],
        })
    };
    let running = service
        .create_session(&kcs, session(-2, 2, 2)?)
        .await
        .map_err(|e| fail("session", e))?;
    let next = service
        .create_session(&kcs, session(30, 34, 6)?)
        .await
        .map_err(|e| fail("session", e))?;
    let mut enrolled = Vec::new();
    for officer in ["kcg.analyst", "kcg.ops", "kcg.admin"] {
        enrolled.push(
            service
                .enrol(&kcg, running.session.id, officer)
                .await
                .map_err(|e| fail(officer, e))?,
        );
    }
    service
        .enrol(&kcg, next.session.id, "kcg.analyst")
        .await
        .map_err(|e| fail("kcg.analyst", e))?;
    for (e, result, score) in [
        (&enrolled[0], AssessmentResult::Passed, 92.0),
        (&enrolled[1], AssessmentResult::Failed, 55.0),
    ] {
        service
            .record_attendance(&kcs, e.id, AttendanceInput { attended: true })
            .await
            .map_err(|err| fail("attendance", err))?;
        service
            .record_assessment(
                &kcs,
                e.id,
                AssessmentInput {
                    result,
                    score: Some(score),
                },
            )
            .await
            .map_err(|err| fail("assessment", err))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_records_are_written_by_demo_accounts() {
        for agency in AGENCIES {
            let analyst = agency.analyst();
            assert!(
                ACCOUNTS
                    .iter()
                    .any(|(username, code, _)| *username == analyst && *code == agency.code),
                "{analyst}"
            );
        }
    }

    /// The demo's names are found in any script: the customs analyst's `박성민` finds
    /// the US partner's Park Sung-min, `이정호` the coast guard's Yi Jeong-ho, `해양호`
    /// its HAE YANG HO; among hundreds of other names, where a name alone would not
    /// make two subjects one.
    #[tokio::test]
    async fn the_demo_names_are_found_in_any_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            data_dir: dir.path().to_owned(),
            ..Config::default()
        };
        let service = Service::open(
            config.service_config().unwrap(),
            &config.database_url(),
            Clock::system(),
        )
        .await
        .unwrap();
        #[allow(clippy::disallowed_methods)]
        let now = Utc::now();
        seed(&service, "demo-password-1", now).await.unwrap();
        service.rebuild_name_index().await.unwrap();
        let kcs = service.console_actor("kcs.analyst").await.unwrap();
        for (query, expected) in [
            ("박성민", "Park Sung-min"),
            ("이정호", "Yi Jeong-ho"),
            ("해양호", "HAE YANG HO"),
            ("Somchai Wongsakul", "Somchai Wongsakul"),
        ] {
            let found = service.names_like(&kcs, query).await.unwrap();
            assert!(
                found.iter().any(|h| h.name == expected),
                "{query}: {:?}",
                found.iter().map(|h| &h.name).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn seizures_follow_up_reports_through_their_subjects() {
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 1, 12, 0, 0).unwrap();
        let mut generator = Generator::new(SEED).unwrap();
        let five_years = Duration::days(5 * 365);
        let generated: Vec<Report> = (0..N_GENERATED_REPORTS)
            .map(|i| {
                generator
                    .report(spread(now - five_years, five_years, i, N_GENERATED_REPORTS))
                    .unwrap()
            })
            .collect();
        let story = reports(now).unwrap();
        let mut seizures = seizures(&mut generator, now, &story).unwrap();
        link_through_subjects(&mut seizures, &generated);
        let followed: Vec<&Seizure> = seizures
            .iter()
            .filter(|s| {
                s.linked_reports.iter().any(|id| {
                    generated.iter().any(|r| {
                        r.id == *id
                            && r.agency == s.agency
                            && r.created_at < s.created_at
                            && r.subjects.iter().any(|subject| {
                                s.subjects.contains(subject) && carried_by(subject, s.conveyance)
                            })
                    })
                })
            })
            .collect();
        // About one in four, across the five years.
        assert!(
            followed.len() * 6 > seizures.len() && followed.len() * 3 < seizures.len(),
            "{} of {}",
            followed.len(),
            seizures.len()
        );
        let first = followed.iter().map(|s| s.occurred_on).min().unwrap();
        assert!(
            now.date_naive() - first > Duration::days(3 * 365),
            "{first}"
        );
    }
}
