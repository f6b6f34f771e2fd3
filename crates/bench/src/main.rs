//! `interdict-bench`: loads many reports into a fresh database, then measures listing
//! and search through the service layer as a partner user and as a user who sees only
//! their own agency's records.
//!
//! ```text
//! interdict-bench --database-url sqlite:///tmp/bench/interdict.db --records 1000000 --out sqlite.json
//! interdict-bench --database-url postgres://postgres@127.0.0.1:5432/interdict_bench --out pg.json
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};
use clap::Parser;
use interdict_core::record::DrugType;
use interdict_core::{Actor, AgencyCode, RecordKind, Report, Role, Scope, Subject, Tlp, Username};
use interdict_datagen::{spread, Generator, AGENCIES};
use interdict_service::admin::{Admin, AgreementInput};
use interdict_service::records::ListFilter;
use interdict_service::{Clock, Dialect, Service, ServiceConfig};
use serde::Serialize;
use sqlx::Connection as _;
use sqlx::Executor as _;

/// The reports of the benchmark, from `interdict-datagen`, created one after the other
/// over the seven years before 2026.
struct Reports {
    generator: Generator,
    start: DateTime<Utc>,
    n_generated: u64,
    n_total: u64,
    /// A vessel name that occurs in few reports, for the selective search: the first
    /// one named in the second half.
    rare_vessel: Option<String>,
}

impl Reports {
    fn new(seed: u64, n_total: u64) -> anyhow::Result<Self> {
        Ok(Self {
            generator: Generator::new(seed)?.with_red_pairs(red_pairs()?),
            start: Utc
                .with_ymd_and_hms(2019, 1, 1, 0, 0, 0)
                .single()
                .context("start time")?,
            n_generated: 0,
            n_total,
            rare_vessel: None,
        })
    }

    fn next(&mut self) -> anyhow::Result<Report> {
        let span = chrono::Duration::days(7 * 365);
        let at = spread(self.start, span, self.n_generated, self.n_total);
        let report = self.generator.report(at)?;
        if self.rare_vessel.is_none() && self.n_generated >= self.n_total / 2 {
            self.rare_vessel = report.subjects.iter().find_map(|subject| match subject {
                Subject::Vessel(vessel) => vessel.name.clone(),
                _ => None,
            });
        }
        self.n_generated += 1;
        Ok(report)
    }
}

/// Load reports into a fresh database and measure listing and search latency.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// `sqlite://<file>` (the file and its WAL are deleted first) or
    /// `postgres://user@host:port/<db>` (the database is dropped and created).
    #[arg(long)]
    database_url: String,
    /// How many reports to load.
    #[arg(long, default_value_t = 1_000_000)]
    records: u64,
    /// Reports per import transaction (one audit event each).
    #[arg(long, default_value_t = 1_000)]
    batch: usize,
    /// How many times each query scenario runs.
    #[arg(long, default_value_t = 200)]
    queries: usize,
    /// Seed of the report generator.
    #[arg(long, default_value_t = 20_261_121)]
    seed: u64,
    /// Page size of listings and searches.
    #[arg(long, default_value_t = 50)]
    page: i64,
    /// Keep the database as it is and only run the queries (after an earlier run with
    /// the same seed and size).
    #[arg(long)]
    skip_import: bool,
    /// Where to write the results as JSON.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Serialize)]
struct Results {
    engine: &'static str,
    records: u64,
    batch: usize,
    queries: usize,
    import: Option<ImportResult>,
    scenarios: Vec<ScenarioResult>,
}

#[derive(Serialize)]
struct ImportResult {
    seconds: f64,
    records_per_second: f64,
    /// Including the time spent generating the reports.
    overall_records_per_second: f64,
}

#[derive(Serialize)]
struct ScenarioResult {
    user: String,
    scenario: String,
    runs: usize,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    /// Items on the last page returned.
    items: usize,
    /// The (capped) total the last page reported.
    total: i64,
    total_capped: bool,
}

/// mimalloc rather than the C library's allocator: with the maritime writer on its own
/// thread, glibc's per-thread arenas let a replay's resident memory grow past 1.5 GB
/// on freed batches; mimalloc returns them (380 MB with one arena, in the same run).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.batch == 0 || args.queries == 0 || args.records == 0 {
        bail!("--batch, --queries and --records must be positive");
    }
    let url = prepare_database(&args.database_url, args.skip_import).await?;
    let files = std::env::temp_dir().join(format!("interdict-bench-{}", std::process::id()));
    let mut config = ServiceConfig::new(&files);
    config.background = false;
    let state = Service::open(config, &url, Clock::system())
        .await
        .with_context(|| format!("cannot open {}", redact(&url)))?;
    let engine = match state.dialect() {
        Dialect::Sqlite => "sqlite",
        Dialect::Postgres => "postgres",
    };
    let mut generator = Reports::new(args.seed, args.records)?;
    let import = if args.skip_import {
        // Replay the generator to learn the rare vessel name of this seed and size.
        for _ in 0..=args.records / 2 {
            generator.next()?;
        }
        None
    } else {
        seed_agencies(&state).await?;
        Some(import(&state, &mut generator, &args).await?)
    };
    let rare_vessel = generator
        .rare_vessel
        .clone()
        .context("no vessel was generated")?;
    let scenarios = measure(&state, &args, &rare_vessel).await?;
    let results = Results {
        engine,
        records: args.records,
        batch: args.batch,
        queries: args.queries,
        import,
        scenarios,
    };
    print_table(&results, &rare_vessel);
    if let Some(out) = &args.out {
        let json = serde_json::to_string_pretty(&results)?;
        std::fs::write(out, json + "\n")
            .with_context(|| format!("cannot write {}", out.display()))?;
    }
    state.shutdown().await;
    let _ = std::fs::remove_dir_all(&files);
    Ok(())
}

/// Deletes the SQLite file or recreates the PostgreSQL database; returns the URL to open.
async fn prepare_database(url: &str, keep: bool) -> anyhow::Result<String> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        if path.is_empty() || path == ":memory:" {
            bail!("give a SQLite file, like sqlite:///tmp/bench/interdict.db");
        }
        if !keep {
            if let Some(dir) = std::path::Path::new(path).parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            for suffix in ["", "-wal", "-shm"] {
                let file = format!("{path}{suffix}");
                match std::fs::remove_file(&file) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e).with_context(|| format!("cannot delete {file}")),
                }
            }
        }
        return Ok(format!("sqlite://{path}?mode=rwc"));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let (server, db) = url
            .rsplit_once('/')
            .filter(|(server, db)| {
                server.contains("//") && !server.ends_with('/') && !db.is_empty()
            })
            .context("the postgres url must name a database, like .../interdict_bench")?;
        let db = db.split('?').next().unwrap_or(db);
        if !db
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            || matches!(db, "postgres" | "template0" | "template1")
        {
            bail!(
                "refusing to recreate database {db:?}: use a dedicated name like interdict_bench"
            );
        }
        if !keep {
            let mut admin = sqlx::postgres::PgConnection::connect(&format!("{server}/postgres"))
                .await
                .context("cannot reach PostgreSQL")?;
            admin
                .execute(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)").as_str())
                .await?;
            admin
                .execute(format!("CREATE DATABASE {db}").as_str())
                .await?;
            admin.close().await?;
        }
        return Ok(url.to_owned());
    }
    bail!("database url must start with sqlite:// or postgres://")
}

fn redact(url: &str) -> String {
    match url.split_once('@') {
        Some((_, host)) => format!("…@{host}"),
        None => url.to_owned(),
    }
}

fn code(raw: &str) -> anyhow::Result<AgencyCode> {
    Ok(AgencyCode::parse(raw)?)
}

/// The agreements of the benchmark's world: parties, scopes and the highest label.
fn agreements() -> [(&'static str, [&'static str; 2], Vec<Scope>, Tlp); 3] {
    [
        (
            "KCG-KCS maritime cooperation",
            ["KR-KCG", "KR-KCS"],
            Scope::ALL.to_vec(),
            Tlp::Amber,
        ),
        (
            "KCS-Thai Customs drug enforcement",
            ["KR-KCS", "TH-CUSTOMS"],
            vec![Scope::Intelligence, Scope::Seizures],
            Tlp::Green,
        ),
        (
            "KCS-HSI intelligence exchange",
            ["KR-KCS", "US-HSI"],
            vec![Scope::Intelligence],
            Tlp::Amber,
        ),
    ]
}

/// The TLP:RED recipients the agreements let the generated reports name.
fn red_pairs() -> anyhow::Result<Vec<(RecordKind, AgencyCode, AgencyCode)>> {
    let mut pairs = Vec::new();
    for (_, parties, scopes, max_tlp) in agreements() {
        pairs.extend(interdict_datagen::red_pairs(parties, &scopes, max_tlp)?);
    }
    Ok(pairs)
}

async fn seed_agencies(state: &Service) -> anyhow::Result<()> {
    let by = Admin::Console;
    for agency in AGENCIES {
        state
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
    let valid_from = NaiveDate::from_ymd_opt(2018, 1, 1).context("date")?;
    for (title, parties, scopes, max_tlp) in agreements() {
        state
            .create_agreement(
                &by,
                AgreementInput {
                    title: title.to_owned(),
                    parties: parties.iter().map(|p| (*p).to_owned()).collect(),
                    scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
                    valid_from,
                    valid_to: None,
                    max_tlp: max_tlp.as_str().to_owned(),
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("agreement {title}: {e}"))?;
    }
    Ok(())
}

async fn import(
    state: &Service,
    generator: &mut Reports,
    args: &Args,
) -> anyhow::Result<ImportResult> {
    let started = Instant::now();
    let mut in_store = Duration::ZERO;
    let mut done = 0u64;
    let mut last_report = Instant::now();
    while done < args.records {
        let n = usize::try_from((args.records - done).min(args.batch as u64))?;
        let batch: Vec<Report> = (0..n)
            .map(|_| generator.next())
            .collect::<anyhow::Result<_>>()?;
        let t = Instant::now();
        state
            .import_records(&Admin::Console, &batch)
            .await
            .map_err(|e| anyhow::anyhow!("import: {e}"))?;
        in_store += t.elapsed();
        done += n as u64;
        if last_report.elapsed() > Duration::from_secs(30) {
            last_report = Instant::now();
            eprintln!(
                "imported {done} of {} ({:.0}/s)",
                args.records,
                done as f64 / in_store.as_secs_f64()
            );
        }
    }
    let t = Instant::now();
    state
        .optimize_storage()
        .await
        .map_err(|e| anyhow::anyhow!("optimize: {e}"))?;
    eprintln!("optimize: {:.1} s", t.elapsed().as_secs_f64());
    let overall = started.elapsed();
    Ok(ImportResult {
        seconds: in_store.as_secs_f64(),
        records_per_second: done as f64 / in_store.as_secs_f64(),
        overall_records_per_second: done as f64 / overall.as_secs_f64(),
    })
}

fn analyst(agency: &str) -> anyhow::Result<Actor> {
    Ok(Actor {
        user_id: 1,
        username: Username::parse(
            &AGENCIES
                .iter()
                .find(|spec| spec.code == agency)
                .context("no such agency")?
                .analyst(),
        )?,
        agency: code(agency)?,
        roles: [Role::Analyst].into_iter().collect(),
    })
}

/// One measured query: what it returned.
struct Outcome {
    items: usize,
    total: i64,
    total_capped: bool,
    next_cursor: Option<String>,
}

enum Query {
    List {
        filter: ListFilter,
        /// Start at this position and follow the cursor from page to page.
        deep_from: Option<i64>,
    },
    Search(&'static str),
    SearchOwned(String),
}

async fn run_query(
    state: &Service,
    actor: &Actor,
    query: &Query,
    cursor: Option<&str>,
    page: i64,
) -> anyhow::Result<Outcome> {
    match query {
        Query::List { filter, .. } => {
            let p = state
                .list_records::<Report>(actor, filter, cursor, page)
                .await
                .map_err(|e| anyhow::anyhow!("list: {e}"))?;
            Ok(Outcome {
                items: p.items.len(),
                total: p.total,
                total_capped: p.total_capped,
                next_cursor: p.next_cursor,
            })
        }
        Query::Search(q) => search(state, actor, q, page).await,
        Query::SearchOwned(q) => search(state, actor, q, page).await,
    }
}

async fn search(state: &Service, actor: &Actor, q: &str, page: i64) -> anyhow::Result<Outcome> {
    let p = state
        .search(actor, q, None, ListFilter::default(), None, page)
        .await
        .map_err(|e| anyhow::anyhow!("search {q:?}: {e}"))?;
    Ok(Outcome {
        items: p.items.len(),
        total: p.total,
        total_capped: p.total_capped,
        next_cursor: p.next_cursor,
    })
}

async fn measure(
    state: &Service,
    args: &Args,
    rare_vessel: &str,
) -> anyhow::Result<Vec<ScenarioResult>> {
    let middle = state
        .record_positions()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        / 2
        + 1;
    let scenarios: Vec<(&str, Query)> = vec![
        (
            "list first page",
            Query::List {
                filter: ListFilter::default(),
                deep_from: None,
            },
        ),
        (
            "list deep pages (cursor)",
            Query::List {
                filter: ListFilter::default(),
                deep_from: Some(middle),
            },
        ),
        (
            "list drug=cocaine",
            Query::List {
                filter: ListFilter {
                    drug: Some(DrugType::Cocaine),
                    ..ListFilter::default()
                },
                deep_from: None,
            },
        ),
        (
            "search vessel name",
            Query::SearchOwned(rare_vessel.to_owned()),
        ),
        ("search \"container\"", Query::Search("container")),
        ("search \"부산\"", Query::Search("부산")),
        ("search \"แหลมฉบัง\"", Query::Search("แหลมฉบัง")),
    ];
    let users = [
        ("KR-KCG (partner of KCS)", analyst("KR-KCG")?),
        ("JP-CUSTOMS (own only)", analyst("JP-CUSTOMS")?),
    ];
    let mut results = Vec::new();
    for (user_label, actor) in &users {
        for (name, query) in &scenarios {
            let deep_from = match query {
                Query::List { deep_from, .. } => *deep_from,
                _ => None,
            };
            // One untimed run warms caches and prepared statements.
            let start = deep_from.map(|p| state.benchmark_cursor(actor, "report", p));
            let mut cursor = start.clone();
            let warm = run_query(state, actor, query, cursor.as_deref(), args.page).await?;
            if deep_from.is_some() {
                cursor = warm.next_cursor.clone().or(start.clone());
            }
            let mut times = Vec::with_capacity(args.queries);
            let mut last = warm;
            for _ in 0..args.queries {
                let t = Instant::now();
                let outcome = run_query(state, actor, query, cursor.as_deref(), args.page).await?;
                times.push(t.elapsed());
                if deep_from.is_some() {
                    cursor = outcome.next_cursor.clone().or(start.clone());
                }
                last = outcome;
            }
            let result = summarise(user_label, name, &mut times, &last);
            eprintln!(
                "{:<26} {:<28} p50 {:>8.2} ms  p99 {:>8.2} ms",
                result.user, result.scenario, result.p50_ms, result.p99_ms
            );
            results.push(result);
        }
    }
    Ok(results)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    // Nearest rank: the smallest value with at least p% of the values at or below it.
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

fn summarise(user: &str, scenario: &str, times: &mut [Duration], last: &Outcome) -> ScenarioResult {
    times.sort();
    ScenarioResult {
        user: user.to_owned(),
        scenario: scenario.to_owned(),
        runs: times.len(),
        p50_ms: percentile(times, 50.0),
        p95_ms: percentile(times, 95.0),
        p99_ms: percentile(times, 99.0),
        max_ms: percentile(times, 100.0),
        items: last.items,
        total: last.total,
        total_capped: last.total_capped,
    }
}

fn print_table(results: &Results, rare_vessel: &str) {
    println!();
    println!(
        "== {} · {} reports · batch {} · {} runs per scenario ==",
        results.engine, results.records, results.batch, results.queries
    );
    if let Some(import) = &results.import {
        println!(
            "import: {:.0} records/s in the store ({:.1} s), {:.0} records/s with generation",
            import.records_per_second, import.seconds, import.overall_records_per_second
        );
    }
    println!("vessel searched: {rare_vessel:?}");
    println!(
        "{:<26} {:<28} {:>9} {:>9} {:>9} {:>9} {:>6} {:>7}",
        "user", "scenario", "p50 ms", "p95 ms", "p99 ms", "max ms", "items", "total"
    );
    for s in &results.scenarios {
        let total = if s.total_capped {
            format!(">{}", s.total)
        } else {
            s.total.to_string()
        };
        println!(
            "{:<26} {:<28} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>6} {:>7}",
            s.user, s.scenario, s.p50_ms, s.p95_ms, s.p99_ms, s.max_ms, s.items, total
        );
    }
}
