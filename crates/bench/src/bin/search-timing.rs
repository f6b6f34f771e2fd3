//! `interdict-search-timing`: does the time of a search tell a partner anything about
//! words in records it may not see?
//!
//! A node is filled with records of one agency; some words occur only in records
//! hidden from a partner (TLP:AMBER and RED above the partner's agreement, drafts,
//! withdrawn records, and superseded versions), others occur nowhere. The partner then
//! searches, in interleaved pairs in random order, a hidden word and an absent word of
//! the same shape, and the share of pairs in which the hidden word took longer is
//! reported — beside the same share for two absent words, the control. If search time
//! depended on hidden words, the first share would stand out from one half; the run
//! fails (exit 1) when it differs from one half by more than `--tolerance`.
//!
//! ```text
//! interdict-search-timing --database-url sqlite:///tmp/timing.db --pairs 400
//! interdict-search-timing --database-url postgres://postgres@127.0.0.1:5432/interdict_timing
//! ```

#[path = "shared/database.rs"]
mod database;

use std::time::Instant;

use chrono::{Duration, Utc};
use clap::Parser;
use interdict_core::{Actor, AgencyCode, Role, Username};
use interdict_service::admin::{Admin, AgreementInput};
use interdict_service::records::ListFilter;
use interdict_service::{Clock, Service, ServiceConfig};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

#[derive(Parser, Debug)]
struct Args {
    /// `sqlite://<file>` (deleted first) or `postgres://…/<db>` (dropped and created).
    #[arg(long)]
    database_url: String,
    /// Pairs of searches to time.
    #[arg(long, default_value_t = 400)]
    pairs: usize,
    /// Records to fill the node with.
    #[arg(long, default_value_t = 3_000)]
    records: usize,
    /// Largest distance from one half allowed for the hidden-word share.
    #[arg(long, default_value_t = 0.1)]
    tolerance: f64,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Search as the owning agency, for whom the hidden words are visible: a check that
    /// the measurement does see a difference where there is one (expect a share near
    /// 100 %; the run then fails by design).
    #[arg(long)]
    as_owner: bool,
}

const SYLLABLES: &[&str] = &[
    "ka", "ro", "mi", "zu", "te", "pa", "lo", "vi", "ne", "su", "da", "go", "ri", "ba", "xe",
];
const HANGUL: &[char] = &[
    '밀', '수', '선', '항', '해', '양', '호', '부', '산', '청', '진', '물',
];

fn word(rng: &mut StdRng, n: usize) -> String {
    (0..n)
        .map(|_| *SYLLABLES.choose(rng).unwrap_or(&"ka"))
        .collect()
}

fn hangul(rng: &mut StdRng, n: usize) -> String {
    (0..n)
        .map(|_| *HANGUL.choose(rng).unwrap_or(&'밀'))
        .collect()
}

fn report(title: &str, tlp: &str, status: &str) -> anyhow::Result<interdict_core::Report> {
    let input: interdict_core::ReportInput = serde_json::from_value(serde_json::json!({
        "title": title,
        "narrative": format!("{title} container vessel"),
        "grading": "B2",
        "handling": { "tlp": tlp, "recipients": if tlp == "RED" { vec!["KR-KCG"] } else { vec![] } },
        "drugs": ["methamphetamine"],
        "status": status,
        "subjects": []
    }))?;
    use interdict_service::records::RecordType as _;
    Ok(interdict_core::Report::build(
        input,
        uuid::Uuid::new_v4(),
        AgencyCode::parse("KR-KCS")?,
        Username::parse("kcs.analyst")?,
        #[allow(clippy::disallowed_methods)]
        Utc::now(),
    ))
}

/// mimalloc rather than the C library's allocator: with the maritime writer on its own
/// thread, glibc's per-thread arenas let a replay's resident memory grow past 1.5 GB
/// on freed batches; mimalloc returns them (380 MB with one arena, in the same run).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<std::process::ExitCode> {
    let args = Args::parse();
    let url = database::prepare(&args.database_url).await?;
    let files = tempfile::tempdir()?;
    let mut config = ServiceConfig::new(files.path());
    config.background = false;
    let service = Service::open(config, &url, Clock::system()).await?;
    let by = Admin::Console;
    let fail = |e: interdict_service::ServiceError| anyhow::anyhow!("{e}");
    for (code, country) in [("KR-KCS", "KR"), ("TH-CUSTOMS", "TH"), ("KR-KCG", "KR")] {
        service
            .create_agency(&by, code, code, country, "customs", "")
            .await
            .map_err(fail)?;
    }
    service
        .create_agreement(
            &by,
            AgreementInput {
                title: "KCS–Thai, up to GREEN".into(),
                parties: vec!["KR-KCS".into(), "TH-CUSTOMS".into()],
                scopes: vec!["intelligence".into()],
                valid_from: service.today() - Duration::days(10),
                valid_to: None,
                max_tlp: "GREEN".into(),
            },
        )
        .await
        .map_err(fail)?;
    // The coast guard receives the RED records that name it (hidden from the partner).
    service
        .create_agreement(
            &by,
            AgreementInput {
                title: "KCS–KCG, up to RED".into(),
                parties: vec!["KR-KCS".into(), "KR-KCG".into()],
                scopes: vec!["intelligence".into()],
                valid_from: service.today() - Duration::days(10),
                valid_to: None,
                max_tlp: "RED".into(),
            },
        )
        .await
        .map_err(fail)?;
    let mut rng = StdRng::seed_from_u64(args.seed);
    // Words of the same shapes: hidden ones go into hidden records only.
    let hidden: Vec<String> = (0..20)
        .map(|i| {
            if i % 2 == 0 {
                word(&mut rng, 4)
            } else {
                hangul(&mut rng, 3)
            }
        })
        .collect();
    let absent: Vec<String> = (0..40)
        .map(|i| {
            if i % 2 == 0 {
                word(&mut rng, 4)
            } else {
                hangul(&mut rng, 3)
            }
        })
        .filter(|w| !hidden.contains(w))
        .collect();
    let mut records = Vec::new();
    for i in 0..args.records {
        let visible = i % 3 == 0;
        let hidden_word = &hidden[i % hidden.len()];
        let (title, tlp, status) = if visible {
            (
                format!("shared {}", word(&mut rng, 3)),
                "GREEN",
                "published",
            )
        } else {
            let (tlp, status) = [
                ("AMBER", "published"),
                ("RED", "published"),
                ("GREEN", "draft"),
                ("AMBER", "published"),
            ][i % 4];
            (format!("{hidden_word} {}", word(&mut rng, 3)), tlp, status)
        };
        records.push(report(&title, tlp, status)?);
    }
    for chunk in records.chunks(1_000) {
        service.import_records(&by, chunk).await.map_err(fail)?;
    }
    // Withdrawn and superseded versions: hidden words in records the partner saw before.
    let owner = Actor {
        user_id: 0,
        username: Username::parse("kcs.analyst")?,
        agency: AgencyCode::parse("KR-KCS")?,
        roles: [Role::Analyst].into_iter().collect(),
    };
    for (i, record) in records
        .iter()
        .filter(|r| r.title.starts_with("shared"))
        .take(60)
        .enumerate()
    {
        let mut input: interdict_core::ReportInput = serde_json::from_value(serde_json::to_value(record)?)
            .or_else(|_| serde_json::from_value(serde_json::json!({
                "title": record.title, "narrative": record.narrative, "grading": "B2",
                "handling": { "tlp": "GREEN", "recipients": [] }, "drugs": [], "status": "published", "subjects": []
            })))?;
        if i % 2 == 0 {
            input.title = format!("{} {}", record.title, hidden[i % hidden.len()]);
            service
                .update_record::<interdict_core::Report>(&owner, record.id, 1, input.clone())
                .await
                .map_err(fail)?;
            input.title = record.title.clone();
            service
                .update_record::<interdict_core::Report>(&owner, record.id, 2, input)
                .await
                .map_err(fail)?;
        } else {
            input.title = format!("{} {}", record.title, hidden[i % hidden.len()]);
            service
                .update_record::<interdict_core::Report>(&owner, record.id, 1, input)
                .await
                .map_err(fail)?;
            service
                .withdraw_record::<interdict_core::Report>(&owner, record.id, "test")
                .await
                .map_err(fail)?;
        }
    }
    service.optimize_storage().await.map_err(fail)?;
    let partner = if args.as_owner {
        owner.clone()
    } else {
        Actor {
            user_id: 0,
            username: Username::parse("thai.analyst")?,
            agency: AgencyCode::parse("TH-CUSTOMS")?,
            roles: [Role::Analyst].into_iter().collect(),
        }
    };
    // Warm-up.
    for q in hidden.iter().chain(&absent).take(40) {
        time(&service, &partner, q).await?;
    }
    let (absent_a, absent_b) = absent.split_at(absent.len() / 2);
    let hidden_share = share(&service, &partner, args.pairs, &hidden, absent_a, &mut rng).await?;
    let control_share = share(&service, &partner, args.pairs, absent_a, absent_b, &mut rng).await?;
    let engine = if url.starts_with("sqlite") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    // The standard deviation of a share of n fair coin tosses.
    let sigma = 0.5 / (args.pairs as f64).sqrt();
    println!(
        "{engine}: hidden word slower than an absent one in {:.1} % of {} pairs (z = {:+.1}); \
         absent vs absent (control): {:.1} % (z = {:+.1})",
        hidden_share * 100.0,
        args.pairs,
        (hidden_share - 0.5) / sigma,
        control_share * 100.0,
        (control_share - 0.5) / sigma,
    );
    service.shutdown().await;
    if (hidden_share - 0.5).abs() > args.tolerance {
        eprintln!("search time depends on words the searcher may not see");
        return Ok(std::process::ExitCode::FAILURE);
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// Times one search by the partner, which must find nothing.
async fn time(service: &Service, partner: &Actor, q: &str) -> anyhow::Result<std::time::Duration> {
    #[allow(clippy::disallowed_methods)]
    let started = Instant::now();
    let page = service
        .search(partner, q, None, ListFilter::default(), None, 25)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let elapsed = started.elapsed();
    anyhow::ensure!(
        page.total == 0 || partner.agency.as_str() == "KR-KCS",
        "{q:?} found {} records",
        page.total
    );
    Ok(elapsed)
}

/// The share of `pairs` interleaved pairs, each in random order, in which a word of `a`
/// took longer than a word of `b`.
async fn share(
    service: &Service,
    partner: &Actor,
    pairs: usize,
    a: &[String],
    b: &[String],
    rng: &mut StdRng,
) -> anyhow::Result<f64> {
    let mut slower = 0usize;
    for i in 0..pairs {
        let x = &a[i % a.len()];
        let y = &b[(i * 7 + 3) % b.len()];
        let (tx, ty) = if rng.gen_bool(0.5) {
            let tx = time(service, partner, x).await?;
            (tx, time(service, partner, y).await?)
        } else {
            let ty = time(service, partner, y).await?;
            (time(service, partner, x).await?, ty)
        };
        if tx > ty {
            slower += 1;
        }
    }
    Ok(slower as f64 / pairs as f64)
}
