//! `interdict-name-index-timing`: how long a node takes to build its index of names
//! (`Service::rebuild_name_index`, what a node does in the background when it starts)
//! for a number of generated reports, and the memory it holds.
//!
//! ```text
//! interdict-name-index-timing --records 100000
//! interdict-name-index-timing --records 200 --seizure-months 60   # the demo's bulk records
//! ```

use std::time::Instant;

use anyhow::Context as _;
use chrono::{TimeZone as _, Utc};
use clap::Parser;
use interdict_core::Report;
use interdict_datagen::{spread, Generator, AGENCIES};
use interdict_service::admin::Admin;
use interdict_service::{Clock, Service, ServiceConfig};

#[derive(Parser, Debug)]
struct Args {
    /// How many generated reports to load.
    #[arg(long, default_value_t = 100_000)]
    records: u64,
    /// Also load the seizures of this many months (the demo loads 60).
    #[arg(long, default_value_t = 0)]
    seizure_months: u32,
    /// The generator's seed.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

/// The resident memory of this process, in MiB (Linux).
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn open(dir: &std::path::Path) -> anyhow::Result<Service> {
    let mut config = ServiceConfig::new(dir);
    config.background = false;
    let url = format!("sqlite://{}?mode=rwc", dir.join("interdict.db").display());
    Service::open(config, &url, Clock::system())
        .await
        .context("open the node")
}

/// mimalloc rather than the C library's allocator: with the maritime writer on its own
/// thread, glibc's per-thread arenas let a replay's resident memory grow past 1.5 GB
/// on freed batches; mimalloc returns them (380 MB with one arena, in the same run).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    {
        let service = open(dir.path()).await?;
        for agency in AGENCIES {
            service
                .create_agency(
                    &Admin::Console,
                    agency.code,
                    agency.name,
                    agency.country,
                    agency.kind.as_str(),
                    agency.contact,
                )
                .await
                .map_err(|e| anyhow::anyhow!("agency {}: {e}", agency.code))?;
        }
        // No agreement here lets a TLP:RED record name another agency.
        let mut generator = Generator::new(args.seed)?.with_red_pairs([]);
        let start = Utc
            .with_ymd_and_hms(2019, 1, 1, 0, 0, 0)
            .single()
            .context("start")?;
        let span = chrono::Duration::days(7 * 365);
        let loading = Instant::now();
        let mut done = 0;
        while done < args.records {
            let n = (args.records - done).min(5_000);
            let batch: Vec<Report> = (done..done + n)
                .map(|i| generator.report(spread(start, span, i, args.records)))
                .collect::<Result<_, _>>()?;
            service
                .import_records(&Admin::Console, &batch)
                .await
                .map_err(|e| anyhow::anyhow!("import: {e}"))?;
            done += n;
        }
        if args.seizure_months > 0 {
            let seizures = generator.seizure_history(start + span, args.seizure_months)?;
            eprintln!("{} seizures", seizures.len());
            service
                .import_records(&Admin::Console, &seizures)
                .await
                .map_err(|e| anyhow::anyhow!("import: {e}"))?;
        }
        eprintln!(
            "loaded {} reports in {:.1} s (the import indexes their names as it goes)",
            args.records,
            loading.elapsed().as_secs_f64()
        );
        service.shutdown().await;
    }
    // A node starting on this database.
    let service = open(dir.path()).await?;
    let before = rss_mib();
    let started = Instant::now();
    let stats = service
        .rebuild_name_index()
        .await
        .map_err(|e| anyhow::anyhow!("build: {e}"))?;
    let elapsed = started.elapsed();
    let after = rss_mib();
    println!(
        "{{\"records\": {}, \"indexed\": {}, \"subjects\": {}, \"read_s\": {:.3}, \"index_s\": {:.3}, \"total_s\": {:.3}, \"rss_before_mib\": {:.0}, \"rss_after_mib\": {:.0}}}",
        stats.records,
        stats.indexed,
        stats.subjects,
        stats.read.as_secs_f64(),
        stats.index.as_secs_f64(),
        elapsed.as_secs_f64(),
        before,
        after,
    );
    service.shutdown().await;
    Ok(())
}
