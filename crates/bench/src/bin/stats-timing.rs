//! `interdict-stats-timing`: how long seizure statistics take at scale, as a partner
//! with need-to-know applied, beside the same figures written plainly in SQL over the
//! records table with no access filter.
//!
//! A node is filled with `--seizures` generated seizures of the five agencies over five
//! years (bulk import, so the pre-aggregated statistics are kept as in production), the
//! KCS–Thai agreement shares seizures up to GREEN, and Thai customs asks for cases and
//! kilograms by drug and month. The plain query reads every seizure's JSON body.
//!
//! ```text
//! interdict-stats-timing --database-url sqlite:///tmp/stats.db --seizures 1000000
//! interdict-stats-timing --database-url postgres://postgres@127.0.0.1:5432/interdict_stats --seizures 1000000
//! ```
//!
//! The plain query is the one place a benchmark speaks SQL to the database itself: it
//! is the baseline the service is compared with, not a way in for data.

#[path = "shared/database.rs"]
mod database;

use std::time::{Duration as StdDuration, Instant};

use anyhow::Context as _;
use chrono::{Duration, Utc};
use clap::Parser;
use interdict_core::policy::Principal;
use interdict_core::{Actor, AgencyCode, Role, Username};
use interdict_datagen::{Generator, AGENCIES};
use interdict_service::admin::{Admin, AgreementInput};
use interdict_service::stats::StatsRequest;
use interdict_service::{Clock, Service, ServiceConfig};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::{Connection as _, Row as _};

#[derive(Parser, Debug)]
struct Args {
    /// `sqlite://<file>` (deleted first) or `postgres://…/<db>` (dropped and created).
    #[arg(long)]
    database_url: String,
    /// Seizures to load.
    #[arg(long, default_value_t = 100_000)]
    seizures: usize,
    /// Times each query is run (the median is reported).
    #[arg(long, default_value_t = 11)]
    runs: usize,
    /// Times the plain query is run.
    #[arg(long, default_value_t = 3)]
    plain_runs: usize,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Keep the database and load only the seizures it lacks to reach `--seizures`
    /// (a long load taken up again after a stop; each batch of the import is one
    /// transaction, so a stop loses at most the batch under way).
    #[arg(long)]
    resume: bool,
}

/// mimalloc rather than the C library's allocator: with the maritime writer on its own
/// thread, glibc's per-thread arenas let a replay's resident memory grow past 1.5 GB
/// on freed batches; mimalloc returns them (380 MB with one arena, in the same run).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let (url, held) = if args.resume {
        let url = args.database_url.clone();
        (url.clone(), database::count_seizures(&url).await?)
    } else {
        (database::prepare(&args.database_url).await?, 0)
    };
    let files = tempfile::tempdir()?;
    let mut config = ServiceConfig::new(files.path());
    config.background = false;
    let service = Service::open(config, &url, Clock::system()).await?;
    let by = Admin::Console;
    let fail = |e: interdict_service::ServiceError| anyhow::anyhow!("{e}");
    for spec in AGENCIES.iter().filter(|_| !args.resume) {
        service
            .create_agency(&by, spec.code, spec.name, spec.country, "customs", "")
            .await
            .map_err(fail)?;
    }
    if !args.resume {
        service
            .create_agreement(
                &by,
                AgreementInput {
                    title: "KCS–Thai seizures, up to GREEN".into(),
                    parties: vec!["KR-KCS".into(), "TH-CUSTOMS".into()],
                    scopes: vec!["seizures".into()],
                    valid_from: service.today() - Duration::days(10),
                    valid_to: None,
                    max_tlp: "GREEN".into(),
                },
            )
            .await
            .map_err(fail)?;
    }
    // Taken up again: other seizures than the first run's, from the same generator.
    let seed = args.seed + held as u64;
    // The one agreement stops at GREEN: no TLP:RED record names another agency.
    let mut generator = Generator::new(seed)?.with_red_pairs([]);
    let mut rng = StdRng::seed_from_u64(seed);
    #[allow(clippy::disallowed_methods)]
    let now = Utc::now();
    let today = now.date_naive();
    #[allow(clippy::disallowed_methods)]
    let started = Instant::now();
    let mut loaded = held;
    if held > 0 {
        eprintln!("{held} seizures already held");
    }
    while loaded < args.seizures {
        let n = (args.seizures - loaded).min(10_000);
        let mut batch = Vec::with_capacity(n);
        for _ in 0..n {
            let day = today - Duration::days(rng.gen_range(0..1_825));
            let at = day
                .and_hms_opt(12, 0, 0)
                .context("noon")?
                .and_utc()
                .min(now);
            batch.push(generator.seizure(day, at)?);
        }
        service.import_records(&by, &batch).await.map_err(fail)?;
        loaded += n;
        eprint!("\rloaded {loaded} seizures");
    }
    eprintln!(" in {:.0} s", started.elapsed().as_secs_f64());
    service.optimize_storage().await.map_err(fail)?;

    let partner = Principal::User(Actor {
        user_id: 0,
        username: Username::parse("thai.analyst")?,
        agency: AgencyCode::parse("TH-CUSTOMS")?,
        roles: [Role::Analyst].into_iter().collect(),
    });
    let request = StatsRequest::parse("drug,month", None, None).map_err(fail)?;
    let mut partner_times = Vec::new();
    let mut cells = 0;
    for _ in 0..args.runs {
        #[allow(clippy::disallowed_methods)]
        let started = Instant::now();
        let statistics = service
            .seizure_statistics(&partner, &request)
            .await
            .map_err(fail)?;
        partner_times.push(started.elapsed());
        cells = statistics.cells.len();
    }
    let system = Principal::System { job: "benchmark" };
    let mut node_times = Vec::new();
    for _ in 0..args.runs {
        #[allow(clippy::disallowed_methods)]
        let started = Instant::now();
        service
            .seizure_statistics(&system, &request)
            .await
            .map_err(fail)?;
        node_times.push(started.elapsed());
    }
    service.shutdown().await;

    let (plain_times, plain_cells) = plain(&url, args.plain_runs).await?;
    let engine = if url.starts_with("sqlite") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let partner = median(&mut partner_times);
    let node = median(&mut node_times);
    let mut plain_times = plain_times;
    let plain = median(&mut plain_times);
    println!(
        "{engine}, {} seizures, by drug and month: partner with need-to-know {:.1} ms \
         ({cells} cells), the node itself {:.1} ms, plain SQL over the records without \
         access filter {:.1} ms ({plain_cells} cells); plain / partner = {:.1}",
        args.seizures,
        ms(partner),
        ms(node),
        ms(plain),
        plain.as_secs_f64() / partner.as_secs_f64().max(1e-9),
    );
    Ok(())
}

fn ms(d: StdDuration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(times: &mut [StdDuration]) -> StdDuration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Cases, kilograms and tablets per drug and month of every published seizure, read
/// from the records' JSON bodies. Returns the times and the number of cells.
async fn plain(url: &str, runs: usize) -> anyhow::Result<(Vec<StdDuration>, usize)> {
    let kg = "CASE json_unit WHEN 'g' THEN json_qty / 1000.0 WHEN 'kg' THEN json_qty \
              WHEN 'litres' THEN json_qty ELSE 0 END";
    let tablets = "CASE json_unit WHEN 'tablets' THEN json_qty ELSE 0 END";
    let mut times = Vec::new();
    let mut cells = 0;
    if url.starts_with("sqlite") {
        let sql = format!(
            "SELECT drug, month, COUNT(DISTINCT seq) AS cases, SUM({kg}) AS kg, SUM({tablets}) AS tablets FROM (\
             SELECT r.seq, substr(r.occurred_on, 1, 7) AS month, json_extract(i.value, '$.drug') AS drug, \
             json_extract(i.value, '$.unit') AS json_unit, json_extract(i.value, '$.quantity') AS json_qty \
             FROM records r, json_each(r.body, '$.items') i \
             WHERE r.kind = 'seizure' AND r.status = 'published') GROUP BY drug, month"
        );
        let mut conn = sqlx::sqlite::SqliteConnection::connect(url).await?;
        for _ in 0..runs {
            #[allow(clippy::disallowed_methods)]
            let started = Instant::now();
            let rows = sqlx::query(&sql).fetch_all(&mut conn).await?;
            times.push(started.elapsed());
            cells = rows.len();
            let _: Option<i64> = rows.first().map(|r| r.get("cases"));
        }
    } else {
        let sql = format!(
            "SELECT drug, month, COUNT(DISTINCT seq) AS cases, SUM({kg}) AS kg, SUM({tablets}) AS tablets FROM (\
             SELECT r.seq, to_char(r.occurred_on, 'YYYY-MM') AS month, i->>'drug' AS drug, \
             i->>'unit' AS json_unit, (i->>'quantity')::float8 AS json_qty \
             FROM records r, jsonb_array_elements(r.body::jsonb -> 'items') i \
             WHERE r.kind = 'seizure' AND r.status = 'published') x GROUP BY drug, month"
        );
        let mut conn = sqlx::postgres::PgConnection::connect(url).await?;
        for _ in 0..runs {
            #[allow(clippy::disallowed_methods)]
            let started = Instant::now();
            let rows = sqlx::query(&sql).fetch_all(&mut conn).await?;
            times.push(started.elapsed());
            cells = rows.len();
            let _: Option<i64> = rows.first().map(|r| r.get("cases"));
        }
    }
    Ok((times, cells))
}
